"""Population per municipality and year from a csv file (CBS 'gemiddelde bevolking'), for rates.

Accepted shape (docs/sources.md, section Bevolking): one row per municipality and year with columns
``gemeente_code``, ``jaar``, ``gemiddelde_bevolking`` (or a Dutch variant of those headers, see
:data:`COLUMNS`); separator ``,``, ``;`` or tab; UTF-8 or Windows-1252.
"""

from __future__ import annotations

import pandas as pd

from ivp.lib.i18n import _
from ivp.sources._common import check_pattern, check_unique, decode_text, parse_numbers, read_csv_text
from ivp.sources.base import Raw, fetch_file, register
from ivp.store import Batch, Provenance

#: Canonical column -> accepted headers (compared case-insensitively; spaces, hyphens, dots = '_').
COLUMNS: dict[str, tuple[str, ...]] = {
    "gemeente_code": ("gemeente_code", "gemeentecode", "gemeente", "regiocode", "regio_code", "regio", "code"),
    "jaar": ("jaar", "perioden", "periode", "year"),
    "gemiddelde_bevolking": (
        "gemiddelde_bevolking", "gemiddeld_aantal_inwoners", "bevolking", "aantal_inwoners", "inwoners",
        "population",
    ),
}  # fmt: skip
PUBLISHER = "CBS"
LICENCE = "CC BY 4.0"


@register
class BevolkingAdapter:
    """Population per municipality per year (csv)."""

    id = "bevolking"
    title = "Bevolking per gemeente"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        """Read the csv file."""
        return fetch_file(
            location, dataset=dataset, example="ivp ingest bevolking bevolking_gemeenten_2012_2025.csv"
        )

    def parse(self, raw: Raw) -> Batch:
        """Validate codes, years and counts; one population row per municipality and year."""
        (name, data), *_rest = sorted(raw.files.items())
        file = raw.origin
        text, encoding = decode_text(data, file, allow_cp1252=True)
        frame = read_csv_text(text, file, COLUMNS)
        separator = frame.attrs["separator"]
        codes = frame["gemeente_code"].str.strip().str.upper()
        check_pattern(codes, r"GM\d{4}", file, "gemeente_code", "GM0505")
        years_text = frame["jaar"].str.strip().str.replace(r"^(\d{4})JJ00$", r"\1", regex=True)
        check_pattern(years_text, r"\d{4}", file, "jaar", "2024")
        values = parse_numbers(
            frame["gemiddelde_bevolking"], file, "gemiddelde_bevolking", decimal_comma=separator == ";"
        )
        population = pd.DataFrame({"region": codes, "year": years_text.astype(int), "value": values})
        check_unique(
            population.rename(columns={"region": "gemeente_code", "year": "jaar"}),
            ["gemeente_code", "jaar"],
            file,
        )
        years = population["year"]
        notes = _("{n} rijen, {g} gemeenten; tekenset {encoding}, scheidingsteken '{sep}'.").format(
            n=len(population), g=population["region"].nunique(), encoding=encoding, sep=separator
        )
        batch = Batch(
            Provenance(
                source_id=self.id,
                dataset=raw.dataset or name,
                title=_("Bevolking per gemeente ({name})").format(name=name),
                publisher=PUBLISHER,
                licence=LICENCE,
                origin=raw.origin,
                file_hash=raw.file_hash(),
                retrieved_at=raw.retrieved_at,
                period=f"{years.min()}-{years.max()}" if years.min() != years.max() else str(years.min()),
                notes=notes,
            ),
            {"population": population.reset_index(drop=True)},
        )
        batch.validate_shape()
        return batch
