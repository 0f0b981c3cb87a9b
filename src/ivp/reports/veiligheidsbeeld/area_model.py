"""The data classes of the Veiligheidsbeeld's figures per wijk and buurt (built by :mod:`.areas`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    count: float | None
    population: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    smoothed: float | None
    flagged: bool
    small_numbers: bool
    rank: int | None
    geometry: str | None


@dataclass(frozen=True)
class AreaSection:
    level: str  # 'wijk' | 'buurt'
    category: str
    title: str
    year: int
    population_year: int | None
    summed_from_buurten: bool
    provisional: bool
    rows: tuple[AreaRow, ...]
    total: float
    municipal_total: float | None

    @property
    def ranked(self) -> list[AreaRow]:
        return sorted((r for r in self.rows if r.rank is not None), key=lambda r: r.rank or 0)

    @property
    def has_geometry(self) -> bool:
        return any(r.geometry for r in self.rows)
