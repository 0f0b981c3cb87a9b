"""Police nuisance registrations per wijk or buurt: the counts that :mod:`.areas` turns into sections.

Measure ``overlast_registraties``, scheme ``politie-overlast``, read through :func:`ivp.store.read.counts`
with region levels. The most detailed level in the data is used: buurt rows (the wijk figures are then
the sums of their buurten), else wijk rows.

- **What is counted**: the total row of the file (police code ``0.0.0``) when it has one, else the sum of
  the classes the taxonomy maps to a theme; :attr:`AreaCounts.basis` says which, and which classes.
- **Years**: yearly rows are used as loaded; monthly rows are summed to years, and a year counts only
  when the rows of that class cover all 12 months (a part of a year is no year). A yearly row wins over
  monthly rows of the same class, area and year. The section shows the latest year in the data.
- **Unknown values**: an area with a suppressed (empty) value in one of its months or classes has no
  count; an area without any row has no count either (not zero).
- **The municipality**: the same classes and year from the rows of the municipality itself, when the
  file has them (registrations not placed in an area count only there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp.store import Store, read
from ivp.store.read import Level
from ivp.themes import load_taxonomy

MEASURE = "overlast_registraties"
SCHEME = "politie-overlast"
TOTAL = "0.0.0"
KEY = ["category", "region", "year"]


def is_illustrative(dataset: str) -> bool:
    """Contract 2: a dataset whose name starts with 'illustratief' (any case) holds illustrative data."""
    return str(dataset).strip().lower().startswith("illustratief")


@dataclass(frozen=True)
class AreaCounts:
    """Nuisance registrations of one year per area of one level (NaN: unknown)."""

    level: str  # 'buurt' | 'wijk': the most detailed level in the data
    year: int
    counts: pd.Series  # area code -> count
    municipal: float | None  # the municipality's own rows for the same classes and year
    basis: str  # 'totaal' (the total row) | 'klassen' (the sum of the mapped classes)
    codes: tuple[str, ...]  # the classes counted (('0.0.0',) for the total)
    keys: tuple[tuple[str, str], ...]  # (source_id, dataset) of the rows used
    provisional: bool

    @property
    def illustrative(self) -> bool:
        return any(is_illustrative(d) for _s, d in self.keys)


def mapped_codes() -> list[str]:
    """The nuisance classes the default taxonomy maps to a theme (the total excluded)."""
    scheme = load_taxonomy().schemes.get(SCHEME)
    return [] if scheme is None else [c for c, themes in scheme.codes.items() if themes and c != TOTAL]


def yearly(frame_years: pd.DataFrame, frame_months: pd.DataFrame) -> pd.DataFrame:
    """One row per class, area and year (columns ``KEY`` + value, provisional, source_id, dataset).

    Monthly rows become a year only when that class has all 12 months in that year; an area with an empty
    month has no value for the year.
    """
    cols = [*KEY, "value", "provisional", "source_id", "dataset"]
    parts: list[pd.DataFrame] = []
    if not frame_years.empty:
        y = frame_years.assign(provisional=frame_years["status"] == "voorlopig")
        parts.append(y.groupby(KEY, sort=True).first().reset_index()[cols])
    if not frame_months.empty:
        m = frame_months.assign(provisional=frame_months["status"] == "voorlopig")
        covered = m.groupby(["category", "year"])["month"].nunique()
        complete = {k for k, n in covered.items() if n == 12}
        m = m[[(c, y) in complete for c, y in zip(m["category"], m["year"], strict=True)]]
        if not m.empty:
            summed = (
                m.groupby(KEY, sort=True)
                .agg(
                    value=("value", lambda v: float(v.sum()) if v.notna().all() else np.nan),
                    provisional=("provisional", "any"),
                    source_id=("source_id", "first"),
                    dataset=("dataset", "first"),
                )
                .reset_index()
            )
            if parts:
                have = set(zip(*(parts[0][k] for k in KEY), strict=True))
                summed = summed[[k not in have for k in zip(*(summed[c] for c in KEY), strict=True)]]
            parts.append(summed[cols])
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(int)
    return out


def _read(
    store: Store,
    *,
    level: Level | None = None,
    within: str | None = None,
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    return yearly(
        read.counts(store, MEASURE, SCHEME, grain="jaar", level=level, within=within, regions=regions),
        read.counts(store, MEASURE, SCHEME, grain="maand", level=level, within=within, regions=regions),
    )


def _sum(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().all() else np.nan


def area_counts(store: Store, gemeente: str, codes: Sequence[str] | None = None) -> AreaCounts | None:
    """The latest year's nuisance registrations per area of ``gemeente``; None without area rows.

    ``codes``: the classes to sum when the data has no total row (default: :func:`mapped_codes`).
    """
    data = pd.DataFrame()
    level: Level = "buurt"
    for level in ("buurt", "wijk"):
        data = _read(store, level=level, within=gemeente)
        if not data.empty:
            break
    if data.empty:
        return None
    if TOTAL in set(data["category"]):
        basis, chosen = "totaal", [TOTAL]
    else:
        wanted = set(mapped_codes() if codes is None else codes) - {TOTAL}
        basis, chosen = "klassen", sorted(wanted & set(data["category"]))
    data = data[data["category"].isin(chosen)]
    if data.empty:
        return None
    year = int(data["year"].max())
    rows = data[data["year"] == year]
    used = tuple(sorted(set(rows["category"])))
    counts = rows.groupby("region", sort=True)["value"].agg(_sum)
    own = _read(store, regions=[gemeente])
    own = own[(own["year"] == year) & own["category"].isin(used)]
    municipal = None
    if set(own["category"]) == set(used) and own["value"].notna().all():
        municipal = float(own.groupby("category")["value"].first().sum())
    keys = tuple(sorted({(str(s), str(d)) for s, d in zip(rows["source_id"], rows["dataset"], strict=True)}))
    return AreaCounts(
        level=level,
        year=year,
        counts=counts,
        municipal=municipal,
        basis=basis,
        codes=used,
        keys=keys,
        provisional=bool(rows["provisional"].any()),
    )
