"""Small-multiple SVG charts shared by the reports: pure functions returning accessible SVG strings.

The same SVG goes into the HTML and (through WeasyPrint) the PDF, so both look alike. Charts are small
multiples: one panel per crime type with its own vertical scale, because types differ a hundredfold in
size and one shared axis would flatten the small ones. Provisional years are drawn as open markers on a
dashed segment; the two compared years are shaded.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from ivp.lib.fmt import number
from ivp.reports.core.svg import FONT, OKABE_ITO, nice_max

#: Characters of a panel title per pixel of panel width at font size 11 (DejaVu Sans averages ~6.6 px).
_CHARS_PER_PX = 1 / 6.8


@dataclass(frozen=True)
class Point:
    """One year of a series; ``value`` is None when the publisher gave no figure."""

    year: int
    value: float | None
    provisional: bool = False


@dataclass(frozen=True)
class Series:
    """A labelled yearly series for one panel."""

    label: str
    points: tuple[Point, ...]


def _truncate(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters with an ellipsis.

    >>> _truncate("Diefstal/inbraak box/garage/schuur", 20)
    'Diefstal/inbraak bo…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def _tick_priority(first: int, last: int) -> Callable[[int], tuple[int, int]]:
    """Ticks for the last year first, then the first year, then the compared years."""
    return lambda year: (0 if year == last else 1 if year == first else 2, year)


def _panel(
    series: Series,
    colour: str,
    x0: float,
    y0: float,
    width: float,
    height: float,
    highlight: tuple[int, int] | None,
) -> list[str]:
    """Draw one panel; returns SVG element strings."""
    out: list[str] = []
    years = [p.year for p in series.points]
    values = [p.value for p in series.points if p.value is not None]
    left, right, top, bottom = 44.0, 18.0, 26.0, 22.0
    pw, ph = width - left - right, height - top - bottom
    ymax = nice_max(max(values) if values else 1.0)
    ymin_year, ymax_year = (min(years), max(years)) if years else (0, 1)
    span = max(ymax_year - ymin_year, 1)

    def sx(year: float) -> float:
        return x0 + left + (year - ymin_year) / span * pw

    def sy(value: float) -> float:
        return y0 + top + ph - value / ymax * ph

    label = _truncate(series.label, int((width - 12) * _CHARS_PER_PX))
    out.append(
        f'<text x="{x0 + 8:.1f}" y="{y0 + 15:.1f}" font-size="11" font-weight="bold" {FONT} '
        f'fill="#222"><title>{escape(series.label)}</title>{escape(label)}</text>'
    )
    if highlight is not None:
        for year in highlight:
            if ymin_year <= year <= ymax_year:
                cx = sx(year)
                out.append(
                    f'<rect x="{cx - 6:.1f}" y="{y0 + top:.1f}" width="12" height="{ph:.1f}" fill="#eeeeee"/>'
                )
    for frac in (0.0, 0.5, 1.0):
        yy = sy(ymax * frac)
        out.append(
            f'<line x1="{x0 + left:.1f}" y1="{yy:.1f}" x2="{x0 + left + pw:.1f}" y2="{yy:.1f}" '
            f'stroke="#cccccc" stroke-width="0.6"/>'
        )
        label = number(ymax * frac, 0 if ymax >= 2 else 1)
        out.append(
            f'<text x="{x0 + left - 4:.1f}" y="{yy + 3.5:.1f}" font-size="10" text-anchor="end" {FONT} '
            f'fill="#444">{label}</text>'
        )
    if years:
        ticks: list[int] = []
        min_gap = 4.6 * span / max(pw / 10, 1)  # years per tick label (~4 digits at ~6 px each)
        for year in sorted(
            {ymin_year, ymax_year, *(highlight or ())} & set(years), key=_tick_priority(ymin_year, ymax_year)
        ):
            if all(abs(year - t) >= min_gap for t in ticks):
                ticks.append(year)
        for year in ticks:
            out.append(
                f'<text x="{sx(year):.1f}" y="{y0 + top + ph + 14:.1f}" font-size="10" text-anchor="middle" '
                f'{FONT} fill="#444">{year}</text>'
            )
    # Line segments: solid between final figures, dashed when either end is provisional.
    pts = [p for p in series.points if p.value is not None]
    for a, b in itertools.pairwise(pts):
        assert a.value is not None
        assert b.value is not None
        dash = ' stroke-dasharray="4 3"' if (a.provisional or b.provisional) else ""
        out.append(
            f'<line x1="{sx(a.year):.1f}" y1="{sy(a.value):.1f}" x2="{sx(b.year):.1f}" y2="{sy(b.value):.1f}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
    for p in pts:
        assert p.value is not None
        fill = "#ffffff" if p.provisional else colour
        status = " (voorlopig)" if p.provisional else ""
        out.append(
            f'<circle cx="{sx(p.year):.1f}" cy="{sy(p.value):.1f}" r="3" fill="{fill}" stroke="{colour}" '
            f'stroke-width="1.5"><title>{p.year}: {number(p.value)}{status}</title></circle>'
        )
    return out


def small_multiples(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    highlight: tuple[int, int] | None = None,
    columns: int = 3,
    width: float = 680.0,
    panel_height: float = 150.0,
) -> str:
    """Return an SVG with one line panel per series, its title and a description for screen readers.

    ``title`` becomes the ``<title>`` and ``aria-label``; ``description`` the ``<desc>`` (give the figures
    in words there). Panels get their own vertical scale from zero.
    """
    if not series:
        raise ValueError("small_multiples needs at least one series")
    cols = max(1, min(columns, len(series)))
    rows = math.ceil(len(series) / cols)
    pw = width / cols
    legend_h = 22.0
    height = rows * panel_height + legend_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'class="chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]
    for i, s in enumerate(series):
        r, c = divmod(i, cols)
        parts.extend(
            _panel(s, OKABE_ITO[i % len(OKABE_ITO)], c * pw, r * panel_height, pw, panel_height, highlight)
        )
    ly = rows * panel_height + 12
    parts.append(
        f'<line x1="10" y1="{ly - 4}" x2="34" y2="{ly - 4}" stroke="#555" stroke-width="2"/>'
        f'<circle cx="22" cy="{ly - 4}" r="3" fill="#555"/>'
        f'<text x="40" y="{ly}" font-size="10" {FONT} fill="#333">definitief</text>'
        f'<line x1="110" y1="{ly - 4}" x2="134" y2="{ly - 4}" stroke="#555" stroke-width="2" '
        f'stroke-dasharray="4 3"/>'
        f'<circle cx="122" cy="{ly - 4}" r="3" fill="#fff" stroke="#555" stroke-width="1.5"/>'
        f'<text x="140" y="{ly}" font-size="10" {FONT} fill="#333">voorlopig</text>'
    )
    if highlight is not None:
        parts.append(
            f'<rect x="210" y="{ly - 10}" width="12" height="12" fill="#eeeeee"/>'
            f'<text x="228" y="{ly}" font-size="10" {FONT} fill="#333">vergeleken jaren '
            f"({highlight[0]} en {highlight[1]})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
