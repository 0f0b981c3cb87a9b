"""Fixtures of the source tests: a store with every Dutch region of 47018NED loaded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivp.sources.base import ingest
from ivp.store import Store


def load_all_regions(store: Store, shared_data: Path) -> None:
    """Load the recorded 47018NED folder: every region code of the 2024 division (18,313), names, parents."""
    ingest(store, "cbs", str(shared_data / "cbs" / "47018NED"), dataset="47018NED")


@pytest.fixture(scope="session")
def nl_regions_file(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A store file with the full CBS region list, built once per session (about a second)."""
    path = tmp_path_factory.mktemp("nl_regions") / "store.duckdb"
    with Store(path) as store:
        load_all_regions(store, shared_data)
    return path


@pytest.fixture
def nl_store(nl_regions_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the store with every Dutch region loaded."""
    path = tmp_path / "nl.duckdb"
    shutil.copyfile(nl_regions_file, path)
    with Store(path) as store:
        yield store
