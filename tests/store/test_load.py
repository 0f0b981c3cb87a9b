"""Store.load: atomic, idempotent, replacements recorded, older vintages refused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ivp.lib.errors import InputError
from ivp.store import Batch, Provenance, Store


def _batch(values: list[float], *, file_hash: str, vintage: str = "2024-08-15") -> Batch:
    prov = Provenance(
        source_id="test", dataset="T1", title="Testtabel", publisher="CBS", licence="CC BY 4.0",
        origin="t1.json", file_hash=file_hash, retrieved_at=dt.datetime(2026, 11, 22, 12, 0), vintage=vintage,
    )  # fmt: skip
    obs = pd.DataFrame(
        {
            "measure": "m", "scheme": "s", "category": "1.1.1", "region": "GM0505", "grain": "jaar",
            "year": [2020 + i for i in range(len(values))], "month": None, "value": values,
            "status": "definitief",
        }
    )  # fmt: skip
    return Batch(prov, {"observations": obs})


def _values(store: Store) -> list[float]:
    return list(store.query("SELECT value FROM observations ORDER BY year")["value"])


def test_first_load(store: Store) -> None:
    result = store.load(_batch([1, 2, 3], file_hash="h1"))
    assert (result.action, result.row_count) == ("geladen", 3)
    assert _values(store) == [1, 2, 3]
    src = store.sources()
    assert list(src["row_count"]) == [3]
    assert list(src["vintage"]) == ["2024-08-15"]


def test_same_input_twice_changes_nothing(store: Store) -> None:
    store.load(_batch([1, 2, 3], file_hash="h1"))
    loaded_at = store.sources()["loaded_at"].iloc[0]
    result = store.load(_batch([1, 2, 3], file_hash="h1"))
    assert result.action == "ongewijzigd"
    assert _values(store) == [1, 2, 3]
    assert store.sources()["loaded_at"].iloc[0] == loaded_at


def test_newer_vintage_replaces_and_is_recorded(store: Store) -> None:
    store.load(_batch([1, 2, 3], file_hash="h1"))
    result = store.load(_batch([5, 6], file_hash="h2", vintage="2025-03-01"))
    assert (result.action, result.previous_vintage) == ("vervangen", "2024-08-15")
    assert _values(store) == [5, 6]
    history = store.query("SELECT action, vintage, previous_vintage FROM source_history ORDER BY recorded_at")
    assert list(history["action"]) == ["geladen", "vervangen"]
    assert history["previous_vintage"].iloc[1] == "2024-08-15"


def test_older_vintage_is_refused_unless_forced(store: Store) -> None:
    store.load(_batch([1, 2, 3], file_hash="h1", vintage="2025-03-01"))
    with pytest.raises(InputError) as info:
        store.load(_batch([9], file_hash="h0", vintage="2024-01-01"))
    assert info.value.code == "older_vintage"
    assert "--force" in str(info.value)
    assert _values(store) == [1, 2, 3]
    assert store.load(_batch([9], file_hash="h0", vintage="2024-01-01"), force=True).action == "vervangen"
    assert _values(store) == [9]


def test_failed_load_leaves_previous_data(store: Store) -> None:
    store.load(_batch([1, 2, 3], file_hash="h1"))
    bad = _batch([4, 5], file_hash="h2")
    bad.tables["observations"]["year"] = ["niet", "een jaar"]  # fails inside the transaction
    with pytest.raises(Exception, match=r"(?i)conver|cast|year"):
        store.load(bad)
    assert _values(store) == [1, 2, 3]
    assert list(store.sources()["file_hash"]) == ["h1"]


def test_unknown_table_is_a_programming_error(store: Store) -> None:
    batch = _batch([1], file_hash="h1")
    batch.tables["onzin"] = pd.DataFrame()
    with pytest.raises(ValueError, match="valid"):
        store.load(batch)
