"""Texts, maps and tables of the figures per wijk and buurt, shared by the HTML, DOCX and xlsx writers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import word
from ivp.reports.core.text import source_line
from ivp.reports.core.workbook import sheet
from ivp.reports.veiligheidsbeeld import maps, sentences
from ivp.reports.veiligheidsbeeld.area_model import AreaSection

if TYPE_CHECKING:
    from ivp.reports.veiligheidsbeeld.model import ReportContext


def area_text(area: AreaSection) -> str:
    names = [r.name for r in area.ranked[:3]]
    plural = _("wijken") if area.level == "wijk" else _("buurten")
    return sentences.area_sentence(plural, names, sentences.noun(area.category, area.title), area.year)


def area_source(ctx: ReportContext, area: AreaSection) -> str:
    geo = [s for s in ctx.sources if s.source_id == "geo"]
    text = source_line("CBS / Politie", "47018NED", str(area.year))
    if area.population_year:
        text += _("; inwoners: CBS, 85984NED, {year}").format(year=area.population_year)
    if geo:
        text += _("; grenzen: {publisher}, wijk- en buurtkaart").format(publisher=geo[0].publisher)
    return text


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


def add_docx(doc: Any, ctx: ReportContext) -> None:
    """The area chapters of the Word document."""
    for area in ctx.areas:
        doc.add_heading(
            _("{title} per {level}, {year}").format(title=area.title, level=area.level, year=area.year), 1
        )
        doc.add_paragraph(area_text(area))
        word.table(
            doc,
            [_("Rang"), area.level.capitalize(), _("Aantal"), _("Inwoners"), _("Per 1.000"), _("Afgevlakt")],
            [
                [str(r.rank or "–"), r.name, fmt.number(r.count), fmt.number(r.population), fmt.rate(r.rate),
                 fmt.rate(r.smoothed)]
                for r in (area.ranked if area.level == "wijk" else area.ranked[:15])
            ],
        )  # fmt: skip
        word.italic(doc, area_source(ctx, area))


def add_sheets(wb: Any, ctx: ReportContext) -> None:
    """One xlsx sheet per area section."""
    for area in ctx.areas:
        sheet(
            wb, f"{area.level}en_{area.year}", ["code", "naam", "aantal", "inwoners", "per_1000", "ci_laag",
                                                "ci_hoog", "afgevlakt", "rang", "te_weinig_inwoners",
                                                "kleine_aantallen"],
            [[r.code, r.name, r.count, r.population, r.rate, r.ci_low, r.ci_high, r.smoothed, r.rank,
              r.flagged, r.small_numbers] for r in area.rows],
            area_source(ctx, area),
        )  # fmt: skip
