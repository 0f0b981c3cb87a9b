"""The Veiligheidsbeeld's texts, charts and maps from its context, and its HTML page.

The sentence and source-line functions here are shared by the HTML, the DOCX (``docx_writer``) and the
xlsx (``xlsx_writer``), so the formats cannot disagree. The registration (``report.REPORT``) puts them
together; writing the files is the report core's (``ivp.reports.core.output``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import charts, templates
from ivp.reports.core.text import source_line
from ivp.reports.veiligheidsbeeld import funnel_chart, sentences
from ivp.reports.veiligheidsbeeld.area_render import area_source, area_text, map_svg
from ivp.reports.veiligheidsbeeld.context import (
    ChangeRow,
    ComparisonRow,
    ReportContext,
    ThemeSection,
    TrendRow,
)
from ivp.reports.veiligheidsbeeld.model import BendRow, finite

#: The template of the HTML and PDF.
TEMPLATE = "veiligheidsbeeld.html"
SECTION_TITLES = {
    "waar-gaat-het-om": "Waar gaat het om?",
    "wat-speelt-er": "Wat speelt er in {naam}?",
    "uitdagingen": "Uitdagingen en aandachtspunten",
}


# -- texts shared by HTML, DOCX and xlsx ---------------------------------------------------------------


def change_text(ctx: ReportContext, row: ChangeRow) -> str:
    return sentences.change_sentence(
        row.code,
        row.title,
        row.count_a,
        row.count_b,
        ctx.year_a,
        ctx.year_b,
        direction=row.direction,
        percent_change=row.percent_change,
        provisional_a=row.provisional_a,
        provisional_b=row.provisional_b,
        small_numbers=row.small_numbers,
        raw_direction=row.raw_direction,
        p_value=row.p_value,
    )


def reference_text(ctx: ReportContext, row: ComparisonRow) -> str:
    limits = None
    if row.limit_low is not None and row.limit_high is not None:
        limits = (row.limit_low, row.limit_high)
    return sentences.reference_sentence(
        ctx.naam, row.code, row.title, row.year, row.rate, row.reference_rate, row.reference,
        direction=row.direction, raw_direction=row.raw_direction, p_value=row.p_value,
        small_numbers=row.small_numbers, limits=limits, units=row.units,
    )  # fmt: skip


def trend_text(row: TrendRow, recent: TrendRow | None = None, bend: BendRow | None = None) -> str:
    """The long trend with the recent one and a change of direction, in one sentence."""
    return sentences.trend_sentence(
        row.code, row.title, row.first, row.last, direction=row.direction,
        annual_percent_change=row.annual_percent_change, raw_direction=row.raw_direction,
        p_value=row.p_value, left_out=row.left_out, outlier_year=row.outlier_year,
        recent=None if recent is None or recent.small_numbers else (
            recent.first, recent.last, recent.direction, recent.annual_percent_change),
        bend=None if bend is None else (bend.kind, bend.break_year, bend.before),
        small_numbers=row.small_numbers,
    )  # fmt: skip


def trend_texts(theme: ThemeSection) -> list[str]:
    """One trend sentence per crime type of the theme."""
    out = []
    for row in theme.trends:
        if row.period != "lang":
            continue
        recent = next((t for t in theme.trends if t.code == row.code and t.period == "recent"), None)
        bend = next((b for b in theme.bends if b.code == row.code), None)
        out.append(trend_text(row, recent, bend))
    return out


#: How many "aandachtspunten" per theme the summary shows (the most certain excesses first).
CONCERNS_SHOWN = 5


@dataclass(frozen=True)
class Concerns:
    """The summary's points of attention for one theme: one line per crime type, most certain first."""

    lines: tuple[str, ...]
    more: int  # further crime types that qualify but are not shown


def concerns(theme: ThemeSection, limit: int = CONCERNS_SHOWN) -> Concerns:
    """Crime types that are an aandachtspunt: demonstrably higher than the Netherlands or similar
    municipalities in the latest year (after Benjamini-Hochberg) and persistently so (the lower bound of
    the ratio above 1 in at least two of the last three years), ranked by the smallest of those lower
    bounds, so a single peak year or a large ratio on small numbers does not lead."""
    ranked: list[tuple[float, str]] = []
    for code in dict.fromkeys(c.code for c in theme.comparisons):
        rows = [c for c in theme.comparisons if c.code == code]
        higher = [c for c in rows if c.demonstrable_fdr and c.direction > 0 and c.persistent]
        if not higher:
            continue
        head = max(rows, key=lambda c: c.year)
        higher.sort(key=lambda c: (-c.year, -c.conservative_ratio))
        line = sentences.concern_sentence(
            head.title,
            head.year,
            head.rate,
            [(c.reference, c.year, c.rate, c.reference_rate) for c in higher],
        )
        ranked.append((max(c.conservative_ratio for c in higher), line))
    ranked.sort(key=lambda item: -item[0])
    return Concerns(tuple(line for _ratio, line in ranked[:limit]), max(0, len(ranked) - limit))


