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
from ivp.reports.veiligheidsbeeld.model import CRIME_SCHEME, BendRow, Row, SourceBlock, finite

#: The template of the HTML and PDF.
TEMPLATE = "veiligheidsbeeld.html"
SECTION_TITLES = {
    "waar-gaat-het-om": "Waar gaat het om?",
    "wat-speelt-er": "Wat speelt er in {naam}?",
    "uitdagingen": "Uitdagingen en aandachtspunten",
}


# -- texts shared by HTML, DOCX and xlsx ---------------------------------------------------------------


def sentence_code(row: Row) -> str:
    """The code the sentences know a row by: the CBS code, or 'politie-overlast:E33' for nuisance."""
    return row.code if row.scheme == CRIME_SCHEME else f"{row.scheme}:{row.code}"


def change_text(ctx: ReportContext, row: ChangeRow, years: tuple[int, int] | None = None) -> str:
    """The change sentence; ``years`` are the compared years when they are not the report's (nuisance)."""
    year_a, year_b = years or (ctx.year_a, ctx.year_b)
    return sentences.change_sentence(
        sentence_code(row),
        row.title,
        row.count_a,
        row.count_b,
        year_a,
        year_b,
        direction=row.direction,
        percent_change=row.percent_change,
        provisional_a=row.provisional_a,
        provisional_b=row.provisional_b,
        small_numbers=row.small_numbers,
        raw_direction=row.raw_direction,
        p_value=row.p_value,
        rate_percent=(row.rate_ratio - 1.0) * 100.0 if finite(row.rate_ratio) else None,
    )


def reference_text(ctx: ReportContext, row: ComparisonRow) -> str:
    limits = None
    if row.limit_low is not None and row.limit_high is not None:
        limits = (row.limit_low, row.limit_high)
    return sentences.reference_sentence(
        ctx.naam, sentence_code(row), row.title, row.year, row.rate, row.reference_rate, row.reference,
        direction=row.direction, raw_direction=row.raw_direction, p_value=row.p_value,
        small_numbers=row.small_numbers, limits=limits, units=row.units,
    )  # fmt: skip


def trend_text(row: TrendRow, recent: TrendRow | None = None, bend: BendRow | None = None) -> str:
    """The long trend with the recent one and a change of direction, in one sentence; the bend is worded
    only as far as the corrected verdicts of all three carry it (:func:`sentences.bend_words`)."""
    recent_ok = recent is not None and not recent.small_numbers and finite(recent.annual_percent_change)
    words = ""
    if bend is not None and recent_ok and recent is not None:
        words = sentences.bend_words(row.direction, recent.direction, bend.kind, bend.before, bend.after)
    return sentences.trend_sentence(
        sentence_code(row), row.title, row.first, row.last, direction=row.direction,
        annual_percent_change=row.annual_percent_change, raw_direction=row.raw_direction,
        p_value=row.p_value, left_out=row.left_out, provisional_in=row.provisional_in,
        outlier_year=row.outlier_year,
        recent=(recent.first, recent.last, recent.direction, recent.annual_percent_change, recent.ci_low,
                recent.ci_high) if recent_ok and recent is not None else None,
        bend=words, bend_year=None if bend is None else bend.break_year,
        small_numbers=row.small_numbers,
    )  # fmt: skip


def trend_texts(theme: ThemeSection | SourceBlock) -> list[str]:
    """One trend sentence per type of the theme (or of its nuisance block)."""
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
        peer = next(
            (c for c in rows if c.method == "trechter" and c.direction == 0 and not c.small_numbers), None
        )
        usual = None
        if peer is not None and peer.limit_low is not None and peer.limit_high is not None:
            usual = (peer.limit_low, peer.limit_high)
        line = sentences.concern_sentence(
            head.title,
            head.year,
            head.rate,
            [(c.reference, c.year, c.rate, c.reference_rate) for c in higher],
            usual=usual,
        )
        ranked.append((max(c.conservative_ratio for c in higher), line))
    ranked.sort(key=lambda item: -item[0])
    return Concerns(tuple(line for _ratio, line in ranked[:limit]), max(0, len(ranked) - limit))


def verdict_note(row: Row) -> str:
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


