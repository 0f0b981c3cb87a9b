"""Aoristic weights: when did events happen that are known only as a time interval?

A bicycle theft is reported as "between 17:30 on Tuesday and 08:00 on Wednesday": the moment itself is
unknown. Counting such an event at its start, its end or the midpoint of the interval puts all of it in
one hour that is quite possibly wrong; Ashby & Bowers (2013) found these single-point methods misleading
and the aoristic method accurate. The aoristic method (Ratcliffe 2002) spreads a weight of 1 per event
over the clock hours its interval ``[begin, end]`` covers, in proportion to the time the interval spends
in each hour: an interval from 17:30 to 19:00 gives 1/3 to 17-18 and 2/3 to 18-19. An exact moment
(``end == begin``) puts its whole weight in its own hour. Summing the weights of all events gives a table
per weekday and hour (or per dagdeel, weekday, hour or month) whose total is the number of events used.

Exclusion rule: an interval longer than ``max_hours`` (default :data:`MAX_HOURS`, 72 hours) is left out
and counted (``n_too_long``). 72 hours covers a weekend (Friday evening to Monday morning, the typical
"parked the bicycle on Friday, found it gone on Monday" report); an interval longer than three days spreads
its weight so thinly over the week (less than 1/72 per hour, and from a week on exactly 1/168 per
weekday-hour) that it carries almost no information about the time of day and only dilutes the table.
Events without a begin or end (NaT) or with ``end < begin`` are left out and counted as ``n_invalid``.

Each cell also carries ``sq``, the sum of the squared weights. A cell made of many small fractions varies
less from chance than a cell of whole events: under a Poisson process of events the variance of a cell's
total is the sum of squared weights, so ``(sum w) ** 2 / sum w ** 2`` is the cell's effective number of
events (Kish 1965), which :mod:`ivp.stats.hottimes` uses for its tests.

Timestamps are naive local clock times as stored (no daylight-saving correction: an interval across the
autumn change is one hour short, which is how the police registration reads too). The computation is
vectorised: per event the first (partial) cell, the last (partial) cell and the run of whole cells in
between, the run added with difference arrays and ``np.bincount``; whole weeks add the same amount to
every weekday-hour. One million events take well under two seconds (``bench/bench_aoristic.py``).

References
----------
.. [1] Ratcliffe, J. H. (2002). Aoristic signatures and the spatio-temporal analysis of high volume
   crime patterns. *Journal of Quantitative Criminology* 18(1), 23-43.
.. [2] Ashby, M. P. J. and Bowers, K. J. (2013). A comparison of methods for temporal analysis of
   aoristic crime. *Crime Science* 2(1), 1 (and *Policing* 7(4): the same comparison for analysts).
.. [3] Kish, L. (1965). *Survey Sampling*. Wiley, section 11.7 (effective sample size of weighted data).

Examples
--------
>>> import numpy as np
>>> begin = np.array(["2024-01-02T17:30", "2024-01-03T09:00"], dtype="datetime64[m]")
>>> end = np.array(["2024-01-02T19:00", "2024-01-03T09:00"], dtype="datetime64[m]")
>>> a = aoristic(begin, end)
>>> a.row_labels[1], a.col_labels[17], round(float(a.table[1, 17]), 4), round(float(a.table[1, 18]), 4)
('dinsdag', '17-18', 0.3333, 0.6667)
>>> float(a.table[2, 9]), a.n_used
(1.0, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ivp.lib.i18n import _
from ivp.stats._checks import check_option, frozen

__all__ = [
    "LAYOUTS",
    "MAX_HOURS",
    "Aoristic",
    "Layout",
    "aoristic",
    "dagdeel_labels",
    "exposure",
    "hour_labels",
    "month_labels",
    "weekday_labels",
]

#: Default exclusion rule: intervals longer than this many hours are left out (and counted).
MAX_HOURS: int = 72

Layout = Literal["weekday_hour", "weekday", "hour", "dagdeel", "weekday_dagdeel", "month"]
LAYOUTS: tuple[str, ...] = get_args(Layout)

# Seconds from the epoch (Thursday 1970-01-01) to Monday 1970-01-05 00:00: hour-of-week zero.
_MONDAY = 4 * 86_400
_HOUR = 3_600
# Periodic layouts: (cell width in hours, number of cells in the period, table shape).
_PERIODIC: dict[str, tuple[int, int, tuple[int, ...]]] = {
    "weekday_hour": (1, 168, (7, 24)),
    "weekday": (24, 7, (7,)),
    "hour": (1, 24, (24,)),
    "dagdeel": (6, 4, (4,)),
    "weekday_dagdeel": (6, 28, (7, 4)),
}


def weekday_labels() -> tuple[str, ...]:
    """Dutch weekday names, maandag (index 0) to zondag."""
    return (
        _("maandag"),
        _("dinsdag"),
        _("woensdag"),
        _("donderdag"),
        _("vrijdag"),
        _("zaterdag"),
        _("zondag"),
    )


def hour_labels() -> tuple[str, ...]:
    """Clock hours as ``"00-01"`` ... ``"23-24"``."""
    return tuple(f"{h:02d}-{h + 1:02d}" for h in range(24))


def dagdeel_labels() -> tuple[str, ...]:
    """Dagdelen as the police uses them: nacht 0-6, ochtend 6-12, middag 12-18, avond 18-24."""
    return (_("nacht"), _("ochtend"), _("middag"), _("avond"))


def month_labels() -> tuple[str, ...]:
    """Dutch month names, januari to december."""
    return (
        _("januari"),
        _("februari"),
        _("maart"),
        _("april"),
        _("mei"),
        _("juni"),
        _("juli"),
        _("augustus"),
        _("september"),
        _("oktober"),
        _("november"),
        _("december"),
    )


def _labels(layout: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if layout == "weekday_hour":
        return weekday_labels(), hour_labels()
    if layout == "weekday_dagdeel":
        return weekday_labels(), dagdeel_labels()
    one = {"weekday": weekday_labels, "hour": hour_labels, "dagdeel": dagdeel_labels, "month": month_labels}
    return one[layout](), ()


@dataclass(frozen=True, eq=False)
class Aoristic:
    """An aoristic table (read-only arrays).

    Attributes
    ----------
    table : ndarray of float
        Sum of the events' weights per cell: shape (7, 24) for ``weekday_hour``, (7,) ``weekday``,
        (24,) ``hour``, (4,) ``dagdeel``, (7, 4) ``weekday_dagdeel``, (12,) ``month``.
    sq : ndarray of float
        Sum of the squared weights per cell (same shape); ``table ** 2 / sq`` is the effective count.
    layout : str
        The layout of the table.
    row_labels, col_labels : tuple of str
        Dutch labels of the rows and columns; for a one-dimensional table ``col_labels`` is empty.
    n_events : int
        Events given.
    n_used : int
        Events in the table (``table.sum() == n_used`` up to rounding).
    n_too_long : int
        Events left out because their interval is longer than ``max_hours``.
    n_invalid : int
        Events left out for a missing begin or end or an end before the begin.
    max_hours : float
        The exclusion rule applied.
    """

    table: NDArray[np.float64]
    sq: NDArray[np.float64]
    layout: Layout
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    n_events: int
    n_used: int
    n_too_long: int
    n_invalid: int
    max_hours: float

    @property
    def n_cells(self) -> int:
        """Number of cells in the table."""
        return int(self.table.size)

    @property
    def effective(self) -> NDArray[np.float64]:
        """Effective number of events per cell, ``table ** 2 / sq`` (0 for an empty cell)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            eff = np.where(self.sq > 0, self.table**2 / np.where(self.sq > 0, self.sq, 1.0), 0.0)
        return np.asarray(eff, dtype=np.float64)