def verdict_note(row: ChangeRow | ComparisonRow | TrendRow | BendRow) -> str:
    """'p = 0,041; q = 0,12' for tables: the test on its own and after correction ('geen toets' for
    small numbers, which are not tested)."""
    if row.small_numbers:
        return _("kleine aantallen, niet getoetst")
    return f"{fmt.pvalue(row.p_value)}; {fmt.qvalue(row.p_adjusted)}"


def change_interval(row: ChangeRow) -> str:
    """The 95% interval of the change in percent ('-38% tot +4%'), '' when it is unbounded."""
    if not (finite(row.ci_low) and finite(row.ci_high)):
        return ""
    return _("{low} tot {high}").format(
        low=fmt.percent((row.ci_low - 1) * 100), high=fmt.percent((row.ci_high - 1) * 100)
    )


def spread_note(row: ChangeRow) -> str:
    """'φ = 2,6' with the fallback said: 'φ = 2,6 (mediaan)' or '1 (niet te schatten)'."""
    d = row.dispersion
    text = f"{fmt.number(d.phi, 1)}"
    if d.method == "pooled":
        text += _(" (mediaan andere soorten)")
    elif d.method == "poisson":
        text += _(" (niet te schatten)")
    if d.outlier_year is not None:
        text += _("; {year} uitschieter").format(year=d.outlier_year)
    return text


def crime_source(ctx: ReportContext) -> str:
    """'Bron: CBS / Politie, 47018NED, 2012-2025; 2024-2025 voorlopig'."""
    crime = [s for s in ctx.sources if s.source_id == "cbs" and s.dataset.startswith("47")]
    dataset = ", ".join(s.dataset for s in crime) or "47018NED"
    publisher = crime[0].publisher if crime else "CBS / Politie"
    return source_line(publisher, dataset, ctx.crime_source_period, ctx.provisional_years)


def comparison_source(ctx: ReportContext) -> str:
    """The source line of the comparisons: our counts, where the national figures came from, inhabitants."""
    nl = [s for s in ctx.sources if s.dataset == ctx.nl_dataset]
    pop = [s for s in ctx.sources if s.source_id == "bevolking"]
    parts = [crime_source(ctx)]
    if nl and ctx.nl_year is not None:
        parts.append(_("Nederland: {publisher}, {dataset}, {year}").format(
            publisher=nl[0].publisher, dataset=nl[0].dataset, year=ctx.nl_year))  # fmt: skip
    if pop:
        parts.append(
            _("inwoners: {publisher}, {dataset}").format(publisher=pop[0].publisher, dataset=pop[0].dataset)
        )
    return "; ".join(parts)


def chart_svg(ctx: ReportContext, theme: ThemeSection) -> str:
    series = [
        charts.Series(s.title, tuple(charts.Point(p.year, p.value, p.provisional) for p in s.points))
        for s in theme.series
    ]
    desc = "; ".join(
        f"{s.title}: " + ", ".join(f"{p.year} {fmt.number(p.value)}" for p in s.points if p.value is not None)
        for s in theme.series
    )
    return charts.small_multiples(
        series,
        title=_("Geregistreerde misdrijven per jaar, {theme}, {naam} {first}-{last}").format(
            theme=theme.naam, naam=ctx.naam, first=ctx.first_year, last=ctx.last_year
        ),
        description=desc,
        highlight=(ctx.year_a, ctx.year_b),
    )


# -- HTML ----------------------------------------------------------------------------------------------


def narrative_html(theme: ThemeSection, section: str) -> Markup:
    """The advisor's text of ``section`` of a theme chapter, or the placeholder naming its file."""
    return templates.advisor_html(theme.texts.get(section), f"teksten/{theme.id}/{section}.md")


def template_names(ctx: ReportContext) -> Mapping[str, object]:
    """What the template uses besides ``ctx`` and ``css``: texts, charts and maps of this context."""
    return {
        "crime_source": crime_source(ctx),
        "comparison_source": comparison_source(ctx),
        "change_sentence": lambda r: change_text(ctx, r),
        "reference_sentence": lambda r: reference_text(ctx, r),
        "trend_sentences": trend_texts,
        "spread_note": spread_note,
        "change_interval": change_interval,
        "funnel_chart": lambda t: funnel_chart.funnels_svg(ctx, t),
        "concerns": concerns,
        "concerns_shown": CONCERNS_SHOWN,
        "verdict_note": verdict_note,
        "area_sentence": area_text,
        "area_source": lambda a: area_source(ctx, a),
        "chart": lambda t: chart_svg(ctx, t),
        "area_map": lambda a: map_svg(ctx, a),
        "narrative": narrative_html,
    }


def render_html(ctx: ReportContext) -> str:
    """Return the whole report as one self-contained HTML page (CSS and SVG inline)."""
    return templates.render_html(TEMPLATE, ctx, template_names(ctx))


def section_title(section: str, naam: str) -> str:
    return _(SECTION_TITLES[section]).format(naam=naam)
