"""The effect report ("Effectevaluatie"): context, texts for the template, DOCX, registration, making it.

``ivp report effect INTERVENTIE`` writes HTML, PDF and DOCX: the headline and its interval, what happened
around the area, the counts before and during, every estimator side by side, the series chart with the
counterfactual, the map, the power statement, the caveats, the method and the sources.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp.lib import clock, fmt
from ivp.lib.errors import ConfigError
from ivp.lib.i18n import _
from ivp.reports.core import word
from ivp.reports.core.output import write_report
from ivp.reports.core.raster import svg_to_png
from ivp.reports.core.report import Report, parse_formats
from ivp.reports.core.text import source_line
from ivp.reports.effect import charts, sentences
from ivp.reports.effect.areas import UNIT_NAMES
from ivp.reports.effect.evaluate import MIN_BEFORE, MIN_DURING, Evaluation, evaluate
from ivp.reports.naming import municipality_name
from ivp.reports.veiligheidsbeeld.context import sources as store_sources
from ivp.reports.veiligheidsbeeld.model import SourceRow
from ivp.reports.wijkscan import events as wevents
from ivp.reports.wijkscan.focus import Area, rd_geometry
from ivp.stats.effect import EffectEstimate
from ivp.store import Store, read
from ivp.workspace import Workspace

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention

FORMATS = ("html", "pdf", "docx")
TEMPLATE = "effect.html"
SOORT_LABELS = {
    "cameratoezicht_vast": "vast cameratoezicht",
    "cameratoezicht_mobiel": "mobiel cameratoezicht",
    "alcoholverbod": "alcoholverbod",
    "veiligheidsrisicogebied": "veiligheidsrisicogebied",
    "sluiting_13b": "sluiting (artikel 13b Opiumwet)",
    "wbmgp": "Wbmgp-gebied",
    "suswachten": "suswachten",
    "verlichting": "verlichting",
    "overig": "overige interventie",
}


@dataclass(frozen=True)
class EffectContext:
    evaluation: Evaluation
    gemeente: str
    naam: str
    generated: dt.date
    buurt_geometries: tuple[str, ...]
    sources: tuple[SourceRow, ...]


def load_events(ws: Workspace, store: Store) -> tuple[pd.DataFrame, tuple[dt.date, dt.date] | None]:
    """The municipality's incidents (all categories) and the days the incident datasets cover."""
    frame = wevents.store_events(store, ws)
    if frame.empty:
        return frame, None
    return frame, (frame["begin_at"].min().date(), frame["begin_at"].max().date())


def build_context(ws: Workspace, store: Store, intervention: Intervention, **options: Any) -> EffectContext:
    """Evaluate ``intervention`` on the store's incidents; ``options`` go to :func:`evaluate`."""
    events, span = load_events(ws, store)
    if events.empty:
        raise ConfigError(
            _(
                "Er zijn geen incidenten geladen; laad eerst een incidentenbestand met 'ivp ingest politie-incidenten'."
            )
        )
    buurten = read.areas_of(store, ws.gemeente, ("buurt",))
    try:
        ev = evaluate(intervention, events, buurten, data_span=span, alpha=ws.alpha, **options)
    except ValueError as exc:
        raise ConfigError(_("Interventie '{id}': {msg}").format(id=intervention.id, msg=exc)) from exc
    near = buurten[[_touches(ev, text) for text in buurten["geometry"]]]
    return EffectContext(
        evaluation=ev,
        gemeente=ws.gemeente,
        naam=municipality_name(ws, store),
        generated=clock.today(),
        buurt_geometries=tuple(str(g) for g in near["geometry"] if isinstance(g, str)),
        sources=tuple(s for s in store_sources(store) if s.source_id.startswith("politie-incident"))
        or store_sources(store),
    )


def _touches(ev: Evaluation, text: object) -> bool:
    """Whether a buurt (GeoJSON text) lies within a buffer width of the evaluated areas (for the map)."""
    if not isinstance(text, str) or not text:
        return False
    geom = rd_geometry(Area("buurt", "b", "b", (), json.loads(text)))
    outer = ev.areas.buffer.union(ev.areas.treated).buffer(ev.areas.buffer_m)
    return geom is not None and bool(geom.intersects(outer))


# -- texts for the template and the DOCX ------------------------------------------------------------------


def illustrative_note(ctx: EffectContext) -> str:
    return _("Illustratieve gegevens, geen echte cijfers van {naam}.").format(naam=ctx.naam)


def soort_label(soort: str) -> str:
    return _(SOORT_LABELS.get(soort, soort))


