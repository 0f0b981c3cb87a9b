"""The municipality's name in the Veiligheidsbeeld: the workspace's naam, else CBS's name from the store.

The workspace is made as ``ivp init --gemeente GM0599`` makes it (no ``--naam``: the code is written as
naam), and loaded through the real CBS adapter from a slice of the shared 47018NED download (Rotterdam).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ivp.reports.naming import municipality_name
from ivp.reports.veiligheidsbeeld import make_report
from ivp.reports.veiligheidsbeeld.context import build_context
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.workspace import Workspace

CODE = "GM0599"


def _slice_47018ned(shared: Path, out: Path, regions: set[str]) -> Path:
    """A ``cbsodata.download_data`` folder of 47018NED cut to ``regions`` (the other files in full)."""
    source = shared / "cbs" / "47018NED"
    out.mkdir(parents=True)
    for path in source.glob("*.json"):
        data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "TypedDataSet.json":
            data = [r for r in data if r["WijkenEnBuurten"].strip() in regions]
        elif path.name == "WijkenEnBuurten.json":
            data = [r for r in data if r["Key"].strip() in regions]
        (out / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def rotterdam(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Workspace:
    root = tmp_path_factory.mktemp("rotterdam")
    ws = Workspace.create(root / "ws", CODE)  # what `ivp init --gemeente GM0599` does
    folder = _slice_47018ned(shared_data, root / "47018NED", {CODE, "NL00"})
    with Store(ws.store_path) as store:
        ingest(store, "cbs", str(folder), dataset="47018NED", gemeente=CODE)
    return ws


def test_init_without_naam_writes_the_code(rotterdam: Workspace) -> None:
    assert rotterdam.naam == CODE  # the premise: without the store the report could only say GM0599


def test_report_says_rotterdam_not_the_code(rotterdam: Workspace) -> None:
    with Store(rotterdam.store_path, read_only=True) as store:
        assert build_context(rotterdam, store).naam == "Rotterdam"
    html = make_report(rotterdam, formats="html")["html"].read_text(encoding="utf-8")
    assert "<h1>Veiligheidsbeeld Rotterdam</h1>" in html
    assert "Veiligheidsbeeld GM0599" not in html
    assert "Gemeente Rotterdam (GM0599)" in html


def test_a_real_naam_in_the_workspace_wins(rotterdam: Workspace, tmp_path: Path) -> None:
    named = Workspace.create(tmp_path / "named", CODE, "Gemeente Rotterdam")
    with Store(rotterdam.store_path, read_only=True) as store:
        assert municipality_name(named, store) == "Gemeente Rotterdam"


def test_the_code_stays_when_no_regions_are_loaded(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "empty", CODE)
    with Store(ws.store_path) as store:
        assert municipality_name(ws, store) == CODE
    assert municipality_name(ws, None) == CODE  # plan reports without a store
