"""Render the Veiligheidsbeeld: context -> Jinja2 template -> HTML -> PDF, plus DOCX and xlsx.

Every requested format is rendered in memory first and only then written, each atomically, so an error
leaves no half-written report behind.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markdown as md
from markupsafe import Markup, escape

from ivp.lib import fmt
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld import charts, maps, sentences
from ivp.reports.veiligheidsbeeld.areas import AreaSection
from ivp.reports.veiligheidsbeeld.context import (
    ChangeRow,
    ComparisonRow,
    Options,
    ReportContext,
    ThemeSection,
    TrendRow,
    build_context,
)
from ivp.store import Store
from ivp.workspace import Workspace

FORMATS = ("html", "pdf", "docx", "xlsx")
SECTION_TITLES = {
    "waar-gaat-het-om": "Waar gaat het om?",
    "wat-speelt-er": "Wat speelt er in {naam}?",
    "uitdagingen": "Uitdagingen en aandachtspunten",
}


@dataclass(frozen=True)
class Rendered:
    """Paths of the written files, per format."""

    paths: dict[str, Path]
    context: ReportContext


# -- text helpers shared by HTML, DOCX and xlsx --------------------------------------------------------


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
    return sentences.reference_sentence(
        ctx.naam, row.code, row.title, row.year, row.rate, row.reference_rate, row.reference,
        direction=row.direction, raw_direction=row.raw_direction, p_value=row.p_value,
    )  # fmt: skip


def trend_text(row: TrendRow) -> str:
    return sentences.trend_sentence(
        row.code, row.title, row.first, row.last, direction=row.direction,
        annual_percent_change=row.annual_percent_change, raw_direction=row.raw_direction,
        p_value=row.p_value,
    )  # fmt: skip


#: How many "aandachtspunten" per theme the summary shows (the largest excesses first).
CONCERNS_SHOWN = 5


@dataclass(frozen=True)
class Concerns:
    """The summary's points of attention for one theme: one line per crime type, largest excess first."""

    lines: tuple[str, ...]
    more: int  # further crime types that are demonstrably higher but not shown


def concerns(theme: ThemeSection, limit: int = CONCERNS_SHOWN) -> Concerns:
    """Crime types demonstrably higher (after Benjamini-Hochberg) than the Netherlands or similar
    municipalities, merged to one line each and ranked by the largest significant rate ratio."""
    ranked: list[tuple[float, str]] = []
    for code in dict.fromkeys(c.code for c in theme.comparisons):
        rows = [c for c in theme.comparisons if c.code == code]
        higher = [c for c in rows if c.demonstrable_fdr and c.direction > 0]
        if not higher:
            continue
        head = max(rows, key=lambda c: c.year)
        higher.sort(key=lambda c: (-c.year, -c.ratio))
        line = sentences.concern_sentence(
            head.title,
            head.year,
            head.rate,
            [(c.reference, c.year, c.rate, c.reference_rate) for c in higher],
        )
        ranked.append((max(c.ratio for c in higher), line))
    ranked.sort(key=lambda item: -item[0])
    return Concerns(tuple(line for _ratio, line in ranked[:limit]), max(0, len(ranked) - limit))


def verdict_note(row: ChangeRow | ComparisonRow | TrendRow) -> str:
    """'p = 0,041; q = 0,12' for tables: the test on its own and after correction."""
    return f"{fmt.pvalue(row.p_value)}; {fmt.qvalue(row.p_adjusted)}"


def area_text(area: AreaSection) -> str:
    names = [r.name for r in area.ranked[:3]]
    plural = _("wijken") if area.level == "wijk" else _("buurten")
    return sentences.area_sentence(plural, names, sentences.noun(area.category, area.title), area.year)


