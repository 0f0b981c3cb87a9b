"""One-statement inserts (``ivp.web.inserts``): the same rows as Model.save(), all or nothing.

Runs on both databases: on PostgreSQL this is the one ``INSERT ... WITH`` statement, on SQLite the ORM path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.utils import timezone

from ivp.web.audit import services as audit
from ivp.web.audit.models import Action, AuditEvent
from ivp.web.inserts import Linked, insert_linked
from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Contact, Kanaal, Melding, StatusWijziging

MOMENT = dt.datetime(2026, 3, 14, 21, 30, tzinfo=dt.UTC)


def _rows(tag: str) -> tuple[Melding, list[Linked]]:
    category = Category.objects.get(slug="drugsoverlast")
    melding = Melding(
        categorie=category,
        tekst=f"Dealen bij het speelveld {tag}",
        tijd_van=MOMENT,
        buurt_code="BU05050101",
        buurt_naam="Groenmarkt en omgeving",
        lat=51.8133,
        lon=4.669,
        volgcode_hash=f"hash-{tag}",
        kanaal=Kanaal.OPEN311,
        extern_id=f"1:{tag}",
        aangemaakt=MOMENT,
    )
    history = StatusWijziging(van="", naar="gemeld", op=MOMENT)
    contact = Contact(naam="J. de Vries", email="j@example.nl", telefoon="0612345678")
    event = audit.event("app", Action.CREATE, "melding", after={"kanaal": "open311", "contact": True})
    return melding, [
        Linked(history, "melding_id"),
        Linked(contact, "melding_id"),
        Linked(event, "object_id", True),
    ]


def _saved_one_by_one(tag: str) -> tuple[Melding, list[Any]]:
    melding, linked = _rows(tag)
    melding.save()
    for row in linked:
        setattr(row.obj, row.field, str(melding.pk) if row.as_text else melding.pk)
        row.obj.save()
    return melding, [row.obj for row in linked]


def _stored(obj: Any, *skip: str) -> dict[str, Any]:
    fresh = type(obj).objects.get(pk=obj.pk)
    fields = [f.name for f in type(obj)._meta.concrete_fields if f.name not in ("id", *skip)]
    return {name: getattr(fresh, name) for name in fields}


def test_same_rows_as_model_save(db: Any) -> None:
    reference, reference_rows = _saved_one_by_one("a")
    melding, linked = _rows("b")
    insert_linked(melding, linked)
    assert melding.pk is not None
    assert melding.pk != reference.pk
    assert not melding._state.adding
    differing = ("tekst", "volgcode_hash", "extern_id", "gewijzigd")
    assert _stored(melding, *differing) == _stored(reference, *differing)
    assert Melding.objects.get(pk=melding.pk).tekst == "Dealen bij het speelveld b"
    # auto_now fields are set at insert, as save() sets them
    assert abs(Melding.objects.get(pk=melding.pk).gewijzigd - timezone.now()) < dt.timedelta(minutes=1)
    for row, expected in zip(linked, reference_rows, strict=True):
        assert row.obj.pk is not None
        skip = ("melding", "object_id", "at")
        assert _stored(row.obj, *skip) == _stored(expected, *skip)
    history, contact, event = (row.obj for row in linked)
    assert StatusWijziging.objects.get(pk=history.pk).melding_id == melding.pk
    assert Contact.objects.get(pk=contact.pk).melding_id == melding.pk
    stored_event = AuditEvent.objects.get(pk=event.pk)
    assert stored_event.object_id == str(melding.pk) == getattr(event, "object_id", None)
    assert stored_event.after == {"kanaal": "open311", "contact": True}  # JSON round trip
    assert model_to_dict(Contact.objects.get(pk=contact.pk))["email"] == "j@example.nl"


def test_refused_insert_writes_nothing(db: Any) -> None:
    first, linked = _rows("dubbel")
    insert_linked(first, linked)
    counts = (Melding.objects.count(), StatusWijziging.objects.count(), AuditEvent.objects.count())
    again, linked_again = _rows("dubbel")  # same kanaal and extern_id: the unique constraint refuses it
    again.volgcode_hash = "hash-ander"
    with pytest.raises(IntegrityError):
        insert_linked(again, linked_again)
    assert again.pk is None
    assert (Melding.objects.count(), StatusWijziging.objects.count(), AuditEvent.objects.count()) == counts


def test_refused_insert_inside_a_transaction_leaves_it_usable(db: Any) -> None:
    first, linked = _rows("x")
    insert_linked(first, linked)
    with transaction.atomic():
        again, linked_again = _rows("x")
        again.volgcode_hash = "hash-y"
        with pytest.raises(IntegrityError):
            insert_linked(again, linked_again)
        other, other_linked = _rows("z")
        insert_linked(other, other_linked)  # the outer transaction goes on
    assert Melding.objects.filter(extern_id__in=["1:x", "1:z"]).count() == 2


def test_only_new_rows_and_no_models_with_save_signals(db: Any) -> None:
    melding, linked = _rows("s")
    insert_linked(melding, linked)
    with pytest.raises(ValueError, match="only new rows"):
        insert_linked(melding, [])

    def receiver(**_kwargs: Any) -> None:
        pass

    post_save.connect(receiver, sender=Contact, dispatch_uid="test-inserts")
    try:
        fresh, fresh_linked = _rows("t")
        with pytest.raises(ValueError, match="save signal receivers"):
            insert_linked(fresh, fresh_linked)
    finally:
        post_save.disconnect(dispatch_uid="test-inserts", sender=Contact)
    assert not Melding.objects.filter(extern_id="1:t").exists()


def test_link_field_must_exist(db: Any) -> None:
    melding, _ = _rows("l")
    with pytest.raises(ValueError, match="no field 'melding_nummer'"):
        insert_linked(melding, [Linked(StatusWijziging(naar="gemeld"), "melding_nummer")])


def test_create_melding_stores_every_row(db: Any) -> None:
    category = Category.objects.get(slug="straatintimidatie")
    melding, _code = services.create_melding(
        services.NewMelding(categorie=category, tekst="Nageroepen", naam="Piet", kanaal=Kanaal.OPEN311)
    )
    assert StatusWijziging.objects.filter(melding=melding).count() == 1
    assert Contact.objects.get(melding=melding).naam == "Piet"
    assert (
        AuditEvent.objects.filter(object_type="melding", object_id=str(melding.pk), action="create").count()
        == 1
    )
    services.create_melding(services.NewMelding(categorie=category, tekst="Zonder contact"))
    assert Contact.objects.count() == 1  # no empty contact row


def test_values_of_other_types_are_converted_as_save_converts_them(db: Any) -> None:
    """Values outside the fast path (int in a text field, Decimal/int coordinates, naive time) go through
    Django's conversion: stored exactly as ``Model.save()`` stores them."""

    def odd(tag: str) -> tuple[Melding, list[Linked]]:
        melding, linked = _rows(tag)
        melding.buurt_code = 5050101
        melding.lat = Decimal("51.81")  # type: ignore[assignment]
        melding.lon = 4
        melding.tijd_tot = dt.datetime(2026, 3, 14, 23, 0)  # naive: Django warns and makes it aware
        melding.afgehandeld_op = timezone.now().date()
        return melding, linked

    reference, _ = odd("ref")
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        reference.save()
    melding, linked = odd("new")
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        insert_linked(melding, linked)
    stored = Melding.objects.get(pk=melding.pk)
    assert stored.buurt_code == "5050101"
    assert (stored.lat, stored.lon) == (51.81, 4.0)
    differing = ("tekst", "volgcode_hash", "extern_id", "gewijzigd")
    assert _stored(melding, *differing) == _stored(reference, *differing)
