"""Did it work? The evaluation of one intervention from the event frame (police incidents or meldingen).

Steps (docs/statistics.md, section 11):

1. The events of the intervention's target types (``doelen``: CBS crime types stand for the police
   incident codes they sum, :mod:`ivp.themes.incident_codes`; other codes are taken as incident codes).
2. Each event placed in the treated area, the buffer ring or the comparison area (:mod:`.areas`), and
   counted per bin (:mod:`.counts`).
3. The headline: a difference-in-differences log-linear model with unit and period effects
   (:func:`ivp.stats.effect.did`, quasi-Poisson by default), whose ``treated`` effect is the relative
   change in the treated area against the comparison area, and whose ``buffer`` effect the change in the
   buffer (displacement when it rises demonstrably, diffusion of benefits when it falls).
4. Beside it: the negative-binomial fit, Farrington's relative effect size, the weighted displacement
   difference (Wheeler & Ratcliffe 2018) over equal windows, and an interrupted time series of the
   treated area alone.
5. The warnings an analyst gives (:class:`Caveat`) and the power statement: how many bins after the start
   are needed to see a fall of 20% with 80% probability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp.lib.i18n import _
from ivp.reports.effect import areas as ea
from ivp.reports.effect.counts import CountTable, Grain, Periods, clip_periods, count_table, grain_for
from ivp.reports.effect.placebo import PlaceboSpread, placebo_spread
from ivp.reports.wijkscan.events import is_illustrative
from ivp.stats import effect as fx
from ivp.stats import glm
from ivp.stats.heterogeneity import widen
from ivp.themes.incident_codes import incident_codes

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention

#: The fall a power statement is about, and the probability it asks for.
POWER_EFFECT = -0.2
POWER_TARGET = 0.8
#: Below these counts (treated area, before / while on) no effect is worded, whatever the interval.
MIN_BEFORE = 20
MIN_DURING = 10
#: Fewer bins before the start than this (months) and the warning "short pre-period" is given.
SHORT_PRE = {"maand": 12, "week": 26, "dag": 90}


@dataclass(frozen=True)
class Caveat:
    code: str
    text: str


@dataclass(frozen=True)
class Sums:
    """Events per unit before the start and while the intervention was on (the whole window)."""

    before: tuple[int, int, int]
    during: tuple[int, int, int]
    bins_before: int
    bins_during: int


@dataclass(frozen=True)
class Evaluation:
    intervention: Intervention
    areas: ea.EvaluationAreas
    categories: tuple[str, ...]
    table: CountTable
    sums: Sums
    did: fx.DidResult
    negbin: fx.DidResult | None
    res: fx.RelativeEffectSize | None
    wdd: fx.Wdd | None
    wdd_bins: int
    its: fx.ItsResult | None
    power_now: float
    bins_needed: int | None
    pre_dispersion: float
    caveats: tuple[Caveat, ...]
    running: bool
    illustrative: bool
    datasets: tuple[str, ...]
    too_few: bool
    alpha: float
    #: The buurten of a matched comparison area (``vergelijking: gematcht``); empty: the rest of the city.
    matched: tuple[str, ...] = ()
    #: The model's own estimates, before the between-area variance was added.
    model: fx.DidResult | None = None
    spread: PlaceboSpread | None = None
    #: Whether the model gives the treated area (and buffer) its own linear trend from before the start.
    trend: bool = True

    @property
    def grain(self) -> Grain:
        return self.table.grain

    @property
    def effect(self) -> fx.EffectEstimate:
        return self.did.effects["treated"]

    @property
    def buffer_effect(self) -> fx.EffectEstimate | None:
        return self.did.effects.get("buffer")

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return self.table.bins[0].start, self.table.bins[-1].end - dt.timedelta(days=1)


def target_categories(doelen: Sequence[str]) -> tuple[str, ...]:
    """The incident codes the intervention's targets stand for (empty: every category)."""
    out: dict[str, None] = {}
    for code in doelen:
        for c in incident_codes(code):
            out[c] = None
    return tuple(out)


def _data_span(events: pd.DataFrame, span: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date]:
    if span is not None:
        return span
    begin = events["begin_at"].dropna()
    if begin.empty:
        raise ValueError(_("Er zijn geen gebeurtenissen met een datum geladen."))
    return begin.min().date(), begin.max().date()


