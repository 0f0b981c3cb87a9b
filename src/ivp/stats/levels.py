"""Is a level different between two periods? For figures that are not counts: survey percentages, report
marks, amounts, rates a register publishes with its own interval.

A count has a sampling model (Poisson with overdispersion, :mod:`ivp.stats.change`); a percentage from a
survey or a mark from a panel does not, and the only honest basis for calling a difference "aantoonbaar" is
the uncertainty its source states. So the test works from each period's standard error, taken from the
source's 95% interval: the half-width on the side facing the other period over 1.96 (:func:`se_toward`;
an interval near 0% or 100% is asymmetric, and its far side says nothing about a move the other way), or,
for a percentage with only a sample size, from the Wilson interval of an effective sample of
``n / DESIGN_EFFECT``: a weighted survey is more uncertain than a simple random sample of its size, and
with the design effect taken as 1 the test claims too much (``tests/stats/test_levels.py``). The two periods are treated
as independent samples (a new sample each period, as the Veiligheidsmonitor draws); the difference gets a
normal (Wald) interval and a two-sided p-value. Without an interval or n there is no test.

>>> res = level_difference(40.0, 2.0, 45.0, 2.0)
>>> round(res.difference, 1), round(res.ci_low, 2), round(res.ci_high, 2), res.direction
(5.0, -0.54, 10.54, 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

from ivp.stats._checks import check_alpha

#: The normal quantile of a two-sided 95% interval.
Z95 = float(sps.norm.ppf(0.975))
#: The design effect assumed for a survey percentage given with only its sample size: conservative for a
#: weighted municipal survey (the simple random sample it would otherwise assume has a design effect of 1).
DESIGN_EFFECT = 2.0


@dataclass(frozen=True)
class LevelDifference:
    """Period B minus period A, with its interval, p-value and verdict (-1, 0, 1)."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    direction: int
    se: float


def se_from_interval(lower: float, upper: float, level: float = 0.95) -> float:
    """The standard error a symmetric normal interval of ``level`` implies (half its width over z).

    An asymmetric interval (a Wilson or log-scale interval) gets its mean half-width: close enough for the
    difference of two such periods, and never narrower than the source stated on both sides together.

    >>> round(se_from_interval(38.04, 41.96), 3)
    1.0
    """
    if not (math.isfinite(lower) and math.isfinite(upper)) or upper < lower:
        raise ValueError(f"interval must be finite with lower <= upper, got {lower}..{upper}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    return (upper - lower) / (2.0 * float(sps.norm.ppf(0.5 + level / 2.0)))


def se_toward(value: float, lower: float, upper: float, other: float, level: float = 0.95) -> float:
    """The standard error of ``value`` toward ``other``: the half-width of its interval on that side.

    >>> round(se_toward(2.0, 1.0, 4.0, 3.0), 3), round(se_toward(2.0, 1.0, 4.0, 1.5), 3)
    (1.02, 0.51)
    """
    if not lower <= value <= upper:
        raise ValueError(f"value {value} must lie in its interval {lower}..{upper}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    z = float(sps.norm.ppf(0.5 + level / 2.0))
    return (upper - value) / z if other >= value else (value - lower) / z


def wilson_interval(percentage: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """The Wilson score interval of a percentage from a simple random sample of ``n``, in percent.

    >>> tuple(round(x, 2) for x in wilson_interval(40.0, 500))
    (35.8, 44.35)
    """
    check_alpha(alpha)
    if n < 1 or not 0.0 <= percentage <= 100.0:
        raise ValueError(f"need n >= 1 and 0 <= percentage <= 100, got n={n}, percentage={percentage}")
    z = float(sps.norm.ppf(1 - alpha / 2))
    p = percentage / 100.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Mathematically low <= percentage <= high; keep it so when rounding says otherwise (at 0% and 100%).
    low, high = 100.0 * (centre - half), 100.0 * (centre + half)
    return max(0.0, min(low, percentage)), min(100.0, max(high, percentage))


def level_difference(
    value_a: float, se_a: float, value_b: float, se_b: float, alpha: float = 0.05
) -> LevelDifference:
    """Test B - A = 0 from two independent estimates with standard errors ``se_a`` and ``se_b``.

    ``direction`` is +1 (B demonstrably higher) or -1 when the two-sided p-value is at most ``alpha``,
    else 0; the interval has coverage ``1 - alpha``. A standard error of zero on both sides (an exact
    register figure given with a zero-width interval) is no basis for a test: p is NaN, direction 0.
    """
    check_alpha(alpha)
    for name, se in (("se_a", se_a), ("se_b", se_b)):
        if not math.isfinite(se) or se < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {se}")
    difference = value_b - value_a
    se = math.hypot(se_a, se_b)
    if se == 0.0:
        return LevelDifference(difference, difference, difference, float("nan"), 0, 0.0)
    z = float(sps.norm.ppf(1 - alpha / 2))
    p = float(2.0 * sps.norm.sf(abs(difference) / se))
    direction = (1 if difference > 0 else -1) if p <= alpha else 0
    return LevelDifference(difference, difference - z * se, difference + z * se, p, direction, se)
