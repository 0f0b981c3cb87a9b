"""CBS adapter, live path: cbsodata downloads from a real HTTP server on 127.0.0.1 replaying CBS pages."""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd
import pytest

from ivp.lib.errors import InputError
from ivp.sources.base import ingest
from ivp.sources.cbs import CbsAdapter
from ivp.store import Store
from tests.fixtures.cbs.replay import ReplayServer, write_folder


def test_live_download_equals_the_folder(tmp_path: Path) -> None:
    adapter_folder = CbsAdapter()
    expected = adapter_folder.parse(
        adapter_folder.fetch(str(write_folder("47018NED", tmp_path / "f")), dataset="47018NED")
    )
    with ReplayServer() as server:
        adapter = CbsAdapter(base_url=server.base)
        raw = adapter.fetch(None, dataset="47018ned")
    assert raw.origin == f"{server.base}/ODataFeed/odata/47018NED"
    assert "TypedDataSet.json" in raw.files
    assert any("$skiptoken=1" in path for path in server.requests)  # followed odata.nextLink
    batch = adapter.parse(raw)
    for table in ("observations", "categories", "regions"):
        pd.testing.assert_frame_equal(batch.tables[table], expected.tables[table])
    assert batch.provenance.origin == raw.origin
    assert batch.provenance.vintage == "2024-08-15T02:00:00"


def test_live_ingest_through_the_environment_setting(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReplayServer() as server:
        monkeypatch.setenv("IVP_CBS_URL", server.base)
        result = ingest(store, "cbs", None, dataset="47018NED")
        again = ingest(store, "cbs", None, dataset="47018NED")
    assert result.action == "geladen"
    assert again.action == "ongewijzigd"  # same pages, same hash
    values = store.query(
        "SELECT year, value, status FROM observations WHERE region='GM0505' AND category='1.1.1' ORDER BY year"
    )
    assert values["status"].tolist() == ["definitief", "definitief", "voorlopig", "voorlopig"]


def test_unreachable_server_says_retry() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The port is closed now: the connection is refused.
    with pytest.raises(InputError) as info:
        CbsAdapter(base_url=f"http://127.0.0.1:{port}").fetch(None, dataset="47018NED")
    assert info.value.code == "download_failed"
    assert info.value.retry is True
    assert "Opnieuw proberen kan helpen" in str(info.value)


def test_table_the_server_does_not_know() -> None:
    with ReplayServer() as server, pytest.raises(InputError) as info:
        CbsAdapter(base_url=server.base).fetch(None, dataset="85984NED")
    assert info.value.code == "unknown_table"
    assert info.value.retry is False


def test_live_without_a_table_id() -> None:
    with pytest.raises(InputError) as info:
        CbsAdapter().fetch(None)
    assert info.value.code == "no_table"