def _pre_dispersion(counts: NDArray[np.int64]) -> float:
    """Pearson dispersion of the two-way (unit + period) Poisson fit on the bins before the start."""
    rows = counts[(counts.sum(axis=1) > 0)]
    cols = rows.sum(axis=0) > 0
    rows = rows[:, cols]
    n_units, n_bins = rows.shape
    if n_units < 2 or n_bins < 3:
        return 1.0
    y = rows.reshape(-1).astype(np.float64)
    unit = np.repeat(np.arange(n_units), n_bins)
    period = np.tile(np.arange(n_bins), n_units)
    x = np.column_stack(
        [np.ones_like(y)]
        + [(unit == u).astype(np.float64) for u in range(1, n_units)]
        + [(period == p).astype(np.float64) for p in range(1, n_bins)]
    )
    phi, _df, _res, _beta = glm.pearson_dispersion(x, y, np.zeros_like(y))
    return max(1.0, float(phi))


#: A matched comparison area holds at least this many buurten and this multiple of the treated area's
#: events before the start.
MATCH_MIN_BUURTEN = 3
MATCH_MIN_RATIO = 2.0
EXCLUDED = 3


def _event_buurten(frame: pd.DataFrame, buurten: pd.DataFrame) -> NDArray[np.object_]:
    """The buurt of each event: its region code when that is a buurt, else the buurt its point lies in."""
    region = frame["region"].astype("object").where(frame["region"].notna(), "").astype(str).to_numpy()
    out = np.where(np.char.startswith(region.astype(str), "BU"), region, "").astype(object)
    x = frame["x_rd"].to_numpy(dtype="float64")
    y = frame["y_rd"].to_numpy(dtype="float64")
    todo = (out == "") & np.isfinite(x) & np.isfinite(y)
    if todo.any():
        for code, geom in ea.buurt_shapes(buurten).items():
            hit = todo & ea.within(geom, np.nan_to_num(x), np.nan_to_num(y))
            out[hit] = code
            todo &= ~hit
    return out


def _match(
    frame: pd.DataFrame,
    units: NDArray[np.int8],
    places: ea.EvaluationAreas,
    buurten: pd.DataFrame,
    periods: Periods,
    span: tuple[dt.date, dt.date],
    grain: Grain,
    pre_bins: int | None,
) -> tuple[NDArray[np.int8], tuple[str, ...]]:
    """A comparison area of buurten whose pre-period series looks most like the treated area's.

    Distance: the squared difference between the buurt's and the treated area's share of their pre-period
    events per bin (so level does not matter, shape does: trend and season). Buurten are taken nearest
    first until there are :data:`MATCH_MIN_BUURTEN` and :data:`MATCH_MIN_RATIO` times the treated area's
    pre-period events. Events in the comparison area outside them are left out.
    """
    codes = _event_buurten(frame, buurten)
    control = units == ea.CONTROL
    names = sorted({str(c) for c in codes[control] if c})
    if not names:
        return units, ()
    index = {c: i for i, c in enumerate(names)}
    unit_b = np.array([index.get(str(c), -1) for c in codes], dtype=np.intp)
    probe = np.where(control & (unit_b >= 0), unit_b + 1, 0).astype(np.int8)
    probe[units == ea.TREATED] = 0
    probe[(units != ea.TREATED) & ~(control & (unit_b >= 0))] = len(names) + 1
    table = count_table(
        frame["begin_at"], probe, len(names) + 2, periods, span, grain=grain, pre_bins=pre_bins
    )
    pre = table.counts[:, table.pre].astype(np.float64)
    treated = pre[0]
    total_t = treated.sum()
    if total_t <= 0:
        return units, ()
    shares = pre[1 : len(names) + 1]
    totals = shares.sum(axis=1)
    ok = totals > 0
    distance = np.full(len(names), np.inf)
    distance[ok] = ((shares[ok] / totals[ok, None] - treated / total_t) ** 2).sum(axis=1)
    chosen: list[int] = []
    pooled = 0.0
    for i in np.argsort(distance, kind="stable"):
        if not np.isfinite(distance[i]):
            break
        chosen.append(int(i))
        pooled += totals[i]
        if len(chosen) >= MATCH_MIN_BUURTEN and pooled >= MATCH_MIN_RATIO * total_t:
            break
    keep = {names[i] for i in chosen}
    out = units.copy()
    out[control & ~np.isin(codes.astype(str), list(keep))] = EXCLUDED
    return out, tuple(sorted(keep))


