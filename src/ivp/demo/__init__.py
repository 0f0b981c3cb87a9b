"""``ivp demo``: a complete Dordrecht workspace from the bundled public data, offline, with its report.

The bundle (``bundle/``, made by ``scripts/build_demo_bundle.py``) goes through the normal adapters, so
the demo exercises exactly the path a real municipality takes; the example narrative texts
(``teksten/``) are marked as voorbeeldtekst. For steering in the neighbourhood the demo adds illustrative
police incidents made up from the CBS totals (:mod:`ivp.demo.incidenten`, loaded through the
``politie-incidenten`` adapter), illustrative nuisance registrations per wijk scaled from the national
series (:mod:`ivp.demo.overlast`, through the ``politie-overlast`` adapter), illustrative municipal registers
(:mod:`ivp.demo.registers`: Veilig Thuis, fire brigade, Veiligheidsmonitor, permits, ...; through the ``reeks``
adapter) and the focus areas of the midterm evaluation (``aandachtsgebieden.yaml``, an illustrative boundary).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ivp.lib.errors import ConfigError
from ivp.lib.i18n import _
from ivp.store import LoadResult, Store
from ivp.workspace import CONFIG_NAME, Workspace

GEMEENTE = "GM0505"
NAAM = "Dordrecht"
#: The focus-area file, in the package and in the workspace root (``ivp.reports.wijkscan.focus``).
FOCUS_FILE = "aandachtsgebieden.yaml"


@dataclass(frozen=True)
class DemoWorkspace:
    workspace: Workspace
    loads: tuple[LoadResult, ...]


def bundle_dir() -> Path:
    """The folder of the shipped demo bundle."""
    return Path(str(resources.files("ivp.demo").joinpath("bundle")))


def texts_dir() -> Path:
    return Path(str(resources.files("ivp.demo").joinpath("teksten")))


def create_workspace(out: Path) -> DemoWorkspace:
    """Create (or refresh) the demo workspace in ``out`` and ingest the bundle through the adapters."""
    from ivp.sources.base import ingest
    from ivp.themes import load_taxonomy

    out = out.resolve()
    if (out / CONFIG_NAME).exists():
        ws = Workspace.open(out)
        if ws.gemeente != GEMEENTE:
            raise ConfigError(
                _("{out} is al een werkmap voor {code}; kies een lege map voor de demo.").format(
                    out=out, code=ws.gemeente
                )
            )
    else:
        if out.exists() and any(out.iterdir()):
            raise ConfigError(
                _("{out} is niet leeg; kies een lege of nieuwe map voor de demo.").format(out=out)
            )
        ws = Workspace.create(out, GEMEENTE, NAAM)
    bundle = bundle_dir()
    steps: list[tuple[str, Path, str | None]] = [
        ("cbs", bundle / "cbs" / "47018NED", "47018NED"),
        ("cbs", bundle / "cbs" / "85984NED", "85984NED"),
        ("bevolking", bundle / "bevolking_gemeenten_2012_2025.csv", None),
        ("politie-landelijk", bundle / "politie" / "NL_Crime.csv", None),
        ("politie-landelijk", bundle / "politie" / "NL_Disorder.csv", None),
        ("geo", bundle / "geo" / "dordrecht_wijken_2024.geojson", None),
        ("geo", bundle / "geo" / "dordrecht_buurten_2024.geojson", None),
    ]
    loads = []
    with Store(ws.store_path) as store:
        for adapter_id, path, dataset in steps:
            loads.append(
                ingest(
                    store,
                    adapter_id,
                    str(path),
                    dataset=dataset,
                    gemeente=ws.gemeente,
                    taxonomy=load_taxonomy(ws.root),
                )
            )
        loads.append(ingest_incidents(store, ws))
        loads.append(ingest_nuisance(store, ws))
        loads.append(ingest_registers(store, ws))
    copy_texts(ws)
    copy_focus_areas(ws)
    return DemoWorkspace(ws, tuple(loads))


def incidents_path(ws: Workspace) -> Path:
    """Where the demo writes its illustrative police incidents (the name marks them illustrative)."""
    from ivp.demo.incidenten import FILE_NAME

    return ws.root / "bronnen" / FILE_NAME


def ingest_incidents(store: Store, ws: Workspace) -> LoadResult:
    """Invent the illustrative incidents (:mod:`ivp.demo.incidenten`) from the CBS totals in ``store``,
    write them as a police export under ``bronnen/`` and load them through the ``politie-incidenten``
    adapter, like a real export. Deterministic, so a refreshed demo reloads nothing."""
    from ivp.demo.incidenten import generate_incidents, load_incidents, write_incidents

    path = write_incidents(generate_incidents(store, ws.gemeente), incidents_path(ws), naam=ws.naam)
    return load_incidents(store, path, gemeente=ws.gemeente)


def ingest_nuisance(store: Store, ws: Workspace) -> LoadResult:
    """Invent the illustrative nuisance registrations per wijk (:mod:`ivp.demo.overlast`) from the national
    series in ``store``, write them as a police delivery under ``bronnen/`` and load them through the
    ``politie-overlast`` adapter. Deterministic, so a refreshed demo reloads nothing."""
    from ivp.demo.overlast import FILE_NAME, generate_nuisance, load_nuisance, write_nuisance
    from ivp.themes import load_taxonomy

    path = write_nuisance(
        generate_nuisance(store, ws.gemeente), ws.root / "bronnen" / FILE_NAME, naam=ws.naam
    )
    return load_nuisance(store, path, gemeente=ws.gemeente, taxonomy=load_taxonomy(ws.root))


def ingest_registers(store: Store, ws: Workspace) -> LoadResult:
    """Invent the illustrative municipal registers (:mod:`ivp.demo.registers`: Veilig Thuis, fire brigade,
    Veiligheidsmonitor, ...), write them under ``bronnen/`` and load them through the ``reeks`` adapter.
    Deterministic, so a refreshed demo reloads nothing."""
    from ivp.demo.registers import FILE_NAME, generate_registers, load_registers, write_registers
    from ivp.themes import load_taxonomy

    path = write_registers(
        generate_registers(store, ws.gemeente), ws.root / "bronnen" / FILE_NAME, naam=ws.naam
    )
    return load_registers(store, path, gemeente=ws.gemeente, taxonomy=load_taxonomy(ws.root))


def copy_focus_areas(ws: Workspace) -> None:
    """Put the demo's focus areas (``aandachtsgebieden.yaml``) in the workspace root, unless the
    workspace already has its own."""
    target = ws.root / FOCUS_FILE
    if not target.exists():
        shutil.copyfile(Path(str(resources.files("ivp.demo").joinpath(FOCUS_FILE))), target)


def copy_texts(ws: Workspace) -> None:
    """Copy the example narrative texts into the workspace; never overwrite the advisor's own files."""
    src = texts_dir()
    for path in sorted(src.rglob("*.md")):
        target = ws.teksten / path.relative_to(src)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
