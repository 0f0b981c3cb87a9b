"""Series from the municipality's registers in the theme chapters: the texts, table, chart and source lines
shared by the HTML, DOCX and xlsx, and the DOCX and xlsx parts (the HTML part is in the template)."""

from __future__ import annotations

from typing import Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import charts, word
from ivp.reports.core.raster import svg_to_png
from ivp.reports.core.text import source_line
from ivp.reports.core.workbook import Cell, sheet
from ivp.reports.veiligheidsbeeld import render
from ivp.reports.veiligheidsbeeld.model import (
    ChangeRow,
    Indicator,
    IndicatorPoint,
    LevelRow,
    ReportContext,
    ThemeSection,
)
from ivp.stats.levels import DESIGN_EFFECT

TITLE = "Cijfers uit registraties en onderzoek"
#: The unit as a reader sees it (the stored units of :mod:`ivp.sources.reeks`).
UNIT_LABELS = {
    "aantal": "aantal",
    "percentage": "percentage",
    "rapportcijfer": "rapportcijfer",
    "euro": "euro",
    "per_1000": "per 1.000 inwoners",
}


def value_text(unit: str, value: float | None, *, protected: bool = False, threshold: int = 5) -> str:
    """A value in its unit: '1.234', '12,5%', '7,1', '€ 1.234', '12,3 per 1.000'; small counts hidden.

    >>> value_text("percentage", 12.54), value_text("euro", 1234.0), value_text("aantal", None, protected=True)
    ('12,5%', '€ 1.234', 'minder dan 5')
    """
    if protected:
        return (
            _("minder dan {t}").format(t=threshold)
            if unit == "aantal"
            else _("niet getoond (kleine aantallen)")
        )
    if value is None:
        return "–"
    if unit == "percentage":
        return f"{fmt.number(value, 1)}%"
    if unit == "rapportcijfer":
        return fmt.number(value, 1)
    if unit == "euro":
        return f"€ {fmt.number(value)}"
    if unit == "per_1000":
        return _("{v} per 1.000").format(v=fmt.number(value, 1))
    return fmt.number(value)


def difference_text(row: ChangeRow | LevelRow) -> str:
    """'+12% (-3% tot +29%)' for a count, '+2,1 procentpunt (-0,4 tot 4,6)' for a percentage."""
    if isinstance(row, ChangeRow):
        interval = render.change_interval(row)
        return fmt.percent(row.percent_change) + (f" ({interval})" if interval else "")
    unit = _(" procentpunt") if row.unit == "percentage" else ""
    low, high = (fmt.number(v, 1) for v in (row.ci_low, row.ci_high))
    if row.unit == "euro":
        return f"€ {_signed(row.difference, 0)} ({_('{low} tot {high}').format(low=low, high=high)})"
    return f"{_signed(row.difference, 1)}{unit} ({_('{low} tot {high}').format(low=low, high=high)})"


def _signed(value: float, decimals: int) -> str:
    text = fmt.number(abs(value), decimals)
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else text)


def _pair(ind: Indicator) -> tuple[IndicatorPoint | None, IndicatorPoint | None]:
    """The two periods set side by side (A, B), else (None, the last one)."""
    if ind.compared is None:
        return None, (ind.points[-1] if ind.points else None)
    by_label = {p.label: p for p in ind.points}
    return by_label.get(ind.compared[0]), by_label.get(ind.compared[1])


def _shown(ind: Indicator, point: IndicatorPoint | None) -> str:
    """'2022: 1.234' for the table ('' without a point)."""
    if point is None:
        return ""
    return f"{point.label}: {value_text(ind.unit, point.value, protected=point.protected, threshold=ind.threshold)}"


