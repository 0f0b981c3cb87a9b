"""Police nuisance registrations and the meldpunt's meldingen in the theme chapters: texts, chart and source
lines shared by the HTML, the DOCX and the xlsx, and the DOCX and xlsx parts themselves (the HTML part is in
the template). One block per count source (:attr:`ThemeSection.count_blocks`); the wording follows its
scheme."""

from __future__ import annotations

from typing import Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import charts, word
from ivp.reports.core.raster import svg_to_png
from ivp.reports.core.text import source_line
from ivp.reports.core.workbook import sheet
from ivp.reports.veiligheidsbeeld import render
from ivp.reports.veiligheidsbeeld.model import (
    MELDPUNT_SCHEME,
    NUISANCE_SCHEME,
    ChangeRow,
    ReportContext,
    SourceBlock,
    ThemeSection,
)

TITLE = "Overlastregistraties van de politie"
#: Per count source: the block's title, the first column's header, what its figures are called, the sheet
#: prefix and what one count is (the caption's warning).
TEXTS = {
    NUISANCE_SCHEME: (
        TITLE,
        "Soort overlast",
        "overlastregistraties",
        "overlast",
        "Een registratie is een melding die de politie als overlast vastlegt, niet hoe vaak overlast voorkomt.",
    ),
    MELDPUNT_SCHEME: (
        "Meldingen bij het meldpunt",
        "Categorie",
        "meldingen bij het meldpunt",
        "meldpunt",
        "Een melding is wat een inwoner bij het meldpunt meldt, niet hoe vaak iets voorkomt; wie vaker meldt, "
        "telt vaker.",
    ),
}


def _texts(block: SourceBlock) -> tuple[str, str, str, str, str]:
    return TEXTS.get(block.scheme, TEXTS[NUISANCE_SCHEME])


def title(block: SourceBlock) -> str:
    """'Overlastregistraties van de politie' or 'Meldingen bij het meldpunt'."""
    return _(_texts(block)[0])


def illustrative_note(ctx: ReportContext) -> str:
    """Contract 2's wording: 'illustratieve gegevens, geen echte cijfers van Dordrecht'."""
    return _("illustratieve gegevens, geen echte cijfers van {gemeente}").format(gemeente=ctx.naam)


def block_note(ctx: ReportContext, block: SourceBlock) -> str:
    """The theme chapter's note on which figures are illustrative."""
    return _("De {what} in dit thema ({dataset}) zijn {note}.").format(
        what=_(_texts(block)[2]), dataset=block.dataset, note=illustrative_note(ctx)
    )


def protection_note(block: SourceBlock) -> str | None:
    """For a source that is not open data: which small counts are left out."""
    if block.public:
        return None
    return _(
        "Deze cijfers zijn niet openbaar: aantallen van 1 tot en met {t} worden niet getoond (een open plek in "
        "de grafiek) en niet getoetst."
    ).format(t=block.threshold - 1)


def source(ctx: ReportContext, block: SourceBlock) -> str:
    """'Bron: Politie, Overlast.csv, 2019-2024'."""
    found = [s for s in ctx.sources if s.dataset in block.dataset.split(", ")]
    publisher = (
        found[0].publisher if found else ("Politie" if block.scheme == NUISANCE_SCHEME else "Meldpunt")
    )
    period = f"{block.first_year}-{block.last_year}"
    return source_line(publisher, block.dataset, period, block.provisional_years)


def comparison_source(ctx: ReportContext, block: SourceBlock) -> str:
    parts = [source(ctx, block)]
    nl = [s for s in ctx.sources if s.dataset == block.nl_dataset]
    if nl and block.nl_year is not None:
        parts.append(_("Nederland: {publisher}, {dataset}, {year}").format(
            publisher=nl[0].publisher, dataset=nl[0].dataset, year=block.nl_year))  # fmt: skip
    pop = [s for s in ctx.sources if s.source_id == "bevolking"]
    if pop:
        parts.append(
            _("inwoners: {publisher}, {dataset}").format(publisher=pop[0].publisher, dataset=pop[0].dataset)
        )
    return "; ".join(parts)


