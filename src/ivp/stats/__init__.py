"""Pure statistics for integral safety policy: tests, intervals, smoothing and disclosure control.

Every function here works on numbers and arrays only (no files, no plotting) and returns a frozen
dataclass or an array. Labels users read are Dutch and pass through :func:`ivp.lib.i18n._`.

- :mod:`ivp.stats.dispersion`: overdispersion of a yearly series, used by every count test.
- :mod:`ivp.stats.change`: change between two periods (conditional test, rate ratio, overdispersion).
- :mod:`ivp.stats.change_engine`: central binomial p-values and the intervals they invert to.
- :mod:`ivp.stats.trend`: multi-year trend with overdispersion; a bend at a given year.
- :mod:`ivp.stats.rates`: rates with exact intervals; comparison with a reference rate.
- :mod:`ivp.stats.funnel`: funnel plot against peers with overdispersed limits.
- :mod:`ivp.stats.multiple`: false discovery rate over many tests.
- :mod:`ivp.stats.smoothing`: empirical-Bayes rates, rank intervals, precision and visitor-area flags.
- :mod:`ivp.stats.disclosure` (with :mod:`ivp.stats.disclosure_lp`): joint suppression of small counts
  against a linear-programming attacker.
- :mod:`ivp.stats.grid` and :mod:`ivp.stats.hotspots`: hot and cold places (Getis-Ord Gi* with exact
  randomisation p-values and false-discovery control), their course over periods.
- :mod:`ivp.stats.aoristic` and :mod:`ivp.stats.hottimes`: hot times from events known as intervals
  (aoristic weights), the concentration test with overdispersion.
- :mod:`ivp.stats.nearrepeat`: near repeats (Knox test with Monte Carlo p-values).
- :mod:`ivp.stats.sufficiency`: is this enough data? The power of each hot-time and hot-place question.
- :mod:`ivp.stats.effect` (with :mod:`ivp.stats.effect_summary` and :mod:`ivp.stats.effect_power`):
  effect of a place-based intervention (difference-in-differences on counts, interrupted time series,
  WDD, relative effect size, warnings) and the months needed to see it.
"""

from __future__ import annotations

from ivp.stats.change import (
    LABEL_FALL,
    LABEL_NONE,
    LABEL_RISE,
    LABEL_TOO_FEW,
    SMALL_COUNT,
    SMALL_TOTAL,
    ChangeArrays,
    ChangeResult,
    change_test,
    change_test_many,
)
from ivp.stats.disclosure import (
    DEFAULT_THRESHOLD,
    attacker_bounds,
    combine_relations,
    hierarchy_relations,
    product_relations,
    protect,
    protect_table,
    suppress_small,
    table_relations,
    total_relations,
    with_margins,
)
from ivp.stats.dispersion import (
    MIN_YEARS_DISPERSION,
    Dispersion,
    effective_dispersion,
    estimate_dispersion,
    pooled_dispersion,
)
from ivp.stats.funnel import FunnelResult, funnel, funnel_limits
from ivp.stats.multiple import FdrResult, fdr_bh
from ivp.stats.rates import (
    LABEL_HIGHER,
    LABEL_LOWER,
    LABEL_SAME,
    LABEL_TOO_FEW_DIFF,
    SMALL_RATE_COUNT,
    RateArrays,
    RateComparison,
    RateComparisonArrays,
    poisson_rate,
    rate_vs_reference,
    rate_vs_reference_many,
)
from ivp.stats.smoothing import (
    MIN_EXPECTED,
    MIN_POPULATION,
    VISITOR_MAX_DENSITY,
    VISITOR_MAX_POPULATION,
    VISITOR_RATIO,
    EbPosterior,
    EbResult,
    RankIntervals,
    eb_posterior,
    eb_smooth,
    expected_counts,
    flag_small_population,
    flag_visitor_areas,
    precise_enough,
    rank_intervals,
)
from ivp.stats.trend import (
    FAMILIES,
    LABEL_TREND_DOWN,
    LABEL_TREND_NONE,
    LABEL_TREND_TOO_FEW,
    LABEL_TREND_UP,
    MIN_YEARS,
    DirectionChange,
    TrendResult,
    direction_change,
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
    "LABEL_TOO_FEW",
    "LABEL_TOO_FEW_DIFF",
    "LABEL_TREND_DOWN",
    "LABEL_TREND_NONE",
    "LABEL_TREND_TOO_FEW",
    "LABEL_TREND_UP",
    "MIN_EXPECTED",
    "MIN_POPULATION",
    "MIN_YEARS",
    "MIN_YEARS_DISPERSION",
    "SMALL_COUNT",
    "SMALL_RATE_COUNT",
    "SMALL_TOTAL",
    "VISITOR_MAX_DENSITY",
    "VISITOR_MAX_POPULATION",
    "VISITOR_RATIO",
    "ChangeArrays",
    "ChangeResult",
    "DirectionChange",
    "Dispersion",
    "EbPosterior",
    "EbResult",
    "FdrResult",
    "FunnelResult",
    "RankIntervals",
    "RateArrays",
    "RateComparison",
    "RateComparisonArrays",
    "TrendResult",
    "attacker_bounds",
    "change_test",
    "change_test_many",
    "combine_relations",
    "direction_change",
    "eb_posterior",
    "eb_smooth",
    "effective_dispersion",
    "estimate_dispersion",
    "expected_counts",
    "fdr_bh",
    "flag_small_population",
    "flag_visitor_areas",
    "funnel",
    "funnel_limits",
    "hierarchy_relations",
    "poisson_rate",
    "pooled_dispersion",
    "precise_enough",
    "product_relations",
    "protect",
    "protect_table",
    "rank_intervals",
    "rate_vs_reference",
    "rate_vs_reference_many",
    "suppress_small",
    "table_relations",
    "total_relations",
    "trend_test",
    "with_margins",
]