def periods_text(iv: Intervention) -> str:
    parts = []
    for p in iv.perioden:
        end = fmt.date(p.eind) if p.eind else _("heden")
        parts.append(_("{start} tot en met {end}").format(start=fmt.date(p.start), end=end))
    return "; ".join(parts)


def data_source(ctx: EffectContext) -> str:
    ev = ctx.evaluation
    first, last = ev.period
    publisher = ctx.sources[0].publisher if ctx.sources else _("Politie")
    dataset = ", ".join(ev.datasets) or "–"
    return source_line(
        publisher, dataset, _("{a} tot en met {b}").format(a=fmt.date(first), b=fmt.date(last))
    )


def count_rows(ctx: EffectContext) -> list[list[str]]:
    ev = ctx.evaluation
    s = ev.sums
    rows = []
    for i, name in enumerate(UNIT_NAMES):
        per_before = s.before[i] / max(s.bins_before, 1)
        per_during = s.during[i] / max(s.bins_during, 1)
        change = (per_during / per_before - 1) if per_before > 0 else float("nan")
        rows.append(
            [
                _(name),
                fmt.number(s.before[i]),
                fmt.number(per_before, 1),
                fmt.number(s.during[i]),
                fmt.number(per_during, 1),
                sentences.pct(change) if change == change else "–",
            ]
        )
    return rows


def count_header(ctx: EffectContext) -> list[str]:
    ev = ctx.evaluation
    unit = ev.grain
    return [
        _("Gebied"),
        _("Voor ({n} {units})").format(n=ev.sums.bins_before, units=sentences.GRAIN_PLURAL[unit]),
        _("Per {unit}").format(unit=unit),
        _("Tijdens ({n} {units})").format(n=ev.sums.bins_during, units=sentences.GRAIN_PLURAL[unit]),
        _("Per {unit}").format(unit=unit),
        _("Verandering (ruw)"),
    ]


def _estimate_row(label: str, e: EffectEstimate | None, alpha: float, note: str) -> list[str]:
    if e is None:
        return [label, "–", "–", "–", note]
    return [
        label,
        sentences.pct(e.effect),
        f"{sentences.pct(e.low)} tot {sentences.pct(e.high)}",
        fmt.pvalue(e.p_value),
        note,
    ]


def estimate_rows(ctx: EffectContext) -> list[list[str]]:
    """Every estimator, one row each: the headline first, then the checks (each says what it leaves out)."""
    ev = ctx.evaluation
    a = ev.alpha
    spread = ev.spread
    tau = (
        _("variatie tussen gebieden τ = {tau} uit {n} placebogebieden").format(
            tau=fmt.number(spread.tau2**0.5, 2), n=spread.n
        )
        if spread is not None and spread.usable
        else _("variatie tussen gebieden niet te schatten")
    )
    trend = _("eigen trend van het gebied") if ev.trend else _("zonder eigen trend")
    rows = [
        _estimate_row(
            _("Verschil-in-verschillen, interventiegebied (uitkomst)"),
            ev.effect,
            a,
            f"{trend}; {tau}; φ = {fmt.number(ev.did.dispersion, 2)}",
        ),
        _estimate_row(
            _("Verschil-in-verschillen, omgeving"),
            ev.buffer_effect,
            a,
            _("verplaatsing (+) of uitstraling (−)"),
        ),
    ]
    if ev.model is not None and ev.spread is not None and ev.spread.usable:
        rows.append(
            _estimate_row(
                _("Hetzelfde model, zonder variatie tussen gebieden"),
                ev.model.effects["treated"],
                a,
                _("te smal: gebieden lopen ook zonder interventie uiteen"),
            )
        )
    if ev.negbin is not None:
        rows.append(
            _estimate_row(
                _("Verschil-in-verschillen (negatief binomiaal)"),
                ev.negbin.effects["treated"],
                a,
                _("ter controle; α = {alpha}").format(alpha=fmt.number(ev.negbin.dispersion, 3)),
            )
        )
    if ev.res is not None:
        r = ev.res
        rows.append(
            [
                _("Relatieve effectgrootte (Farrington)"),
                sentences.pct(r.effect),
                f"{sentences.pct(1 / r.high - 1)} tot {sentences.pct(1 / r.low - 1)}",
                fmt.pvalue(r.p_value),
                _("RES = {res}; zonder trend en zonder variatie tussen gebieden").format(
                    res=fmt.number(r.res, 2)
                ),
            ]
        )
    if ev.its is not None:
        rows.append(
            _estimate_row(
                _("Tijdreeks interventiegebied: sprong bij de start"),
                ev.its.level_change,
                a,
                _("zonder vergelijkingsgebied"),
            )
        )
    return rows


