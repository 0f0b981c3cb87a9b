"""Funnel plot of rates with overdispersed control limits: is one municipality out of line with its peers?

Comparing a municipality with "the pooled rate of similar municipalities" as if that rate were a fixed
truth calls nearly every difference "aantoonbaar": municipalities really differ (in how many shops, how
much nightlife, how active the police are), far more than chance alone. A funnel plot shows every peer's
rate against its size, with control limits around the group's rate that narrow as the population grows
(Spiegelhalter 2005). Limits that allow only for chance are too narrow when the peers themselves spread
more; then the between-municipality variance ``tau2`` is estimated from the peers (additive random
effects, with winsorised z-scores so one extreme peer does not dominate) and added to every unit's
variance. A municipality is "aantoonbaar hoger" only when it lies above the upper limit of that wider
funnel.

Computation on the square-root scale (Spiegelhalter et al. 2012), where a Poisson count's variance is
nearly constant, which keeps the limits sensible also for small expected counts:

- target rate ``theta0 = sum(counts) / sum(population)`` over all units (peers and the municipality);
- ``z_i = 2 (sqrt(y_i) - sqrt(E_i))`` with ``E_i = theta0 * n_i``; its variance is 1 under pure chance;
- ``phi = mean(z_w**2) / c`` over z-scores winsorised at the 10th and 90th percentile, with ``c = 0.68``
  the factor by which winsorising shrinks the mean square of normal z-scores (so ``phi`` is unbiased);
- when ``I * phi > I - 1``: ``tau2 = (I * phi - (I - 1)) / (sum(w) - sum(w**2) / sum(w))`` with
  ``w_i = 4 n_i`` (the inverse variance of ``sqrt(y_i / n_i)``), else ``tau2 = 0``;
- unit ``i``'s overdispersed z-score ``(sqrt(r_i) - sqrt(theta0)) / sqrt(1 / w_i + tau2)``, two-sided
  p-value from Student's t on ``I - 1`` df when ``tau2`` is estimated (the normal otherwise), limits
  ``(sqrt(theta0) +- t * sqrt(1 / w_i + tau2))**2``.

References
----------
.. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance. *Statistics in
   Medicine* 24(8), 1185-1202.
.. [2] Spiegelhalter, D. J. (2005). Handling over-dispersion of performance indicators. *Quality and
   Safety in Health Care* 14(5), 347-351.
.. [3] Spiegelhalter, D., Sherlaw-Johnson, C., Bardsley, M., Blunt, I., Wood, C. and Grigg, O. (2012).
   Statistical methods for healthcare regulation: rating, screening and surveillance. *JRSS A* 175(1),
   1-47 (square-root transformed z-scores for counts).
.. [4] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical
   Trials* 7(3), 177-188 (the moment estimator of ``tau2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.lib.i18n import _
from ivp.stats._checks import as_areas, as_positive, check_alpha, frozen
from ivp.stats.rates import LABEL_HIGHER, LABEL_LOWER, LABEL_SAME, LABEL_TOO_FEW_DIFF, SMALL_RATE_COUNT

__all__ = ["MIN_PEERS", "WINSOR", "FunnelResult", "funnel", "funnel_limits"]

#: Fewer units than this (peers and the municipality together) give no funnel.
MIN_PEERS = 5
#: z-scores are winsorised at this lower and ``1 - WINSOR`` upper percentile to estimate ``phi``.
WINSOR = 0.10


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """Result of :func:`funnel`: one entry per unit (read-only arrays), and the funnel's parameters.

    Attributes
    ----------
    target : float
        The group's rate per ``per`` inhabitants (the funnel's centre line).
    phi : float
        Spiegelhalter's overdispersion: the mean winsorised squared z-score (1 under pure chance).
    tau2 : float
        Between-unit variance on the square-root rate scale (unit ``1 / inhabitant``); 0 when ``phi``
        does not exceed chance.
    rate : ndarray
        Each unit's rate per ``per``.
    expected : ndarray
        Each unit's count at the target rate.
    z : ndarray
        Overdispersed z-score per unit.
    p_value : ndarray
        Two-sided p-value of ``z``: Student's t on ``units - 1`` df when ``tau2`` is estimated, else the
        normal.
    low, high : ndarray
        The ``1 - alpha`` control limits (rate per ``per``) at each unit's population.
    direction : ndarray of int8
        ``+1`` above the upper limit, ``-1`` below the lower, ``0`` inside, or small numbers.
    label : ndarray of str
        Dutch wording: :data:`ivp.stats.rates.LABEL_HIGHER` etc., :data:`ivp.stats.rates.LABEL_TOO_FEW_DIFF`
        below :data:`ivp.stats.rates.SMALL_RATE_COUNT` events.
    small_numbers : ndarray of bool
        True where the count is below :data:`ivp.stats.rates.SMALL_RATE_COUNT`.
    """

    target: float
    phi: float
    tau2: float
    rate: NDArray[np.float64]
    expected: NDArray[np.float64]
    z: NDArray[np.float64]
    p_value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    direction: NDArray[np.int8]
    label: NDArray[np.str_]
    small_numbers: NDArray[np.bool_]
    units: int

    def limits(
        self, population: ArrayLike, *, per: float = 1000.0, alpha: float = 0.05
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The funnel's ``1 - alpha`` limits (rate per ``per``) at any populations, for drawing it."""
        n = as_positive(population, "population")
        return _limits(self.target / per, self.tau2, n, check_alpha(alpha), per, self.units)


