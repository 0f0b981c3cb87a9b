"""The JSON of ``ivp effect INTERVENTIE --json``.

Top level: ``interventie`` (id, naam, soort), ``effect`` (the estimated relative change in the treated
area against the comparison area, e.g. -0.3), ``interval`` (its 95% interval as two numbers), ``p``,
``aantoonbaar`` (the interval excludes no change and the counts are not small), ``methode``, ``omgeving``
(the buffer's effect, same keys), then the other estimators, the counts, the power, the caveats
(``waarschuwingen``), ``illustratief`` and ``zinnen`` (the Dutch sentences). Keys are Dutch.
"""

from __future__ import annotations

import math
from typing import Any

from ivp.reports.effect.areas import UNIT_NAMES
from ivp.reports.effect.evaluate import Evaluation
from ivp.reports.effect.sentences import demonstrable, summary
from ivp.stats.effect import EffectEstimate


def _num(value: float | None, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(float(value)):
        return None
    return round(float(value), digits)


def estimate_payload(e: EffectEstimate | None, alpha: float, too_few: bool) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "effect": _num(e.effect),
        "interval": [_num(e.low), _num(e.high)],
        "p": _num(e.p_value),
        "aantoonbaar": (not too_few) and demonstrable(e, alpha) != 0,
        "methode": e.method,
        "spreiding": _num(e.dispersion),
        "vrijheidsgraden": _num(e.df) if math.isfinite(e.df) else None,
    }


def evaluation_payload(ev: Evaluation, city: str) -> dict[str, Any]:
    """Everything ``ivp effect --json`` prints."""
    iv = ev.intervention
    e = ev.effect
    main = estimate_payload(e, ev.alpha, ev.too_few)
    assert main is not None
    first, last = ev.period
    t = ev.table
    out: dict[str, Any] = {
        "interventie": {"id": iv.id, "naam": iv.naam, "soort": iv.soort, "doelen": list(iv.doelen)},
        **main,
        "omgeving": estimate_payload(ev.buffer_effect, ev.alpha, ev.too_few),
        "omgeving_m": ev.areas.buffer_m,
        "negatief_binomiaal": estimate_payload(
            ev.negbin.effects["treated"] if ev.negbin else None, ev.alpha, ev.too_few
        ),
        "relatieve_effectgrootte": None
        if ev.res is None
        else {
            "res": _num(ev.res.res),
            "interval": [_num(ev.res.low), _num(ev.res.high)],
            "effect": _num(ev.res.effect),
            "p": _num(ev.res.p_value),
        },
        "wdd": None
        if ev.wdd is None
        else {
            "wdd": _num(ev.wdd.estimate),
            "se": _num(ev.wdd.se),
            "interval": [_num(ev.wdd.low), _num(ev.wdd.high)],
            "p": _num(ev.wdd.p_value),
            "perioden": ev.wdd_bins,
        },
        "tijdreeks": None
        if ev.its is None
        else {
            "niveau": estimate_payload(ev.its.level_change, ev.alpha, ev.too_few),
            "helling": estimate_payload(ev.its.slope_change, ev.alpha, ev.too_few),
        },
        "aantallen": {
            name: {"voor": ev.sums.before[i], "tijdens": ev.sums.during[i]}
            for i, name in enumerate(UNIT_NAMES)
        },
        "korrel": ev.grain,
        "perioden_voor": ev.sums.bins_before,
        "perioden_tijdens": ev.sums.bins_during,
        "periode": [first.isoformat(), last.isoformat()],
        "reeks": [
            {
                "periode": b.label(t.grain),
                "aan": bool(t.active[j]),
                **{name: int(t.counts[i, j]) for i, name in enumerate(UNIT_NAMES)},
            }
            for j, b in enumerate(t.bins)
        ],
        "onderscheidend_vermogen": {
            "daling": -0.2,
            "kans_nu": _num(ev.power_now, 4),
            "benodigde_perioden": ev.bins_needed,
        },
        "waarschuwingen": [{"code": c.code, "tekst": c.text} for c in ev.caveats],
        "soorten": list(ev.categories),
        "datasets": list(ev.datasets),
        "illustratief": ev.illustrative,
        "zinnen": summary(ev, city),
    }
    return out
