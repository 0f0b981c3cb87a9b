"""The analytical store: one DuckDB file per workspace with ivp's canonical schema."""

from ivp.store.batch import Batch, Provenance
from ivp.store.db import LoadResult, Store

__all__ = ["Batch", "LoadResult", "Provenance", "Store"]