def crime_source(ctx: ReportContext) -> str:
    """'Bron: CBS / Politie, 47018NED, 2012-2025; 2024-2025 voorlopig'."""
    crime = [s for s in ctx.sources if s.source_id == "cbs" and s.dataset.startswith("47")]
    dataset = ", ".join(s.dataset for s in crime) or "47018NED"
    publisher = crime[0].publisher if crime else "CBS / Politie"
    text = _("Bron: {publisher}, {dataset}, {period}").format(
        publisher=publisher, dataset=dataset, period=ctx.crime_source_period
    )
    if ctx.provisional_years:
        text += _("; {years} voorlopig").format(years=fmt.year_range(list(ctx.provisional_years)))
    return text


def comparison_source(ctx: ReportContext) -> str:
    nl = [s for s in ctx.sources if s.source_id.startswith("politie")]
    pop = [s for s in ctx.sources if s.source_id == "bevolking"]
    parts = [crime_source(ctx)]
    if nl:
        parts.append(_("Nederland: {publisher}, {dataset}, {period}").format(
            publisher=nl[0].publisher, dataset=nl[0].dataset, period=nl[0].period or "–"))  # fmt: skip
    if pop:
        parts.append(
            _("inwoners: {publisher}, {dataset}").format(publisher=pop[0].publisher, dataset=pop[0].dataset)
        )
    return "; ".join(parts)


def area_source(ctx: ReportContext, area: AreaSection) -> str:
    geo = [s for s in ctx.sources if s.source_id == "geo"]
    text = _("Bron: CBS / Politie, 47018NED, {year}").format(year=area.year)
    if area.population_year:
        text += _("; inwoners: CBS, 85984NED, {year}").format(year=area.population_year)
    if geo:
        text += _("; grenzen: {publisher}, wijk- en buurtkaart").format(publisher=geo[0].publisher)
    return text


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


def map_svg(ctx: ReportContext, area: AreaSection) -> str:
    items = [
        maps.MapArea(
            code=r.code,
            name=r.name,
            geometry=r.geometry,
            value=r.smoothed,
            flagged=r.flagged,
            label=_("{count} misdrijven, {rate} per 1.000 inwoners").format(
                count=fmt.number(r.count), rate=fmt.rate(r.rate)
            ),
        )
        for r in area.rows
    ]
    top = ", ".join(r.name for r in area.ranked[:5])
    return maps.choropleth(
        items,
        title=_("Kaart: {title} per 1.000 inwoners per {level}, {naam} {year}").format(
            title=area.title.lower(), level=area.level, naam=ctx.naam, year=area.year
        ),
        legend_title=_("per 1.000 inwoners (afgevlakt)"),
        description=_("Hoogste afgevlakte cijfers: {top}.").format(top=top),
    )


# -- HTML and PDF --------------------------------------------------------------------------------------


def _template_env() -> jinja2.Environment:
    loader = jinja2.PackageLoader("ivp.reports", "templates")
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html"]))
    env.filters.update(
        number=lambda v: fmt.number(_num(v)),
        decimal=lambda v, d=1: fmt.number(_num(v), d),
        percent=lambda v: fmt.percent(_num(v)),
        percent_plain=lambda v: fmt.percent(None if _num(v) is None else float(v) * 100, 0, signed=False),
        rate=lambda v: fmt.rate(_num(v)),
        pvalue=lambda v: fmt.pvalue(_num(v)),
        date=fmt.date,
        date_text=fmt.date_text,
        qvalue=lambda v: fmt.qvalue(_num(v)),
        breakable=breakable,
        years=lambda ys: fmt.year_range(list(ys)),
        md=markdown_html,
    )
    env.globals["_"] = _
    return env


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def breakable(text: str) -> Markup:
    """Escape ``text`` and allow line breaks after ``_ . / -`` so long file names wrap in narrow cells."""
    return Markup(re.sub(r"([_./-])", r"\1<wbr>", str(escape(text))))  # noqa: S704


def markdown_html(text: str) -> Markup:
    """Markdown from the workspace's own text files as HTML (the advisor's text is trusted input)."""
    return Markup(md.markdown(text, extensions=["tables"]))  # noqa: S704


