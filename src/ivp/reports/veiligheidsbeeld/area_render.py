"""Texts, maps and tables of the figures per wijk and buurt, shared by the HTML, DOCX and xlsx writers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import word
from ivp.reports.core.raster import svg_to_png
from ivp.reports.core.text import source_line
from ivp.reports.core.workbook import sheet
from ivp.reports.veiligheidsbeeld import maps, sentences
from ivp.reports.veiligheidsbeeld.area_model import AreaRow, AreaSection

if TYPE_CHECKING:
    from ivp.reports.veiligheidsbeeld.model import ReportContext


def area_text(area: AreaSection) -> str:
    """The summary sentence: names top areas only where their rank intervals make the statement true.

    An area is named as one of the ``area.top`` highest only when the upper bound of its 95% rank
    interval is within that top and its count is not small; otherwise the leaders are named with
    "de rangorde is onzeker", or no area at all when nothing can be ranked.
    """
    plural = _("wijken") if area.level == "wijk" else _("buurten")
    singular = _("wijk") if area.level == "wijk" else _("buurt")
    noun = area.noun_plural if area.is_nuisance else sentences.noun(area.category, area.title)
    if area.ranking == "geen_verschil":
        return _(
            "De {plural} verschillen in {noun} per 1.000 inwoners in {year} niet meer dan toeval: te weinig om "
            "een rangorde vast te stellen."
        ).format(plural=plural, noun=noun, year=area.year)
    ranked = [r for r in area.ranked if not r.small_numbers]
    if area.ranking != "gerangschikt" or not ranked:
        return _(
            "Te weinig om een rangorde van de {plural} vast te stellen: te weinig {plural} hebben genoeg "
            "inwoners en {noun} voor een betrouwbaar cijfer per 1.000 inwoners in {year}."
        ).format(plural=plural, noun=noun, year=area.year)
    sure = [r.name for r in ranked if r.rank_high is not None and r.rank_high <= area.top]
    if sure:
        return _(
            "Met 95% zekerheid {verb} {listed} bij de {top} {plural} met de meeste {noun} per 1.000 inwoners "
            "in {year} (afgevlakt, van de gerangschikte {plural})."
        ).format(
            verb=_("hoort") if len(sure) == 1 else _("horen"), listed=_listed(sure), top=area.top,
            plural=plural, noun=noun, year=area.year,
        )  # fmt: skip
    return _(
        "De hoogste afgevlakte cijfers voor {noun} per 1.000 inwoners in {year} hebben {listed}, maar de "
        "rangorde is onzeker: geen {singular} hoort met 95% zekerheid bij de {top} hoogste."
    ).format(noun=noun, year=area.year, listed=_listed([r.name for r in ranked[:3]]), singular=singular,
             top=area.top)  # fmt: skip


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" en ") + names[-1]


def area_source(ctx: ReportContext, area: AreaSection) -> str:
    geo = [s for s in ctx.sources if s.source_id == "geo"]
    text = source_line(area.publisher, area.dataset, str(area.year))
    if area.population_year:
        text += _("; inwoners: CBS, 85984NED, {year}").format(year=area.population_year)
    if geo:
        publisher = geo[0].publisher
        text += (
            _("; grenzen: {publisher}").format(publisher=publisher)
            if "buurtkaart" in publisher
            else _("; grenzen: {publisher}, wijk- en buurtkaart").format(publisher=publisher)
        )
    return text


def map_svg(ctx: ReportContext, area: AreaSection) -> str:
    items = [
        maps.MapArea(
            code=r.code,
            name=r.name,
            geometry=r.geometry,
            value=None if r.suppressed else r.smoothed,
            flagged=r.flagged,
            label=_("onderdrukt")
            if r.suppressed
            else _("{count} {noun}, {rate} per 1.000 inwoners{rank}").format(
                count=fmt.number(r.count),
                noun=area.noun_plural,
                rate=fmt.rate(r.rate),
                rank=f"; {_('rang')} {r.rank_text}"
                if r.rank
                else f"; {area.reason_text(r)}"
                if r.reason
                else "",
            ),
        )
        for r in area.rows
    ]
    return maps.choropleth(
        items,
        title=map_title(ctx, area),
        legend_title=_("per 1.000 inwoners (afgevlakt)"),
        description=area_text(area),
        flagged_label=_("niet gerangschikt"),
        missing_label=_("geen gegevens of onderdrukt") if area.any_suppressed else _("geen gegevens"),
    )


def map_title(ctx: ReportContext, area: AreaSection) -> str:
    """The map's title; nuisance: 'Overlastregistraties per wijk/buurt'."""
    if area.is_nuisance:
        return _("Overlastregistraties per {level}, {naam} {year} (per 1.000 inwoners, afgevlakt)").format(
            level=area.level, naam=ctx.naam, year=area.year
        )
    return _("Kaart: {title} per 1.000 inwoners per {level}, {naam} {year}").format(
        title=area.title.lower(), level=area.level, naam=ctx.naam, year=area.year
    )


