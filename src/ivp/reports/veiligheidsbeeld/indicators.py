"""The municipality's own registers in the Veiligheidsbeeld: series loaded with ``ivp ingest reeks``.

INTERFACE STUB (issue 13): the helper that builds ``ivp ingest reeks`` fills this module in; the report
(:mod:`.context`, the templates, DOCX and xlsx writers) calls only the names below.

- :func:`build_indicators` reads every loaded series from the store and returns them per theme id, each
  with its points and, where the data allow one, a change between the last two comparable periods.
- :func:`summary_lines` gives the summary chapter's sentences for one theme (only changes that are
  supported by a count test or by the intervals).
- Template ``veiligheidsbeeld/reeksen.html`` renders one theme's indicators (variable ``items``).
- :func:`add_docx` adds one theme's indicators to a python-docx document; :func:`xlsx_sheets` gives the
  workbook sheets (name, header, rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ivp.store import Store
from ivp.themes import Taxonomy


@dataclass(frozen=True)
class IndicatorPoint:
    label: str  # as a reader reads the period: '2023', '2e kwartaal 2023', 'mei 2023', '1-1 t/m 30-6-2023'
    start: dt.date
    end: dt.date
    value: float | None
    low: float | None = None  # the interval the file gave (or None)
    high: float | None = None
    n: int | None = None  # sample size the file gave (surveys), or None


@dataclass(frozen=True)
class IndicatorChange:
    period_a: str
    period_b: str
    value_a: float
    value_b: float
    ci_low: float | None  # interval of the change (relative for counts, absolute difference otherwise)
    ci_high: float | None
    p_value: float | None
    direction: int  # -1, 0, 1; 0 also when no interval supports a verdict
    sentence: str  # Dutch, as the report says it


@dataclass(frozen=True)
class Indicator:
    id: str
    naam: str
    theme: str
    unit: str  # 'aantal' | 'percentage' | 'rapportcijfer' | 'euro' | 'per 1.000 inwoners'
    region: str
    region_name: str
    source: str
    licence: str
    definition: str
    points: tuple[IndicatorPoint, ...]
    change: IndicatorChange | None
    illustrative: bool  # from a dataset whose name starts with 'illustratief'
    dataset: str


def build_indicators(
    store: Store, taxonomy: Taxonomy, gemeente: str, alpha: float
) -> dict[str, tuple[Indicator, ...]]:
    """Every loaded series, per theme id (themes without any are absent)."""
    return {}


def summary_lines(items: Sequence[Indicator]) -> list[str]:
    """The summary chapter's sentences for one theme's indicators."""
    return []


def add_docx(doc: Any, items: Sequence[Indicator]) -> None:
    """Add one theme's indicators (table, sentences, chart as picture) to a python-docx document."""


def xlsx_sheets(by_theme: dict[str, tuple[Indicator, ...]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The workbook sheets of the indicators: (sheet name, header, rows)."""
    return []
