"""Before/after summaries of a place-based intervention and two warnings an analyst gives with them.

Re-exported by :mod:`ivp.stats.effect`. The weighted displacement difference (:func:`wdd`, Wheeler &
Ratcliffe 2018) and the relative effect size (:func:`relative_effect_size`, the CCTV meta-analyses of
Farrington et al. 2007 and Welsh & Farrington 2009) summarise four (or eight) before/after counts; the
regression of :func:`ivp.stats.effect.did` uses every period. :func:`regression_to_mean` warns when the
intervention started after a peak, :func:`changed` when the comparison area itself changed.

References
----------
.. [1] Wheeler, A. P. and Ratcliffe, J. H. (2018). A simple weighted displacement difference test to
   evaluate place based crime interventions. *Crime Science* 7, 11.
.. [2] Farrington, D. P., Gill, M., Waples, S. J. and Argomaniz, J. (2007). The effects of closed-circuit
   television on crime: meta-analysis of an English national quasi-multi-site evaluation. *Journal of
   Experimental Criminology* 3, 21-38.
.. [3] Welsh, B. C. and Farrington, D. P. (2009). Public area CCTV and crime prevention: an updated
   systematic review and meta-analysis. *Justice Quarterly* 26(4), 716-745.
.. [4] Barnett, A. G., van der Pols, J. C. and Dobson, A. J. (2005). Regression to the mean: what it is
   and how to deal with it. *International Journal of Epidemiology* 34(1), 215-220.

Examples
--------
>>> r = wdd(207, 110, 178, 157, 308, 318, cd0=150, cd1=140)
>>> r.estimate, round(r.p_value, 4)
(-118.0, 0.0029)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ivp.stats._checks import as_counts
from ivp.stats.change import change_test

__all__ = [
    "ControlChange",
    "RelativeEffectSize",
    "RtmResult",
    "Wdd",
    "changed",
    "regression_to_mean",
    "relative_effect_size",
    "wdd",
]


@dataclass(frozen=True)
class Wdd:
    """Result of :func:`wdd`: the weighted displacement difference and its normal test.

    ``estimate < 0``: fewer crimes than the controls predict (desirable). ``parts`` holds the changes
    (after - before) ``"treated"``, ``"buffer"``, ``"control_treated"`` and ``"control_buffer"`` after
    weighting, so ``estimate = treated - control_treated + buffer - control_buffer``.
    """

    estimate: float
    se: float
    z: float
    p_value: float
    low: float
    high: float
    level: float
    dispersion: float
    parts: dict[str, float]


def wdd(
    t0: float,
    t1: float,
    d0: float | None,
    d1: float | None,
    c0: float,
    c1: float,
    *,
    cd0: float | None = None,
    cd1: float | None = None,
    weight: float | tuple[float, float] = 1.0,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> Wdd:
    """Weighted displacement difference (Wheeler & Ratcliffe 2018): ``dT - dCt + dD - dCd``.

    ``dT = t1 - t0`` is the change (after - before) in the treated area, ``dD = d1 - d0`` in its buffer
    (displacement area), ``dCt`` and ``dCd`` in their control areas. With Poisson counts the variance is
    the sum of the eight counts (each count's variance is its mean, estimated by the count); the test
    is ``z = WDD / se`` against the normal. In the paper's worked example (treated 207 -> 110, buffer
    178 -> 157, controls 308 -> 318 and 150 -> 140) ``WDD = -118``, variance 1568, ``z = -2.98`` and the
    95% interval -196 to -40 (tested).

    Weighting: the counts are differences, so a control must be on the treated area's scale. A
    municipality's "rest of the town" is much larger than a camera area; ``weight = w`` multiplies the
    control's counts (for example ``w = t0 / c0``, so the control predicts the treated area's own level)
    and its variance by ``w**2``. A pair ``(w_t, w_d)`` weighs the control of the treated area and that
    of the buffer separately. A weight computed from the same pre-period counts is treated as fixed;
    with ``w = t0 / c0`` the statistic is ``t1 - t0 c1 / c0`` and the formula's variance equals the
    delta-method variance when the control did not change (``c1 = c0``).

    One control for both (``cd0`` and ``cd1`` None while the buffer is given): the same control change
    is subtracted twice, ``WDD = dT + dD - (w_t + w_d) dC``, and because the two uses are the same
    counts (not independent) its variance enters as ``(w_t + w_d)**2 (c0 + c1)``, not twice
    ``c0 + c1``. Pass ``d0 = d1 = None`` when there is no buffer at all.

    ``dispersion`` (at least 1) multiplies the variance, for counts more variable than Poisson.

    Parameters
    ----------
    t0, t1, d0, d1, c0, c1 : float
        Counts before/after: treated area, buffer (None for none), control of the treated area.
    cd0, cd1 : float, optional
        Counts of a separate control for the buffer.
    weight : float or (float, float), default 1.0
        Scale of the control counts (for the treated area, for the buffer).
    dispersion : float, default 1.0
    level : float, default 0.95

    Returns
    -------
    Wdd

    Examples
    --------
    >>> r = wdd(207, 110, 178, 157, 308, 318, cd0=150, cd1=140)
    >>> r.estimate, round(r.se ** 2), round(r.z, 2), round(r.low), round(r.high)
    (-118.0, 1568, -2.98, -196, -40)
    """
    level = check_level(level)
    phi = max(1.0, float(dispersion))
    w_t, w_d = (float(weight), float(weight)) if np.isscalar(weight) else tuple(map(float, weight))  # type: ignore[arg-type]
    if not (w_t > 0 and w_d > 0 and np.isfinite(w_t) and np.isfinite(w_d)):
        raise ValueError(f"weight must be finite and > 0, got {weight!r}")
    if (d0 is None) != (d1 is None) or (cd0 is None) != (cd1 is None):
        raise ValueError("give both counts (before and after) of the buffer and of its control, or neither")
    if d0 is None and cd0 is not None:
        raise ValueError("a control for the buffer needs the buffer's counts d0, d1")
    given = [t0, t1, c0, c1] + ([d0, d1] if d0 is not None else []) + ([cd0, cd1] if cd0 is not None else [])
    as_counts(np.asarray(given, dtype=np.float64), "counts")
    d_t, d_ct = float(t1) - float(t0), w_t * (float(c1) - float(c0))
    variance = float(t0) + float(t1)
    d_d = d_cd = 0.0
    if d0 is None or d1 is None:
        variance += w_t**2 * (float(c0) + float(c1))
    else:
        d_d = float(d1) - float(d0)
        variance += float(d0) + float(d1)
        if cd0 is None or cd1 is None:  # one control serves both: the same counts, used twice
            d_cd = w_d * (float(c1) - float(c0))
            variance += (w_t + w_d) ** 2 * (float(c0) + float(c1))
        else:
            d_cd = w_d * (float(cd1) - float(cd0))
            variance += w_t**2 * (float(c0) + float(c1)) + w_d**2 * (float(cd0) + float(cd1))
    estimate = d_t - d_ct + d_d - d_cd
    se = float(np.sqrt(phi * variance))
    q = float(stats.norm.isf((1 - level) / 2))
    z = estimate / se if se > 0 else float("nan")
    p_value = float(2 * stats.norm.sf(abs(z))) if se > 0 else float("nan")
    parts = {"treated": d_t, "buffer": d_d, "control_treated": d_ct, "control_buffer": d_cd}
    return Wdd(estimate, se, z, p_value, estimate - q * se, estimate + q * se, level, phi, parts)


@dataclass(frozen=True)
class RelativeEffectSize:
    """Result of :func:`relative_effect_size`.

    ``res > 1`` is a desirable effect (crime fell in the treated area relative to the control);
    ``effect = 1 / res - 1`` is the relative change in the treated area against the control's course
    (negative desirable, the sign convention of :class:`EffectEstimate`).
    """

    res: float
    low: float
    high: float
    log_res: float
    se: float
    p_value: float
    level: float
    dispersion: float
    effect: float


def relative_effect_size(
    t0: float, t1: float, c0: float, c1: float, *, dispersion: float = 1.0, level: float = 0.95
) -> RelativeEffectSize:
    """Relative effect size of the CCTV meta-analyses: ``RES = (a d) / (b c)``.

    ``a, b`` are the treated area's counts before and after, ``c, d`` the control's (Welsh & Farrington
    2009; Farrington et al. 2007). ``RES = (d / c) / (b / a)``: 2 means the control's ratio after/before
    is twice the treated area's. ``Var(log RES) = D (1/a + 1/b + 1/c + 1/d)``, with ``D = dispersion``
    (at least 1) for counts more variable than Poisson (Farrington et al. 2007 estimate ``D`` from
    monthly counts); Wald z interval on ``log RES``. Not estimable (NaN) when a count is 0.

    Examples
    --------
    >>> r = relative_effect_size(100, 70, 1000, 1000)
    >>> round(r.res, 3), round(r.effect, 2), round(r.low, 3), round(r.high, 3)
    (1.429, -0.3, 1.04, 1.963)
    """
    level = check_level(level)
    counts = as_counts(np.asarray([t0, t1, c0, c1], dtype=np.float64), "counts")
    phi = max(1.0, float(dispersion))
    nan = float("nan")
    if np.any(counts == 0):
        return RelativeEffectSize(nan, nan, nan, nan, nan, nan, level, phi, nan)
    a, b, c, d = (float(v) for v in counts)
    log_res = float(np.log(a) + np.log(d) - np.log(b) - np.log(c))
    se = float(np.sqrt(phi * (1 / a + 1 / b + 1 / c + 1 / d)))
    q = float(stats.norm.isf((1 - level) / 2))
    p_value = float(2 * stats.norm.sf(abs(log_res) / se))
    with np.errstate(over="ignore"):
        low, high = float(np.exp(log_res - q * se)), float(np.exp(log_res + q * se))
    return RelativeEffectSize(
        float(np.exp(log_res)), low, high,
        log_res, se, p_value, level, phi, float(np.expm1(-log_res)),
    )  # fmt: skip


@dataclass(frozen=True)
class RtmResult:
    """Result of :func:`regression_to_mean`: ``ratio`` of the last periods' rate to the earlier rate."""

    ratio: float
    p_value: float
    flagged: bool


