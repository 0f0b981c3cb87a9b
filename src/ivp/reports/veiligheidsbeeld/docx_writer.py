"""The Veiligheidsbeeld as an editable Word document (python-docx): chapters, texts, tables, sentences.

Tables stay editable Word tables; the theme charts are the same SVG as in the HTML and PDF, drawn as PNG
pictures (:func:`ivp.reports.core.raster.svg_to_png`). The area maps are :mod:`.area_render`'s.
"""

from __future__ import annotations

from typing import Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import word
from ivp.reports.core.raster import svg_to_png
from ivp.reports.veiligheidsbeeld import area_render, indicator_render, nuisance_render, render
from ivp.reports.veiligheidsbeeld.context import TEXT_SECTIONS, ReportContext, ThemeSection


def render_docx(ctx: ReportContext) -> bytes:
    """Return the report as DOCX bytes."""
    doc = word.new_document()
    doc.add_heading(_("Veiligheidsbeeld {naam}").format(naam=ctx.naam), 0)
    doc.add_paragraph(
        _("Cijfers {first}-{last}; vergelijking {a} met {b}. Gemaakt op {date}.").format(
            first=ctx.first_year, last=ctx.last_year, a=ctx.year_a, b=ctx.year_b, date=fmt.date(ctx.generated)
        )
    )
    if ctx.illustrative:
        word.italic(doc, _("Dit rapport bevat {note}.").format(note=nuisance_render.illustrative_note(ctx)))
    doc.add_heading(_("Uitdagingen en aandachtspunten (samenvatting)"), 1)
    for theme in ctx.themes:
        doc.add_heading(theme.naam, 2)
        if not theme.has_figures:
            doc.add_paragraph(_("Voor dit thema zijn nog geen cijfers geladen."))
            continue
        items = [render.change_text(ctx, c) for c in theme.changes if c.demonstrable_fdr]
        items += nuisance_render.summary_lines(ctx, theme)
        items += indicator_render.summary_lines(ctx, theme)
        for text in items or [
            _("Geen aantoonbare veranderingen tussen {a} en {b}.").format(a=ctx.year_a, b=ctx.year_b)
        ]:
            doc.add_paragraph(text, style="List Bullet")
        points = render.concerns(theme)
        if points.lines:
            doc.add_paragraph(
                _(
                    "Aandachtspunten (aantoonbaar hoger per 1.000 inwoners, en in ten minste twee van de laatste drie jaar hoger):"
                )
            )
            for line in points.lines:
                doc.add_paragraph(line, style="List Bullet")
            if points.more:
                doc.add_paragraph(
                    _("En nog {n} andere soort(en); zie de vergelijking in het thema.").format(n=points.more),
                    style="List Bullet",
                )
    doc.add_heading(_("Leeswijzer"), 1)
    for item in render.leeswijzer(ctx):
        doc.add_paragraph(f"{item.title} {item.text}".strip(), style="List Bullet")
    for theme in ctx.themes:
        doc.add_heading(theme.naam, 1)
        if theme.opgave:
            word.italic(doc, _("Opgave: {name}").format(name=theme.opgave))
        for section in TEXT_SECTIONS[:1]:
            _narrative(doc, ctx, theme, section)
        doc.add_heading(_("Wat zeggen de cijfers?"), 2)
        if not theme.has_figures:
            doc.add_paragraph(_("Voor dit thema zijn geen cijfers geladen."))
        elif theme.changes or theme.series:
            prov = set(ctx.provisional_years)
            word.table(
                doc,
                [
                    _("Soort misdrijf"),
                    f"{ctx.year_a}{' (voorlopig)' if ctx.year_a in prov else ''}",
                    f"{ctx.year_b}{' (voorlopig)' if ctx.year_b in prov else ''}",
                    _("Verandering (95%-interval)"),
                    _("Spreiding (φ)"),
                    _("Aantoonbaar? (na correctie)"),
                ],
                [
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
                    for c in theme.changes
                ],
            )
            word.italic(doc, render.crime_source(ctx))
            if theme.series:
                word.picture(doc, svg_to_png(render.chart_svg(ctx, theme)), width_cm=16.0)
                word.italic(doc, _("Geregistreerde misdrijven per jaar in {naam}, {first}-{last}.").format(
                    naam=ctx.naam, first=ctx.first_year, last=ctx.last_year))  # fmt: skip
            for c in theme.changes:
                doc.add_paragraph(render.change_text(ctx, c), style="List Bullet")
            for text in render.trend_texts(theme):
                doc.add_paragraph(text, style="List Bullet")
            for cmp in theme.comparisons:
                doc.add_paragraph(render.reference_text(ctx, cmp), style="List Bullet")
        nuisance_render.add_docx(doc, ctx, theme)
        indicator_render.add_docx(doc, ctx, theme)
        for section in TEXT_SECTIONS[1:]:
            _narrative(doc, ctx, theme, section)
    area_render.add_docx(doc, ctx)
    doc.add_heading(_("Documenten en gegevens"), 1)
    word.table(
        doc,
        [_("Tabel"), _("Titel"), _("Periode"), _("Versie / opgehaald"), _("Licentie"), _("Voorlopig")],
        [
            [s.dataset, s.title, s.period or "–",
             (f"{fmt.date_text(s.vintage)}; " if s.vintage else "")
             + _("opgehaald {date}").format(date=fmt.date(s.retrieved_at.date())),
             s.licence, s.provisional or "–"]
            for s in ctx.sources
        ],
    )  # fmt: skip
    return word.to_bytes(doc)


def _narrative(doc: Any, ctx: ReportContext, theme: ThemeSection, section: str) -> None:
    doc.add_heading(render.section_title(section, ctx.naam), 2)
    word.advisor_text(doc, theme.texts.get(section), f"teksten/{theme.id}/{section}.md")