def sentence(ctx: ReportContext, ind: Indicator) -> str:
    """One sentence per indicator: the change with its verdict, or why there is no test."""
    row = ind.change
    a, b = _pair(ind)
    if isinstance(row, ChangeRow) and a is not None and b is not None:
        return render.change_text(ctx, row, (a.year, b.year))
    if isinstance(row, LevelRow):
        text_a = value_text(ind.unit, row.value_a)
        text_b = value_text(ind.unit, row.value_b)
        if row.direction > 0:
            verdict = _("deze stijging is statistisch aantoonbaar")
        elif row.direction < 0:
            verdict = _("deze daling is statistisch aantoonbaar")
        else:
            verdict = _("dit is geen aantoonbare verandering")
            if row.raw_direction:
                verdict += _(" ({p}; na correctie voor het aantal toetsen niet aantoonbaar)").format(
                    p=fmt.pvalue(row.p_value)
                )
        prov = _(" (voorlopig)")
        text = _("{name}: {a} in {pa}, {b} in {pb}; verschil {diff}; {verdict}").format(
            name=ind.title,
            a=text_a,
            pa=row.period_a + (prov if row.provisional_a else ""),
            b=text_b,
            pb=row.period_b + (prov if row.provisional_b else ""),
            diff=difference_text(row),
            verdict=verdict,
        )
        if row.interval_from == "n":
            text += _(
                " (de bron geeft geen interval: het is berekend uit de steekproefgrootte, met een aangenomen "
                "design-effect van {deff})"
            ).format(deff=fmt.number(DESIGN_EFFECT, 0))
        return text + "."
    shown = "; ".join(
        f"{value_text(ind.unit, p.value, protected=p.protected, threshold=ind.threshold)} in {p.label}"
        for p in (a, b)
        if p is not None
    )
    return _("{name}: {shown}; {note}.").format(name=ind.title, shown=shown, note=ind.note or "")


def verdict_cell(ind: Indicator) -> str:
    row = ind.change
    if row is None:
        return ind.note or ""
    text = f"{row.label} ({render.verdict_note(row)})"
    if row.lost_after_correction:
        text += _("; na correctie voor het aantal toetsen niet aantoonbaar")
    return text


def header() -> list[str]:
    return [
        _("Indicator (eenheid)"),
        _("Eerder"),
        _("Laatst"),
        _("Verschil (95%-interval)"),
        _("Aantoonbaar? (na correctie)"),
    ]


def table_rows(ctx: ReportContext, theme: ThemeSection) -> list[list[str]]:
    out = []
    for ind in theme.indicators:
        a, b = _pair(ind)
        out.append(
            [
                f"{ind.title} ({_(UNIT_LABELS.get(ind.unit, ind.unit))})",
                _shown(ind, a),
                _shown(ind, b),
                difference_text(ind.change) if ind.change is not None else "–",
                verdict_cell(ind),
            ]
        )
    return out


def source(ctx: ReportContext, theme: ThemeSection) -> str:
    """'Bron: Veilig Thuis Zuid-Holland Zuid, registers.csv, 2019-2023; CBS Veiligheidsmonitor, ...'."""
    years: dict[tuple[str, str], list[int]] = {}
    provisional: dict[tuple[str, str], list[int]] = {}
    for i in theme.indicators:
        key = (i.source, i.dataset)
        years.setdefault(key, []).extend(p.year for p in i.points)
        provisional.setdefault(key, []).extend(p.year for p in i.points if p.provisional)
    parts: list[str] = []
    for (publisher, dataset), found in years.items():
        first, last = min(found), max(found)
        period = str(first) if first == last else f"{first}-{last}"
        line = source_line(publisher, dataset, period, sorted(set(provisional[publisher, dataset])))
        parts.append(line if not parts else line.removeprefix(_("Bron: ")))
    return "; ".join(parts)


def note(ctx: ReportContext, theme: ThemeSection) -> str | None:
    """The illustrative marking, when any indicator of the theme is illustrative (contract 2)."""
    shown = [i.dataset for i in theme.indicators if i.illustrative]
    if not shown:
        return None
    return _(
        "De registercijfers in dit thema ({datasets}) zijn illustratieve gegevens, geen echte cijfers van {gemeente}."
    ).format(datasets=", ".join(dict.fromkeys(shown)), gemeente=ctx.naam)


def charted(theme: ThemeSection) -> list[Indicator]:
    """The indicators with at least two yearly values shown (the chart's panels)."""
    return [
        i for i in theme.indicators if i.grain == "jaar" and sum(p.value is not None for p in i.points) >= 2
    ]


def chart_svg(ctx: ReportContext, theme: ThemeSection) -> str:
    shown = charted(theme)
    series = [
        charts.Series(
            f"{i.title} ({_(UNIT_LABELS.get(i.unit, i.unit))})",
            tuple(charts.Point(p.year, p.value, p.provisional) for p in i.points),
        )
        for i in shown
    ]
    desc = "; ".join(
        f"{i.title}: "
        + ", ".join(f"{p.label} {value_text(i.unit, p.value)}" for p in i.points if p.value is not None)
        for i in shown
    )
    return charts.small_multiples(
        series,
        title=_("Cijfers uit registraties en onderzoek per jaar, {theme}, {naam}").format(
            theme=theme.naam, naam=ctx.naam
        ),
        description=desc,
    )


