"""The Veiligheidsbeeld on data with no true change calls nothing demonstrable, and its verdicts do not
depend on the view (--thema, --reeks): issue 10's "Show"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binomtest

from ivp.reports.veiligheidsbeeld.context import Options, ReportContext, build_context
from ivp.reports.veiligheidsbeeld.family import row_key
from ivp.reports.veiligheidsbeeld.model import BendRow, ChangeRow, ComparisonRow, TrendRow
from ivp.sources.base import ingest
from ivp.stats import fdr_bh
from ivp.store import Store
from ivp.workspace import Workspace
from tests.reports.conftest import Demo
from tests.reports.synthetic import OWN, write_synthetic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[Workspace, ReportContext]:
    root = tmp_path_factory.mktemp("synthetic")
    folder, population = write_synthetic(shared_data, root / "bron")
    ws = Workspace.create(root / "werkmap", OWN, "Synthetica")
    with Store(ws.store_path) as store:
        ingest(store, "cbs", str(folder), dataset="47018NED", gemeente=OWN)
        ingest(store, "bevolking", str(population), dataset=None, gemeente=OWN)
        ctx = build_context(ws, store)
    return ws, ctx


def _rows(ctx: ReportContext) -> list[object]:
    return [r for t in ctx.themes for r in (*t.changes, *t.comparisons, *t.trends, *t.bends)]


def test_no_change_is_called_demonstrable(synthetic: tuple[Workspace, ReportContext]) -> None:
    _ws, ctx = synthetic
    assert ctx.family is not None
    assert ctx.family.codes >= 50  # (nearly) every crime type of the taxonomy is tested
    demonstrable = [r for r in _rows(ctx) if getattr(r, "direction", 0) != 0]
    assert demonstrable == []
    # the funnel and the national comparison are in the family too
    assert ctx.family.by_kind["vergelijkbare gemeenten"] >= 40
    assert ctx.family.by_kind["nederland"] >= 40


def test_the_first_edition_called_changes_in_the_same_data(
    synthetic: tuple[Workspace, ReportContext],
) -> None:
    # The exact test without overdispersion (minimum-likelihood p, BH over the changes), as the first
    # edition did, calls a change in these same constant series; the new report calls none.
    _ws, ctx = synthetic
    changes = {c.code: c for t in ctx.themes for c in t.changes}
    p = np.array(
        [binomtest(int(c.count_b), int(c.count_a + c.count_b), 0.5).pvalue for c in changes.values()]
    )
    assert int(np.sum(fdr_bh(p).rejected)) >= 1
    assert int(np.sum(p < 0.05)) > sum(c.p_value < 0.05 for c in changes.values())


def test_spread_is_estimated_near_the_truth(synthetic: tuple[Workspace, ReportContext]) -> None:
    _ws, ctx = synthetic
    phis = [c.dispersion.phi for t in ctx.themes for c in t.changes if c.dispersion.method == "series"]
    assert 2.0 < float(np.median(phis)) < 4.0  # true variance-to-mean ratio 3


def _verdicts(ctx: ReportContext) -> dict[tuple[str, str, str, str], str]:
    out = {}
    for t in ctx.themes:
        rows: list[ChangeRow | ComparisonRow | TrendRow | BendRow] = [
            *t.changes,
            *t.comparisons,
            *t.trends,
            *t.bends,
        ]
        for r in rows:
            out[row_key(r)] = repr((r.p_value, r.p_adjusted, getattr(r, "label", getattr(r, "kind", None))))
    return out


def test_demo_verdicts_do_not_change_with_the_view(demo: Demo) -> None:
    ws = Workspace.open(demo.root)
    with Store(ws.store_path, read_only=True) as store:
        full = _verdicts(build_context(ws, store))
        for view in (
            Options(themes=("ondermijning",)),
            Options(themes=("vermogen_geweld",)),
            Options(reeks=(2018, 2025)),
            Options(themes=("ondermijning",), reeks=(2020, 2025)),
        ):
            shown = _verdicts(build_context(ws, store, view))
            assert shown
            for key, value in shown.items():
                assert full[key] == value, (view, key)
