"""Funnel plots of the Veiligheidsbeeld: our rate among similar municipalities, one panel per crime type.

Each panel shows every similar municipality as a grey dot (rate per 1,000 against inhabitants), our
municipality as a larger coloured dot, the group's rate as a line and the 95% control limits as a funnel
that allows for how much the peers differ (:func:`ivp.stats.funnel_limits`). A dot outside the funnel is
what the report calls "aantoonbaar hoger/lager". Pure function: context rows in, accessible SVG out.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core.svg import FONT, OKABE_ITO
from ivp.reports.veiligheidsbeeld.model import ComparisonRow, ThemeSection
from ivp.stats import funnel_limits

if TYPE_CHECKING:
    from ivp.reports.veiligheidsbeeld.model import ReportContext

PANEL_W, PANEL_H = 250, 175
MARGIN_L, MARGIN_B, MARGIN_T = 42, 30, 22


def _nice(value: float) -> float:
    """Round up to 1, 2, 2.5 or 5 times a power of ten (also below 1).

    >>> _nice(0.37), _nice(4.2), _nice(13)
    (0.4, 5.0, 15.0)
    """
    if value <= 0:
        return 1.0
    exp = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * exp * (1 + 1e-9):
            return round(step * exp, 10)
    return 10 * exp  # pragma: no cover


def funnel_rows(theme: ThemeSection) -> list[ComparisonRow]:
    """The theme's funnel comparisons that have peers to draw."""
    return [c for c in theme.comparisons if c.method == "trechter" and c.peer_points]


def funnels_svg(ctx: ReportContext, theme: ThemeSection) -> list[str]:
    """One funnel plot (a standalone SVG) per crime type of the theme; the page lays them out in a grid
    that wraps (one per row on a phone)."""
    out = []
    for row in funnel_rows(theme):
        title = _("Trechterdiagram: {title}, {naam} tussen vergelijkbare gemeenten, {year}").format(
            title=row.title, naam=ctx.naam, year=row.year
        )
        desc = _(
            "{naam}: {rate} per 1.000 inwoners; {units} gemeenten samen {ref}; grenzen bij deze omvang "
            "{low} tot {high}."
        ).format(
            naam=ctx.naam, rate=fmt.rate(row.rate), units=row.units, ref=fmt.rate(row.reference_rate),
            low=fmt.rate(row.limit_low), high=fmt.rate(row.limit_high),
        )  # fmt: skip
        ident = f"{theme.id}-{row.code}".replace(".", "-")
        out.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PANEL_W} {PANEL_H}" role="img" '
            f'aria-label="{escape(title)}" aria-describedby="fd-{ident}" class="chart funnel" {FONT} '
            f'font-size="10"><desc id="fd-{ident}">{escape(desc)}</desc>' + _panel(ctx, row, 0, 0) + "</svg>"
        )
    return out


def _panel(ctx: ReportContext, row: ComparisonRow, x0: float, y0: float) -> str:
    pops = [p for _n, p, _r in row.peer_points] + [row.population]
    rates = [r for _n, _p, r in row.peer_points] + [row.rate]
    x_low, x_high = min(pops) * 0.9, max(pops) * 1.1
    grid = np.linspace(x_low, x_high, 40)
    low, high = funnel_limits(row.reference_rate, row.tau2, row.units, grid)
    y_max = _nice(max(max(rates), float(high.max())) * 1.05)
    plot_w = PANEL_W - MARGIN_L - 10
    plot_h = PANEL_H - MARGIN_B - MARGIN_T

    def x(value: float) -> float:
        return x0 + MARGIN_L + (value - x_low) / (x_high - x_low) * plot_w

    def y(value: float) -> float:
        return y0 + MARGIN_T + plot_h - value / y_max * plot_h

    title = row.title if len(row.title) <= 38 else row.title[:37] + "…"
    out = [f'<text x="{x0 + 6}" y="{y0 + 13}" font-weight="bold">{escape(title)}</text>']
    out.append(
        f'<line x1="{x(x_low):.1f}" x2="{x(x_high):.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#666"/>'
        f'<line x1="{x(x_low):.1f}" x2="{x(x_low):.1f}" y1="{y(0):.1f}" y2="{y(y_max):.1f}" stroke="#666"/>'
    )
    for tick in (0.0, y_max / 2, y_max):
        out.append(
            f'<text x="{x(x_low) - 4:.1f}" y="{y(tick) + 3:.1f}" text-anchor="end">{fmt.rate(tick)}</text>'
        )
    for value, anchor in ((x_low, "start"), (x_high, "end")):
        out.append(
            f'<text x="{x(value):.1f}" y="{y(0) + 13:.1f}" text-anchor="{anchor}">'
            f"{fmt.number(round(value, -3))}</text>"
        )
    out.append(
        f'<line x1="{x(x_low):.1f}" x2="{x(x_high):.1f}" y1="{y(row.reference_rate):.1f}" '
        f'y2="{y(row.reference_rate):.1f}" stroke="{OKABE_ITO[0]}"/>'
    )
    for curve in (low, high):
        points = " ".join(f"{x(g):.1f},{y(min(v, y_max)):.1f}" for g, v in zip(grid, curve, strict=True))
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{OKABE_ITO[0]}" stroke-dasharray="4 2"/>'
        )
    for name, pop, rate in row.peer_points:
        out.append(f'<circle cx="{x(pop):.1f}" cy="{y(rate):.1f}" r="3" fill="#999"><title>{escape(name)}: '
                   f"{fmt.rate(rate)}</title></circle>")  # fmt: skip
    out.append(
        f'<circle cx="{x(row.population):.1f}" cy="{y(row.rate):.1f}" r="5" fill="{OKABE_ITO[1]}" '
        f'stroke="#fff"><title>{escape(ctx.naam)}: {fmt.rate(row.rate)}</title></circle>'
    )
    return "".join(out)
