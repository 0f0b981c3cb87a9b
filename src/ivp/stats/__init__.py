"""Pure statistics for integral safety policy: tests, intervals, smoothing and disclosure control.

Every function here works on numbers and arrays only (no files, no plotting) and returns a frozen
dataclass. Labels users read are Dutch and pass through :func:`ivp.lib.i18n._`.
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

__all__ = [
    "LABEL_FALL",
    "LABEL_NONE",
    "LABEL_RISE",
    "SMALL_COUNT",
    "SMALL_TOTAL",
    "ChangeArrays",
    "ChangeResult",
    "change_test",
    "change_test_many",
]
