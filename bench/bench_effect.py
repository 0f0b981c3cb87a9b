"""Planted effects in real data: does the effect evaluation cover what was planted, and claim nothing when
nothing was planted? (issue 15)

On the 15,947 Groningen bicycle thefts (police, 2013-2017, RD coordinates on a 25 m grid), each run:

1. draws an intervention area: a circle of 250-500 m around the place of a random theft (so areas fall
   where thefts are, as real camera areas do), and a start between 2015-01-01 and 2016-01-01; the
   intervention lasts 12 months; the pre-period is the 24 months before;
2. **planted**: removes each theft inside the circle from the start on with probability 0.30 (a planted
   effect of -30%), and adds 10% more thefts in the 250 m buffer ring (copies of random buffer thefts of
   the same period, planted displacement +10%);
   **null**: changes nothing;
3. runs :func:`ivp.reports.effect.evaluate.evaluate` (the product's path: areas, counts, DiD with
   quasi-Poisson, NB and Poisson) and records whether the 95% interval covers the planted value
   (treated: -0.3 in planted runs; buffer: +0.1) and whether an effect is claimed (p < 0.05).

Real data are not a controlled experiment: a random circle in a real city has its own trend, so under
"null" the true effect is not exactly zero. The question is whether the intervals are honest about that.

Run: ``.venv/bin/python bench/bench_effect.py [--runs 200] [--seed 20261202]``; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("IVP_SHARED_DATA", str(REPO.parent / "shared" / "data"))) / "incidenten"
FILE = DATA / "groningen_fietsdiefstal_2013_2017.csv"
PLANT_TREATED = -0.30
PLANT_BUFFER = 0.10
BUFFER_M = 250.0


def load_events(path: Path = FILE) -> pd.DataFrame:
    """The thefts as the event frame of :mod:`ivp.reports.wijkscan.events` (no region codes)."""
    raw = pd.read_csv(
        path, usecols=["Incident Identificatie", "Incidentsoort code", "Begin-pleegdatum/tijd", "X", "Y"]
    )
    begin = pd.to_datetime(raw["Begin-pleegdatum/tijd"], format="%Y-%m-%dT%H:%M:%S")
    return pd.DataFrame(
        {
            "event_id": raw["Incident Identificatie"].astype(str),
            "category": raw["Incidentsoort code"].astype(str),
            "category_label": "Diefstal fiets",
            "begin_at": begin,
            "end_at": begin,
            "x_rd": raw["X"].astype(float),
            "y_rd": raw["Y"].astype(float),
            "region": None,
            "source": "groningen",
            "dataset": FILE.name,
        }
    )


@dataclass(frozen=True)
class Planting:
    lon: float
    lat: float
    x: float
    y: float
    radius: float
    start: dt.date


def draw(events: pd.DataFrame, rng: np.random.Generator) -> Planting:
    from pyproj import Transformer

    i = int(rng.integers(len(events)))
    x, y = float(events["x_rd"].to_numpy()[i]), float(events["y_rd"].to_numpy()[i])
    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x, y)
    radius = float(rng.uniform(250, 500))
    start = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
    start = start.replace(day=1)
    return Planting(float(lon), float(lat), x, y, radius, start)


def intervention_for(p: Planting):  # type: ignore[no-untyped-def]
    from ivp.interventions.model import Gebied, Intervention, Periode

    end = dt.date(p.start.year + 1, p.start.month, 1) - dt.timedelta(days=1)
    return Intervention(
        id="planted", naam="Geplant gebied", soort="overig",
        gebied=Gebied(punt=(p.lon, p.lat), straal_m=p.radius), perioden=(Periode(p.start, end),),
        doelen=("A72",), buffer_m=BUFFER_M,
    )  # fmt: skip


def plant(events: pd.DataFrame, p: Planting, rng: np.random.Generator) -> pd.DataFrame:
    """Remove 30% of the thefts inside the circle during the intervention, add 10% in the buffer ring."""
    d = np.hypot(events["x_rd"].to_numpy() - p.x, events["y_rd"].to_numpy() - p.y)
    start = pd.Timestamp(p.start)
    end = pd.Timestamp(dt.date(p.start.year + 1, p.start.month, 1))
    during = ((events["begin_at"] >= start) & (events["begin_at"] < end)).to_numpy()
    inside = during & (d <= p.radius)
    drop = inside & (rng.random(len(events)) < -PLANT_TREATED)
    ring = np.flatnonzero(during & (d > p.radius) & (d <= p.radius + BUFFER_M))
    extra = rng.binomial(len(ring), PLANT_BUFFER) if len(ring) else 0
    copies = events.iloc[rng.choice(ring, size=extra, replace=True)] if extra else events.iloc[:0]
    return pd.concat([events[~drop], copies], ignore_index=True)


NO_BUURTEN = pd.DataFrame({"code": pd.Series(dtype=object), "geometry": pd.Series(dtype=object)})


#: The variants measured: the product's default (own trend, placebo-calibrated interval) and what each
#: part adds.
VARIANTS = {
    "ivp (eigen trend + placebo)": {"trend": True, "placebos": True},
    "eigen trend, model alleen": {"trend": True, "placebos": False},
    "DiD + placebo": {"trend": False, "placebos": True},
    "DiD quasi-Poisson": {"trend": False, "placebos": False},
}


def one_run(events: pd.DataFrame, rng: np.random.Generator, planted: bool) -> dict[str, float]:
    from ivp.reports.effect.evaluate import evaluate
    from ivp.stats import effect as fx

    p = draw(events, rng)
    frame = plant(events, p, rng) if planted else events
    span = (dt.date(2013, 1, 1), dt.date(2017, 12, 31))
    target_t = PLANT_TREATED if planted else 0.0
    target_b = PLANT_BUFFER if planted else 0.0
    out: dict[str, float] = {}
    fits = {}
    for name, options in VARIANTS.items():
        ev = evaluate(intervention_for(p), frame, NO_BUURTEN, data_span=span, **options)  # type: ignore[arg-type]
        fits[name] = ev.did
        if options["trend"]:
            out["too_few"] = float(ev.too_few)
            out["n_before"] = ev.sums.before[0]
            out["phi"] = ev.did.dispersion
            out["power"] = ev.power_now
    counts = ev.table.counts
    indicators = {"treated": np.zeros(counts.shape, bool), "buffer": np.zeros(counts.shape, bool)}
    indicators["treated"][0] = ev.table.active
    indicators["buffer"][1] = ev.table.active
    fits["DiD Poisson"] = fx.did(counts, indicators, method="poisson")
    for name, fit in fits.items():
        t = fit.effects["treated"]
        b = fit.effects.get("buffer")
        out[f"{name}_cover"] = float(t.low <= target_t <= t.high)
        out[f"{name}_claim"] = float(t.p_value < 0.05)
        out[f"{name}_width"] = float(math.log1p(t.high) - math.log1p(t.low))
        if b is not None:
            out[f"{name}_bcover"] = float(b.low <= target_b <= b.high)
            out[f"{name}_bclaim"] = float(b.p_value < 0.05)
    return out


def simulate(runs: int, seed: int, planted: bool, events: pd.DataFrame | None = None) -> pd.DataFrame:
    events = load_events() if events is None else events
    rng = np.random.default_rng(seed)
    rows = [one_run(events, rng, planted) for _ in range(runs)]
    return pd.DataFrame(rows)


def _rate(values: pd.Series) -> str:
    from scipy.stats import binomtest

    v = values.dropna()
    k, n = int(v.sum()), len(v)
    ci = binomtest(k, n).proportion_ci(0.95)
    return f"{k}/{n} = {k / n:.3f} ({ci.low:.3f}-{ci.high:.3f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261202)
    args = ap.parse_args(argv)
    events = load_events()
    started = time.perf_counter()
    null = simulate(args.runs, args.seed, False, events)
    planted = simulate(args.runs, args.seed + 1, True, events)
    seconds = time.perf_counter() - started
    print(f"{args.runs} null and {args.runs} planted runs in {seconds:.0f} s "
          f"({seconds / (2 * args.runs):.2f} s per evaluation); median phi {null['phi'].median():.2f}; "
          f"median thefts in the area before {null['n_before'].median():.0f}; median power for -20% "
          f"{null['power'].median():.2f}")  # fmt: skip
    print()
    print("| model | null: effect claimed (treated) | null: claimed (buffer) | planted -30%: covered | "
          "planted +10% buffer: covered | planted: claimed | median width log |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name in (*VARIANTS, "DiD Poisson"):
        print(
            f"| {name} | {_rate(null[f'{name}_claim'])} | {_rate(null[f'{name}_bclaim'])} | "
            f"{_rate(planted[f'{name}_cover'])} | {_rate(planted[f'{name}_bcover'])} | "
            f"{_rate(planted[f'{name}_claim'])} | {planted[f'{name}_width'].median():.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
