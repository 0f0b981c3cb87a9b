"""Is this enough data? The shared result of every power question about hot times and hot places.

A concentration "of strength ``ratio``" means: one cell (a weekday-hour, or a window of grid cells) where
events happen at ``ratio`` times the average rate of the other cells. ``power`` is the probability that the
test a report actually runs (with its false-discovery control over all cells) flags that cell, given the
number of events at hand; ``needed`` is the smallest number of events for which that probability reaches
``target_power``. The modules that own a test compute these numbers (:func:`ivp.stats.hottimes.sufficiency`,
:func:`ivp.stats.hotspots.sufficiency`) and check them by simulation in their tests; the wording for
advisors lives in the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Question = Literal["hottime", "hotplace"]

#: The probability a concentration must be found with before the data are called sufficient.
TARGET_POWER = 0.8
#: The strength of concentration every statement asks about unless told otherwise: twice the average.
DEFAULT_RATIO = 2.0
#: Beyond this many events ``needed`` is not searched further (reported as None: "meer dan ...").
MAX_EVENTS = 10_000_000


@dataclass(frozen=True)
class Sufficiency:
    """Whether ``n_events`` events suffice to see a concentration of strength ``ratio`` among ``n_cells``.

    ``cells_in_hotspot`` is the number of cells the concentration covers (1 for a weekday-hour; 9 for a
    3 x 3 window of grid cells); ``phi`` the overdispersion the test allowed for (1: Poisson).
    """

    question: Question
    n_events: int
    n_cells: int
    ratio: float
    power: float
    needed: int | None
    alpha: float
    target_power: float = TARGET_POWER
    cells_in_hotspot: int = 1
    phi: float = 1.0

    @property
    def sufficient(self) -> bool:
        """True when the concentration would be found with at least ``target_power``."""
        return self.power >= self.target_power


def needed_events(
    power_of: Callable[[int], float], *, target: float = TARGET_POWER, start: int = 1, limit: int = MAX_EVENTS
) -> int | None:
    """The smallest n in [start, limit] with ``power_of(n) >= target`` (power rises with n), else None.

    Doubles until the target is reached, then bisects; about 2 log2(n) evaluations of ``power_of``.
    Power need not be exactly monotone (discrete tests saw-tooth); the answer is the first n found by
    bisection between a failing and a passing n, which is within the saw-tooth of the true smallest n.
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target must lie in (0, 1), not {target!r}")
    lo = max(int(start), 1)
    if power_of(lo) >= target:
        return lo
    hi = lo
    while power_of(hi) < target:
        lo = hi
        hi *= 2
        if hi > limit:
            if power_of(limit) >= target:
                hi = limit
                break
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if power_of(mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi
