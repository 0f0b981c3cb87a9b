"""The data context of the Veiligheidsbeeld: plain frozen dataclasses from store reads and ivp.stats.

Nothing here formats text for readers; :mod:`.render` and :mod:`.sentences` do that. Every figure keeps
what a reader needs to judge it: the year, whether it is provisional, the overdispersion its test allowed
for, the test and its p-value (also after Benjamini-Hochberg over the report's one test family, see
:mod:`.family`), and whether the numbers are small.

Every test is computed for every crime type of the whole taxonomy, over all loaded years, before the
view (``--thema``, ``--reeks``) picks what to show: the verdicts cannot depend on the view.

The pieces live beside this module: the data classes in :mod:`.model`, changes, series, trends and the
correction in :mod:`.changes`, the references (the Netherlands, similar municipalities) in :mod:`.peers`,
wijken and buurten in :mod:`.areas`. The store is read only through :mod:`ivp.store.read`. The names
other modules import from here (``ReportContext``, ``ChangeRow``, ``apply_fdr``, ...) stay importable
from here.
"""

from __future__ import annotations

from pathlib import Path

from ivp.lib import clock
from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.reports.naming import municipality_name
from ivp.reports.veiligheidsbeeld import areas as area_mod
from ivp.reports.veiligheidsbeeld import family, indicators, nuisance, peers
from ivp.reports.veiligheidsbeeld.changes import (
    CHANGE_LABELS,
    COMPARISON_LABELS,
    RECENT_YEARS,
    TREND_LABELS,
    change_row,
    series_of,
    spreads,
    trend_rows,
)
from ivp.reports.veiligheidsbeeld.family import apply_fdr
from ivp.reports.veiligheidsbeeld.model import (
    BendRow,
    ChangeRow,
    ComparisonRow,
    Options,
    ReportContext,
    Row,
    SeriesPoint,
    SizeGroup,
    SourceRow,
    ThemeSection,
    TrendRow,
    TypeSeries,
    clean_title,
    finite,
)
from ivp.store import Store, read
from ivp.themes import Taxonomy, load_taxonomy
from ivp.workspace import Workspace

__all__ = [
    "CHANGE_LABELS",
    "COMPARISON_LABELS",
    "NL",
    "SIMILAR_SIZE_MARGIN",
    "TEXT_SECTIONS",
    "TREND_LABELS",
    "ChangeRow",
    "ComparisonRow",
    "Options",
    "ReportContext",
    "SeriesPoint",
    "SizeGroup",
    "SourceRow",
    "ThemeSection",
    "TrendRow",
    "TypeSeries",
    "apply_fdr",
    "build_context",
    "finite",
    "municipality_name",
    "sources",
]  # fmt: skip

MEASURE = peers.MEASURE
SCHEME = peers.SCHEME
NL = peers.NL
SIMILAR_SIZE_MARGIN = peers.SIMILAR_SIZE_MARGIN
#: Narrative Markdown files per theme, written by the advisor: ``teksten/<theme>/<name>.md``.
TEXT_SECTIONS = ("waar-gaat-het-om", "wat-speelt-er", "uitdagingen")


