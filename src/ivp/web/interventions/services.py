"""The one way to read and change the intervention register in the app database.

Views, forms and the CLI call only these functions. Every change (create, update, delete, an import)
runs in one transaction and writes its audit rows in it, so a committed change always has its audit
row and a refused one leaves the register and the log as they were. Items are checked with the rules of
the file (:func:`ivp.interventions.validate_intervention`) before anything is stored. Reads return the
pure dataclasses of :mod:`ivp.interventions.model`; the register holds policy, not personal data, so
reads are not audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ivp.interventions import (
    InterventionError,
    InterventionFileError,
    UnknownInterventionError,
    intervention_to_dict,
    validate_intervention,
)
from ivp.interventions.model import Gebied, Intervention, Periode
from ivp.lib.i18n import _
from ivp.sources.politie_codes import MISDRIJF_CODES
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.interventions.models import Interventie
from ivp.web.interventions.models import Periode as PeriodeRow

__all__ = [
    "ImportResult",
    "Intervention",
    "InterventionFileError",
    "UnknownInterventionError",
    "delete_intervention",
    "get_intervention",
    "import_interventions",
    "known_buurten",
    "known_targets",
    "list_interventions",
    "save_intervention",
]

#: ``object_type`` of the register's audit rows.
AUDIT_TYPE = "interventie"


@dataclass(frozen=True)
class ImportResult:
    """What an import did, per intervention."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def known_buurten() -> list[str] | None:
    """The municipality's buurt codes from the workspace store, or None when no workspace or no buurten
    are loaded (or the store is busy): then buurt codes are checked on their form only, as in the CLI."""
    from django.conf import settings

    from ivp.store import Store
    from ivp.store.read import areas_of

    workspace = settings.WORKSPACE
    if workspace is None or not workspace.store_path.exists():
        return None
    try:
        with Store(workspace.store_path, read_only=True) as store:
            codes: list[str] = areas_of(store, workspace.gemeente, ("buurt",))["code"].tolist()
    except Exception:  # a running ingest holds the store: check the form only, never refuse the page
        return None
    return codes or None


def known_targets() -> frozenset[str]:
    """The CBS crime codes ``doelen`` are checked against (the code list the police adapters ship)."""
    return frozenset(MISDRIJF_CODES)


# -- rows <-> dataclasses ----------------------------------------------------------------------------


def _from_row(row: Interventie) -> Intervention:
    area: dict[str, Any] = row.gebied or {}
    punt = area.get("punt")
    return Intervention(
        id=row.code,
        naam=row.naam,
        soort=row.soort,
        gebied=Gebied(
            buurten=tuple(area.get("buurten") or ()),
            polygoon=area.get("polygoon"),
            punt=(float(punt[0]), float(punt[1])) if punt else None,
            straal_m=float(area["straal_m"]) if area.get("straal_m") is not None else None,
        ),
        perioden=tuple(Periode(p.start, p.eind) for p in row.perioden.all()),
        doelen=tuple(row.doelen or ()),
        besluit=row.besluit or None,
        verantwoordelijke=row.verantwoordelijke or None,
        verwacht_effect=row.verwacht_effect or None,
        buffer_m=row.buffer_m,
        vergelijking=row.vergelijking,
        toelichting=row.toelichting or None,
    )


def _snapshot(item: Intervention) -> dict[str, Any]:
    """The intervention as JSON for the audit log (dates as text)."""
    doc = intervention_to_dict(item)
    doc["perioden"] = [{k: v.isoformat() for k, v in p.items()} for p in doc["perioden"]]
    return doc


def _write(row: Interventie, item: Intervention) -> None:
    area = intervention_to_dict(item)["gebied"]
    row.naam, row.soort, row.gebied, row.doelen = item.naam, item.soort, area, list(item.doelen)
    row.besluit = item.besluit or ""
    row.verantwoordelijke = item.verantwoordelijke or ""
    row.verwacht_effect = item.verwacht_effect or ""
    row.buffer_m, row.vergelijking = item.buffer_m, item.vergelijking
    row.toelichting = item.toelichting or ""
    row.save()
    row.perioden.all().delete()
    PeriodeRow.objects.bulk_create(
        PeriodeRow(interventie=row, start=p.start, eind=p.eind) for p in item.perioden
    )


