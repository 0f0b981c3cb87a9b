"""The retention command erases personal data after the configured period, and only then."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import time_machine
from django.core.management import call_command

from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import services, workflow
from ivp.web.meldingen.models import Bericht, Category, Contact, Melding

START = dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.UTC)


def test_personal_data_erased_after_retention(actors: dict[str, Any], settings: Any) -> None:
    settings.RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        melding, code = services.create_melding(
            services.NewMelding(
                categorie=Category.objects.get(slug="overig"),
                tekst="Buurman Piet Jansen schreeuwt.",
                buurt_code="BU05050101",
                straat="Voorstraat",
                naam="Anna",
                email="anna@example.nl",
            )
        )
        melding.team = actors["team_a"]
        melding.save()
        services.answer(melding.pk, actors["member"], "We komen langs.")
        services.change_status(melding.pk, workflow.AFGEHANDELD, actors["member"])
        open_melding, _ = services.create_melding(
            services.NewMelding(categorie=Category.objects.get(slug="overig"), tekst="Nog open.", naam="Bob")
        )
    out = io.StringIO()
    with time_machine.travel(START + dt.timedelta(days=29), tick=False):
        call_command("ivp_bewaartermijn", stdout=out)
    assert "0 meldingen" in out.getvalue()
    assert Melding.objects.get(pk=melding.pk).tekst
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        call_command("ivp_bewaartermijn", stdout=out)
    erased = Melding.objects.get(pk=melding.pk)
    assert (erased.tekst, erased.straat, erased.volgcode_hash, erased.gewist_op) == (
        "",
        "",
        None,
        START + dt.timedelta(days=31),
    )
    assert (erased.categorie.slug, erased.buurt_code, erased.status) == (
        "overig",
        "BU05050101",
        workflow.AFGEHANDELD,
    )
    assert not Contact.objects.filter(melding=melding).exists()
    assert set(Bericht.objects.filter(melding=melding).values_list("tekst", flat=True)) == {""}
    assert services.find_by_code(code) is None
    assert Melding.objects.get(pk=open_melding.pk).tekst == "Nog open."
    assert Contact.objects.filter(melding=open_melding).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(melding.pk)).count() == 1
    call_command("ivp_bewaartermijn", stdout=out)  # idempotent: nothing more to erase
    assert AuditEvent.objects.filter(action="delete").count() == 1
