"""The one service: create, workflow transitions with history, answers, follow-up codes, audit rows."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from scipy import stats

from ivp.web.accounts.models import Team
from ivp.web.audit.models import AppendOnlyError, AuditEvent
from ivp.web.meldingen import services, workflow
from ivp.web.meldingen.models import Category, Contact, Melding, RoutingRule, StatusWijziging


def _new(**kwargs: Any) -> services.NewMelding:
    base: dict[str, Any] = {
        "categorie": Category.objects.get(slug="drugsoverlast"),
        "tekst": "Er wordt gedeald.",
        "buurt_code": "BU05050101",
    }
    base.update(kwargs)
    return services.NewMelding(**base)


def test_default_categories(db: Any) -> None:
    assert list(Category.objects.values_list("naam", flat=True)) == [
        "Straatintimidatie",
        "Overlast jeugd",
        "Drugsoverlast",
        "Overlast door persoon met onbegrepen gedrag",
        "Verkeersoverlast",
        "Vermoeden van ondermijning",
        "Overig",
    ]


def test_followup_code_maps_each_draw_to_one_code_and_redraws_the_biased_top(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    space = len(services.CODE_ALPHABET) ** services.CODE_LENGTH
    limit = (2**64 // space) * space
    draws = iter([2**64 - 1, limit, 0, space - 1, space, 31 + 2])  # the first two are in the biased top
    monkeypatch.setattr(secrets, "randbits", lambda _bits: next(draws))
    assert services.new_followup_code() == "AAAA-AAAA-AAAA"  # 0, after two redraws
    assert services.new_followup_code() == "9999-9999-9999"  # the largest value
    assert services.new_followup_code() == "AAAA-AAAA-AAAA"  # space wraps to 0
    assert services.new_followup_code() == "CBAA-AAAA-AAAA"  # 2 + 1 * 31: least significant digit first


def test_followup_codes_are_uniform_per_position() -> None:
    codes = [services.normalise_code(services.new_followup_code()) for _ in range(6200)]
    for position in (0, 5, 11):
        counts = Counter(code[position] for code in codes)
        observed = [counts.get(ch, 0) for ch in services.CODE_ALPHABET]
        assert stats.chisquare(observed).pvalue > 1e-6  # fails by chance once in a million runs


def test_create_stores_hashed_code_history_and_audit(db: Any) -> None:
    melding, code = services.create_melding(_new())
    assert len(services.normalise_code(code)) == 12
    assert set(services.normalise_code(code)) <= set(services.CODE_ALPHABET)
    assert code not in (melding.volgcode_hash or "")
    assert services.find_by_code(code.lower().replace("-", " ")) == melding
    assert services.find_by_code("AAAA-AAAA-AAAA") is None
    assert [h.naar for h in melding.historie.all()] == [workflow.GEMELD]
    event = AuditEvent.objects.get(action="create", object_type="melding")
    assert event.object_id == str(melding.pk)
    assert event.after == {
        "categorie": "drugsoverlast",
        "buurt": "BU05050101",
        "kanaal": "web",
        "contact": False,
    }
    assert not Contact.objects.exists()


def test_stored_code_hash_is_hmac_sha256_of_the_normalised_code(db: Any, settings: Any) -> None:
    """Codes handed out earlier must keep working: the stored hash is HMAC-SHA256 (key SECRET_KEY) of
    the code without dashes, in upper case, computed here the long way round."""
    melding, code = services.create_melding(_new())
    expected = hmac.new(
        settings.SECRET_KEY.encode(), code.replace("-", "").encode(), hashlib.sha256
    ).hexdigest()
    assert melding.volgcode_hash == expected
    assert Melding.objects.get(pk=melding.pk).volgcode_hash == expected


def test_contact_details_are_stored_apart(db: Any) -> None:
    melding, _ = services.create_melding(_new(naam="Sanne", email="sanne@example.nl"))
    assert Contact.objects.get(melding=melding).email == "sanne@example.nl"
    assert "sanne" not in str(AuditEvent.objects.get(object_type="melding").after).lower()


def test_routing_by_category_and_area(db: Any) -> None:
    drugs, noord = Team.objects.create(naam="Drugs"), Team.objects.create(naam="Noord")
    RoutingRule.objects.create(
        categorie=Category.objects.get(slug="drugsoverlast"), gebied="WK050501", team=drugs, volgorde=1
    )
    RoutingRule.objects.create(gebied="", team=noord, volgorde=9)
    assert services.create_melding(_new())[0].team == drugs
    assert services.create_melding(_new(buurt_code="BU05050900"))[0].team == noord


def test_workflow_transitions_and_history(actors: dict[str, Any]) -> None:
    melding, member = actors["melding"], actors["member"]
    StatusWijziging.objects.create(melding=melding, naar=workflow.GEMELD)
    services.change_status(melding.pk, workflow.IN_BEHANDELING, member, "opgepakt")
    services.change_status(melding.pk, workflow.AFGEHANDELD, member)
    melding.refresh_from_db()
    assert melding.status == workflow.AFGEHANDELD
    assert melding.afgehandeld_op is not None
    assert [(h.van, h.naar) for h in melding.historie.all()] == [
        ("", "gemeld"),
        ("gemeld", "in_behandeling"),
        ("in_behandeling", "afgehandeld"),
    ]
    with pytest.raises(services.TransitionError):
        services.change_status(melding.pk, workflow.WACHT_OP_MELDER, member)
    events = AuditEvent.objects.filter(action="update", object_id=str(melding.pk))
    assert [(e.before, e.after, e.actor_name, e.role) for e in events.order_by("id")] == [
        ({"status": "gemeld"}, {"status": "in_behandeling"}, "lid", "behandelaar"),
        ({"status": "in_behandeling"}, {"status": "afgehandeld"}, "lid", "behandelaar"),
    ]


def test_every_status_reachable_and_table_consistent() -> None:
    for source, targets in workflow.ALLOWED_TRANSITIONS.items():
        assert source in workflow.LABELS
        assert targets <= set(workflow.LABELS)
    reached = {workflow.GEMELD}
    frontier = [workflow.GEMELD]
    while frontier:
        for nxt in workflow.ALLOWED_TRANSITIONS[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(workflow.LABELS)


def test_outsider_cannot_change_status_or_answer(actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    with pytest.raises(PermissionDenied):
        services.change_status(melding.pk, workflow.IN_BEHANDELING, actors["outsider"])
    with pytest.raises(PermissionDenied):
        services.answer(melding.pk, actors["analist"], "hallo")
    assert Melding.objects.get(pk=melding.pk).status == workflow.GEMELD


def test_history_and_audit_are_append_only(actors: dict[str, Any]) -> None:
    services.change_status(actors["melding"].pk, workflow.IN_BEHANDELING, actors["owner"])
    row = StatusWijziging.objects.first()
    assert row is not None
    row.naar = "afgehandeld"
    with pytest.raises(RuntimeError):
        row.save()
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_answer_and_information(db: Any, actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    services.answer(melding.pk, actors["owner"], "We sturen vanavond handhaving.")
    services.add_information(melding.pk, "Het was om 23 uur.")
    assert [(b.richting, b.tekst) for b in services.public_messages(melding)] == [
        ("gemeente", "We sturen vanavond handhaving."),
        ("melder", "Het was om 23 uur."),
    ]
    assert AuditEvent.objects.filter(object_type="bericht").count() == 2


def test_signal_after_commit(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    seen: list[tuple[int, str]] = []

    def receiver(sender: Any, melding_id: int, kind: str, **kwargs: Any) -> None:
        seen.append((melding_id, kind))

    services.melding_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            melding, _ = services.create_melding(_new())
    finally:
        services.melding_changed.disconnect(receiver)
    assert seen == [(melding.pk, "created")]