@dataclass(frozen=True)
class Item:
    """One point of the leeswijzer: an anchor, a bold lead and its text (plain, the same in every format)."""

    id: str
    title: str
    text: str


def leeswijzer(ctx: ReportContext) -> list[Item]:
    """How to read the report's verdicts: the rules it applied, with this report's numbers."""
    alpha = fmt.number(ctx.alpha, 2)
    items = [
        Item("registratie", "", _("Cijfers zijn door de politie geregistreerde misdrijven. Een stijging kan ook "
                                  "betekenen dat meer mensen aangifte doen.")),
        Item("toetsregel", _("Wanneer heet iets een verandering?"), _(
            "Geregistreerde misdrijven schommelen van jaar tot jaar meer dan toeval alleen verklaart (een "
            "drukke zomer, één dadergroep, een politieactie). ivp schat die extra schommeling, de spreiding φ, "
            "uit alle geladen jaren van elke soort misdrijf: φ = 1 is gewoon toeval, φ = 3 betekent drie keer "
            "zoveel schommeling. Eén jaar dat sterk afwijkt telt daarbij niet mee (behalve de jaren die "
            "worden vergeleken); is een reeks te kort, dan geldt de mediaan van de andere soorten. Elke toets "
            "en elk interval houdt rekening met φ. Een verschil heet alleen aantoonbaar als het 95%-interval "
            "de 1 (geen verschil) niet bevat; de overschrijdingskans p en het interval zeggen altijd hetzelfde.")),
    ]  # fmt: skip
    family = ""
    if ctx.family is not None:
        k = ctx.family.by_kind
        family = _(
            "Dit rapport doet {size} toetsen: voor {codes} reeksen (soorten misdrijf en, waar geladen, overlast, "
            "meldingen en registraties; van alle thema's, ook als maar één thema is gekozen) de verandering "
            "tussen twee jaren of metingen ({c}; voor misdrijven {a}-{b}), de vergelijking met Nederland ({nl}) en met "
            "vergelijkbare gemeenten ({peers}), de lange trend ({t}), de trend van de laatste {recent} jaar "
            "({r}) en een ombuiging ({bend}). "
        ).format(
            size=ctx.family.size, codes=ctx.family.codes, a=ctx.year_a, b=ctx.year_b, c=k["verandering"],
            nl=k["nederland"], peers=k["vergelijkbare gemeenten"], t=k["trend"], recent=ctx.recent_years,
            r=k["recente trend"], bend=k["trendbreuk"],
        )  # fmt: skip
    items.append(Item("familie", _("Eén correctie voor het hele rapport."), family + _(
        "Bij zoveel toetsen valt een deel bij toeval ‘aantoonbaar’ uit. Daarom geldt overal in dit rapport "
        "(tabellen, zinnen, samenvatting, Excel en Word) één regel: iets heet alleen een stijging, daling, "
        "verschil of trend als het ook na correctie voor al deze toetsen samen (Benjamini-Hochberg) aantoonbaar "
        "is: q ten hoogste {alpha}. De tabellen tonen p, de kans van de toets zelf, en q, dezelfde kans na "
        "correctie. Is p kleiner dan {alpha} maar q niet, dan staat er ‘geen aantoonbare verandering’, met ‘na "
        "correctie voor het aantal toetsen niet aantoonbaar’. Welke thema's (--thema) of welke jaren van de "
        "reeksen (--reeks) u laat tonen verandert geen enkele uitkomst; andere vergelijkingsjaren (--vergelijk) "
        "zijn andere toetsen."
    ).format(alpha=alpha)))  # fmt: skip
    items.append(Item("klein", _("Kleine aantallen"), _(
        "(minder dan 20 in beide jaren samen of minder dan 5 in één jaar; bij vergelijkingen en trends minder "
        "dan 20) worden niet getoetst en krijgen geen oordeel: ‘te weinig om een verandering vast te stellen’."
    )))  # fmt: skip
    if ctx.trend_provisional:
        trends = _("gaan op verzoek ook over de voorlopige jaren ({years}); de zinnen noemen ze.").format(
            years=fmt.year_range(list(ctx.provisional_years)) if ctx.provisional_years else "–"
        )
    else:
        trends = _("gaan over de definitieve jaren") + (
            _("; de voorlopige cijfers over {years} tellen er niet in mee").format(
                years=fmt.year_range(list(ctx.trend_left_out))
            ) if ctx.trend_left_out else ""
        ) + "."  # fmt: skip
    items.append(Item("trends", _("Trends"), trends + " " + _(
        "Naast de lange trend staat de trend van de laatste {n} jaar, en een toets of de lijn aan het begin "
        "daarvan is omgebogen (‘de daling is gestopt’, ‘weer een stijging’); die woorden staan er alleen als "
        "de trends zelf ze na correctie dragen."
    ).format(n=ctx.recent_years)))  # fmt: skip
    if ctx.nl_dataset:
        year = ctx.nl_year if ctx.nl_year is not None else ctx.year_b
        same = (
            _("hetzelfde jaar ({year})")
            if year == ctx.year_b
            else _("{year}, het laatste jaar met landelijke cijfers")
        )
        nl = _("cijfers uit {dataset}, {when}.").format(dataset=ctx.nl_dataset, when=same.format(year=year))
    else:
        nl = _("niet beschikbaar.")
    items.append(Item("nederland", _("Nederland:"), nl + " " + _(
        "Aandachtspunten zijn soorten die in het laatste jaar aantoonbaar hoger liggen dan Nederland of "
        "vergelijkbare gemeenten én in ten minste twee van de laatste drie jaar hoger (ondergrens van het "
        "interval boven 1); ze staan op volgorde van die ondergrens, zodat één piekjaar of een groot verschil op "
        "kleine aantallen niet bovenaan komt. Ligt zo'n soort binnen wat voor gemeenten van deze omvang "
        "gebruikelijk is, dan staat dat erbij."
    )))  # fmt: skip
    if ctx.size_group:
        g = ctx.size_group
        peers = _(
            "gemeenten met in {year} tussen {low} en {high} inwoners (±25% van {naam}, {pop}; stedelijkheid is "
            "niet geladen en telt dus niet mee): {members}. Ze worden vergeleken in een trechterdiagram: het "
            "cijfer van {naam} tegen dat van de groep, met grenzen die meenemen hoeveel deze gemeenten onderling "
            "verschillen (Spiegelhalter)."
        ).format(
            year=g.year, low=fmt.number(g.low), high=fmt.number(g.high), naam=ctx.naam,
            pop=fmt.number(g.population), members=", ".join(name for _c, name in g.members),
        )  # fmt: skip
    else:
        peers = _("niet beschikbaar (geen bevolkingscijfers geladen).")
    items.append(Item("peers", _("Vergelijkbare gemeenten:"), peers))
    if ctx.provisional_years:
        items.append(Item("voorlopig", _("Voorlopig:"), _(
            "cijfers over {years} zijn voorlopig en kunnen nog wijzigen."
        ).format(years=fmt.year_range(list(ctx.provisional_years)))))  # fmt: skip
    return items


# -- HTML ----------------------------------------------------------------------------------------------


def narrative_html(theme: ThemeSection, section: str) -> Markup:
    """The advisor's text of ``section`` of a theme chapter, or the placeholder naming its file."""
    return templates.advisor_html(theme.texts.get(section), f"teksten/{theme.id}/{section}.md")


def template_names(ctx: ReportContext) -> Mapping[str, object]:
    """What the template uses besides ``ctx`` and ``css`` for crime, areas and texts; the nuisance names are
    added by :func:`ivp.reports.veiligheidsbeeld.page.template_names` (nuisance_render builds on this
    module, so this module does not import it)."""
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
        "leeswijzer": leeswijzer(ctx),
        "concerns_shown": CONCERNS_SHOWN,
        "verdict_note": verdict_note,
        "area_sentence": area_text,
        "area_source": lambda a: area_source(ctx, a),
        "chart": lambda t: chart_svg(ctx, t),
        "area_map": lambda a: map_svg(ctx, a),
        "narrative": narrative_html,
    }


def section_title(section: str, naam: str) -> str:
    return _(SECTION_TITLES[section]).format(naam=naam)
