"""SVG primitives shared by every chart and map of the reports: palette, font and axis rounding."""

from __future__ import annotations

import math

#: Okabe-Ito, the colour-blind-safe qualitative palette (black left out for lines).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: The font attribute of every SVG text (DejaVu Sans is what WeasyPrint finds on a Debian machine).
FONT = "font-family=\"'DejaVu Sans', Arial, sans-serif\""


def nice_max(value: float) -> float:
    """Round ``value`` up to 1, 2, 2.5 or 5 times a power of ten (at least 1).

    >>> nice_max(0), nice_max(7), nice_max(246), nice_max(1234)
    (1.0, 8.0, 250.0, 1500.0)
    """
    if value <= 1:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * exp + 1e-9:
            return step * exp
    return 10.0 * exp  # pragma: no cover - the loop always returns