def _trends(table: CountTable) -> dict[str, NDArray[np.float64]]:
    """Own linear trends (per year) of the treated area and the buffer, against the comparison's course."""
    t = np.cumsum(table.days) / 365.25
    t = t - t[table.pre][-1] if table.pre.any() else t
    out = {}
    for name, row in (("treated_trend", ea.TREATED), ("buffer_trend", ea.BUFFER)):
        values = np.zeros(table.counts.shape)
        values[row] = t
        if table.counts[row].sum() > 0:
            out[name] = values
    return out


def _widened(result: fx.DidResult, spread: PlaceboSpread | None) -> fx.DidResult:
    """``result`` with the between-area variance added to each effect's variance (treated and buffer)."""
    if spread is None or not spread.usable:
        return result
    effects = {}
    for name, e in result.effects.items():
        tau2 = spread.tau2 if name == "treated" else spread.tau2_buffer
        if not np.isfinite(e.log_ratio):
            effects[name] = e
            continue
        se, low, high, p = widen(e.log_ratio, e.se, tau2, level=e.level, df=e.df)
        effects[name] = replace(e, se=se, low=low, high=high, p_value=p)
    return replace(result, effects=effects)


def _sums(table: CountTable) -> Sums:
    before = table.counts[:, table.pre].sum(axis=1)
    during = table.counts[:, table.active].sum(axis=1)
    return Sums(
        tuple(int(v) for v in before),  # type: ignore[arg-type]
        tuple(int(v) for v in during),  # type: ignore[arg-type]
        int(table.pre.sum()),
        int(table.active.sum()),
    )


def _wdd(table: CountTable, dispersion: float) -> tuple[fx.Wdd | None, int]:
    """WDD over equal windows: the last L bins before the start and the first L active bins."""
    pre_idx = np.flatnonzero(table.pre)
    act_idx = np.flatnonzero(table.active)
    length = min(len(pre_idx), len(act_idx))
    if length == 0:
        return None, 0
    c = table.counts
    b = c[:, pre_idx[-length:]].sum(axis=1)
    a = c[:, act_idx[:length]].sum(axis=1)
    t0, d0, c0 = (float(v) for v in b)
    t1, d1, c1 = (float(v) for v in a)
    if c0 <= 0 or t0 <= 0:
        return None, length
    # One control (the rest of the city) for both, scaled to each area's own pre-period level.
    result = fx.wdd(t0, t1, d0, d1, c0, c1, weight=(t0 / c0, d0 / c0), dispersion=dispersion)
    return result, length


def _its(table: CountTable) -> fx.ItsResult | None:
    """The treated area's own series, pre-period and active bins of one uninterrupted period only."""
    active = np.flatnonzero(table.active)
    contiguous = len(active) > 0 and bool(np.all(np.diff(active) == 1))
    if not contiguous or table.counts[ea.TREATED].sum() == 0:
        return None
    keep = table.pre | table.active
    season = 12 if table.grain == "maand" and int(table.pre.sum()) >= 24 else None
    try:
        return fx.interrupted_time_series(
            table.counts[ea.TREATED, keep], table.active[keep], exposure=table.days[keep], season=season
        )
    except ValueError:
        return None


