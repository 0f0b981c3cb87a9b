"""SVG chart of one indicator: realised per year as bars, the target as a mark. Pure, no I/O.

Used by the reports and the staff pages, so both show the same picture. A year that is not complete
(a value up to a date) is drawn lighter and labelled "t/m" with the date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ivp.lib.i18n import _
from ivp.plan.units import format_value
from ivp.reports.core.svg import FONT, OKABE_ITO, nice_max


@dataclass(frozen=True)
class YearBar:
    """One year: realised (None: no figure), target (None: none) and whether the year is complete."""

    year: int
    realised: float | None
    target: float | None
    complete: bool = True
    as_of: str = ""


def indicator_chart(
    bars: Sequence[YearBar],
    *,
    unit: str,
    title: str,
    width: float = 420.0,
    height: float = 170.0,
) -> str:
    """Return an accessible SVG: bars for realisations, a dark mark for each year's target."""
    if not bars:
        raise ValueError("indicator_chart needs at least one year")
    left, right, top, bottom = 44.0, 10.0, 14.0, 34.0
    pw, ph = width - left - right, height - top - bottom
    top_value = max([b.realised or 0.0 for b in bars] + [b.target or 0.0 for b in bars])
    ymax = 1.0 if unit == "ja_nee" else nice_max(top_value)
    step = pw / len(bars)
    bar_w = step * 0.55

    def sy(value: float) -> float:
        return top + ph - (value / ymax) * ph

    words = "; ".join(
        _("{year}: gerealiseerd {r}, streefwaarde {t}").format(
            year=b.year, r=format_value(b.realised, unit), t=format_value(b.target, unit)
        )
        for b in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="chart indicator-chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(words)}</desc>",
    ]
    for frac in (0.0, 0.5, 1.0):
        y = sy(ymax * frac)
        label = (
            format_value(ymax * frac, unit)
            if unit != "ja_nee"
            else ("ja" if frac == 1 else ("nee" if frac == 0 else ""))
        )
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="9" fill="#555" {FONT}>'
            f"{escape(label)}</text>"
        )
    for i, b in enumerate(bars):
        cx = left + step * (i + 0.5)
        if b.realised is not None:
            y = sy(max(0.0, min(b.realised, ymax)))
            fill = OKABE_ITO[0] if b.complete else "#8FC1E3"
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{top + ph - y:.1f}" '
                f'fill="{fill}"><title>{b.year}: {escape(format_value(b.realised, unit))}</title></rect>'
            )
            parts.append(
                f'<text x="{cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="9" {FONT}>'
                f"{escape(format_value(b.realised, unit))}</text>"
            )
        if b.target is not None:
            ty = sy(min(b.target, ymax))
            parts.append(
                f'<line x1="{cx - step * 0.4:.1f}" y1="{ty:.1f}" x2="{cx + step * 0.4:.1f}" y2="{ty:.1f}" '
                f'stroke="{OKABE_ITO[1]}" stroke-width="2.5" stroke-dasharray="5 2"/>'
            )
        label = str(b.year) + ("" if b.complete or b.realised is None else f" {_('t/m')} {b.as_of}")
        parts.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 13}" text-anchor="middle" font-size="9" {FONT}>'
            f"{escape(label)}</text>"
        )
    ly = height - 8
    parts.append(f'<rect x="{left}" y="{ly - 7}" width="10" height="8" fill="{OKABE_ITO[0]}"/>')
    parts.append(f'<text x="{left + 14}" y="{ly}" font-size="9" {FONT}>{escape(_("gerealiseerd"))}</text>')
    parts.append(f'<rect x="{left + 90}" y="{ly - 7}" width="10" height="8" fill="#8FC1E3"/>')
    parts.append(f'<text x="{left + 104}" y="{ly}" font-size="9" {FONT}>{escape(_("lopend jaar"))}</text>')
    parts.append(
        f'<line x1="{left + 180}" y1="{ly - 3}" x2="{left + 196}" y2="{ly - 3}" stroke="{OKABE_ITO[1]}" '
        f'stroke-width="2.5" stroke-dasharray="5 2"/>'
    )
    parts.append(f'<text x="{left + 200}" y="{ly}" font-size="9" {FONT}>{escape(_("streefwaarde"))}</text>')
    parts.append("</svg>")
    return "".join(parts)