def change_text(ctx: ReportContext, block: SourceBlock, row: ChangeRow) -> str:
    return render.change_text(ctx, row, (block.year_a, block.year_b))


def chart_svg(ctx: ReportContext, theme: ThemeSection, block: SourceBlock) -> str:
    series = [
        charts.Series(s.title, tuple(charts.Point(p.year, p.value, p.provisional) for p in s.points))
        for s in block.series
    ]
    desc = "; ".join(
        f"{s.title}: " + ", ".join(f"{p.year} {fmt.number(p.value)}" for p in s.points if p.value is not None)
        for s in block.series
    )
    return charts.small_multiples(
        series,
        title=_("{title} per jaar, {theme}, {naam} {first}-{last}").format(
            title=title(block), theme=theme.naam, naam=ctx.naam, first=block.first_year, last=block.last_year
        ),
        description=desc,
        highlight=(block.year_a, block.year_b),
    )


def caption(ctx: ReportContext, block: SourceBlock) -> str:
    return _("{title} per jaar in {naam}, {first}-{last}; elk paneel heeft een eigen schaal. {what}").format(
        title=title(block),
        naam=ctx.naam,
        first=block.first_year,
        last=block.last_year,
        what=_(_texts(block)[4]),
    )


def header(block: SourceBlock) -> list[str]:
    prov = set(block.provisional_years)
    return [
        _(_texts(block)[1]),
        f"{block.year_a}{_(' (voorlopig)') if block.year_a in prov else ''}",
        f"{block.year_b}{_(' (voorlopig)') if block.year_b in prov else ''}",
        _("Verandering (95%-interval)"),
        _("Spreiding (φ)"),
        _("Aantoonbaar? (na correctie)"),
    ]


def table_rows(block: SourceBlock) -> list[list[str]]:
    return [
        [
            c.title,
            fmt.number(c.count_a),
            fmt.number(c.count_b),
            fmt.percent(c.percent_change)
            + (f" ({render.change_interval(c)})" if render.change_interval(c) else ""),
            render.spread_note(c),
            f"{c.label} ({render.verdict_note(c)})"
            + (
                _("; na correctie voor het aantal toetsen niet aantoonbaar")
                if c.lost_after_correction
                else ""
            ),
        ]
        for c in block.changes
    ]


def summary_lines(ctx: ReportContext, theme: ThemeSection) -> list[str]:
    """The summary's demonstrable changes of a theme's nuisance and meldpunt counts."""
    return [change_text(ctx, b, c) for b in theme.count_blocks for c in b.changes if c.demonstrable_fdr]


def template_names(ctx: ReportContext) -> dict[str, object]:
    return {
        "nuisance_title": title,
        "nuisance_kind": lambda b: _(_texts(b)[1]),
        "nuisance_protection": protection_note,
        "nuisance_source": lambda b: source(ctx, b),
        "nuisance_comparison_source": lambda b: comparison_source(ctx, b),
        "nuisance_change_sentence": lambda b, r: change_text(ctx, b, r),
        "nuisance_chart": lambda t, b: chart_svg(ctx, t, b),
        "nuisance_caption": lambda b: caption(ctx, b),
        "nuisance_summary": lambda t: summary_lines(ctx, t),
        "nuisance_note": lambda b: block_note(ctx, b),
        "illustrative_note": illustrative_note(ctx),
    }


def add_docx(doc: Any, ctx: ReportContext, theme: ThemeSection) -> None:
    """The theme's nuisance and meldpunt parts of the DOCX: editable table, chart as a picture, sentences."""
    for block in theme.count_blocks:
        doc.add_heading(title(block), 3)
        if block.illustrative:
            word.italic(doc, block_note(ctx, block))
        protection = protection_note(block)
        if protection:
            word.italic(doc, protection)
        word.table(doc, header(block), table_rows(block))
        word.italic(doc, source(ctx, block))
        if block.series:
            word.picture(doc, svg_to_png(chart_svg(ctx, theme, block)), width_cm=16.0)
            word.italic(doc, caption(ctx, block))
        for c in block.changes:
            doc.add_paragraph(change_text(ctx, block, c), style="List Bullet")
        for text in render.trend_texts(block):
            doc.add_paragraph(text, style="List Bullet")
        for cmp in block.comparisons:
            doc.add_paragraph(render.reference_text(ctx, cmp), style="List Bullet")
        if block.comparisons:
            word.italic(doc, comparison_source(ctx, block))