def funnel(
    counts: ArrayLike,
    population: ArrayLike,
    *,
    per: float = 1000.0,
    alpha: float = 0.05,
    winsor: float = WINSOR,
) -> FunnelResult:
    """Funnel-plot comparison of every unit's rate with the group's, allowing between-unit spread.

    Parameters
    ----------
    counts : array_like
        Non-negative whole counts per unit (the municipality and its peers).
    population : array_like
        Inhabitants per unit (> 0), same length.
    per : float, default 1000.0
        Unit of the rates.
    alpha : float, default 0.05
        Level of the limits and the test (0.05: 95% limits; 0.002 for 99.8% limits).
    winsor : float, default 0.10
        Share winsorised in each tail when estimating ``phi`` (0 for none).

    Returns
    -------
    FunnelResult

    Raises
    ------
    ValueError
        For fewer than :data:`MIN_PEERS` units, unequal lengths, invalid counts or populations, a group
        without any count, or ``winsor`` outside [0, 0.5).

    References
    ----------
    .. [1] Spiegelhalter, D. J. (2005). *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    Ten municipalities of about 100,000 inhabitants; the first has 30% more than the group's rate, but
    the group itself spreads widely:

    >>> counts = [520, 300, 410, 380, 450, 330, 470, 360, 400, 310]
    >>> pops = [100_000, 95_000, 105_000, 98_000, 110_000, 90_000, 102_000, 97_000, 99_000, 93_000]
    >>> r = funnel(counts, pops)
    >>> round(r.target, 2), round(r.phi, 1), r.direction.tolist()[0], r.label.tolist()[0]
    (3.97, 7.0, 0, 'geen aantoonbaar verschil')
    >>> round(float(r.low[0]), 2), round(float(r.high[0]), 2)
    (2.81, 5.33)
    """
    alpha = check_alpha(alpha)
    per = float(as_positive(per, "per"))
    if not 0.0 <= winsor < 0.5:
        raise ValueError(f"winsor must lie in [0, 0.5), got {winsor!r}")
    y, n = as_areas(counts, population, "funnel")
    units = int(y.size)
    if units < MIN_PEERS:
        raise ValueError(f"a funnel needs at least {MIN_PEERS} units, got {units}")
    if y.sum() == 0:
        raise ValueError("a funnel needs at least one count above 0")
    theta = float(y.sum() / n.sum())
    expected = theta * n
    z0 = 2.0 * (np.sqrt(y) - np.sqrt(expected))
    if winsor > 0:
        low_q, high_q = np.quantile(z0, [winsor, 1 - winsor])
        zw = np.clip(z0, low_q, high_q)
    else:
        zw = z0
    phi = float(np.mean(zw**2)) / _winsor_consistency(winsor)
    w = 4.0 * n
    tau2 = 0.0
    if units * phi > units - 1:
        tau2 = float((units * phi - (units - 1)) / (w.sum() - np.sum(w**2) / w.sum()))
    sd = np.sqrt(1.0 / w + tau2)
    z = (np.sqrt(y / n) - np.sqrt(theta)) / sd
    dist = _reference(tau2, units)
    p_value = np.minimum(1.0, 2.0 * dist.sf(np.abs(z)))
    low, high = _limits(theta, tau2, n, alpha, per, units)
    small = y < SMALL_RATE_COUNT
    direction = np.where((p_value < alpha) & ~small, np.sign(z), 0).astype(np.int8)
    labels = np.array([_(LABEL_LOWER), _(LABEL_SAME), _(LABEL_HIGHER)])
    label = np.where(small, _(LABEL_TOO_FEW_DIFF), labels[direction + 1])
    rate = y / n * per
    frozen(rate, expected, z, p_value, low, high, direction, label, small)
    return FunnelResult(
        target=theta * per, phi=phi, tau2=tau2, rate=rate, expected=expected, z=z, p_value=p_value,
        low=low, high=high, direction=direction, label=label, small_numbers=small, units=units,
    )  # fmt: skip


def funnel_limits(
    target: float, tau2: float, units: int, population: ArrayLike, *, per: float = 1000.0, alpha: float = 0.05
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The ``1 - alpha`` control limits of a funnel with centre ``target`` (per ``per``) and between-unit
    variance ``tau2`` at any populations: what :meth:`FunnelResult.limits` draws, from stored parameters.

    >>> low, high = funnel_limits(4.0, 0.0, 10, [50_000, 200_000])
    >>> [round(x, 2) for x in low.tolist()], [round(x, 2) for x in high.tolist()]
    ([3.46, 3.73], [4.57, 4.28])
    """
    n = as_positive(population, "population")
    return _limits(float(target) / per, float(tau2), n, check_alpha(alpha), float(per), int(units))


def _winsor_consistency(winsor: float) -> float:
    """``E[clip(Z, q_w, q_(1-w))**2]`` for standard normal ``Z``: winsorising shrinks ``mean(z**2)`` by
    this factor (0.68 at 10%), so dividing by it makes ``phi`` unbiased for normal z-scores."""
    if winsor <= 0:
        return 1.0
    q = float(stats.norm.isf(winsor))
    inside = (1 - 2 * winsor) - 2 * q * float(stats.norm.pdf(q))
    return inside + 2 * winsor * q * q


def _reference(tau2: float, units: int) -> stats.rv_continuous | stats.rv_frozen:
    """Normal without between-unit spread; Student's t on ``units - 1`` df when ``tau2`` is estimated."""
    return stats.t(df=units - 1) if tau2 > 0 else stats.norm()


def _limits(
    theta: float, tau2: float, n: NDArray[np.float64], alpha: float, per: float, units: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    crit = float(_reference(tau2, units).isf(alpha / 2))
    sd = np.sqrt(1.0 / (4.0 * n) + tau2)
    centre = np.sqrt(theta)
    low = np.maximum(centre - crit * sd, 0.0) ** 2 * per
    high = (centre + crit * sd) ** 2 * per
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
