"""The wijkscan as an editable Word document: the same sections, tables and sentences, charts as images.

The charts are the report's own SVG drawn as PNG by :mod:`.raster`, so Word shows what the HTML and PDF show.
"""

from __future__ import annotations

from typing import Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import word
from ivp.reports.core.raster import svg_to_png
from ivp.reports.wijkscan import render
from ivp.reports.wijkscan.context import TEXT_NAMES, WijkscanContext

#: Width of a chart in the document (A4 minus margins).
CHART_WIDTH_CM = 16.0


def _chart(doc: Any, svg: str, caption: str) -> None:
    if not svg:
        return
    word.picture(doc, svg_to_png(svg), width_cm=CHART_WIDTH_CM)
    word.italic(doc, caption)


def render_docx(ctx: WijkscanContext) -> bytes:
    """Return the wijkscan as DOCX bytes."""
    doc = word.new_document()
    doc.add_heading(_("Wijkveiligheidsscan {naam}").format(naam=ctx.area.naam), 0)
    doc.add_paragraph(
        _("{kind} in {gemeente}; incidenten {period}. Gemaakt op {date}.").format(
            kind=ctx.kind_label.capitalize(), gemeente=ctx.naam, period=render.period_text(ctx),
            date=fmt.date(ctx.generated),
        )
    )  # fmt: skip
    if ctx.illustrative:
        doc.add_paragraph().add_run(render.illustrative_note(ctx)).bold = True
    doc.add_heading(_("Samenvatting"), 1)
    for line in render.summary(ctx):
        doc.add_paragraph(line, style="List Bullet")
    f = ctx.figures
    doc.add_heading(_("Cijfers"), 1)
    if not f.rows:
        doc.add_paragraph(
            _("Voor de buurten van dit gebied zijn geen geregistreerde misdrijven per buurt geladen.")
        )
    else:
        rows = []
        for r in f.rows:
            cells = [r.title, fmt.number(r.count), fmt.rate(r.rate)]
            for c in (r.versus_rest, r.versus_peers):
                cells += (
                    ["–", "–"]
                    if c is None
                    else [fmt.rate(c.reference_rate), f"{c.label} ({render.verdict_note(c)})"]
                )
            rows.append(cells)
        word.table(
            doc,
            [_("Soort misdrijf"), _("Aantal"), _("Per 1.000"), f.rest_label.capitalize(), _("Verschil"),
             f.peer_label.capitalize(), _("Verschil")],
            rows,
        )  # fmt: skip
        word.italic(doc, render.crime_source(ctx))
        for line in render.figure_sentences(ctx):
            doc.add_paragraph(line, style="List Bullet")
        for s in f.buurten:
            doc.add_heading(_("Per buurt: {title}, {year}").format(title=s.title.lower(), year=s.year), 2)
            word.table(
                doc,
                [_("Buurt"), _("Aantal"), _("Inwoners"), _("Per 1.000"), _("Rang in {naam}").format(naam=ctx.naam)],
                [[r.name, s.count_text(r), fmt.number(r.population), fmt.rate(r.rate), s.rank_cell(r)] for r in s.rows],
            )  # fmt: skip
            if s.disclosure_note:
                doc.add_paragraph(s.disclosure_note)
    trend = render.trend_chart(ctx)
    if trend:
        doc.add_heading(_("Ontwikkeling"), 2)
        _chart(doc, trend, render.crime_source(ctx) if f.series else render.incident_source(ctx))
    doc.add_heading(_("Wanneer: tijden"), 1)
    if ctx.hot_times is None:
        doc.add_paragraph(_("Geen incidenten met een tijdstip in dit gebied geladen."))
    else:
        _chart(
            doc,
            render.heat_svg(ctx),
            _(
                "Per dag en uur, aoristisch gewogen; omlijnd: aantoonbaar meer (oranje) of minder (blauw) dan verwacht."
            ),
        )
        _chart(doc, render.dagdeel_svg(ctx), render.incident_source(ctx))
        for line in render.hot_time_sentences(ctx):
            doc.add_paragraph(line, style="List Bullet")
        doc.add_paragraph(render.time_sufficiency(ctx))
    doc.add_heading(_("Waar: plekken"), 1)
    if ctx.hot_places is None:
        doc.add_paragraph(_("Geen incidenten met een plaats in dit gebied geladen."))
    else:
        _chart(doc, render.map_svg(ctx), render.incident_source(ctx))
        for line in render.hot_place_sentences(ctx):
            doc.add_paragraph(line, style="List Bullet")
        doc.add_paragraph(render.place_sufficiency(ctx))
    header, knox_rows = render.near_repeat_table(ctx)
    if knox_rows:
        doc.add_heading(_("Herhaling in de buurt (near repeat)"), 1)
        word.table(doc, [_("Afstand"), *header], [[r.distance, *r.cells] for r in knox_rows])
    doc.add_heading(_("Meldingen bij het meldpunt"), 1)
    m = ctx.meldingen
    if m is None:
        doc.add_paragraph(_("Geen meldingen meegenomen."))
    else:
        if m.rows:
            word.table(
                doc,
                [_("Categorie"), _("Aantal")],
                [[r.label, _("onderdrukt") if r.count is None else fmt.number(r.count)] for r in m.rows]
                + [[_("Totaal"), _("onderdrukt") if m.total is None else fmt.number(m.total)]],
            )
        else:
            doc.add_paragraph(_("Geen meldingen in {naam}.").format(naam=ctx.area.naam))
        if m.sentence:
            doc.add_paragraph(m.sentence)
    doc.add_heading(_("Wat partners en bewoners zien"), 1)
    for name in TEXT_NAMES:
        doc.add_heading(_(render.TEXT_TITLES[name]), 2)
        word.advisor_text(doc, ctx.texts.get(name), ctx.text_paths[name])
    doc.add_heading(_("Bronnen en werkwijze"), 1)
    doc.add_paragraph(render.method_note(ctx))
    word.table(
        doc,
        [_("Tabel"), _("Titel"), _("Uitgever"), _("Periode"), _("Licentie")],
        [[s.dataset, s.title, s.publisher, s.period or "–", s.licence] for s in ctx.sources],
    )
    return word.to_bytes(doc)