def narrative_html(ctx: ReportContext, theme: ThemeSection, section: str) -> Markup:
    text = theme.texts.get(section)
    if not text:
        where = f"teksten/{theme.id}/{section}.md"
        return Markup('<p class="placeholder">') + escape(
            _("[Nog te schrijven door de adviseur: {where}]").format(where=where)
        ) + Markup("</p>")  # fmt: skip
    css = "narrative voorbeeld" if "voorbeeldtekst" in text.lower() else "narrative"
    return Markup('<div class="{}">{}</div>').format(css, markdown_html(text))


def render_html(ctx: ReportContext) -> str:
    """Return the whole report as one self-contained HTML page (CSS and SVG inline)."""
    css = resources.files("ivp.reports").joinpath("static/report.css").read_text(encoding="utf-8")
    template = _template_env().get_template("veiligheidsbeeld.html")
    return template.render(
        ctx=ctx,
        css=css,
        crime_source=crime_source(ctx),
        comparison_source=comparison_source(ctx),
        change_sentence=lambda r: change_text(ctx, r),
        reference_sentence=lambda r: reference_text(ctx, r),
        trend_sentence=trend_text,
        concerns=concerns,
        concerns_shown=CONCERNS_SHOWN,
        verdict_note=verdict_note,
        area_sentence=area_text,
        area_source=lambda a: area_source(ctx, a),
        chart=lambda t: chart_svg(ctx, t),
        area_map=lambda a: map_svg(ctx, a),
        narrative=lambda t, s: narrative_html(ctx, t, s),
    )


def render_pdf(html: str) -> bytes:
    """Render the HTML to PDF with WeasyPrint (print CSS in the same stylesheet)."""
    import weasyprint  # type: ignore[import-untyped]  # slow import; only when a PDF is asked for

    pdf = weasyprint.HTML(string=html, base_url=".").write_pdf()
    assert pdf is not None
    return bytes(pdf)


# -- orchestration -------------------------------------------------------------------------------------


def parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    """Parse 'html,pdf' into a tuple; raise ValueError listing the valid formats."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(
            _("onbekend formaat {bad}; kies uit {valid}.").format(
                bad=", ".join(bad) or "''", valid=", ".join(FORMATS)
            )
        )
    return out


def output_stem(ctx: ReportContext) -> str:
    return f"veiligheidsbeeld-{ctx.gemeente}-{ctx.year_a}-{ctx.year_b}"


def render_report(
    ws: Workspace, options: Options | None = None, formats: Sequence[str] = FORMATS
) -> Rendered:
    """Build the context from the workspace store and write the requested formats to ``ws.uitvoer``."""
    with Store(ws.store_path, read_only=True) as store:
        ctx = build_context(ws, store, options)
    return write_outputs(ctx, ws.uitvoer, formats)


def write_outputs(ctx: ReportContext, folder: Path, formats: Sequence[str]) -> Rendered:
    """Render every format in memory, then write each atomically."""
    from ivp.reports.veiligheidsbeeld import docx_writer, xlsx_writer

    blobs: dict[str, bytes] = {}
    html = render_html(ctx)
    if "html" in formats:
        blobs["html"] = html.encode("utf-8")
    if "pdf" in formats:
        blobs["pdf"] = render_pdf(html)
    if "docx" in formats:
        blobs["docx"] = docx_writer.render_docx(ctx)
    if "xlsx" in formats:
        blobs["xlsx"] = xlsx_writer.render_xlsx(ctx)
    stem = output_stem(ctx)
    paths: dict[str, Path] = {}
    for kind, data in blobs.items():
        path = folder / f"{stem}.{kind}"
        write_atomic(path, data)
        paths[kind] = path
    return Rendered(paths=paths, context=ctx)


def section_title(section: str, naam: str) -> str:
    return _(SECTION_TITLES[section]).format(naam=naam)


def plain_text(markdown_text: str) -> list[str]:
    """Markdown paragraphs as plain text (for DOCX): strip emphasis and links, keep list bullets."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", markdown_text) if p.strip()]
    out = []
    for p in paragraphs:
        p = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", p)
        p = re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", p)
        p = re.sub(r"^#+\s*", "", p)
        out.append(p)
    return out


def today() -> dt.date:
    return dt.date.today()
