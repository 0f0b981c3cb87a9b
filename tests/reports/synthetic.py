"""A synthetic municipality with no true change: illustrative data generated here, never shown to users.

Every crime type of CBS 47018NED (all 59 codes) has a constant mean over 2012-2025 and varies from year
to year three times more than a Poisson count (negative binomial, variance 3 x the mean), as real
registered crime does. The municipality's true rates equal the national ones; 20 peers of similar size
differ from them by a log-normal spread, as real municipalities do. So nothing in it changed, nothing
differs from the Netherlands, and the municipality is an ordinary member of its peer group: a report
that calls anything "aantoonbaar" here is wrong. Written in the folder layout of ``cbsodata`` and the
population csv of the demo bundle, and loaded through the real adapters.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np

YEARS = list(range(2012, 2026))
OWN = "GM0505"
#: Real municipality codes used as peers (only their codes; all figures here are made up).
PEERS = (
    "GM0034", "GM0037", "GM0074", "GM0114", "GM0193", "GM0200", "GM0228", "GM0268", "GM0307", "GM0402",
    "GM0479", "GM0537", "GM0546", "GM0603", "GM0637", "GM0758", "GM0797", "GM0935", "GM1680", "GM1884",
)  # fmt: skip
POPULATION = 120_000
NL_POPULATION = 18_000_000
VARIANCE_RATIO = 3.0


def write_synthetic(shared: Path, out: Path, *, seed: int = 20261202) -> tuple[Path, Path]:
    """Write the synthetic 47018NED folder and population csv under ``out``; return both paths."""
    rng = np.random.default_rng(seed)
    src = shared / "cbs" / "47018NED"
    folder = out / "47018NED"
    folder.mkdir(parents=True)
    for name in ("DataProperties.json", "Perioden.json", "SoortMisdrijf.json", "TableInfos.json"):
        shutil.copyfile(src / name, folder / name)
    codes = [r["Key"] for r in json.loads((src / "SoortMisdrijf.json").read_text(encoding="utf-8"))]
    regions = [
        r
        for r in json.loads((src / "WijkenEnBuurten.json").read_text(encoding="utf-8"))
        if r["Key"].strip() in {OWN, "NL00", *PEERS}
    ]
    (folder / "WijkenEnBuurten.json").write_text(json.dumps(regions), encoding="utf-8")
    rows: list[dict[str, object]] = []
    pops = {OWN: POPULATION, **{p: int(rng.uniform(95_000, 145_000)) for p in PEERS}}
    for code in codes:
        # per-type rate per inhabitant: from a few to a thousand registrations a year in the municipality
        rate = float(np.exp(rng.uniform(np.log(5), np.log(900)))) / POPULATION
        for region, pop in pops.items():
            effect = 1.0 if region == OWN else float(np.exp(rng.normal(0.0, 0.2)))
            mean = rate * pop * effect
            k = mean / (VARIANCE_RATIO - 1.0)
            values = rng.negative_binomial(k, k / (k + mean), len(YEARS))
            rows.extend(_row(code, region, year, int(v)) for year, v in zip(YEARS, values, strict=True))
        rows.extend(_row(code, "NL00", year, round(rate * NL_POPULATION)) for year in YEARS)
    for i, row in enumerate(rows):
        row["ID"] = i
    (folder / "TypedDataSet.json").write_text(json.dumps(rows), encoding="utf-8")
    population = out / "bevolking.csv"
    with population.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gemeente_code", "jaar", "gemiddelde_bevolking"])
        rest = NL_POPULATION - sum(pops.values())  # the rest of the country, so NL sums to NL_POPULATION
        for year in YEARS:
            for region, pop in pops.items():
                writer.writerow([region, year, pop])
            writer.writerow(["GM0363", year, rest])
    return folder, population


def _row(code: str, region: str, year: int, value: int) -> dict[str, object]:
    return {
        "SoortMisdrijf": code,
        "WijkenEnBuurten": region.ljust(10),
        "Perioden": f"{year}JJ00",
        "GeregistreerdeMisdrijven_1": value,
    }