def _checked(items: Sequence[Intervention], source: str) -> list[Intervention]:
    """Every item checked; all problems raised together (nothing is stored when one exists)."""
    targets = known_targets()
    out: list[Intervention] = []
    problems: list[InterventionError] = []
    seen: set[str] = set()
    for item in items:
        try:
            out.append(validate_intervention(item, known_targets=targets))
        except InterventionFileError as exc:
            problems += exc.problems
            continue
        if item.id in seen:
            problems.append(
                InterventionError(
                    "interventie.duplicate_id",
                    _("id '{id}' komt meer dan eens voor.").format(id=item.id),
                    file=source,
                    field="id",
                    hint=_("geef elke interventie een eigen id."),
                )
            )
        seen.add(item.id)
    if problems:
        raise InterventionFileError(problems, source)
    return out


def _upsert(item: Intervention, actor: Any, detail: str) -> str:
    """Store one checked item: ``created``, ``updated`` or ``unchanged`` (no audit row then)."""
    row = Interventie.objects.select_for_update().filter(code=item.id).first()
    if row is None:
        row = Interventie(code=item.id)
        _write(row, item)
        audit.record(actor, Action.CREATE, AUDIT_TYPE, item.id, after=_snapshot(item), detail=detail)
        return "created"
    before = _from_row(row)
    if before == item:
        return "unchanged"
    _write(row, item)
    audit.record(
        actor,
        Action.UPDATE,
        AUDIT_TYPE,
        item.id,
        before=_snapshot(before),
        after=_snapshot(item),
        detail=detail,
    )
    return "updated"


# -- the entry points --------------------------------------------------------------------------------


@transaction.atomic
def import_interventions(
    items: Sequence[Intervention], *, actor: Any, replace: bool = False, source: str = "import"
) -> ImportResult:
    """Upsert ``items`` by id in one transaction; with ``replace`` remove the ones not among them.

    Each created, changed or removed intervention gets an audit row (``detail`` "import"); an unchanged
    one none. Raises :class:`InterventionFileError` (nothing stored) when an item breaks a rule.
    """
    checked = _checked(items, source)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in checked:
        counts[_upsert(item, actor, "import")] += 1
    removed = 0
    if replace:
        keep = {item.id for item in checked}
        for row in Interventie.objects.select_for_update().exclude(code__in=keep):
            _delete(row, actor, "import --vervang")
            removed += 1
    return ImportResult(counts["created"], counts["updated"], counts["unchanged"], removed)


@transaction.atomic
def save_intervention(item: Intervention, *, actor: Any) -> bool:
    """Create or update one intervention (by id), audited; True when it was new.

    Raises :class:`InterventionFileError` with fields named by key path (``gebied.polygoon``) when it
    breaks a rule.
    """
    (checked,) = _checked([item], item.id or "formulier")
    return _upsert(checked, actor, "formulier") == "created"


def _delete(row: Interventie, actor: Any, detail: str) -> None:
    before = _snapshot(_from_row(row))
    code = row.code
    row.delete()
    audit.record(actor, Action.DELETE, AUDIT_TYPE, code, before=before, detail=detail)


@transaction.atomic
def delete_intervention(code: str, *, actor: Any) -> None:
    """Remove intervention ``code`` and its periods, audited (the audit row keeps what it was)."""
    row = Interventie.objects.select_for_update().filter(code=code).first()
    if row is None:
        raise UnknownInterventionError(code, _codes())
    _delete(row, actor, "")


def _codes() -> list[str]:
    return list(Interventie.objects.order_by("code").values_list("code", flat=True))


def list_interventions(*, running_on: dt.date | None = None) -> tuple[Intervention, ...]:
    """The register, by id; with ``running_on`` only those with a period that includes that day."""
    items = tuple(_from_row(row) for row in Interventie.objects.prefetch_related("perioden"))
    if running_on is None:
        return items
    return tuple(
        iv for iv in items if any(p.start <= running_on <= (p.eind or dt.date.max) for p in iv.perioden)
    )


def get_intervention(code: str) -> Intervention:
    """The intervention with id ``code``; :class:`UnknownInterventionError` (listing the ids) when unknown."""
    row = Interventie.objects.prefetch_related("perioden").filter(code=code).first()
    if row is None:
        raise UnknownInterventionError(code, _codes())
    return _from_row(row)