def evaluate(
    intervention: Intervention,
    events: pd.DataFrame,
    buurten: pd.DataFrame,
    *,
    data_span: tuple[dt.date, dt.date] | None = None,
    pre_bins: int | None = None,
    buffer_m: float | None = None,
    method: str = "quasipoisson",
    alpha: float = 0.05,
    grain: Grain | None = None,
    placebos: bool = True,
    trend: bool = True,
) -> Evaluation:
    """Evaluate ``intervention`` on ``events`` (the municipality's event frame, all categories).

    ``buurten``: the store's buurten (code, geometry); ``data_span``: the first and last day the data
    cover (default: the first and last event). ``placebos``: widen the intervals by the between-area
    variance measured on placebo areas (:mod:`.placebo`; off only to show what the model alone says). Raises ValueError (Dutch message) when the intervention
    cannot be evaluated on these data (no pre-period, not started, no events of its types).
    """
    categories = target_categories(intervention.doelen)
    frame = events
    if categories:
        frame = events[events["category"].isin(categories)].reset_index(drop=True)
    if frame.empty:
        raise ValueError(
            _("Geen gebeurtenissen van de soorten {codes} geladen.").format(
                codes=", ".join(intervention.doelen)
            )
        )
    span = _data_span(events, data_span)
    periods = clip_periods([(p.start, p.eind) for p in intervention.perioden], span[1])
    if not periods.spans:
        raise ValueError(
            _("De interventie begint na het einde van de gegevens ({last}).").format(last=span[1].isoformat())
        )
    chosen = grain or grain_for(periods.spans)
    places = ea.evaluation_areas(intervention, buurten, buffer_m=buffer_m)
    units = ea.assign_units(places, frame)
    matched: tuple[str, ...] = ()
    if intervention.vergelijking == "gematcht":
        units, matched = _match(frame, units, places, buurten, periods, span, chosen, pre_bins)
    table = count_table(frame["begin_at"], units, 4, periods, span, grain=chosen, pre_bins=pre_bins)
    table = replace(table, counts=table.counts[:3])
    indicators = {
        "treated": np.zeros(table.counts.shape, dtype=bool),
        "buffer": np.zeros(table.counts.shape, dtype=bool),
    }
    indicators["treated"][ea.TREATED] = table.active
    indicators["buffer"][ea.BUFFER] = table.active
    if table.counts[ea.BUFFER].sum() == 0:
        del indicators["buffer"]
    covariates = _trends(table) if trend else None
    model = fx.did(table.counts, indicators, method=method, level=1 - alpha, covariates=covariates)
    phi = model.dispersion if model.method == "quasipoisson" else 1.0
    spread = (
        placebo_spread(places, frame, table, phi, key=intervention.id, level=1 - alpha, trend=trend)
        if placebos
        else None
    )
    main = _widened(model, spread)
    try:
        negbin = _widened(
            fx.did(table.counts, indicators, method="negbin", level=1 - alpha, covariates=covariates), spread
        )
    except (ValueError, np.linalg.LinAlgError):
        negbin = None
    sums = _sums(table)
    res = None
    if min(sums.before[0], sums.during[0], sums.before[2], sums.during[2]) > 0:
        res = fx.relative_effect_size(
            sums.before[0], sums.during[0], sums.before[2], sums.during[2], dispersion=phi, level=1 - alpha
        )
    wdd, wdd_bins = _wdd(table, phi)
    its = _its(table)
    pre_phi = _pre_dispersion(table.counts[:, table.pre])
    n_pre = max(1, sums.bins_before)
    rate_t = sums.before[0] / n_pre
    rate_c = sums.before[2] / n_pre
    tau2 = spread.tau2 if spread is not None and spread.usable else 0.0
    power_kw = {"effect": POWER_EFFECT, "dispersion": pre_phi, "tau2": tau2, "trend": trend, "alpha": alpha}
    ok = rate_t > 0 and rate_c > 0
    power_now = fx.model_power(rate_t, rate_c, n_pre, sums.bins_during, **power_kw) if ok else 0.0  # type: ignore[arg-type]
    needed = fx.model_periods_needed(rate_t, rate_c, n_pre, power=POWER_TARGET, **power_kw) if ok else None  # type: ignore[arg-type]
    too_few = sums.before[0] < MIN_BEFORE or sums.during[0] < MIN_DURING
    caveats = _caveats(table, sums, main, pre_phi, periods.running, too_few, power_now, alpha)
    names = frame["dataset"].dropna().astype(str).unique().tolist() if "dataset" in frame else []
    return Evaluation(
        intervention=intervention,
        areas=places,
        categories=categories,
        table=table,
        sums=sums,
        did=main,
        negbin=negbin,
        res=res,
        wdd=wdd,
        wdd_bins=wdd_bins,
        its=its,
        power_now=float(power_now),
        bins_needed=needed,
        pre_dispersion=pre_phi,
        caveats=caveats,
        running=periods.running,
        illustrative=is_illustrative(frame),
        datasets=tuple(sorted(names)),
        too_few=too_few,
        alpha=alpha,
        matched=matched,
        model=model,
        spread=spread,
        trend=trend,
    )


