"""Every table of the Veiligheidsbeeld in one xlsx workbook (openpyxl), numbers as numbers."""

from __future__ import annotations

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core.workbook import new_workbook, sheet, to_bytes
from ivp.reports.veiligheidsbeeld import area_render, indicator_render, nuisance_render, render
from ivp.reports.veiligheidsbeeld.context import ReportContext


def render_xlsx(ctx: ReportContext) -> bytes:
    """Return the workbook as bytes: changes, series, trends, comparisons, areas, sources."""
    wb = new_workbook()
    src = render.crime_source(ctx)
    sheet(
        wb, _("vergelijking"),
        ["thema", "code", "soort", f"aantal_{ctx.year_a}", f"voorlopig_{ctx.year_a}", f"aantal_{ctx.year_b}",
         f"voorlopig_{ctx.year_b}", "verandering_pct", "rate_ratio", "ci_laag", "ci_hoog", "p", "q_bh",
         "uitkomst", "p_onder_alpha", "aantoonbaar_na_bh", "kleine_aantallen", "spreiding_phi",
         "spreiding_df", "spreiding_bron", "uitschieter_jaar", "zin"],
        [[t.id, c.code, c.title, c.count_a, c.provisional_a, c.count_b, c.provisional_b, c.percent_change,
          c.rate_ratio, c.ci_low, c.ci_high, c.p_value, c.p_adjusted, c.label, c.p_value < ctx.alpha,
          c.demonstrable_fdr, c.small_numbers, c.dispersion.phi, c.dispersion.df, c.dispersion.method,
          c.dispersion.outlier_year, render.change_text(ctx, c)]
         for t in ctx.themes for c in t.changes],
        src,
    )  # fmt: skip
    sheet(
        wb, _("reeksen"), ["thema", "code", "soort", "jaar", "aantal", "voorlopig", "inwoners"],
        [[t.id, s.code, s.title, p.year, p.value, p.provisional, ctx.population.get(p.year)]
         for t in ctx.themes for s in t.series for p in s.points],
        src,
    )  # fmt: skip
    sheet(
        wb, _("trends"), ["thema", "code", "soort", "periode", "van", "tot", "jaarlijkse_verandering_pct",
                          "ci_laag", "ci_hoog", "p", "q_bh", "uitkomst", "p_onder_alpha",
                          "uitschieter_jaar", "voorlopig_niet_meegeteld", "kleine_aantallen"],
        [[t.id, r.code, r.title, r.period, r.first, r.last, r.annual_percent_change, r.ci_low, r.ci_high,
          r.p_value, r.p_adjusted, r.label, r.p_value < ctx.alpha, r.outlier_year, ", ".join(map(str, r.left_out)),
          r.small_numbers] for t in ctx.themes for r in t.trends],
        src,
    )  # fmt: skip
    sheet(
        wb, _("ombuigingen"), ["thema", "code", "soort", "vanaf", "jaarlijks_voor_pct", "jaarlijks_vanaf_pct",
                               "p", "q_bh", "uitkomst", "p_onder_alpha"],
        [[t.id, b.code, b.title, b.break_year, b.before, b.after, b.p_value, b.p_adjusted, b.kind,
          b.p_value < ctx.alpha]
         for t in ctx.themes for b in t.bends],
        src,
    )  # fmt: skip
    sheet(
        wb, _("referenties"), ["thema", "code", "soort", "referentie", "jaar", "aantal", "inwoners",
                               "per_1000", "referentie_per_1000", "verhouding", "ci_laag", "ci_hoog", "p",
                               "q_bh", "uitkomst", "p_onder_alpha", "aantoonbaar_na_bh", "methode",
                               "grens_laag", "grens_hoog", "gemeenten", "kleine_aantallen", "jaren_hoger",
                               "zin"],
        [[t.id, c.code, c.title, c.reference, c.year, c.count, c.population, c.rate, c.reference_rate,
          c.ratio, c.ci_low, c.ci_high, c.p_value, c.p_adjusted, c.label, c.p_value < ctx.alpha, c.demonstrable_fdr,
          c.method, c.limit_low, c.limit_high, c.units or None, c.small_numbers,
          ", ".join(map(str, c.years_higher)), render.reference_text(ctx, c)]
         for t in ctx.themes for c in t.comparisons],
        render.comparison_source(ctx),
    )  # fmt: skip
    nuisance_render.add_sheets(wb, ctx)
    indicator_render.add_sheets(wb, ctx)
    area_render.add_sheets(wb, ctx)
    sheet(
        wb, _("bronnen"), ["bron", "tabel", "titel", "uitgever", "periode", "versie", "opgehaald", "licentie",
                           "voorlopig"],
        [[s.source_id, s.dataset, s.title, s.publisher, s.period, fmt.date_text(s.vintage),
          fmt.date(s.retrieved_at.date()), s.licence, s.provisional] for s in ctx.sources],
        _("Herkomst van alle geladen gegevens."),
    )  # fmt: skip
    return to_bytes(wb)