def map_png(ctx: ReportContext, area: AreaSection) -> bytes | None:
    """The map of ``area`` as PNG (for the DOCX), or None when no area has a geometry."""
    if not area.has_geometry:
        return None
    return svg_to_png(map_svg(ctx, area))


def sheet_name(area: AreaSection) -> str:
    """The xlsx sheet of an area section: 'buurten_2023', 'overlast_buurten_2024'."""
    prefix = "overlast_" if area.is_nuisance else ""
    return f"{prefix}{area.level}en_{area.year}"


def table_rows(area: AreaSection) -> list[AreaRow]:
    """The ranked rows shown in the area table: every wijk, the 15 highest buurten."""
    return area.ranked if area.level == "wijk" else area.ranked[:15]


def add_docx(doc: Any, ctx: ReportContext) -> None:
    """The area chapters of the Word document."""
    for area in ctx.areas:
        doc.add_heading(area.heading, 1)
        if area.illustrative:
            word.italic(doc, area.illustrative_note(ctx.naam))
        if area.basis_note:
            doc.add_paragraph(area.basis_note)
        doc.add_paragraph(area_text(area))
        doc.add_paragraph(area.ranking_note)
        if area.disclosure_note:
            doc.add_paragraph(area.disclosure_note)
        png = map_png(ctx, area)
        if png is not None:
            word.picture(doc, png)
            word.italic(doc, map_title(ctx, area))
        shown = table_rows(area)
        if shown:
            word.table(
                doc,
                [_("Rang (95%-interval)"), area.level.capitalize(), _("Aantal"), _("Inwoners"), _("Per 1.000"),
                 _("Afgevlakt")],
                [[r.rank_text, r.name, area.count_text(r), fmt.number(r.population), fmt.rate(r.rate),
                  fmt.rate(r.smoothed)] for r in shown],
            )  # fmt: skip
        unranked = area.unranked
        if unranked and len(unranked) <= 10:
            doc.add_paragraph(
                _("Niet gerangschikt: {items}.").format(
                    items="; ".join(
                        f"{r.name} ({area.count_text(r)}; {area.reason_text(r)})" for r in unranked
                    )
                )
            )
        elif unranked:
            doc.add_paragraph(area.unranked_note)
        word.italic(doc, area_source(ctx, area))


def add_sheets(wb: Any, ctx: ReportContext) -> None:
    """One xlsx sheet per area section; suppressed counts read 'onderdrukt', their rates are empty."""
    for area in ctx.areas:
        sheet(
            wb, sheet_name(area), ["code", "naam", "aantal", "inwoners", "per_1000", "ci_laag",
                                                "ci_hoog", "afgevlakt", "verwacht", "rang", "rang_laag",
                                                "rang_hoog", "niet_gerangschikt", "bezoekersgebied",
                                                "kleine_aantallen", "onderdrukt"],
            [[r.code, r.name, _("onderdrukt") if r.suppressed else r.count, r.population, r.rate, r.ci_low,
              r.ci_high, r.smoothed, r.expected, r.rank, r.rank_low, r.rank_high, area.reason_text(r) or None,
              r.visitor, r.small_numbers, r.suppressed] for r in area.rows],
            area_source(ctx, area),
        )  # fmt: skip
