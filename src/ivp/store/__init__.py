"""The analytical store: one DuckDB file per workspace with ivp's canonical schema."""

from ivp.store import read
from ivp.store.batch import Batch, Provenance
from ivp.store.db import LoadResult, Store
from ivp.store.read import SourceRecord

__all__ = ["Batch", "LoadResult", "Provenance", "SourceRecord", "Store", "read"]
