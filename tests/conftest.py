"""Shared fixtures: the real public data in ../shared/data and fresh workspaces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivp.store import Store
from ivp.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    __import__("os").environ.get("IVP_SHARED_DATA", str(REPO.parent / "shared" / "data"))
).resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data beside the checkout; its absence is an error, not a skip."""
    if not (SHARED_DATA / "README.md").exists():
        raise RuntimeError(f"shared data not found at {SHARED_DATA}; set IVP_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace for Dordrecht."""
    return Workspace.create(tmp_path / "ws", "GM0505", "Dordrecht")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store file."""
    with Store(tmp_path / "store.duckdb") as s:
        yield s