def wdd_text(ctx: EffectContext) -> str:
    ev = ctx.evaluation
    w = ev.wdd
    if w is None:
        return _(
            "De gewogen verplaatsingstoets (WDD) is niet te berekenen: geen gebeurtenissen voor de start."
        )
    unit = sentences.GRAIN_PLURAL[ev.grain]
    verdict = (
        _("aantoonbaar minder dan verwacht")
        if w.p_value < ev.alpha and w.estimate < 0
        else _("aantoonbaar meer dan verwacht")
        if w.p_value < ev.alpha
        else _("niet aantoonbaar anders dan verwacht")
    )
    return _(
        "Gewogen verplaatsingstoets (WDD, Wheeler & Ratcliffe 2018) over {n} {unit} ervoor en {n} {unit} "
        "tijdens: {wdd} gebeurtenissen in gebied en omgeving samen ({interval}; {p}), {verdict}."
    ).format(
        n=ev.wdd_bins, unit=unit, wdd=fmt.number(w.estimate, 1).replace("-", "−"),
        interval=_("95%-interval {a} tot {b}").format(
            a=fmt.number(w.low, 1).replace("-", "−"), b=fmt.number(w.high, 1).replace("-", "−")
        ),
        p=fmt.pvalue(w.p_value), verdict=verdict,
    )  # fmt: skip


def method_note(ctx: EffectContext) -> str:
    ev = ctx.evaluation
    return _(
        "Het effect is de verandering in het interventiegebied ten opzichte van {comparison} "
        "(verschil-in-verschillen): een log-lineair model voor de aantallen per {grain} met een eigen niveau "
        "per gebied en per {grain}, zodat seizoen en stadsbrede ontwikkelingen wegvallen, en met de eigen "
        "trend van het gebied van voor de start, zodat een gebied dat al anders liep dan de rest daar niet "
        "op wordt afgerekend. De extra schommeling boven Poisson (spreiding φ) maakt het interval breder. "
        "Gebieden in een stad lopen ook zonder interventie uiteen; hoeveel, is gemeten op placebogebieden: "
        "dezelfde vorm en dezelfde perioden elders in {naam}, zonder interventie. Het interval is zo breed "
        "gemaakt dat ten hoogste 5% van die placebogebieden een 'effect' zou krijgen. De omgeving is een "
        "ring van {m} m om het gebied; een aantoonbare stijging daar heet verplaatsing, een aantoonbare "
        "daling uitstraling. Een effect heet alleen aantoonbaar als 'geen verandering' buiten het "
        "{level}%-interval valt en er genoeg gebeurtenissen zijn (ten minste {before} ervoor en {during} tijdens). "
        "Gebeurtenissen tellen in de {grain} van hun begintijd. Ter controle staan de relatieve "
        "effectgrootte uit de meta-analyses van cameratoezicht (Farrington), de gewogen "
        "verplaatsingstoets (Wheeler & Ratcliffe) en een tijdreeks van het gebied alleen ernaast; zij "
        "houden geen rekening met de variatie tussen gebieden en zijn daardoor te zeker."
    ).format(
        comparison=sentences.comparison(ev, ctx.naam), naam=ctx.naam, grain=ev.grain, m=round(ev.areas.buffer_m),
        level=round((1 - ev.alpha) * 100), before=MIN_BEFORE, during=MIN_DURING,
    )  # fmt: skip


def template_names(ctx: EffectContext) -> Mapping[str, object]:
    ev = ctx.evaluation
    return {
        "illustrative_note": illustrative_note(ctx),
        "summary": sentences.summary(ev, ctx.naam),
        "headline": sentences.headline(ev, ctx.naam),
        "buffer_sentence": sentences.buffer_sentence(ev),
        "power_sentence": sentences.power_sentence(ev),
        "soort": soort_label(ev.intervention.soort),
        "periods_text": periods_text(ev.intervention),
        "count_header": count_header(ctx),
        "count_rows": count_rows(ctx),
        "estimate_rows": estimate_rows(ctx),
        "wdd_text": wdd_text(ctx),
        "series_svg": charts.series_svg(ev),
        "map_svg": charts.areas_map_svg(ev, ctx.buurt_geometries),
        "data_source": data_source(ctx),
        "method_note": method_note(ctx),
    }


ESTIMATE_HEADER = ("Schatter", "Effect", "95%-interval", "p", "Toelichting")


