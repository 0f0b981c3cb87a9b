"""The report's one test family and the Benjamini-Hochberg correction over it.

The family is fixed by the report's full content, not by what a reader asks to see: every verdict the
report can state (the change between the two compared years, the comparison with the Netherlands and
with similar municipalities, the long trend, the recent trend and a change of direction) for every crime
type of every theme in the taxonomy that has figures, each crime type once (a type in two themes is one
test). ``--thema`` or ``--reeks`` only choose what is shown; they cannot make a change "aantoonbaar".
Rows with small numbers are no verdict and not in the family. A row is demonstrable exactly when its
adjusted p-value (q) is at most alpha.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

import numpy as np

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.changes import CHANGE_LABELS, COMPARISON_LABELS, TREND_LABELS
from ivp.reports.veiligheidsbeeld.model import (
    CRIME_SCHEME,
    BendRow,
    ChangeRow,
    ComparisonRow,
    Family,
    LevelRow,
    Row,
    SourceBlock,
    ThemeSection,
    TrendRow,
)
from ivp.stats import fdr_bh

R = TypeVar("R", ChangeRow, ComparisonRow, TrendRow, BendRow, LevelRow)

#: Kinds of test in the family, as the leeswijzer names them.
KINDS = ("verandering", "nederland", "vergelijkbare gemeenten", "trend", "recente trend", "trendbreuk")


def _kind(row: Row) -> str:
    if isinstance(row, ChangeRow | LevelRow):
        return "verandering"
    if isinstance(row, ComparisonRow):
        return "vergelijkbare gemeenten" if row.method == "trechter" else "nederland"
    if isinstance(row, TrendRow):
        return "trend" if row.period == "lang" else "recente trend"
    return "trendbreuk"


def _is_test(row: Row) -> bool:
    """A row is in the family when it is a verdict: a real test on numbers that are not small."""
    if row.small_numbers:
        return False
    if isinstance(row, TrendRow) and not np.isfinite(row.annual_percent_change):
        return False  # too few years for a trend
    return bool(np.isfinite(row.p_value))


def correct(rows: Mapping[str, Sequence[Row]], alpha: float) -> tuple[dict[str, list[Row]], Family]:
    """Benjamini-Hochberg over every test of every crime type; rows come back with q and the verdict
    after correction (``rows`` maps a crime-type code to all its rows)."""
    flat = [(code, i, row) for code, items in rows.items() for i, row in enumerate(items)]
    tested = [(code, i, row) for code, i, row in flat if _is_test(row)]
    by_kind = dict.fromkeys(KINDS, 0)
    for _code, _i, row in tested:
        by_kind[_kind(row)] += 1
    q: dict[tuple[str, int], tuple[float, bool]] = {}
    if tested:
        res = fdr_bh(np.array([row.p_value for _c, _i, row in tested], dtype=float), alpha=alpha)
        for (code, i, _row), qv, rej in zip(tested, res.adjusted, res.rejected, strict=True):
            q[code, i] = (float(qv), bool(rej))
    out: dict[str, list[Row]] = {code: [] for code in rows}
    for code, i, row in flat:
        qv, rejected = q.get((code, i), (float("nan"), False))
        out[code].append(_with_q(row, qv, rejected))
    codes = sum(1 for items in rows.values() if any(_is_test(r) for r in items))
    return out, Family(size=len(tested), by_kind=by_kind, codes=codes, alpha=alpha)


def _with_q(row: Row, q: float, rejected: bool) -> Row:
    if isinstance(row, BendRow):
        return replace(row, p_adjusted=q, kind=row.raw_kind if rejected else "none")
    labels = CHANGE_LABELS if isinstance(row, ChangeRow | LevelRow) else TREND_LABELS
    if isinstance(row, ComparisonRow):
        labels = COMPARISON_LABELS
    direction = row.raw_direction if rejected else 0
    # a row that was not significant anyway keeps its own label ("te weinig ...", "geen aantoonbare ...")
    label = row.raw_label if direction == row.raw_direction == 0 else _(labels[direction + 1])
    if isinstance(row, TrendRow):
        return replace(row, p_adjusted=q, direction=direction, label=label)
    return replace(row, p_adjusted=q, direction=direction, label=label, demonstrable_fdr=direction != 0)


def row_key(row: Row) -> tuple[str, str, str, str]:
    """What makes a row one test: its kind, type (with its count source: police codes such as 0.0.0
    repeat across schemes), reference and period."""
    return (
        type(row).__name__,
        type_key(row.scheme, row.code),
        getattr(row, "reference", ""),
        getattr(row, "period", ""),
    )


def type_key(scheme: str, code: str) -> str:
    """The family's key of one type: the code for CBS crime (as before), 'scheme:code' otherwise."""
    return code if scheme == CRIME_SCHEME else f"{scheme}:{code}"


def apply_fdr(drafts: Sequence[ThemeSection], alpha: float) -> list[ThemeSection]:
    """:func:`correct` over the rows of already assembled theme sections (each crime type's rows once,
    also when a type is in two themes); the sections come back with q and corrected verdicts."""
    rows: dict[str, list[Row]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for d in drafts:
        items: list[Row] = [
            *d.changes,
            *d.comparisons,
            *d.trends,
            *d.bends,
        ]
        for n in (d.nuisance, d.meldpunt):
            if n is not None:
                items.extend([*n.changes, *n.comparisons, *n.trends, *n.bends])
        for ind in d.indicators:
            items.extend([*([ind.change] if ind.change is not None else []), *ind.trends, *ind.bends])
        for row in items:
            if row_key(row) not in seen:
                seen.add(row_key(row))
                rows.setdefault(type_key(row.scheme, row.code), []).append(row)
    corrected, _family = correct(rows, alpha)
    by_key = {row_key(r): r for items in corrected.values() for r in items}

    def fix(row: R) -> R:
        out = by_key[row_key(row)]
        assert isinstance(out, type(row))
        return out

    def fix_change(row: ChangeRow | LevelRow | None) -> ChangeRow | LevelRow | None:
        if isinstance(row, ChangeRow):
            return fix(row)
        return None if row is None else fix(row)

    def fix_block(block: SourceBlock | None) -> SourceBlock | None:
        if block is None:
            return None
        return replace(
            block,
            changes=tuple(fix(c) for c in block.changes),
            comparisons=tuple(fix(c) for c in block.comparisons),
            trends=tuple(fix(t) for t in block.trends),
            bends=tuple(fix(b) for b in block.bends),
        )

    return [
        replace(
            d,
            changes=tuple(fix(c) for c in d.changes),
            comparisons=tuple(fix(c) for c in d.comparisons),
            trends=tuple(fix(t) for t in d.trends),
            bends=tuple(fix(b) for b in d.bends),
            nuisance=fix_block(d.nuisance),
            meldpunt=fix_block(d.meldpunt),
            indicators=tuple(
                replace(
                    i,
                    change=fix_change(i.change),
                    trends=tuple(fix(t) for t in i.trends),
                    bends=tuple(fix(b) for b in i.bends),
                )
                for i in d.indicators
            ),
        )
        for d in drafts
    ]
