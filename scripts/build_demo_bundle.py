"""Derive the demo bundle in ``src/ivp/demo/bundle/`` from the public data in ``../shared/data``.

The bundle is what ``ivp demo`` ingests, offline, through the normal adapters. It keeps the layouts of the
original files (a cbsodata folder per CBS table, the police csv, GeoJSON) but only the rows the Dordrecht
demo needs:

- 47018NED: Dordrecht, the municipalities that can ever fall in its "similar size" group (population
  within +-40% in any year, a wider band than the report's +-25% so every year works), all years and
  types, and Dordrecht's buurten; the region list restricted to those codes plus NL00. The shared subset has
  no NL00 rows; the bundle adds them as the sum over every municipality (GM0000 "unknown" included) per
  type and year, which is how CBS's own NL00 row of the full table adds up, so the national reference is
  of the same table and the same year as Dordrecht's figures.
- 85984NED: inhabitants of Dordrecht's wijken and buurten (2024).
- bevolking_gemeenten_2012_2025.csv: every municipality (the national population is their sum).
- NL_Crime.csv and NL_Disorder.csv with their code lists: the national series (2012-2023).
- Dordrecht's wijk and buurt boundaries, repaired and simplified with shapely, coordinates rounded.

Run: ``.venv/bin/python scripts/build_demo_bundle.py [--shared ../shared/data]``. Deterministic output.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape
from shapely.validation import make_valid

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "src" / "ivp" / "demo" / "bundle"
GEMEENTE = "GM0505"
MARGIN = 0.40
SIMPLIFY_DEG = 0.0004  # about 30-40 m; the source is already generalised to ~100 m
DECIMALS = 5

BRON = """\
# Bronnen van de demobundel

Deze map is afgeleid door `scripts/build_demo_bundle.py` uit openbare gegevens; niets is met de hand
gewijzigd. Gebruik alleen voor de demonstratie van ivp.

| Bestand | Bron | Licentie |
|---|---|---|
| `cbs/47018NED/` | CBS / Politie, *Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers* (47018NED), beperkt tot Dordrecht, gemeenten van vergelijkbare omvang en de buurten van Dordrecht; Nederland (NL00) als som van alle gemeenten in dezelfde tabel | CC BY 4.0 |
| `cbs/85984NED/` | CBS, *Kerncijfers wijken en buurten 2024* (85984NED), inwoners per wijk en buurt van Dordrecht (afgerond op 5) | CC BY 4.0 |
| `bevolking_gemeenten_2012_2025.csv` | CBS, gemiddelde bevolking per gemeente per jaar | CC BY 4.0 |
| `politie/NL_Crime.csv`, `politie/SoortMisdrijf.csv` | Politie, geregistreerde misdrijven in Nederland per soort, 2012-2023 (open data politie) | CC BY 4.0 |
| `politie/NL_Disorder.csv`, `politie/Overlast.csv` | Politie, overlastregistraties in Nederland per soort overlast, 2012-2023 (open data politie) | CC BY 4.0 |
| `politie/NL_Disorder.csv`, `politie/Overlast.csv` | Politie, overlastregistraties in Nederland per soort, 2012-2023 (open data politie) | CC BY 4.0 |
| `geo/dordrecht_*_2024.geojson` | CBS / PDOK, Wijk- en buurtkaart 2024 (gegeneraliseerd), hersteld en vereenvoudigd | CC BY 4.0 |

Bron: CBS / Politie / PDOK.
"""


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def comparison_municipalities(bevolking: Path) -> set[str]:
    """Municipalities whose population is within MARGIN of Dordrecht's in the same year, any year."""
    rows = list(csv.DictReader(bevolking.open(encoding="utf-8")))
    own = {r["jaar"]: float(r["gemiddelde_bevolking"]) for r in rows if r["gemeente_code"] == GEMEENTE}
    out = set()
    for r in rows:
        ref = own.get(r["jaar"])
        if ref and abs(float(r["gemiddelde_bevolking"]) / ref - 1) <= MARGIN:
            out.add(r["gemeente_code"])
    return out