def render_docx(ctx: EffectContext) -> bytes:
    """The effect report as DOCX: the same sentences and tables, the charts as PNG."""
    ev = ctx.evaluation
    names = template_names(ctx)
    iv = ev.intervention
    doc = word.new_document()
    doc.add_heading(_("Effectevaluatie: {naam}").format(naam=iv.naam), 0)
    doc.add_paragraph(
        _("{soort} in {gemeente}; {periods}. Gemaakt op {date}.").format(
            soort=str(names["soort"]).capitalize(), gemeente=ctx.naam, periods=names["periods_text"],
            date=fmt.date(ctx.generated),
        )
    )  # fmt: skip
    if ev.illustrative:
        doc.add_paragraph().add_run(illustrative_note(ctx)).bold = True
    doc.add_heading(_("Samenvatting"), 1)
    for line in sentences.summary(ev, ctx.naam):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(_("De interventie"), 1)
    word.table(doc, [_("Kenmerk"), _("Waarde")], intervention_rows(ctx))
    doc.add_heading(_("Aantallen"), 1)
    word.table(doc, count_header(ctx), count_rows(ctx))
    word.italic(doc, data_source(ctx))
    word.picture(doc, svg_to_png(str(names["series_svg"])), width_cm=16.0)
    word.italic(doc, charts_caption(ctx))
    doc.add_heading(_("Schattingen"), 1)
    word.table(doc, [_(h) for h in ESTIMATE_HEADER], estimate_rows(ctx))
    doc.add_paragraph(wdd_text(ctx))
    doc.add_heading(_("Kaart"), 1)
    word.picture(doc, svg_to_png(str(names["map_svg"])), width_cm=12.0)
    doc.add_heading(_("Is er genoeg gegevens?"), 1)
    doc.add_paragraph(sentences.power_sentence(ev))
    if ev.caveats:
        doc.add_heading(_("Waarschuwingen"), 1)
        for c in ev.caveats:
            doc.add_paragraph(c.text, style="List Bullet")
    doc.add_heading(_("Werkwijze en bronnen"), 1)
    doc.add_paragraph(method_note(ctx))
    word.table(
        doc,
        [_("Tabel"), _("Titel"), _("Uitgever"), _("Periode"), _("Licentie")],
        [[s.dataset, s.title, s.publisher, s.period or "–", s.licence] for s in ctx.sources],
    )
    return word.to_bytes(doc)


def charts_caption(ctx: EffectContext) -> str:
    return _(
        "Zwart: geteld in het interventiegebied. Oranje gestreept: verwacht zonder de interventie, uit de "
        "ontwikkeling in het vergelijkingsgebied en de eigen trend van het gebied van voor de start. Blauw: "
        "de interventie liep. "
    ) + data_source(ctx)


def intervention_rows(ctx: EffectContext) -> list[list[str]]:
    ev = ctx.evaluation
    iv = ev.intervention
    rows = [
        [_("Soort"), soort_label(iv.soort)],
        [_("Gebied"), ev.areas.description],
        [_("Omgeving"), _("ring van {m} m").format(m=round(ev.areas.buffer_m))],
        [_("Perioden"), periods_text(iv)],
        [_("Doelen"), ", ".join(iv.doelen) or _("alle soorten")],
        [_("Incidentcodes"), ", ".join(ev.categories) or _("alle")],
    ]
    for label, value in (
        (_("Besluit"), iv.besluit),
        (_("Verantwoordelijk"), iv.verantwoordelijke),
        (_("Verwacht effect"), iv.verwacht_effect),
        (_("Toelichting"), iv.toelichting),
    ):
        if value:
            rows.append([label, str(value)])
    return rows


def output_stem(ctx: EffectContext) -> str:
    first, last = ctx.evaluation.period
    return f"effect-{ctx.evaluation.intervention.id}-{first.year}-{last.year}"


def _names(ctx: EffectContext) -> Mapping[str, object]:
    out = dict(template_names(ctx))
    out["intervention_rows"] = intervention_rows(ctx)
    out["charts_caption"] = charts_caption(ctx)
    return out


REPORT: Report[EffectContext] = Report(
    name="effect",
    title=_("Effectevaluatie"),
    template=TEMPLATE,
    stem=output_stem,
    names=_names,
    docx=render_docx,
)


def make_effect_report(
    ws: Workspace, intervention: Intervention, formats: str | Sequence[str] = "html,pdf,docx", **options: Any
) -> dict[str, Path]:
    """Write the effect report of ``intervention``; return the path per format."""
    try:
        kinds = parse_formats(formats, FORMATS)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    with Store(ws.store_path, read_only=True) as store:
        ctx = build_context(ws, store, intervention, **options)
    return write_report(REPORT, ctx, ws.uitvoer, kinds)
