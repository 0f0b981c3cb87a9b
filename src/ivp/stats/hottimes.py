"""Hot times: is there a weekday-hour (or dagdeel, or month) with more events than chance explains?

The test (:func:`concentration`). Under "no concentration" every cell of an aoristic table
(:mod:`ivp.stats.aoristic`) gets its share of the events: an equal share, or a share proportional to the
hours the cell occurs in the period (:func:`ivp.stats.aoristic.exposure`). Given the total ``N``, a cell's
count is then binomial with that share; a cell is tested with the central two-sided binomial test (twice
the smaller exact tail, as :mod:`ivp.stats.change`). Two things widen the binomial spread:

- Overdispersion ``phi``: events cluster (a series of thefts by one group in one week), so counts vary more
  than a binomial says (quasi-Poisson: ``Var = phi * mean``). :func:`week_dispersion` estimates ``phi``
  from the data themselves: the table is made per week, and the squared residuals of the weekly tables
  around a "week x cell" model (each week its own total, each cell its own share), divided by their
  Poisson variance, give ``phi`` (quasi-Poisson, McCullagh & Nelder 1989), never below 1.
- Aoristic weights: a cell made of fractions of events varies less than a cell of whole events. The
  design effect ``d = sum w^2 / sum w`` over the whole table scales the variance. It is the exact null
  value for every cell when event times are uniform over the week and the interval lengths do not depend
  on the time (then each cell's expected ``sum w^2`` is the table's divided by the number of cells);
  with ``w <= 1`` the resulting variance is at least the true one, so the test is not liberal. A cell's
  own ``sum w^2 / sum w`` is not used: it is correlated with the cell's count (a cell that happens to
  get only small fractions looks both low and certain), which makes the test liberal, as simulation
  showed.

Each cell is tested on its effective counts: count and total divided by ``s = phi * d`` (Korn & Graubard
1998), with the exact binomial tails extended to non-integer counts by the incomplete beta function; for
whole counts with ``phi = 1`` this is the exact binomial test. The p-values are corrected for the number
of cells with Benjamini-Hochberg (:func:`ivp.stats.multiple.fdr_bh`); a cell is hot (cold) when its
adjusted p-value is at most ``alpha`` and it has more (fewer) events than expected. The overall question
"is there any concentration at all" is Pearson's chi-square on the effective counts, ``sum (O - E)^2 /
(s E)``, on ``cells - 1`` degrees of freedom.

:func:`compare_profiles` asks whether an area's weekday-hour profile differs from the rest of the city:
per cell, given the cell's total over both, the area's part is binomial with the area's overall share
(effective counts with the cell's own design effect: given the events in the cell, the area's part is a
random subset of them), and the overall test is the chi-square test of homogeneity.

:func:`sufficiency` answers "is this enough data": the probability that one cell at ``ratio`` times the
average of the others is flagged hot by :func:`concentration`, and how many events that needs.

References
----------
.. [1] Ratcliffe, J. H. (2002). Aoristic signatures and the spatio-temporal analysis of high volume
   crime patterns. *Journal of Quantitative Criminology* 18(1), 23-43.
.. [2] Ashby, M. P. J. and Bowers, K. J. (2013). A comparison of methods for temporal analysis of
   aoristic crime. *Crime Science* 2(1), 1; *Policing* 7(4).
.. [3] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.
.. [4] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed., section 4.5.
.. [5] Korn, E. L. and Graubard, B. I. (1998). *Survey Methodology* 24(2), 193-201.

Examples
--------
Saturday (index 5) stands out among the weekdays:

>>> c = concentration([40, 38, 45, 41, 39, 90, 42])
>>> c.hot.tolist()
[False, False, False, False, False, True, False]

46 reports cannot show one weekday-hour at twice the average; about 4,700 can (with 80 % probability):

>>> s = sufficiency(46)
>>> round(s.power, 4), s.needed, s.sufficient
(0.0004, 4706, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special, stats

from ivp.stats._checks import check_alpha, frozen
from ivp.stats.aoristic import _MONDAY, _PERIODIC, MAX_HOURS, Aoristic, Layout, _periodic, _select
from ivp.stats.change_engine import central_pvalues
from ivp.stats.multiple import fdr_bh
from ivp.stats.sufficiency import TARGET_POWER, Sufficiency, needed_events

__all__ = [
    "Concentration",
    "ProfileComparison",
    "compare_profiles",
    "concentration",
    "sufficiency",
    "sufficiency_power",
    "week_dispersion",
]

_WEEK = 7 * 86_400


@dataclass(frozen=True, eq=False)
class Concentration:
    """Result of :func:`concentration` (arrays in the shape of the table, read-only).

    ``observed``/``expected`` are (weighted) counts per cell, ``ratio = observed / expected``, ``p`` the
    two-sided p-value per cell, ``q`` its Benjamini-Hochberg adjusted value, ``hot``/``cold`` the cells
    with ``q <= alpha`` above/below expectation. ``phi`` is the overdispersion used, ``n_events`` the
    total weight, ``overall_p`` the p-value of "no concentration at all" (``chi2`` on ``df``).
    ``design_effect`` is the per-cell variance factor of the aoristic weights (1 for whole counts).
    """

    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    ratio: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    hot: NDArray[np.bool_]
    cold: NDArray[np.bool_]
    phi: float
    alpha: float
    n_events: float
    overall_p: float
    chi2: float = float("nan")
    df: int = 0
    design_effect: NDArray[np.float64] | None = None
    layout: Layout | None = None

    @property
    def any_flagged(self) -> bool:
        """True when at least one cell is hot or cold."""
        return bool(self.hot.any() or self.cold.any())


@dataclass(frozen=True, eq=False)
class ProfileComparison(Concentration):
    """Result of :func:`compare_profiles`: a :class:`Concentration` of the area's table.

    ``expected`` is the area's count in a cell if it had the rest's profile (the cell's total times the
    area's overall share); ``ratio`` is the area's share of its events in the cell divided by the rest's
    share (``area_share / rest_share``); ``hot`` cells are relatively more frequent in the area.
    """

    area_share: NDArray[np.float64] | None = None
    rest_share: NDArray[np.float64] | None = None
    n_rest: float = 0.0


def _table(
    a: Aoristic | ArrayLike, name: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], Layout | None]:
    if isinstance(a, Aoristic):
        return np.array(a.table, dtype=np.float64), np.array(a.sq, dtype=np.float64), a.layout
    obs = np.array(a, dtype=np.float64)
    if obs.size == 0 or not np.all(np.isfinite(obs)) or np.any(obs < 0):
        raise ValueError(f"{name} must be a non-empty table of finite counts of 0 or more")
    return obs, obs.copy(), None


def _phi(phi: float | None) -> float:
    value = 1.0 if phi is None else float(phi)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"phi must be a finite number above 0, got {phi!r}")
    return value


def _design(obs: NDArray[np.float64], sq: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per-cell design effect ``sum w^2 / sum w`` (1 where a cell is empty)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(obs > 0, sq / np.where(obs > 0, obs, 1.0), 1.0)
    return np.asarray(d, dtype=np.float64)


def _finish(
    observed: NDArray[np.float64],
    expected: NDArray[np.float64],
    ratio: NDArray[np.float64],
    p: NDArray[np.float64],
    chi2: float,
    df: int,
    design: NDArray[np.float64],
    phi: float,
    alpha: float,
    n_events: float,
    shape: tuple[int, ...],
) -> dict[str, object]:
    fdr = fdr_bh(p, alpha=alpha)
    q = np.array(fdr.adjusted, dtype=np.float64)
    hot = np.asarray(fdr.rejected & (observed > expected))
    cold = np.asarray(fdr.rejected & (observed < expected))
    overall = float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan")
    arrays = [x.reshape(shape) for x in (observed, expected, ratio, p, q, hot, cold, design)]
    frozen(*arrays)
    names = ("observed", "expected", "ratio", "p", "q", "hot", "cold", "design_effect")
    out: dict[str, object] = dict(zip(names, arrays, strict=True))
    out.update(phi=phi, alpha=alpha, n_events=n_events, overall_p=overall, chi2=chi2, df=df)
    return out


def concentration(
    a: Aoristic | ArrayLike,
    *,
    exposure: ArrayLike | None = None,
    phi: float | None = None,
    alpha: float = 0.05,
) -> Concentration:
    """Test every cell of a time table for more (or fewer) events than expected; see the module docstring.

    Parameters
    ----------
    a : Aoristic or array_like
        An aoristic table (weights and squared weights), or a table of whole counts.
    exposure : array_like, optional
        Hours per cell in the period (:func:`ivp.stats.aoristic.exposure`); expected counts are
        proportional to it. Default: an equal share per cell.
    phi : float, optional
        Overdispersion (``Var = phi * mean``), e.g. from :func:`week_dispersion`. Default 1 (Poisson):
        pass an estimate for real data, which cluster.
    alpha : float, default 0.05
        False discovery rate over the cells, and level of the overall test.

    Returns
    -------
    Concentration
    """
    alpha = check_alpha(alpha)
    phi_v = _phi(phi)
    obs, sq, layout = _table(a, "a")
    shape = obs.shape
    obs, sq = obs.ravel(), sq.ravel()
    if exposure is None:
        weight = np.ones_like(obs)
    else:
        weight = np.array(exposure, dtype=np.float64).ravel()
        if (
            weight.shape != obs.shape
            or not np.all(np.isfinite(weight))
            or np.any(weight < 0)
            or weight.sum() <= 0
        ):
            raise ValueError("exposure must have one finite value of 0 or more per cell, not all 0")
    share = weight / weight.sum()
    total = float(obs.sum())
    expected = total * share
    # The pooled design effect: the null value of every cell's when event times are uniform and
    # interval lengths do not depend on the time (a cell's own value is correlated with its count).
    design = np.full_like(obs, float(sq.sum() / total) if total > 0 else 1.0)
    scale = phi_v * design
    usable = share > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(expected > 0, obs / np.where(expected > 0, expected, 1.0), np.nan)
        p = central_pvalues(obs / scale, np.full_like(obs, total) / scale, share, "two-sided")
        chi2 = float(np.sum(((obs - expected) ** 2 / (expected * scale))[usable])) if total > 0 else 0.0
    p = np.where(usable & (total > 0), p, np.nan)
    df = int(usable.sum()) - 1 if total > 0 else 0
    fields = _finish(obs, expected, ratio, p, chi2, df, design, phi_v, alpha, total, shape)
    return Concentration(layout=layout, **fields)  # type: ignore[arg-type]


def compare_profiles(
    area: Aoristic | ArrayLike, rest: Aoristic | ArrayLike, *, alpha: float = 0.05, phi: float | None = None
) -> ProfileComparison:
    """Is the area's profile over the cells different from the rest of the city's?

    Per cell, given its total over area and rest ``t``, the area's count is binomial with the area's
    overall share ``pi = A / (A + R)``; tested on effective counts (divided by ``phi`` times the cell's
    design effect), two-sided, with Benjamini-Hochberg over the cells. The overall test is Pearson's
    chi-square of homogeneity of the 2 x cells table (``scipy.stats.chi2_contingency`` without continuity
    correction for whole counts and ``phi = 1``), on ``cells - 1`` degrees of freedom.
    """
    alpha = check_alpha(alpha)
    phi_v = _phi(phi)
    a_obs, a_sq, layout = _table(area, "area")
    r_obs, r_sq, r_layout = _table(rest, "rest")
    if a_obs.shape != r_obs.shape or (layout is not None and r_layout is not None and layout != r_layout):
        raise ValueError("area and rest must be tables of the same layout")
    shape = a_obs.shape
    a_obs, a_sq, r_obs, r_sq = (x.ravel() for x in (a_obs, a_sq, r_obs, r_sq))
    n_a, n_r = float(a_obs.sum()), float(r_obs.sum())
    if n_a <= 0 or n_r <= 0:
        raise ValueError("area and rest must both contain events")
    pi = n_a / (n_a + n_r)
    t = a_obs + r_obs
    # Given the events in a cell, the area's part is a random subset: its variance is pi (1 - pi) sum w^2.
    design = _design(t, a_sq + r_sq)
    scale = phi_v * design
    usable = t > 0
    expected = t * pi
    a_share, r_share = a_obs / n_a, r_obs / n_r
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(r_share > 0, a_share / np.where(r_share > 0, r_share, 1.0), np.nan)
        p = central_pvalues(a_obs / scale, t / scale, np.full_like(t, pi), "two-sided")
        terms = (a_obs - expected) ** 2 / (t * pi * (1 - pi) * scale)
    p = np.where(usable, p, np.nan)
    chi2 = float(terms[usable].sum())
    df = int(usable.sum()) - 1
    fields = _finish(a_obs, expected, ratio, p, chi2, df, design, phi_v, alpha, n_a, shape)
    shares = (a_share.reshape(shape), r_share.reshape(shape))
    frozen(*shares)
    return ProfileComparison(
        layout=layout,
        area_share=shares[0],
        rest_share=shares[1],
        n_rest=n_r,
        **fields,  # type: ignore[arg-type]
    )


def week_dispersion(
    begin: ArrayLike, end: ArrayLike, *, layout: Layout = "weekday_hour", max_hours: float = MAX_HOURS
) -> float:
    """Overdispersion ``phi`` from week-to-week variation of the aoristic table.

    Each event is assigned to the week (Monday to Sunday) of the midpoint of its interval and the table
    is made per week. The first and last week are left out (from four weeks on) because they are
    usually partial: a period rarely starts on a Monday, and a partial week's profile is lopsided. The
    model "each week its own total, each cell its own share" gives expected weekly counts
    ``e = week total * cell total / total``, so a seasonal rise in all cells alike is not counted as
    dispersion; what is counted is a cell's count jumping from week to week more than chance (clusters,
    series). ``phi`` is the ratio of the summed squared residuals ``sum (y - e)^2`` to their summed
    Poisson variance ``sum e (1 - week share) (1 - cell share) d`` (``d``: the cell's design effect of
    the aoristic weights). With equal margins this is exactly the Pearson estimate of a quasi-Poisson GLM
    with week and cell factors (McCullagh & Nelder 1989); with the sparse tables of a few hundred events
    the Pearson estimate (a mean of per-cell ratios) is biased low by a third under clustering, this
    ratio of sums is not (checked by simulation). Never below 1; 1 when fewer than two weeks or cells
    have events.
    """
    if layout not in _PERIODIC:
        raise ValueError(f"week_dispersion needs a weekly layout, not {layout!r}")
    sb, se, _n, _long, _bad = _select(begin, end, max_hours)
    if sb.size == 0:
        return 1.0
    sb, se = sb - _MONDAY, se - _MONDAY
    mid = sb + (se - sb) // 2
    week = mid // _WEEK
    first, last = int(week.min()), int(week.max())
    if last - first >= 3:
        keep = (week > first) & (week < last)
        sb, se, week = sb[keep], se[keep], week[keep]
    if sb.size == 0:
        return 1.0
    width, k, _shape = _PERIODIC[layout]
    groups = week - week.min()
    y, sq = _periodic(sb, se, width, k, groups=groups, n_groups=int(groups.max()) + 1)
    rows, cols = y.sum(axis=1), y.sum(axis=0)
    y, sq = y[rows > 0][:, cols > 0], sq[rows > 0][:, cols > 0]
    n_weeks, n_cells = y.shape
    if n_weeks < 2 or n_cells < 2:
        return 1.0
    rows, cols = y.sum(axis=1), y.sum(axis=0)
    total = y.sum()
    expected = np.outer(rows, cols) / total
    design = sq.sum(axis=0) / cols
    # Poisson variance of a residual of the independence model, times the aoristic design effect.
    variance = expected * np.outer(1 - rows / total, 1 - cols / total) * design
    return float(max(1.0, np.sum((y - expected) ** 2) / np.sum(variance)))


@lru_cache(maxsize=64)
def _bh_gain(m: int, alpha: float) -> tuple[float, ...]:
    """``g[j]``: probability BH rejects a p-value in ``(alpha (j-1)/m, alpha j/m]`` among ``m - 1`` uniform nulls.

    BH rejects it iff some ``k >= j`` has at least ``k - 1`` null p-values at or below ``alpha k / m``.
    The complement (for every ``k >= j`` at most ``k - 2`` nulls below ``t_k``) is computed by a backward
    recursion over ``k`` on the number of nulls below ``t_k`` (a Markov chain: given ``n`` nulls below
    ``t_k``, the others are uniform above it). ``g[0]`` is unused; ``g[1] = 1``.
    """
    cap = min(m - 1, 120)
    t = alpha * np.arange(m + 1) / m
    states = np.arange(cap + 1)
    # h[n] = P(no later violation | n nulls below t_k), for n <= k - 2; start at k = m.
    h = (states <= m - 2).astype(np.float64)
    hs: dict[int, NDArray[np.float64]] = {m: h}
    for k in range(m - 1, 1, -1):
        step = (t[k + 1] - t[k]) / (1 - t[k])
        # trans[n, n'] = P(n' nulls below t_{k+1} | n below t_k).
        trans = stats.binom.pmf(states[None, :] - states[:, None], (m - 1) - states[:, None], step)
        nxt = np.where(states <= k - 1, h, 0.0)
        h = np.where(states <= k - 2, trans @ nxt, 0.0)
        hs[k] = h
    gain = [0.0, 1.0]
    for j in range(2, m + 1):
        start = stats.binom.pmf(states, m - 1, t[j])
        ok = float(np.sum(np.where(states <= j - 2, start * hs[j], 0.0)))
        gain.append(min(1.0, max(0.0, 1.0 - ok)))
        if gain[-1] < 1e-12:
            gain.extend([0.0] * (m - j))
            break
    return tuple(gain)


def _upper(c: float, n: float, p: float) -> float:
    """``P(X >= c)`` for ``X ~ Binomial(n, p)``, continuous in real ``c`` (regularised incomplete beta)."""
    if c <= 0:
        return 1.0
    if c > n:
        return 0.0
    return float(special.betainc(c, n - c + 1.0, p))


def _upper_minus(c: float, n: float, p: float, level: float) -> float:
    return _upper(c, n, p) - level


def sufficiency_power(
    n_events: int, n_cells: int = 168, *, ratio: float = 2.0, alpha: float = 0.05, phi: float = 1.0
) -> float:
    """Probability that :func:`concentration` flags one cell at ``ratio`` x the others' average as hot.

    Model: the cell's share is ``p1 = ratio / (n_cells - 1 + ratio)``; on effective counts (``n / phi``)
    its count is binomial. It is flagged when its two-sided p-value passes Benjamini-Hochberg over
    ``n_cells`` cells and it lies above expectation. The BH step is computed exactly with the other
    cells' p-values independent and uniform (:func:`_bh_gain`): a p-value in ``(alpha (j-1)/m, alpha
    j/m]`` is rejected with probability ``g[j]`` (``g[1] = 1``; ``g[2]`` about 0.1 for 168 cells). With
    ``phi = 1`` the count is whole and the binomial is summed exactly. Otherwise the effective counts are
    not whole (aoristic fractions, a dispersion factor) and the test works on a continuum: the power is
    the continuous extension of the binomial tail above each critical value. With discrete
    (conservative) null p-values the true gain from BH is slightly smaller; with few cells the other
    cells lie genuinely below the average and can be rejected too, which helps.
    """
    alpha = check_alpha(alpha)
    m = int(n_cells)
    if m < 2:
        raise ValueError("n_cells must be 2 or more")
    phi_v = _phi(phi)
    p1 = ratio / (m - 1 + ratio)
    p0 = 1.0 / m
    gain = np.array((*_bh_gain(m, round(alpha, 12)), 0.0))
    if phi_v == 1.0:
        n = int(n_events)
        if n <= 0:
            return 0.0
        mean, sd = n * p1, math.sqrt(n * p1 * (1 - p1))
        lo, hi = max(0, math.floor(mean - 12 * sd - 5)), min(n, math.ceil(mean + 12 * sd + 5))
        x = np.arange(lo, hi + 1, dtype=np.float64)
        pmf = stats.binom.pmf(x, n, p1)
        pv = central_pvalues(x, np.full_like(x, n), np.full_like(x, p0), "two-sided")
        band = np.maximum(1, np.ceil(pv * m / alpha - 1e-12)).astype(np.int64)
        g = gain[np.minimum(band, m + 1)]
        return min(1.0, max(0.0, float(np.sum(pmf * g * (x > n * p0)))))
    n_eff = float(n_events) / phi_v
    if n_eff <= 0:
        return 0.0
    power, previous = 0.0, 0.0
    for j in range(1, m + 1):
        if gain[j] <= 0:
            break
        level = alpha * j / m / 2.0  # the upper tail at the band edge (two-sided = twice the tail)
        if _upper(n_eff, n_eff, p0) > level:
            continue  # even all events in the cell do not reach this band
        crit = optimize.brentq(_upper_minus, n_eff * p0, n_eff, args=(n_eff, p0, level), xtol=1e-10)
        reach = _upper(crit, n_eff, p1)
        power += float(gain[j]) * (reach - previous)
        previous = reach
    return min(1.0, max(0.0, power))


def sufficiency(
    n_events: int,
    n_cells: int = 168,
    *,
    ratio: float = 2.0,
    alpha: float = 0.05,
    phi: float = 1.0,
    target: float = TARGET_POWER,
    retention: float = 1.0,
) -> Sufficiency:
    """Can ``n_events`` events show one cell at ``ratio`` times the average of the others?

    ``retention``: for events known as intervals, the share of an event's weight that stays in the cell
    where it really happened, on average (the mean over events of their sum of squared aoristic weights,
    ``table.sq.sum() / table.n_used``; 1 for exact moments). A real peak is smeared over neighbouring
    cells: the table shows it at ``1 + (ratio - 1) * retention`` times the average, and the test's
    variance shrinks by the same factor (its design effect), so the power is computed for that ratio
    with ``phi * retention``. Checked by simulation (intervals of 0-4 h: predicted 0.44, found 0.44;
    0-12 h: 0.155 and 0.155, ``tests/stats/test_hottimes.py``).

    ``power`` is :func:`sufficiency_power` (the probability :func:`concentration` flags that cell, with
    BH over ``n_cells``: 168 weekday-hours, 28 weekday x dagdeel, 4 dagdelen, 7 weekdays, 12 months);
    ``needed`` the smallest number of events with power at least ``target``
    (:func:`ivp.stats.sufficiency.needed_events`). Checked by simulation in the tests.
    """
    phi_v = _phi(phi)
    if not 0.0 < retention <= 1.0:
        raise ValueError(f"retention must lie in (0, 1], got {retention!r}")
    seen = 1.0 + (ratio - 1.0) * retention

    def power_of(n: int) -> float:
        return sufficiency_power(n, n_cells, ratio=seen, alpha=alpha, phi=phi_v * retention)

    needed = needed_events(power_of, target=target) if ratio > 1 else None
    return Sufficiency(
        question="hottime",
        n_events=int(n_events),
        n_cells=int(n_cells),
        ratio=float(ratio),
        power=power_of(int(n_events)),
        needed=needed,
        alpha=float(alpha),
        target_power=float(target),
        cells_in_hotspot=1,
        phi=phi_v,
    )
