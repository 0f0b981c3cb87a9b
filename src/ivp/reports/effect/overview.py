"""The chapter "Wat werkte?" of the midterm evaluation: every registered intervention with its estimate.

One row per intervention, in the order of the register: what it is, where and when, the estimated effect
with its interval and the verdict in words (the same sentences as the effect report), or why it could not
be evaluated on the data loaded (no incidents of its types, not started yet, no pre-period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivp.lib.i18n import _
from ivp.reports.effect import sentences
from ivp.reports.effect.areas import InterventionAreaError
from ivp.reports.effect.evaluate import evaluate
from ivp.reports.effect.report import load_events, periods_text, soort_label
from ivp.reports.naming import municipality_name
from ivp.store import Store, read
from ivp.workspace import Workspace

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention


@dataclass(frozen=True)
class WorkedRow:
    id: str
    naam: str
    soort: str
    perioden: str
    effect: str  # '−24%' or '–'
    interval: str  # '−41% tot −3%' or '–'
    verdict: str  # the headline sentence, or why there is none
    surroundings: str  # the buffer sentence, or ''
    caveats: tuple[str, ...]
    evaluated: bool
    illustrative: bool


def what_worked(
    ws: Workspace, store: Store | None, interventions: Sequence[Intervention]
) -> tuple[WorkedRow, ...]:
    """One :class:`WorkedRow` per intervention (empty when there are none)."""
    if not interventions:
        return ()
    events, span = load_events(ws, store) if store is not None else (None, None)
    buurten = read.areas_of(store, ws.gemeente, ("buurt",)) if store is not None else None
    city = municipality_name(ws, store)
    rows = []
    for iv in interventions:
        base = {
            "id": iv.id,
            "naam": iv.naam,
            "soort": soort_label(iv.soort),
            "perioden": periods_text(iv),
        }
        if events is None or events.empty or buurten is None:
            rows.append(
                WorkedRow(
                    **base,
                    effect="–",
                    interval="–",
                    surroundings="",
                    caveats=(),
                    evaluated=False,
                    illustrative=False,
                    verdict=_("Niet te evalueren: er zijn geen incidenten geladen."),
                )
            )
            continue
        try:
            ev = evaluate(iv, events, buurten, data_span=span, alpha=ws.alpha)
        except (ValueError, InterventionAreaError) as exc:
            rows.append(
                WorkedRow(
                    **base,
                    effect="–",
                    interval="–",
                    surroundings="",
                    caveats=(),
                    evaluated=False,
                    illustrative=False,
                    verdict=_("Niet te evalueren: {msg}").format(msg=exc),
                )
            )
            continue
        e = ev.effect
        rows.append(
            WorkedRow(
                **base,
                effect=sentences.pct(e.effect),
                interval=f"{sentences.pct(e.low)} tot {sentences.pct(e.high)}",
                verdict=sentences.headline(ev, city),
                surroundings=sentences.buffer_sentence(ev),
                caveats=tuple(c.text for c in ev.caveats),
                evaluated=True,
                illustrative=ev.illustrative,
            )
        )
    return tuple(rows)