def _caveats(
    table: CountTable,
    sums: Sums,
    main: fx.DidResult,
    pre_phi: float,
    running: bool,
    too_few: bool,
    power_now: float,
    alpha: float,
) -> tuple[Caveat, ...]:
    out: list[Caveat] = []
    grain = table.grain
    if too_few:
        out.append(
            Caveat(
                "te_weinig",
                _(
                    "Te weinig gebeurtenissen in het interventiegebied ({before} ervoor, {during} tijdens) om "
                    "iets over een effect te zeggen; de cijfers staan hieronder, maar zijn geen uitkomst."
                ).format(before=sums.before[0], during=sums.during[0]),
            )
        )
    elif power_now < 0.5:
        out.append(
            Caveat(
                "weinig_kans",
                _(
                    "Met deze aantallen is een daling van 20% maar met {p} kans aantoonbaar: ook "
                    "'geen aantoonbaar effect' zegt hier weinig."
                ).format(p=f"{round(power_now * 100)}%"),
            )
        )
    pre_treated = table.counts[ea.TREATED, table.pre]
    tail = 3 if grain == "maand" else (8 if grain == "week" else 30)
    if len(pre_treated) > 2 * tail:
        rtm = fx.regression_to_mean(pre_treated, tail=tail, dispersion=pre_phi, level=alpha)
        if rtm.flagged:
            out.append(
                Caveat(
                    "regressie_naar_het_gemiddelde",
                    _(
                        "De interventie begon na een piek: in de laatste {n} {grain}en ervoor was het aantal "
                        "{ratio} keer zo hoog als daarvoor. Een daling daarna kan deels terugkeer naar het "
                        "gewone niveau zijn (regressie naar het gemiddelde)."
                    ).format(n=tail, grain=grain, ratio=f"{rtm.ratio:.1f}".replace(".", ",")),
                )
            )
    changed = fx.changed(
        sums.before[ea.CONTROL],
        sums.during[ea.CONTROL],
        exposure0=float(table.days[table.pre].sum()),
        exposure1=float(table.days[table.active].sum()),
        dispersion=pre_phi,
    )
    if changed.p_value < alpha:
        out.append(
            Caveat(
                "vergelijking_veranderd",
                _(
                    "Ook in het vergelijkingsgebied veranderde het aantal per dag aantoonbaar ({pct}). Het "
                    "effect is gemeten tegen die verandering in; als die verandering met de interventie "
                    "samenhangt, klopt de vergelijking niet."
                ).format(pct=f"{(changed.ratio - 1) * 100:+.0f}%".replace("-", "−")),
            )
        )
    if sums.bins_before < SHORT_PRE[grain]:
        out.append(
            Caveat(
                "korte_voorperiode",
                _("De voorperiode is kort ({n} {grain}en): een seizoen kan op een effect lijken.").format(
                    n=sums.bins_before, grain=grain
                ),
            )
        )
    if running:
        out.append(
            Caveat(
                "loopt_nog",
                _("De interventie loopt nog: dit is een tussenstand tot het einde van de gegevens."),
            )
        )
    if table.excluded:
        out.append(
            Caveat(
                "deels_weggelaten",
                _(
                    "{n} {grain}(en) waarin de interventie maar een deel van de tijd liep, zijn weggelaten."
                ).format(n=table.excluded, grain=grain),
            )
        )
    if main.dropped_periods:
        out.append(
            Caveat(
                "lege_perioden",
                _("{n} perioden zonder enige gebeurtenis zijn weggelaten.").format(
                    n=len(main.dropped_periods)
                ),
            )
        )
    return tuple(out)


__all__ = [
    "MIN_BEFORE",
    "MIN_DURING",
    "POWER_EFFECT",
    "POWER_TARGET",
    "Caveat",
    "Evaluation",
    "Sums",
    "evaluate",
    "target_categories",
]
