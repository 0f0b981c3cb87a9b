"""Dutch formatting of numbers, percentages and dates for everything a user reads."""

from __future__ import annotations

import datetime as dt
import math

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def number(value: float | int | None, decimals: int = 0) -> str:
    """Format a number the Dutch way: ``1.234``, ``7,4``; ``None``/NaN becomes an en dash.

    >>> number(1234)
    '1.234'
    >>> number(7.44, 1)
    '7,4'
    >>> number(-1234567.5, 1)
    '-1.234.567,5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: float | None, decimals: int = 0, signed: bool = True) -> str:
    """Format a fraction-free percentage: ``-58%``, ``+12%``, ``7,5%``.

    >>> percent(-57.6)
    '-58%'
    >>> percent(12.0)
    '+12%'
    >>> percent(0.0)
    '0%'
    """
    if value is None or math.isnan(value):
        return "–"
    if math.isinf(value):
        return "n.v.t."
    text = number(value, decimals)
    if signed and round(value, decimals) > 0:
        text = "+" + text
    if text in ("-0", "+0"):
        text = "0"
    return text + "%"


def date(value: dt.date) -> str:
    """Format a date as ``22 november 2026``.

    >>> date(dt.date(2026, 11, 22))
    '22 november 2026'
    """
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


def date_text(value: dt.date | str | None) -> str:
    """Format a date, a datetime or an ISO 8601 text as a Dutch date; other text is returned unchanged.

    Source metadata carry versions as text ("2024-08-15T02:00:00", "2024-08-15"); readers get
    ``15 augustus 2024``. ``None`` or empty text becomes an en dash.

    >>> date_text("2024-08-15T02:00:00")
    '15 augustus 2024'
    >>> date_text("2024-08-15T02:00:00Z")
    '15 augustus 2024'
    >>> date_text(dt.datetime(2026, 11, 22, 14, 5))
    '22 november 2026'
    >>> date_text("versie 3")
    'versie 3'
    >>> date_text(None)
    '–'
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.date):
        return date(value)
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return date(parsed)


def rate(value: float | None, decimals: int = 1) -> str:
    """Format a rate per 1,000 inhabitants: ``7,4``; ``None``/NaN becomes an en dash.

    >>> rate(7.44)
    '7,4'
    """
    return number(value, decimals)


def pvalue(value: float | None) -> str:
    """Format a p-value for readers: ``p < 0,001``, ``p = 0,03``, ``p = 0,41``.

    >>> pvalue(0.0004)
    'p < 0,001'
    >>> pvalue(0.0312)
    'p = 0,031'
    >>> pvalue(0.41)
    'p = 0,41'
    """
    if value is None or math.isnan(value):
        return "–"
    if value < 0.001:
        return "p < 0,001"
    return "p = " + number(value, 3 if value < 0.1 else 2)


def qvalue(value: float | None) -> str:
    """Format a p-value after Benjamini-Hochberg correction (a q-value) like :func:`pvalue`.

    >>> qvalue(0.082)
    'q = 0,082'
    >>> qvalue(0.0002)
    'q < 0,001'
    """
    text = pvalue(value)
    return "q" + text[1:] if text.startswith("p") else text


def year_range(years: list[int] | tuple[int, ...]) -> str:
    """Format a set of years as compact ranges: ``2012-2025``, ``2024-2025``, ``2019, 2021``.

    >>> year_range([2012, 2013, 2014])
    '2012-2014'
    >>> year_range([2019, 2021, 2022])
    '2019, 2021-2022'
    >>> year_range([])
    '–'
    """
    ordered = sorted(set(years))
    if not ordered:
        return "–"
    parts: list[str] = []
    start = prev = ordered[0]
    for year in [*ordered[1:], None]:
        if year is not None and year == prev + 1:
            prev = year
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if year is not None:
            start = prev = year
    return ", ".join(parts)
