"""The wijkscan's texts and charts from its context, shared by the HTML/PDF template and the DOCX writer.

Every sentence a reader sees is made here (or by the analysis' own :mod:`.sentences`), so the formats
cannot disagree. The Veiligheidsbeeld's sentence functions word the changes and comparisons.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import charts as core_charts
from ivp.reports.core import templates
from ivp.reports.core.text import source_line
from ivp.reports.veiligheidsbeeld import sentences as vb_sentences
from ivp.reports.veiligheidsbeeld.model import ChangeRow, ComparisonRow, finite
from ivp.reports.wijkscan import charts, sentences
from ivp.reports.wijkscan.context import WijkscanContext

#: The template of the HTML and PDF.
TEMPLATE = "wijkscan.html"
TEXT_TITLES = {
    "straatkennis": "Straatkennis: wat partners en bewoners zien",
    "systeemkennis": "Systeemkennis",
}


def illustrative_note(ctx: WijkscanContext) -> str:
    return _("Illustratieve gegevens, geen echte cijfers van {naam}.").format(naam=ctx.naam)


def period_text(ctx: WijkscanContext) -> str:
    if ctx.period is None:
        return _("geen incidenten geladen")
    return _("{start} tot en met {end}").format(start=fmt.date(ctx.period[0]), end=fmt.date(ctx.period[1]))


def change_text(row: ChangeRow, year_a: int, year_b: int) -> str:
    return vb_sentences.change_sentence(
        row.code, row.title, row.count_a, row.count_b, year_a, year_b, direction=row.direction,
        percent_change=row.percent_change, provisional_a=row.provisional_a, provisional_b=row.provisional_b,
        small_numbers=row.small_numbers, raw_direction=row.raw_direction, p_value=row.p_value,
        rate_percent=(row.rate_ratio - 1.0) * 100.0 if finite(row.rate_ratio) else None,
    )  # fmt: skip


def reference_text(ctx: WijkscanContext, row: ComparisonRow) -> str:
    limits = (
        (row.limit_low, row.limit_high) if row.limit_low is not None and row.limit_high is not None else None
    )
    return vb_sentences.reference_sentence(
        ctx.area.naam, row.code, row.title, row.year, row.rate, row.reference_rate, row.reference,
        direction=row.direction, raw_direction=row.raw_direction, p_value=row.p_value,
        small_numbers=row.small_numbers, limits=limits, units=row.units,
    )  # fmt: skip


def verdict_note(row: ComparisonRow | ChangeRow) -> str:
    if row.small_numbers:
        return _("kleine aantallen, niet getoetst")
    return f"{fmt.pvalue(row.p_value)}; {fmt.qvalue(row.p_adjusted)}"


def figure_sentences(ctx: WijkscanContext) -> list[str]:
    """One sentence per test of the section Cijfers (comparisons, change)."""
    out: list[str] = []
    f = ctx.figures
    for row in f.rows:
        for cmp in (row.versus_rest, row.versus_peers):
            if cmp is not None:
                out.append(reference_text(ctx, cmp))
        if row.change is not None and f.year is not None:
            out.append(change_text(row.change, f.year - 1, f.year))
    return out


def hot_time_sentences(ctx: WijkscanContext) -> list[str]:
    if ctx.hot_times is None:
        return []
    return sentences.hot_time_sentences(
        ctx.hot_times, noun=_("incidenten"), threshold=ctx.threshold, gemeente=ctx.naam
    )


def hot_place_sentences(ctx: WijkscanContext) -> list[str]:
    if ctx.hot_places is None:
        return []
    return sentences.hot_place_sentences(
        ctx.hot_places, noun=_("incidenten"), threshold=ctx.threshold, gemeente=ctx.naam
    )


def time_sufficiency(ctx: WijkscanContext) -> str:
    if ctx.hot_times is None:
        return ""
    return sentences.sufficiency_sentence(ctx.hot_times.sufficiency, noun=_("incidenten"))


def place_sufficiency(ctx: WijkscanContext) -> str:
    if ctx.hot_places is None:
        return ""
    return sentences.sufficiency_sentence(ctx.hot_places.sufficiency, noun=_("incidenten"))


def summary(ctx: WijkscanContext) -> list[str]:
    """The key sentences: demonstrable differences and changes, hot times, hot places, sufficiency."""
    out: list[str] = []
    f = ctx.figures
    for row in f.rows:
        for cmp in (row.versus_rest, row.versus_peers):
            if cmp is not None and cmp.demonstrable_fdr:
                out.append(reference_text(ctx, cmp))
        if row.change is not None and row.change.demonstrable_fdr and f.year is not None:
            out.append(change_text(row.change, f.year - 1, f.year))
    if f.rows and not out:
        out.append(
            _("{naam} verschilt in geregistreerde misdrijven per 1.000 inwoners niet aantoonbaar van de {rest} "
              "of de {peers}.").format(naam=ctx.area.naam, rest=f.rest_label, peers=f.peer_label)
        )  # fmt: skip
    out.extend(hot_time_sentences(ctx)[:2])
    if time := time_sufficiency(ctx):
        out.append(time)
    out.extend(hot_place_sentences(ctx)[:2])
    if place := place_sufficiency(ctx):
        out.append(place)
    if ctx.meldingen is not None and ctx.meldingen.sentence:
        out.append(ctx.meldingen.sentence)
    if ctx.hot_times is None:
        out.append(
            _(
                "Er zijn geen incidenten met tijd en plaats in dit gebied geladen (ivp ingest politie-incidenten)."
            )
        )
    return list(dict.fromkeys(out))


def crime_source(ctx: WijkscanContext) -> str:
    crime = [s for s in ctx.sources if s.source_id == "cbs" and s.dataset.startswith("47")]
    dataset = ctx.figures.dataset or ", ".join(s.dataset for s in crime) or "47018NED"
    publisher = crime[0].publisher if crime else "CBS / Politie"
    years = ctx.figures.year if ctx.figures.first_year == ctx.figures.year else (
        f"{ctx.figures.first_year}-{ctx.figures.year}")  # fmt: skip
    text = source_line(publisher, dataset, str(years), ctx.figures.provisional_years)
    if ctx.figures.population_year:
        text += _("; inwoners: CBS, {year}").format(year=ctx.figures.population_year)
    return text


def incident_source(ctx: WijkscanContext) -> str:
    inc = [s for s in ctx.sources if s.source_id.startswith("politie-incident")]
    dataset = ", ".join(s.dataset for s in inc) or (ctx.incidents.dataset if ctx.incidents else "–")
    publisher = inc[0].publisher if inc else _("Politie")
    return source_line(publisher, dataset, period_text(ctx))


def spread_note(row: ComparisonRow) -> str:
    d = row.dispersion
    if d is None:
        return "–"
    text = fmt.number(d.phi, 1)
    if d.method == "poisson":
        text += _(" (niet te schatten)")
    elif d.method == "pooled":
        text += _(" (mediaan andere soorten)")
    return text


def trend_chart(ctx: WijkscanContext) -> str:
    """Small multiples of the area's yearly counts: CBS figures when three or more years are loaded,
    else the incidents in the area per year and category; '' when neither."""
    if ctx.figures.series:
        series = [
            core_charts.Series(
                s.title, tuple(core_charts.Point(p.year, p.value, p.provisional) for p in s.points)
            )
            for s in ctx.figures.series
        ]
        title = _("Geregistreerde misdrijven per jaar in {naam}").format(naam=ctx.area.naam)
    elif ctx.incidents is not None and len(ctx.incidents.years) >= 2:
        series = [
            core_charts.Series(label, tuple(core_charts.Point(y, float(v)) for y, v in zip(ctx.incidents.years, values, strict=True)))
            for label, values in ctx.incidents.categories
        ]  # fmt: skip
        title = _("Incidenten per jaar in {naam}, per soort").format(naam=ctx.area.naam)
    else:
        return ""
    desc = "; ".join(
        f"{s.label}: " + ", ".join(f"{p.year} {fmt.number(p.value)}" for p in s.points if p.value is not None)
        for s in series
    )
    return core_charts.small_multiples(series, title=title, description=desc)


def heat_svg(ctx: WijkscanContext) -> str:
    if ctx.hot_times is None:
        return ""
    return charts.heat_table_svg(
        ctx.hot_times.table,
        ctx.hot_times.concentration,
        title=_("Incidenten in {naam} per dag en uur").format(naam=ctx.area.naam),
    )


def dagdeel_svg(ctx: WijkscanContext) -> str:
    if ctx.hot_times is None:
        return ""
    return charts.heat_table_svg(
        ctx.hot_times.dagdeel, None, title=_("Incidenten in {naam} per dagdeel").format(naam=ctx.area.naam)
    )


def map_svg(ctx: WijkscanContext) -> str:
    if ctx.hot_places is None:
        return ""
    return charts.hot_place_map_svg(ctx.hot_places, buurten=ctx.buurten)


@dataclass(frozen=True)
class KnoxRow:
    distance: str
    cells: tuple[str, ...]  # "1,8 (q 0,01)" per time band


def near_repeat_table(ctx: WijkscanContext) -> tuple[tuple[str, ...], list[KnoxRow]]:
    """Header (time bands) and rows (distance bands): observed/expected ratio, starred when significant."""
    k = ctx.near_repeats
    if k is None:
        return (), []
    te, de = list(k.time_edges), list(k.distance_edges)
    header = tuple(
        _("{a}-{b} dagen").format(a=fmt.number(a), b=fmt.number(b)) for a, b in itertools.pairwise(te)
    )
    rows = []
    for i in range(len(k.observed)):
        if len(de) > i + 1:
            label = _("{a}-{b} m").format(a=fmt.number(de[i]), b=fmt.number(de[i + 1]))
        else:
            label = _("zelfde gebied")
        cells = tuple(
            f"{fmt.number(float(k.ratio[i][j]), 2)}{' *' if bool(k.significant[i][j]) else ''} "
            f"({int(k.observed[i][j])})"
            for j in range(len(header))
        )
        rows.append(KnoxRow(label, cells))
    return header, rows


def method_note(ctx: WijkscanContext) -> str:
    """How the figures are made, in one paragraph (aoristic, Gi*, FDR, overdispersion, disclosure)."""
    alpha = fmt.number(ctx.alpha, 2)
    return _(
        "Misdrijven per 1.000 inwoners zijn de door CBS en politie per buurt geregistreerde misdrijven, opgeteld "
        "over de buurten van het gebied, gedeeld door hun inwoners. Vergeleken wordt met de andere buurten van "
        "{naam} samen en, in een trechterdiagram dat meeneemt hoeveel de gebieden onderling verschillen, met de "
        "andere wijken; de extra schommeling van jaar tot jaar (spreiding φ) telt mee waar die te schatten is. "
        "Tijdstippen zijn aoristisch gewogen (Ratcliffe): een incident dat alleen bekend is als periode (tussen "
        "begin en eind) telt voor elk uur van die periode naar rato mee; incidenten met een periode van meer dan "
        "{hours} uur tellen niet mee en worden genoemd. Een uur of plek heet alleen opvallend als de toets "
        "(concentratietoets voor tijden, Getis-Ord Gi* op een rooster van cellen voor plekken) dat ook na "
        "correctie voor het aantal cellen (Benjamini-Hochberg) aantoonbaar maakt: q ten hoogste {alpha}. Bij elke "
        "vraag staat of de gegevens genoeg zijn: hoe groot de kans is dat een piek van tweemaal het gemiddelde "
        "gevonden wordt, en hoeveel incidenten of meldingen daarvoor nodig zijn. Kleine aantallen uit niet-"
        "openbare bronnen (onder {t}) worden niet getoond, en ook niet de aantallen waaruit ze terug te "
        "rekenen zijn."
    ).format(naam=ctx.naam, hours=fmt.number(_max_hours(ctx)), alpha=alpha, t=_threshold(ctx))


def _max_hours(ctx: WijkscanContext) -> float:
    if ctx.hot_times is not None:
        return float(ctx.hot_times.table.max_hours)
    from ivp.stats.aoristic import MAX_HOURS

    return float(MAX_HOURS)


def _threshold(ctx: WijkscanContext) -> int:
    if ctx.meldingen is not None:
        return ctx.meldingen.threshold
    return next((s.threshold for s in ctx.figures.buurten), 5)


def advisor_html(ctx: WijkscanContext, name: str) -> Markup:
    return templates.advisor_html(ctx.texts.get(name), ctx.text_paths[name])


def template_names(ctx: WijkscanContext) -> Mapping[str, object]:
    """What the template uses besides ``ctx`` and ``css``."""
    header, knox_rows = near_repeat_table(ctx)
    return {
        "illustrative_note": illustrative_note(ctx),
        "period_text": period_text(ctx),
        "summary": summary(ctx),
        "figure_sentences": figure_sentences(ctx),
        "crime_source": crime_source(ctx),
        "incident_source": incident_source(ctx),
        "verdict_note": verdict_note,
        "spread_note": spread_note,
        "trend_chart": trend_chart(ctx),
        "heat_svg": heat_svg(ctx),
        "dagdeel_svg": dagdeel_svg(ctx),
        "map_svg": map_svg(ctx),
        "hot_time_sentences": hot_time_sentences(ctx),
        "hot_place_sentences": hot_place_sentences(ctx),
        "time_sufficiency": time_sufficiency(ctx),
        "place_sufficiency": place_sufficiency(ctx),
        "knox_header": header,
        "knox_rows": knox_rows,
        "method_note": method_note(ctx),
        "advisor": lambda name: advisor_html(ctx, name),
        "text_titles": TEXT_TITLES,
    }