def regression_to_mean(
    pre_counts: ArrayLike, *, tail: int = 3, dispersion: float = 1.0, level: float = 0.05
) -> RtmResult:
    """Warn when the intervention started after a peak: were the last ``tail`` periods demonstrably high?

    Places are often chosen because of a bad spell; when it passes, crime falls back without any
    intervention (regression to the mean) and a before/after comparison credits the intervention. The
    last ``tail`` periods before the start are compared with the earlier pre-periods by the one-sided
    conditional binomial test on effective counts (:func:`ivp.stats.change.change_test` with
    ``alternative="greater"``, per-period exposure); ``flagged`` when ``p_value < level``.

    Examples
    --------
    >>> r = regression_to_mean([20, 22, 19, 21, 20, 23, 18, 21, 35, 38, 36])
    >>> round(r.ratio, 2), r.flagged
    (1.77, True)
    """
    y = as_counts(pre_counts, "pre_counts").ravel()
    if int(tail) != tail or tail < 1 or tail >= y.size:
        raise ValueError(f"tail must be a whole number in [1, {y.size - 1}], got {tail!r}")
    earlier, last = float(y[:-tail].sum()), float(y[-tail:].sum())
    r = change_test(
        earlier, last, y.size - tail, float(tail), alpha=level, alternative="greater", dispersion=dispersion
    )
    return RtmResult(r.rate_ratio, r.p_value, bool(r.p_value < level))