def build_crime(shared: Path, keep: set[str]) -> None:
    src, dst = shared / "cbs" / "47018NED", BUNDLE / "cbs" / "47018NED"
    prefix = "BU" + GEMEENTE[2:]
    data = [
        r
        for r in _load(src / "TypedDataSet.json")
        if r["WijkenEnBuurten"].strip() in keep or r["WijkenEnBuurten"].startswith(prefix)
    ]
    data.extend(national_rows(_load(src / "TypedDataSet.json"), start=max(r["ID"] for r in data) + 1))
    _dump(dst / "TypedDataSet.json", data)
    own = ("WK" + GEMEENTE[2:], "BU" + GEMEENTE[2:])
    regions = [
        r
        for r in _load(src / "WijkenEnBuurten.json")
        if r["Key"].strip() in keep | {"NL00"} or r["Key"].startswith(own)
    ]
    _dump(dst / "WijkenEnBuurten.json", regions)
    for name in ("DataProperties.json", "Perioden.json", "SoortMisdrijf.json", "TableInfos.json"):
        shutil.copyfile(src / name, dst / name)


def national_rows(rows: list[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    """NL00 per type and year: the sum over all municipalities (GM codes, GM0000 included).

    A type and year with a missing municipal value gets no national row (it would undercount).
    """
    sums: dict[tuple[str, str], int] = {}
    missing: set[tuple[str, str]] = set()
    for r in rows:
        if not r["WijkenEnBuurten"].startswith("GM"):
            continue
        key = (r["SoortMisdrijf"], r["Perioden"])
        value = r["GeregistreerdeMisdrijven_1"]
        if value is None:
            missing.add(key)
        else:
            sums[key] = sums.get(key, 0) + int(value)
    return [
        {"ID": start + i, "SoortMisdrijf": soort, "WijkenEnBuurten": "NL00      ", "Perioden": period,
         "GeregistreerdeMisdrijven_1": total}
        for i, ((soort, period), total) in enumerate(sorted(sums.items()))
        if (soort, period) not in missing
    ]  # fmt: skip


def build_population(shared: Path) -> None:
    src, dst = shared / "cbs" / "85984NED", BUNDLE / "cbs" / "85984NED"
    own = ("WK" + GEMEENTE[2:], "BU" + GEMEENTE[2:], GEMEENTE)
    data = [r for r in _load(src / "TypedDataSet.json") if r["WijkenEnBuurten"].startswith(own)]
    _dump(dst / "TypedDataSet.json", data)
    for name in ("DataProperties.json", "TableInfos.json"):
        shutil.copyfile(src / name, dst / name)
    shutil.copyfile(
        shared / "cbs" / "bevolking_gemeenten_2012_2025.csv", BUNDLE / "bevolking_gemeenten_2012_2025.csv"
    )


def build_police(shared: Path) -> None:
    dst = BUNDLE / "politie"
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("NL_Crime.csv", "SoortMisdrijf.csv", "NL_Disorder.csv", "Overlast.csv"):
        shutil.copyfile(shared / "politie" / "nederland" / name, dst / name)


def _round(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def build_geo(shared: Path) -> None:
    for name in ("dordrecht_wijken_2024.geojson", "dordrecht_buurten_2024.geojson"):
        collection = _load(shared / "geo" / name)
        features = []
        for feat in collection["features"]:
            geom = make_valid(shape(feat["geometry"])).simplify(SIMPLIFY_DEG, preserve_topology=True)
            geom = make_valid(geom)
            if geom.geom_type == "GeometryCollection":
                polys = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                geom = polys[0] if len(polys) == 1 else make_valid(shape({"type": "MultiPolygon", "coordinates": [
                    p for g in polys for p in (mapping(g)["coordinates"] if g.geom_type == "MultiPolygon"
                                               else [mapping(g)["coordinates"]])]}))  # fmt: skip
            gj = mapping(geom)
            props = {k: feat["properties"][k] for k in ("statcode", "statnaam") if k in feat["properties"]}
            features.append(
                {"type": "Feature", "properties": props,
                 "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])}}
            )  # fmt: skip
        _dump(BUNDLE / "geo" / name, {"type": "FeatureCollection", "features": features})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    shared: Path = args.shared.resolve()
    if BUNDLE.exists():
        shutil.rmtree(BUNDLE)
    BUNDLE.mkdir(parents=True)
    keep = comparison_municipalities(shared / "cbs" / "bevolking_gemeenten_2012_2025.csv") | {GEMEENTE}
    build_crime(shared, keep)
    build_population(shared)
    build_police(shared)
    build_geo(shared)
    (BUNDLE / "BRON.md").write_text(BRON, encoding="utf-8")
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file())
    print(f"{BUNDLE}: {len(keep)} gemeenten, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