def _seconds(values: ArrayLike, name: str) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Whole seconds since the epoch (int64) and a mask of missing values."""
    arr = np.asarray(values)
    if arr.dtype.kind == "O":
        arr = np.array(arr.tolist(), dtype="datetime64[s]")
    if arr.dtype.kind != "M":
        raise TypeError(f"{name} must be datetime64 timestamps, got dtype {arr.dtype}")
    sec = arr.astype("datetime64[s]").ravel()
    return sec.view(np.int64), np.isnat(sec)


def _periodic(
    sb: NDArray[np.int64],
    se: NDArray[np.int64],
    width_hours: int,
    k: int,
    groups: NDArray[np.int64] | None = None,
    n_groups: int = 1,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weights and squared weights per (group, cell) for cells of ``width_hours`` repeating every ``k``.

    ``sb``/``se`` are seconds since Monday 00:00 of the reference week (may be negative). Per event:
    the first cell gets ``f`` (its covered part / length), the last cell ``g``, every whole cell in
    between ``a = width / length``. The run of ``M`` whole cells wraps ``q = M // k`` times around the
    period (``q * a`` for every cell) plus ``r = M % k`` cells after the first (a difference array).
    No cell in that remainder run is the first or last cell, so the squares are exact too.
    """
    width = width_hours * _HOUR
    grp = np.zeros(sb.shape, dtype=np.int64) if groups is None else groups
    size = n_groups * k
    jb = sb // width
    je = se // width
    cb = jb % k
    ce = je % k
    table = np.zeros(size)
    sq = np.zeros(size)
    one = je == jb
    if np.any(one):
        idx = grp[one] * k + cb[one]
        ones = np.bincount(idx, minlength=size).astype(np.float64)
        table += ones
        sq += ones
    multi = ~one
    if np.any(multi):
        g0 = grp[multi]
        jbm, jem, cbm, cem = jb[multi], je[multi], cb[multi], ce[multi]
        length = (se[multi] - sb[multi]).astype(np.float64)
        f = (width * (jbm + 1) - sb[multi]).astype(np.float64) / length
        g = (se[multi] - width * jem).astype(np.float64) / length
        a = width / length
        m = jem - jbm - 1
        q = (m // k).astype(np.float64)
        r = m % k
        # Whole periods: the same weight for every cell of the event's group.
        table += np.repeat(np.bincount(g0, weights=q * a, minlength=n_groups), k)
        sq += np.repeat(np.bincount(g0, weights=(q * a) ** 2, minlength=n_groups), k)
        # The remaining run of r whole cells after the first cell: a difference array over 2k cells.
        span = 2 * k + 1
        start = g0 * span + cbm + 1
        stop = g0 * span + cbm + 1 + r
        for target, value in ((table, a), (sq, (2.0 * q + 1.0) * a * a)):
            diff = np.bincount(start, weights=value, minlength=n_groups * span)
            diff -= np.bincount(stop, weights=value, minlength=n_groups * span)
            run = np.cumsum(diff.reshape(n_groups, span), axis=1)
            target += (run[:, :k] + run[:, k : 2 * k]).ravel()
        # The partial first and last cells (and their cross term when they are the same cell).
        ib = g0 * k + cbm
        ie = g0 * k + cem
        table += np.bincount(ib, weights=f, minlength=size) + np.bincount(ie, weights=g, minlength=size)
        qa = q * a
        same = cbm == cem
        sq += np.bincount(ib, weights=2 * qa * f + f * f, minlength=size)
        sq += np.bincount(ie, weights=2 * qa * g + g * g + np.where(same, 2 * f * g, 0.0), minlength=size)
    return table.reshape(n_groups, k), sq.reshape(n_groups, k)


def _months(sb: NDArray[np.int64], se: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weights and squared weights per calendar month (12,), by time overlap with each month."""
    table = np.zeros(12)
    sq = np.zeros(12)
    mb = sb.astype("datetime64[s]").astype("datetime64[M]").view(np.int64)
    me = se.astype("datetime64[s]").astype("datetime64[M]").view(np.int64)
    one = me == mb
    ones = np.bincount(mb[one] % 12, minlength=12).astype(np.float64)
    table += ones
    sq += ones
    multi = np.flatnonzero(~one)
    if multi.size:
        b, e, m0 = sb[multi], se[multi], mb[multi]
        span = me[multi] - m0
        length = (e - b).astype(np.float64)
        acc = np.zeros((multi.size, 12))
        rows = np.arange(multi.size)
        for j in range(int(span.max()) + 1):
            live = span >= j
            month = m0[live] + j
            lo = month.astype("datetime64[M]").astype("datetime64[s]").view(np.int64)
            hi = (month + 1).astype("datetime64[M]").astype("datetime64[s]").view(np.int64)
            overlap = np.minimum(e[live], hi) - np.maximum(b[live], lo)
            np.add.at(acc, (rows[live], month % 12), np.maximum(overlap, 0) / length[live])
        table += acc.sum(axis=0)
        sq += (acc * acc).sum(axis=0)
    return table, sq


def _weights(
    sb: NDArray[np.int64], se: NDArray[np.int64], layout: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[int, ...]]:
    if layout == "month":
        table, sq = _months(sb, se)
        return table, sq, (12,)
    width, k, shape = _PERIODIC[layout]
    t2, s2 = _periodic(sb - _MONDAY, se - _MONDAY, width, k)
    return t2[0], s2[0], shape


def _select(
    begin: ArrayLike, end: ArrayLike, max_hours: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, int, int]:
    """Seconds of the usable events, and the counts of all, too-long and invalid events."""
    sb, nb = _seconds(begin, "begin")
    se, ne = _seconds(end, "end")
    if sb.shape != se.shape:
        raise ValueError(f"begin and end must have the same length, got {sb.size} and {se.size}")
    limit = float(max_hours)
    if not limit >= 0:
        raise ValueError(f"max_hours must be 0 or more, got {max_hours!r}")
    invalid = nb | ne
    invalid |= ~invalid & (se < sb)
    too_long = ~invalid & ((se - sb) > limit * _HOUR)
    use = ~invalid & ~too_long
    return sb[use], se[use], int(sb.size), int(too_long.sum()), int(invalid.sum())


def aoristic(
    begin: ArrayLike, end: ArrayLike, *, layout: Layout = "weekday_hour", max_hours: float = MAX_HOURS
) -> Aoristic:
    """Aoristic table of events known as intervals ``[begin, end]`` (Ratcliffe 2002).

    Each event's weight of 1 is spread over the cells its interval covers, in proportion to the time it
    spends in each; an exact moment gives its weight to its own hour. Intervals longer than
    ``max_hours`` are left out and counted; so are events with a missing begin or end (NaT) or an end
    before the begin. See the module docstring for the method and the exclusion rule.

    Parameters
    ----------
    begin, end : array_like of datetime64
        Naive local timestamps (any resolution; used to the second), one pair per event.
    layout : {"weekday_hour", "weekday", "hour", "dagdeel", "weekday_dagdeel", "month"}
        The cells: weekday x hour (7 x 24), weekday (7), hour (24), dagdeel (4), weekday x dagdeel
        (7 x 4) or calendar month (12; the weight spread by the time in each month).
    max_hours : float, default :data:`MAX_HOURS`
        Longest interval used, in hours (``float("inf")``: no exclusion).

    Returns
    -------
    Aoristic
    """
    check_option("layout", layout, LAYOUTS)
    sb, se, n, n_long, n_bad = _select(begin, end, max_hours)
    table, sq, shape = _weights(sb, se, layout)
    table = table.reshape(shape)
    sq = sq.reshape(shape)
    frozen(table, sq)
    rows, cols = _labels(layout)
    return Aoristic(table, sq, layout, rows, cols, n, int(sb.size), n_long, n_bad, float(max_hours))


def exposure(
    start: np.datetime64, end: np.datetime64, layout: Layout = "weekday_hour"
) -> NDArray[np.float64]:
    """Hours of each cell in the period ``[start, end)``: the offset for expected counts.

    A period that starts on a Tuesday and lasts 52 weeks and a day has one Tuesday more than other
    weekdays; a year has 744 hours of January but 672 (or 696) of February. Expected counts proportional
    to these hours are fairer than a uniform split. Same layouts and shapes as :func:`aoristic`.
    """
    check_option("layout", layout, LAYOUTS)
    sb, nb = _seconds(np.array([start]), "start")
    se, ne = _seconds(np.array([end]), "end")
    if nb[0] or ne[0] or se[0] <= sb[0]:
        raise ValueError("exposure needs a start before the end (and neither missing)")
    table, _sq, shape = _weights(sb, se, layout)
    hours = table * float(se[0] - sb[0]) / _HOUR
    return np.asarray(hours.reshape(shape), dtype=np.float64)