def add_sheets(wb: Any, ctx: ReportContext) -> None:
    """Per count source with figures, sheets '<prefix>_vergelijking', '_reeksen', '_trends' and
    '_referenties' (prefix 'overlast' for the police, 'meldpunt' for the meldpunt; numbers as numbers, with
    the scheme and dataset as the source column; a protected count is an empty cell)."""
    for scheme in TEXTS:
        found = [(t, b) for t in ctx.themes for b in t.count_blocks if b.scheme == scheme]
        if found:
            _sheets(wb, ctx, _texts(found[0][1])[3], found)


def _sheets(wb: Any, ctx: ReportContext, prefix: str, blocks: list[tuple[ThemeSection, SourceBlock]]) -> None:
    src = "; ".join(dict.fromkeys(source(ctx, b) for _t, b in blocks))
    if any(b.illustrative for _t, b in blocks):
        src += " · " + illustrative_note(ctx)
    sheet(
        wb, f"{prefix}_vergelijking",
        ["thema", "schema", "bron", "code", "soort", "jaar_a", "aantal_a", "voorlopig_a", "jaar_b", "aantal_b",
         "voorlopig_b", "verandering_pct", "rate_ratio", "ci_laag", "ci_hoog", "p", "q_bh", "uitkomst",
         "aantoonbaar_na_bh", "kleine_aantallen", "spreiding_phi", "zin"],
        [[t.id, b.scheme, b.dataset, c.code, c.title, b.year_a, c.count_a, c.provisional_a, b.year_b,
          c.count_b, c.provisional_b, c.percent_change, c.rate_ratio, c.ci_low, c.ci_high, c.p_value,
          c.p_adjusted, c.label, c.demonstrable_fdr, c.small_numbers, c.dispersion.phi,
          change_text(ctx, b, c)]
         for t, b in blocks for c in b.changes],
        src,
    )  # fmt: skip
    sheet(
        wb, f"{prefix}_reeksen", ["thema", "schema", "bron", "code", "soort", "jaar", "aantal", "voorlopig"],
        [[t.id, b.scheme, b.dataset, s.code, s.title, p.year, p.value, p.provisional]
         for t, b in blocks for s in b.series for p in s.points],
        src,
    )  # fmt: skip
    sheet(
        wb, f"{prefix}_trends",
        ["thema", "schema", "bron", "code", "soort", "periode", "van", "tot", "jaarlijkse_verandering_pct",
         "ci_laag", "ci_hoog", "p", "q_bh", "uitkomst", "kleine_aantallen"],
        [[t.id, b.scheme, b.dataset, r.code, r.title, r.period, r.first, r.last, r.annual_percent_change,
          r.ci_low, r.ci_high, r.p_value, r.p_adjusted, r.label, r.small_numbers]
         for t, b in blocks for r in b.trends],
        src,
    )  # fmt: skip
    sheet(
        wb, f"{prefix}_referenties",
        ["thema", "schema", "bron", "code", "soort", "referentie", "jaar", "aantal", "inwoners", "per_1000",
         "referentie_per_1000", "verhouding", "ci_laag", "ci_hoog", "p", "q_bh", "uitkomst",
         "aantoonbaar_na_bh", "zin"],
        [[t.id, b.scheme, b.nl_dataset or "", c.code, c.title, c.reference, c.year, c.count, c.population,
          c.rate, c.reference_rate, c.ratio, c.ci_low, c.ci_high, c.p_value, c.p_adjusted, c.label,
          c.demonstrable_fdr, render.reference_text(ctx, c)]
         for t, b in blocks for c in b.comparisons],
        "; ".join(dict.fromkeys(comparison_source(ctx, b) for _t, b in blocks)),
    )  # fmt: skip
