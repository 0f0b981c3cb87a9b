"""What a source adapter's ``parse`` step returns: tables in the canonical schema plus provenance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

#: Columns each data table must have in a batch (``source_id`` and ``dataset`` are added on load).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("code", "level", "name", "parent", "gemeente", "valid_from", "valid_to", "geometry"),
    "population": ("region", "year", "value"),
    "categories": ("scheme", "code", "title", "parent", "is_total"),
    "observations": (
        "measure", "scheme", "category", "region", "grain", "year", "month", "value", "status",
    ),
    "incidents": (
        "incident_id", "scheme", "category", "category_label", "begin_at", "end_at", "reported_at",
        "x_rd", "y_rd", "lon", "lat", "gemeente_name", "wijk_name", "buurt_name", "region",
    ),
    "indicators": (
        "indicator", "name", "theme", "unit", "region", "grain", "period", "period_start", "period_end",
        "value", "lower", "upper", "n", "source", "licence", "definition", "status",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Provenance:
    """Where a batch came from: the basis of every 'Bron:' line and the sources appendix."""

    source_id: str
    dataset: str
    title: str
    publisher: str
    licence: str
    origin: str
    file_hash: str
    retrieved_at: dt.datetime
    vintage: str | None = None
    period: str | None = None
    notes: str | None = None


@dataclass
class Batch:
    """Parsed, validated rows of one dataset, ready to be loaded atomically."""

    provenance: Provenance
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def row_count(self) -> int:
        return sum(len(frame) for frame in self.tables.values())

    def validate_shape(self) -> None:
        """Raise ``ValueError`` when a table is unknown or lacks a canonical column (a programming error)."""
        for name, frame in self.tables.items():
            if name not in TABLE_COLUMNS:
                raise ValueError(f"unknown table {name!r}; valid: {sorted(TABLE_COLUMNS)}")
            missing = [c for c in TABLE_COLUMNS[name] if c not in frame.columns]
            if missing:
                raise ValueError(f"table {name!r} lacks columns {missing}")
