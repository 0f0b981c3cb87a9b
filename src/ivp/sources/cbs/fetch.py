"""CBS fetch (I/O only): read a folder that ``cbsodata`` wrote, or download a table live into one."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources.base import Raw

#: Environment setting: base URL of the CBS OData service, e.g. ``http://127.0.0.1:8080`` for a mirror.
ENV_URL = "IVP_CBS_URL"

TYPED = "TypedDataSet.json"
UNTYPED = "UntypedDataSet.json"
INFO = "TableInfos.json"
PERIODS = "Perioden.json"
CRIMES = "SoortMisdrijf.json"
REGIONS = "WijkenEnBuurten.json"
PROPERTIES = "DataProperties.json"

_CBSODATA_LOCK = threading.Lock()


def read_folder(folder: Path, table: str | None) -> Raw:
    if not folder.is_dir():
        raise InputError(
            code="folder_missing",
            message=_("de map bestaat niet."),
            file=str(folder),
            hint=_("geef de map die cbsodata.download_data schreef, of laat --from weg om live op te halen."),
        )
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.json")) if path.is_file()}
    if not files:
        raise InputError(
            code="no_json_files",
            message=_("de map bevat geen JSON-bestanden."),
            file=str(folder),
            hint=_("geef de map die cbsodata.download_data(tabel, dir=map, typed=True) schreef."),
        )
    return Raw(origin=str(folder.resolve()), files=files, dataset=table)


def download(table: str, base: str, target: Path) -> None:
    """Download ``table`` with cbsodata from the service at ``base`` into ``target``."""
    import cbsodata
    import requests

    parts = urlsplit(base)
    origin = f"{base}/ODataFeed/odata/{table}"
    with _CBSODATA_LOCK:  # cbsodata keeps the http/https choice in a module-level option
        previous = cbsodata.options.use_https
        cbsodata.options.use_https = parts.scheme != "http"
        try:
            # cbsodata 1.3.5 inverts `typed` (github.com/J535D165/cbsodata/issues/20): typed=False is what
            # fetches TypedDataSet. parse reads either file, so a fixed cbsodata does no harm.
            cbsodata.download_data(table, dir=str(target), typed=False, catalog_url=parts.netloc, timeout=120)
        except requests.HTTPError as exc:
            # cbsodata re-raises a new HTTPError without response; the original is its __cause__.
            response = exc.response if exc.response is not None else getattr(exc.__cause__, "response", None)
            status = getattr(response, "status_code", None)
            if status == 404:
                raise InputError(
                    code="unknown_table",
                    message=_("CBS kent tabel {table} niet op {base}.").format(table=table, base=base),
                    file=origin,
                    hint=_("controleer het tabelnummer op opendata.cbs.nl of dataderden.cbs.nl."),
                ) from None
            raise InputError(
                code="download_failed",
                message=_("CBS gaf een fout bij het ophalen ({error}).").format(error=exc),
                file=origin,
                hint=_("probeer het later opnieuw, of laad een map met --from."),
                retry=True,
            ) from None
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise InputError(
                code="download_failed",
                message=_("ophalen bij CBS mislukt ({error}).").format(error=type(exc).__name__),
                file=origin,
                hint=_("controleer de internetverbinding, of laad een map met --from."),
                retry=True,
            ) from None
        finally:
            cbsodata.options.use_https = previous
