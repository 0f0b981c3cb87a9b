"""CBS StatLine tables: registered crime (47018NED yearly, 47022NED monthly) and key figures (85984NED).

``fetch`` reads a folder as ``cbsodata.download_data(TABLE, dir=FOLDER, typed=True)`` writes it, or downloads
the table live with ``cbsodata`` into a temporary folder and reads that. ``parse`` turns the JSON files into
observations, categories, regions and population rows. Quirks handled (see docs/sources.md, section CBS):
space-padded keys, ``2023JJ00``/``2023MM05`` periods, provisional years from ``Perioden.json``, and the
codes ``GM0000``/``WK000000``/``BU00000000`` that mean "unknown", never a total.
"""

from ivp.sources.cbs.adapter import LICENCE, CbsAdapter
from ivp.sources.cbs.fetch import ENV_URL
from ivp.sources.cbs.parse import MEASURE, SCHEME, TABLES, TOTAL_CODE, TableSpec, category_frame

__all__ = [
    "ENV_URL",
    "LICENCE",
    "MEASURE",
    "SCHEME",
    "TABLES",
    "TOTAL_CODE",
    "CbsAdapter",
    "TableSpec",
    "category_frame",
]
