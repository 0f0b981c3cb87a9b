"""CBS adapter: ``CbsAdapter``, registered as source ``cbs``, ties fetch and parse together."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources.base import Raw, register
from ivp.sources.cbs.fetch import ENV_URL, INFO, download, read_folder
from ivp.sources.cbs.parse import (
    data_file_name,
    file_bytes,
    file_path,
    parse_crime,
    parse_population,
    read_records,
    table_spec,
)
from ivp.store import Batch, Provenance

LICENCE = "CC BY 4.0"


@register
class CbsAdapter:
    """CBS StatLine tables, live through ``cbsodata`` or from a downloaded folder."""

    id = "cbs"
    title = "CBS StatLine"

    def __init__(self, base_url: str | None = None) -> None:
        #: ``scheme://host[:port]`` of the OData service; default: ``$IVP_CBS_URL`` or the table's catalog.
        self.base_url = base_url

    # -- fetch (I/O only) ----------------------------------------------------------------------------

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        """Read every ``*.json`` in the folder ``location``; without a folder, download ``dataset`` live."""
        table = dataset.upper() if dataset else None
        if location is not None:
            return read_folder(Path(location), table)
        if table is None:
            raise InputError(
                code="no_table",
                message=_("geen tabel opgegeven."),
                hint=_("geef een tabelnummer, bijvoorbeeld: ivp ingest cbs 47018NED."),
            )
        spec = table_spec(table, origin=table)
        base = (self.base_url or os.environ.get(ENV_URL) or f"https://{spec.catalog}").rstrip("/")
        with tempfile.TemporaryDirectory(prefix=f"ivp-{table}-") as tmp:
            download(table, base, Path(tmp))
            raw = read_folder(Path(tmp), table)
        return Raw(
            origin=f"{base}/ODataFeed/odata/{table}", files=raw.files, retrieved_at=raw.retrieved_at,
            dataset=table,
        )  # fmt: skip

    # -- parse (pure) --------------------------------------------------------------------------------

    def parse(self, raw: Raw) -> Batch:
        """Validate the table's JSON files and turn them into canonical rows."""
        info = read_records(raw, INFO)[0]
        identifier = str(info.get("Identifier") or raw.dataset or "").strip().upper()
        table = (raw.dataset or identifier).upper()
        if identifier and identifier != table:
            raise InputError(
                code="table_mismatch",
                message=_("de map bevat tabel {found}, niet {wanted}.").format(
                    found=identifier, wanted=table
                ),
                file=file_path(raw, INFO),
                record=0,
                field="Identifier",
                hint=_("geef het tabelnummer dat bij de map hoort."),
            )
        spec = table_spec(table, origin=raw.origin)
        for name in (data_file_name(raw), *spec.required):
            file_bytes(raw, name)
        if spec.kind == "misdrijven":
            tables, period, notes = parse_crime(raw, spec)
        else:
            tables, period, notes = parse_population(raw, spec, info)
        provenance = Provenance(
            source_id=self.id,
            dataset=table,
            title=str(info.get("Title") or table),
            publisher=spec.publisher,
            licence=LICENCE,
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            vintage=str(info["Modified"]) if info.get("Modified") else None,
            period=period or (str(info["Period"]) if info.get("Period") else None),
            notes=notes,
        )
        batch = Batch(provenance, tables)
        batch.validate_shape()
        return batch