@dataclass(frozen=True)
class ControlChange:
    """Result of :func:`changed`: the comparison area's rate ratio after/before and its test."""

    ratio: float
    low: float
    high: float
    p_value: float
    flagged: bool


def changed(
    c0: float,
    c1: float,
    *,
    exposure0: float = 1.0,
    exposure1: float = 1.0,
    dispersion: float = 1.0,
    alpha: float = 0.05,
) -> ControlChange:
    """Did the comparison area itself change demonstrably? (Two-sided conditional test.)

    A difference-in-differences assumes the comparison shows what would have happened anyway. If it
    changed markedly (a reorganisation, an action of its own), the estimated effect partly mirrors that
    change; the report should say so. Wraps :func:`ivp.stats.change.change_test`.

    Examples
    --------
    >>> r = changed(1200, 1000)
    >>> round(r.ratio, 3), r.flagged
    (0.833, True)
    """
    r = change_test(c0, c1, exposure0, exposure1, alpha=alpha, dispersion=dispersion)
    return ControlChange(r.rate_ratio, r.ci_low, r.ci_high, r.p_value, bool(r.p_value < alpha))


def check_level(level: float) -> float:
    """Return ``level`` as float after checking 0 < level < 1 (internal, shared with :mod:`.effect`)."""
    value = float(level)
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be between 0 and 1 (exclusive), got {level!r}")
    return value