def build_context(ws: Workspace, store: Store, options: Options | None = None) -> ReportContext:
    """Read the store and compute every figure of the report; raise IvpError when nothing is loaded."""
    opts = options or Options()
    loaded = read.counts(store, MEASURE, SCHEME, regions=[ws.gemeente])
    if loaded.empty:
        raise IvpError(
            _(
                "Geen misdrijfcijfers voor {code} in de werkmap. Laad ze eerst: ivp ingest cbs 47018NED"
            ).format(code=ws.gemeente)
        )
    obs = loaded.rename(columns={"category": "code"})[["code", "title", "year", "value", "status", "dataset"]]
    obs = obs.sort_values(["code", "year"], kind="stable").reset_index(drop=True)
    obs["title"] = obs["title"].map(clean_title)
    years = sorted(int(y) for y in obs["year"].unique())
    first, last = opts.reeks or (years[0], years[-1])
    year_a, year_b = opts.vergelijk or (years[-2], years[-1])
    for y in (year_a, year_b):
        if y not in years:
            raise IvpError(
                _("Voor {year} zijn geen cijfers geladen; kies jaren uit {first}-{last}.").format(
                    year=y, first=years[0], last=years[-1]
                )
            )
    population = read.population_by_year(store, ws.gemeente)
    taxonomy = load_taxonomy(ws.root)
    if opts.themes:
        unknown = set(opts.themes) - {t.id for t in taxonomy.themes}
        if unknown:
            raise IvpError(
                _("Onbekend thema: {bad}. Kies uit: {valid}.").format(
                    bad=", ".join(sorted(unknown)), valid=", ".join(t.id for t in taxonomy.themes)
                )
            )
    loaded_codes = set(obs["code"])
    # The test family: every crime type of every theme, whatever the view shows.
    all_codes = sorted({c for t in taxonomy.themes for c in taxonomy.codes_for(t.id, SCHEME)} & loaded_codes)
    all_obs = obs  # every loaded year: spread and trends do not depend on --reeks
    history = list(range(year_b - peers.HISTORY_YEARS + 1, year_b + 1))
    spread = spreads(all_obs, all_codes, population, {year_a, year_b, *history})
    nl = peers.nl_rates(store, history, set(obs["dataset"]))
    group = peers.size_group(store, ws.gemeente, year_b, population)
    panel = peers.panel(store, ws.gemeente, group, history) if group else None
    full_years = (int(all_obs["year"].min()), int(all_obs["year"].max()))
    rows: dict[str, list[Row]] = {}
    for code in all_codes:
        code_rows: list[Row] = []
        change = change_row(all_obs, code, year_a, year_b, population, ws.alpha, spread[code])
        if change is not None:
            code_rows.append(change)
        code_rows.extend(
            peers.comparisons(
                all_obs, code, ws.gemeente, year_b, population, nl, group, panel, spread[code], ws.alpha
            )
        )
        long, recent, bend = trend_rows(
            series_of(all_obs, code, *full_years), population, ws.alpha, provisional=opts.trend_provisional
        )
        code_rows.extend(r for r in (long, recent, bend) if r is not None)
        rows[code] = code_rows
    nuisance_codes = sorted({c for t in taxonomy.themes for c in taxonomy.codes_for(t.id, nuisance.SCHEME)})
    found = nuisance.build(
        store, ws.gemeente, nuisance_codes, population, ws.alpha, compare=(year_a, year_b),
        reeks=opts.reeks, trend_provisional=opts.trend_provisional, fallback=spread,
        threshold=ws.onthul_drempel,
    )  # fmt: skip
    if found is not None:
        rows.update(found.rows)  # one family: crime, nuisance, the meldpunt and the registers together
    meldpunt_codes = sorted(
        {c for t in taxonomy.themes for c in taxonomy.codes_for(t.id, nuisance.MELDPUNT[1])}
    )
    reports = nuisance.build(
        store, ws.gemeente, meldpunt_codes, population, ws.alpha, compare=(year_a, year_b),
        reeks=opts.reeks, trend_provisional=opts.trend_provisional, fallback=spread,
        source=nuisance.MELDPUNT, threshold=ws.onthul_drempel,
    )  # fmt: skip
    if reports is not None:
        rows.update(reports.rows)
    registers, register_rows = indicators.build(
        store, ws.gemeente, population, ws.alpha, compare=(year_a, year_b), threshold=ws.onthul_drempel,
        trend_provisional=opts.trend_provisional, fallback=spread,
    )  # fmt: skip
    rows.update(register_rows)
    corrected, test_family = family.correct(rows, ws.alpha)

    view = obs[(obs["year"] >= min(first, year_a)) & (obs["year"] <= max(last, year_b))]
    provisional = tuple(sorted(int(y) for y in view.loc[view["status"] == "voorlopig", "year"].unique()))
    left_out: set[int] = set()
    wanted = [t for t in taxonomy.themes if not opts.themes or t.id in opts.themes]
    drafts: list[ThemeSection] = []
    for theme in wanted:
        codes = sorted(c for c in taxonomy.codes_for(theme.id, SCHEME) if c in loaded_codes)
        theme_rows = [r for code in codes for r in corrected.get(code, [])]
        trends = tuple(r for r in theme_rows if isinstance(r, TrendRow))
        left_out.update(y for t in trends for y in t.left_out)
        drafts.append(
            ThemeSection(
                id=theme.id,
                naam=theme.naam,
                opgave=_opgave_name(taxonomy, theme.opgave),
                beschrijving=theme.beschrijving,
                texts=_texts(ws.teksten, theme.id),
                changes=tuple(r for r in theme_rows if isinstance(r, ChangeRow)),
                series=tuple(series_of(view, code, first, last) for code in codes),
                trends=trends,
                comparisons=tuple(r for r in theme_rows if isinstance(r, ComparisonRow)),
                bends=tuple(r for r in theme_rows if isinstance(r, BendRow)),
                nuisance=None
                if found is None
                else nuisance.block(found, taxonomy.codes_for(theme.id, nuisance.SCHEME), corrected),
                indicators=tuple(indicators.corrected(i, corrected) for i in registers.get(theme.id, [])),
                meldpunt=None
                if reports is None
                else nuisance.block(reports, taxonomy.codes_for(theme.id, nuisance.MELDPUNT[1]), corrected),
            )
        )
    areas = area_mod.build_areas(
        store, ws.gemeente, ws.min_inwoners, obs_totals=obs, threshold=ws.onthul_drempel, nuisance=True,
        nuisance_codes=[c for c in nuisance_codes if not taxonomy.is_total(nuisance.SCHEME, c)] or None,
    )  # fmt: skip
    intro_path = ws.teksten / "inleiding.md"
    nl_now = nl.get(year_b)
    return ReportContext(
        gemeente=ws.gemeente,
        naam=municipality_name(ws, store),
        generated=clock.today(),
        year_a=year_a,
        year_b=year_b,
        first_year=first,
        last_year=last,
        provisional_years=provisional,
        alpha=ws.alpha,
        min_population=ws.min_inwoners,
        population=population,
        themes=tuple(drafts),
        areas=areas,
        sources=sources(store),
        size_group=group,
        nl_year=nl_now.year if nl_now else None,
        intro=intro_path.read_text(encoding="utf-8") if intro_path.exists() else None,
        family=test_family,
        nl_dataset=nl_now.dataset if nl_now else None,
        trend_left_out=tuple(sorted(left_out)),
        recent_years=RECENT_YEARS,
        trend_provisional=opts.trend_provisional,
        illustrative=any(nuisance.is_illustrative(d) for d in obs["dataset"].unique())
        or any(b.illustrative for t in drafts for b in t.count_blocks)
        or any(i.illustrative for t in drafts for i in t.indicators),
    )


def sources(store: Store) -> tuple[SourceRow, ...]:
    """The sources appendix: every loaded dataset, with its provisional years."""
    return tuple(
        SourceRow(
            source_id=rec.source_id,
            dataset=rec.dataset,
            title=rec.title,
            publisher=rec.publisher,
            licence=rec.licence,
            period=rec.period,
            vintage=rec.vintage,
            retrieved_at=rec.retrieved_at,
            provisional=", ".join(str(y) for y in rec.provisional_years) or None,
        )
        for rec in read.provenance(store)
    )


def _opgave_name(taxonomy: Taxonomy, opgave_id: str) -> str:
    if not opgave_id:
        return ""
    try:
        return taxonomy.opgave(opgave_id).naam
    except KeyError:
        return opgave_id


def _texts(folder: Path, theme_id: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in TEXT_SECTIONS:
        path = folder / theme_id / f"{name}.md"
        out[name] = path.read_text(encoding="utf-8") if path.exists() else None
    return out