def caption(ctx: ReportContext, theme: ThemeSection) -> str:
    return _(
        "Cijfers uit registraties en onderzoek per jaar in {naam}; elk paneel heeft een eigen schaal. Een "
        "registratie telt wat een organisatie vastlegt, niet hoe vaak iets voorkomt; kleine aantallen uit "
        "niet-openbare registers zijn weggelaten."
    ).format(naam=ctx.naam)


def summary_lines(ctx: ReportContext, theme: ThemeSection) -> list[str]:
    """The summary's demonstrable register changes of a theme."""
    return [sentence(ctx, i) for i in theme.indicators if i.change is not None and i.change.demonstrable_fdr]


def template_names(ctx: ReportContext) -> dict[str, object]:
    return {
        "register_title": _(TITLE),
        "register_header": header(),
        "register_rows": lambda t: table_rows(ctx, t),
        "register_source": lambda t: source(ctx, t),
        "register_note": lambda t: note(ctx, t),
        "register_chart": lambda t: chart_svg(ctx, t) if charted(t) else "",
        "register_caption": lambda t: caption(ctx, t),
        "register_sentences": lambda t: [sentence(ctx, i) for i in t.indicators],
        "register_definitions": lambda t: [(i.title, i.definition) for i in t.indicators if i.definition],
        "register_summary": lambda t: summary_lines(ctx, t),
    }


def add_docx(doc: Any, ctx: ReportContext, theme: ThemeSection) -> None:
    """The theme's register part of the DOCX: editable table, chart as a picture, sentences."""
    if not theme.indicators:
        return
    doc.add_heading(_(TITLE), 3)
    marking = note(ctx, theme)
    if marking:
        word.italic(doc, marking)
    word.table(doc, header(), table_rows(ctx, theme))
    word.italic(doc, source(ctx, theme))
    if charted(theme):
        word.picture(doc, svg_to_png(chart_svg(ctx, theme)), width_cm=16.0)
        word.italic(doc, caption(ctx, theme))
    for ind in theme.indicators:
        doc.add_paragraph(sentence(ctx, ind), style="List Bullet")
    for name, definition in ((i.title, i.definition) for i in theme.indicators if i.definition):
        doc.add_paragraph(f"{name}: {definition}", style="List Bullet")


def add_sheets(wb: Any, ctx: ReportContext) -> None:
    """Sheets 'registers_reeksen' (every value shown) and 'registers_veranderingen' (every test); none
    without register series. Protected small counts are left empty with 'beschermd' true."""
    found = [(t, i) for t in ctx.themes for i in t.indicators]
    if not found:
        return
    src = "; ".join(dict.fromkeys(f"{i.source} ({i.dataset})" for _t, i in found))
    if any(i.illustrative for _t, i in found):
        src += " · " + _("illustratieve gegevens, geen echte cijfers van {gemeente}").format(
            gemeente=ctx.naam
        )
    sheet(
        wb, "registers_reeksen",
        ["thema", "id", "naam", "eenheid", "periode", "waarde", "ondergrens", "bovengrens", "n", "voorlopig",
         "beschermd", "bron", "licentie", "definitie", "bestand"],
        [[t.id, i.code, i.title, i.unit, p.label, p.value, p.lower, p.upper, p.n, p.provisional, p.protected,
          i.source, i.licence or "", i.definition or "", i.dataset]
         for t, i in found for p in i.points],
        src,
    )  # fmt: skip
    rows: list[list[Cell]] = []
    for t, i in found:
        row = i.change
        if isinstance(row, ChangeRow):
            rows.append([t.id, i.code, i.title, i.unit, "aantal", row.count_a, row.count_b, row.percent_change,
                         (row.ci_low - 1) * 100, (row.ci_high - 1) * 100, row.p_value, row.p_adjusted, row.label, row.demonstrable_fdr,
                         "telling", sentence(ctx, i)])  # fmt: skip
        elif isinstance(row, LevelRow):
            rows.append([t.id, i.code, i.title, i.unit, "niveau", row.value_a, row.value_b, row.difference,
                         row.ci_low, row.ci_high, row.p_value, row.p_adjusted, row.label, row.demonstrable_fdr,
                         row.interval_from, sentence(ctx, i)])  # fmt: skip
        else:
            rows.append([t.id, i.code, i.title, i.unit, "geen toets", None, None, None, None, None, None, None,
                         i.note or "", False, "", sentence(ctx, i)])  # fmt: skip
    sheet(
        wb, "registers_veranderingen",
        ["thema", "id", "naam", "eenheid", "toets", "waarde_a", "waarde_b", "verschil", "ci_laag", "ci_hoog",
         "p", "q_bh", "uitkomst", "aantoonbaar_na_bh", "interval_uit", "zin"],
        rows,
        src,
    )  # fmt: skip
