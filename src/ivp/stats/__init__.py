"""Pure statistics for integral safety policy: tests, intervals, smoothing and disclosure control.

Every function here works on numbers and arrays only (no files, no plotting) and returns a frozen
dataclass or an array. Labels users read are Dutch and pass through :func:`ivp.lib.i18n._`.

- :mod:`ivp.stats.change`: change between two periods (exact conditional test, rate ratio).
- :mod:`ivp.stats.change_engine`: vectorised exact binomial p-values and intervals behind it.
- :mod:`ivp.stats.trend`: multi-year trend with overdispersion.
- :mod:`ivp.stats.rates`: rates with exact intervals; comparison with a reference rate.
- :mod:`ivp.stats.multiple`: false discovery rate over many tests.
- :mod:`ivp.stats.smoothing`: empirical-Bayes rates; small-area flags.
- :mod:`ivp.stats.disclosure`: suppression of small counts.
"""

from __future__ import annotations

from ivp.stats.change import (
    LABEL_FALL,
    LABEL_NONE,
    LABEL_RISE,
    SMALL_COUNT,
    SMALL_TOTAL,
    ChangeArrays,
    ChangeResult,
    change_test,
    change_test_many,
)
from ivp.stats.disclosure import DEFAULT_THRESHOLD, suppress_small
from ivp.stats.multiple import FdrResult, fdr_bh
from ivp.stats.rates import (
    LABEL_HIGHER,
    LABEL_LOWER,
    LABEL_SAME,
    SMALL_RATE_COUNT,
    RateArrays,
    RateComparison,
    RateComparisonArrays,
    poisson_rate,
    rate_vs_reference,
    rate_vs_reference_many,
)
from ivp.stats.smoothing import MIN_POPULATION, EbResult, eb_smooth, flag_small_population
from ivp.stats.trend import (
    FAMILIES,
    LABEL_TREND_DOWN,
    LABEL_TREND_NONE,
    LABEL_TREND_TOO_FEW,
    LABEL_TREND_UP,
    MIN_YEARS,
    TrendResult,
    trend_test,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FAMILIES",
    "LABEL_FALL",
    "LABEL_HIGHER",
    "LABEL_LOWER",
    "LABEL_NONE",
    "LABEL_RISE",
    "LABEL_SAME",
    "LABEL_TREND_DOWN",
    "LABEL_TREND_NONE",
    "LABEL_TREND_TOO_FEW",
    "LABEL_TREND_UP",
    "MIN_POPULATION",
    "MIN_YEARS",
    "SMALL_COUNT",
    "SMALL_RATE_COUNT",
    "SMALL_TOTAL",
    "ChangeArrays",
    "ChangeResult",
    "EbResult",
    "FdrResult",
    "RateArrays",
    "RateComparison",
    "RateComparisonArrays",
    "TrendResult",
    "change_test",
    "change_test_many",
    "eb_smooth",
    "fdr_bh",
    "flag_small_population",
    "poisson_rate",
    "rate_vs_reference",
    "rate_vs_reference_many",
    "suppress_small",
    "trend_test",
]
