"""The Dutch sentences of an effect evaluation: what a council reads, worded only as far as the data go.

- A change in the treated area is called a fall or rise only when its interval excludes no change and the
  counts are not small (:data:`~ivp.reports.effect.evaluate.MIN_BEFORE`); otherwise "geen aantoonbaar
  effect", with the interval in words (from a fall of ... to a rise of ...).
- "Verplaatsing" only when the buffer rises demonstrably; "uitstraling" (diffusion of benefits) only
  when it falls demonstrably.
- Every number with its interval; the source is on the page.
"""

from __future__ import annotations

import math

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.effect.evaluate import POWER_EFFECT, POWER_TARGET, Evaluation
from ivp.stats.effect import EffectEstimate

GRAIN_PLURAL = {"maand": "maanden", "week": "weken", "dag": "dagen"}


def pct(value: float) -> str:
    """A relative change as a signed percentage: -0.312 -> '−31%'."""
    return fmt.percent(value * 100.0).replace("-", "−")


def interval_text(e: EffectEstimate) -> str:
    """'95%-interval −45% tot −12%'."""
    return _("{level}%-interval {low} tot {high}").format(
        level=round(e.level * 100), low=pct(e.low), high=pct(e.high)
    )


def demonstrable(e: EffectEstimate | None, alpha: float) -> int:
    """-1 a demonstrable fall, +1 a demonstrable rise, 0 neither (or not estimable)."""
    if e is None or not math.isfinite(e.p_value) or e.p_value >= alpha:
        return 0
    return -1 if e.effect < 0 else 1


def _targets(ev: Evaluation) -> str:
    return ", ".join(ev.intervention.doelen) if ev.intervention.doelen else _("alle soorten")


def comparison(ev: Evaluation, city: str) -> str:
    """'de rest van Dordrecht', or 'vijf vergelijkbare buurten' for a matched comparison area."""
    if ev.matched:
        return _("{n} buurten met een vergelijkbaar verloop vooraf").format(n=len(ev.matched))
    return _("de rest van {city}").format(city=city)


def headline(ev: Evaluation, city: str) -> str:
    """The one sentence on the effect in the treated area."""
    e = ev.effect
    city = comparison(ev, city)
    naam = ev.intervention.naam
    if ev.too_few:
        return _(
            "{naam}: te weinig gebeurtenissen ({before} ervoor, {during} tijdens) om iets over een effect te "
            "zeggen."
        ).format(naam=naam, before=ev.sums.before[0], during=ev.sums.during[0])
    if not math.isfinite(e.effect):
        return _("{naam}: het effect is met deze gegevens niet te schatten.").format(naam=naam)
    direction = demonstrable(e, ev.alpha)
    if direction < 0:
        return _(
            "{naam}: in het interventiegebied daalde het aantal ({targets}) aantoonbaar ten opzichte van "
            "{city}: {effect} ({interval})."
        ).format(naam=naam, targets=_targets(ev), city=city, effect=pct(e.effect), interval=interval_text(e))
    if direction > 0:
        return _(
            "{naam}: in het interventiegebied steeg het aantal ({targets}) aantoonbaar ten opzichte van "
            "{city}: {effect} ({interval})."
        ).format(naam=naam, targets=_targets(ev), city=city, effect=pct(e.effect), interval=interval_text(e))
    return _(
        "{naam}: geen aantoonbaar effect. De beste schatting is {effect} ten opzichte van {city}, "
        "maar alles van {low} tot {high} past bij de cijfers ({level}%-interval)."
    ).format(
        naam=naam,
        effect=pct(e.effect),
        city=city,
        low=pct(e.low),
        high=pct(e.high),
        level=round(e.level * 100),
    )


def buffer_sentence(ev: Evaluation) -> str:
    """What happened around the area: displacement, diffusion of benefits, or neither demonstrably."""
    b = ev.buffer_effect
    width = round(ev.areas.buffer_m)
    if b is None or not math.isfinite(b.effect):
        return _("In de omgeving (tot {m} m) waren geen gebeurtenissen om verplaatsing te meten.").format(
            m=width
        )
    if ev.too_few:
        return _(
            "In de omgeving (tot {m} m): {effect} ({interval}); te weinig gegevens voor een uitspraak."
        ).format(m=width, effect=pct(b.effect), interval=interval_text(b))
    direction = demonstrable(b, ev.alpha)
    if direction > 0:
        return _(
            "Verplaatsing: in de omgeving (tot {m} m) steeg het aantal aantoonbaar ten opzichte van het "
            "vergelijkingsgebied: {effect} ({interval})."
        ).format(m=width, effect=pct(b.effect), interval=interval_text(b))
    if direction < 0:
        return _(
            "Uitstraling: ook in de omgeving (tot {m} m) daalde het aantal aantoonbaar: {effect} ({interval})."
        ).format(m=width, effect=pct(b.effect), interval=interval_text(b))
    return _(
        "Geen aantoonbare verplaatsing of uitstraling in de omgeving (tot {m} m): {effect} ({interval})."
    ).format(m=width, effect=pct(b.effect), interval=interval_text(b))


def power_sentence(ev: Evaluation) -> str:
    """Could an effect be seen at all: the power now and the bins needed."""
    unit = GRAIN_PLURAL[ev.grain]
    fall = round(-POWER_EFFECT * 100)
    target = round(POWER_TARGET * 100)
    now = _("Met {n} {unit} na de start is een daling van {fall}% met {p} kans aantoonbaar.").format(
        n=ev.sums.bins_during, unit=unit, fall=fall, p=f"{round(ev.power_now * 100)}%"
    )
    if ev.bins_needed is None:
        return (
            now
            + " "
            + _(
                "Ook met tien jaar gegevens haalt deze vergelijking geen {target}% kans: het gebied heeft te "
                "weinig gebeurtenissen van deze soorten."
            ).format(target=target)
        )
    return (
        now
        + " "
        + _(
            "Om een daling van {fall}% met {target}% kans te zien zijn ongeveer {needed} {unit} na de start nodig."
        ).format(fall=fall, target=target, needed=ev.bins_needed, unit=unit)
    )


def planning_sentence(rate_t: float, n_pre: int, needed: int | None, unit: str) -> str:
    """Before the start: when an evaluation is possible (for an intervention still to begin)."""
    if needed is None:
        return _(
            "Met gemiddeld {rate} gebeurtenissen per {unit} in het gebied is een daling van 20% ook na tien "
            "jaar niet met 80% kans aan te tonen."
        ).format(rate=fmt.number(rate_t, 1), unit=unit)
    return _(
        "Met gemiddeld {rate} gebeurtenissen per {unit} in het gebied (voorperiode {n_pre}) zijn ongeveer "
        "{needed} {units} na de start nodig om een daling van 20% met 80% kans te zien."
    ).format(
        rate=fmt.number(rate_t, 1), unit=unit, n_pre=n_pre, needed=needed, units=GRAIN_PLURAL.get(unit, unit)
    )


def summary(ev: Evaluation, city: str) -> list[str]:
    """The report's summary: headline, buffer, power, then every caveat."""
    lines = [headline(ev, city), buffer_sentence(ev), power_sentence(ev)]
    lines += [c.text for c in ev.caveats]
    return lines


__all__ = [
    "buffer_sentence",
    "demonstrable",
    "headline",
    "interval_text",
    "pct",
    "planning_sentence",
    "power_sentence",
    "summary",
]
