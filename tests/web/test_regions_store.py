"""The form's buurt list and the municipality's name, read from a workspace store (issue 11)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from django.test import override_settings

from ivp.sources.base import ingest
from ivp.store import Store
from ivp.web import context_processors
from ivp.web.meldingen import services
from ivp.web.meldingen.regions import region_map
from ivp.workspace import Workspace
from tests.web.conftest import SHARED


@pytest.fixture(scope="module")
def dordrecht(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A Dordrecht workspace whose store holds every Dutch region (CBS) and Dordrecht's buurt boundaries."""
    workspace = Workspace.create(tmp_path_factory.mktemp("ws") / "ws", "GM0505", "GM0505")
    with Store(workspace.store_path) as store:
        ingest(store, "cbs", str(SHARED / "cbs" / "47018NED"), dataset="47018NED")
        ingest(store, "geo", str(SHARED / "geo" / "dordrecht_buurten_2024.geojson"))
    return workspace


@pytest.fixture
def served(dordrecht: Workspace) -> Iterator[Workspace]:
    region_map.cache_clear()
    with override_settings(WORKSPACE=dordrecht):
        yield dordrecht
    region_map.cache_clear()


def test_the_form_lists_each_buurt_once(served: Workspace) -> None:
    with Store(served.store_path, read_only=True) as store:
        rows = int(store.query("SELECT count(*) AS n FROM regions WHERE code LIKE 'BU0505%'")["n"].iloc[0])
    assert rows == 264  # a CBS row and a boundary row per buurt
    choices = services.buurten()
    codes = [code for code, _name in choices]
    assert len(codes) == len(set(codes)) == 132
    assert ("BU05050108", "Centrum") in choices
    assert all(b.geometry is not None for b in region_map().buurten)  # name and geometry merged


def test_the_municipality_is_named_from_the_store_when_naam_is_the_code(served: Workspace) -> None:
    assert served.naam == "GM0505"
    assert context_processors.site(None)["gemeente_naam"] == "Dordrecht"  # type: ignore[arg-type]
    assert dataclasses.replace(served, naam="Drechtsteden").display_name("Dordrecht") == "Drechtsteden"
    assert served.display_name(None) == "GM0505"  # no regions loaded: the code stays
    assert dataclasses.replace(served, naam=" gm0505 ").display_name(" Dordrecht ") == "Dordrecht"
