"""Open the workspace store and load batches atomically and idempotently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import duckdb
import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.store.batch import TABLE_COLUMNS, Batch

Action = Literal["geladen", "vervangen", "ongewijzigd"]


@dataclass(frozen=True)
class LoadResult:
    """What a load did: ``action`` is 'geladen', 'vervangen' or 'ongewijzigd'."""

    source_id: str
    dataset: str
    action: Action
    row_count: int
    previous_vintage: str | None = None


def _schema_sql() -> str:
    return resources.files("ivp.store").joinpath("schema.sql").read_text(encoding="utf-8")


class Store:
    """A DuckDB store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self.con = duckdb.connect(str(path), read_only=read_only)
        if not read_only:
            self.con.execute(_schema_sql())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------------

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def sources(self) -> pd.DataFrame:
        """Return the provenance of every loaded dataset."""
        return self.query("SELECT * FROM sources ORDER BY source_id, dataset")

    # -- loading -------------------------------------------------------------------------------------

    def load(self, batch: Batch, *, force: bool = False) -> LoadResult:
        """Load a batch in one transaction.

        The same input twice changes nothing ('ongewijzigd'). Different input for a loaded dataset
        replaces all of that dataset's rows ('vervangen'), recorded in ``source_history``. An input whose
        vintage is older than the loaded one is refused unless ``force``.
        """
        batch.validate_shape()
        prov = batch.provenance
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        existing = self.con.execute(
            "SELECT vintage, file_hash FROM sources WHERE source_id = ? AND dataset = ?",
            [prov.source_id, prov.dataset],
        ).fetchone()
        if existing is not None and existing[1] == prov.file_hash:
            self.con.execute(
                "INSERT INTO source_history VALUES (?, ?, 'ongewijzigd', ?, ?, ?, ?, 0, ?)",
                [prov.source_id, prov.dataset, prov.vintage, existing[0], prov.file_hash, existing[1], now],
            )
            return LoadResult(prov.source_id, prov.dataset, "ongewijzigd", 0, existing[0])
        previous_vintage: str | None = existing[0] if existing else None
        if (
            existing is not None
            and not force
            and previous_vintage
            and prov.vintage
            and prov.vintage < previous_vintage
        ):
            raise InputError(
                code="older_vintage",
                message=_("deze versie ({new}) is ouder dan de geladen versie ({old}) van {dataset}.").format(
                    new=prov.vintage, old=previous_vintage, dataset=prov.dataset
                ),
                file=prov.origin,
                hint=_("laad de nieuwste versie, of gebruik --force om bewust terug te gaan."),
            )
        action: Action = "vervangen" if existing is not None else "geladen"
        rows = batch.row_count()
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in TABLE_COLUMNS:
                self.con.execute(
                    f"DELETE FROM {table} WHERE source_id = ? AND dataset = ?",
                    [prov.source_id, prov.dataset],
                )
            for table, frame in batch.tables.items():
                self._insert(table, frame, prov.source_id, prov.dataset)
            self.con.execute(
                "DELETE FROM sources WHERE source_id = ? AND dataset = ?", [prov.source_id, prov.dataset]
            )
            self.con.execute(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    prov.source_id, prov.dataset, prov.title, prov.publisher, prov.licence, prov.origin,
                    prov.vintage, prov.period, prov.retrieved_at, now, prov.file_hash, rows, prov.notes,
                ],
            )  # fmt: skip
            self.con.execute(
                "INSERT INTO source_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    prov.source_id, prov.dataset, action, prov.vintage, previous_vintage, prov.file_hash,
                    existing[1] if existing else None, rows, now,
                ],
            )  # fmt: skip
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            # Unregister only after COMMIT/ROLLBACK: in an aborted transaction it would fail and hide
            # the original error.
            for table in batch.tables:
                self.con.unregister(f"_ivp_batch_{table}")
        return LoadResult(prov.source_id, prov.dataset, action, rows, previous_vintage)

    def _insert(self, table: str, frame: pd.DataFrame, source_id: str, dataset: str) -> None:
        columns = list(TABLE_COLUMNS[table])
        data = frame[columns].copy()
        data["source_id"] = source_id
        data["dataset"] = dataset
        view = f"_ivp_batch_{table}"
        self.con.register(view, data)
        cols = ", ".join([*columns, "source_id", "dataset"])
        self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
