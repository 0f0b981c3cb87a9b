"""The one shape every source adapter has.

``fetch`` does I/O only and returns :class:`Raw` (the bytes, where they came from, when); ``parse`` is pure
and turns ``Raw`` into a validated :class:`~ivp.store.Batch` or raises :class:`~ivp.lib.errors.InputError`;
loading is the store's job (:meth:`ivp.store.Store.load`), atomic for every adapter alike.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ivp.lib.errors import InputError
from ivp.lib.files import sha256_bytes
from ivp.lib.i18n import _
from ivp.sources.regions import AreaIndex
from ivp.store import Batch, LoadResult, Store
from ivp.store.areas import area_names, boundaries, region_index

if TYPE_CHECKING:
    from ivp.themes import Taxonomy


@dataclass(frozen=True)
class Raw:
    """Fetched input: named byte blobs (one per file; a CBS folder has several) and their origin."""

    origin: str
    files: dict[str, bytes]
    retrieved_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None))
    dataset: str | None = None  # set when the caller names it (a CBS table id)
    #: Context from the workspace, filled by :func:`ingest` so ``parse`` stays pure: the workspace's
    #: municipality code and the loaded areas (names, hierarchy, boundaries) for the region resolver.
    gemeente: str | None = None
    areas: AreaIndex = field(default_factory=AreaIndex)
    #: The workspace's themes taxonomy (``thema's.toml``, else the default): classes and themes a
    #: workspace adds, so a new label or theme is a line in a file; None outside a workspace.
    taxonomy: Taxonomy | None = None

    def file_hash(self) -> str:
        """Hash over every file, in name order, so the same input always hashes the same."""
        parts = b"".join(
            name.encode() + b"\0" + sha256_bytes(data).encode() for name, data in sorted(self.files.items())
        )
        return sha256_bytes(parts)


class Adapter(Protocol):
    """A data source: ``id`` is what ``ivp ingest ID`` takes."""

    id: str
    title: str

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        """Read the input (file, folder or download). I/O only, no interpretation."""
        ...

    def parse(self, raw: Raw) -> Batch:
        """Turn raw input into a validated batch. Pure: no I/O."""
        ...


_REGISTRY: dict[str, Callable[[], Adapter]] = {}


def register(factory: Callable[[], Adapter]) -> Callable[[], Adapter]:
    """Register an adapter factory under its ``id`` (class decorator)."""
    adapter = factory()
    _REGISTRY[adapter.id] = factory
    return factory


def get(adapter_id: str) -> Adapter:
    """Return the adapter registered as ``adapter_id``; the error lists the valid ids."""
    _import_all()
    try:
        return _REGISTRY[adapter_id]()
    except KeyError:
        valid = ", ".join(sorted(_REGISTRY))
        raise InputError(
            code="unknown_source",
            message=_("onbekende bron '{id}'.").format(id=adapter_id),
            hint=_("kies een van: {valid}.").format(valid=valid),
        ) from None


def adapter_ids() -> list[str]:
    _import_all()
    return sorted(_REGISTRY)


def _import_all() -> None:
    # Importing the modules runs their @register decorators.
    import ivp.sources

    for module in pkgutil.iter_modules(ivp.sources.__path__):
        importlib.import_module(f"ivp.sources.{module.name}")


def ingest(
    store: Store,
    adapter_id: str,
    location: str | None,
    *,
    dataset: str | None = None,
    force: bool = False,
    gemeente: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> LoadResult:
    """Fetch, parse and load one input: the whole pipeline for ``ivp ingest``."""
    adapter = get(adapter_id)
    raw = adapter.fetch(location, dataset=dataset)
    raw = replace(raw, gemeente=gemeente, areas=area_index(store), taxonomy=taxonomy)
    batch = adapter.parse(raw)
    return store.load(batch, force=force)


def area_index(store: Store) -> AreaIndex:
    """What the region resolver needs from the store: regions, boundaries and every loaded name."""
    return AreaIndex(region_index(store), boundaries(store), area_names(store))


def fetch_file(location: str | None, *, example: str, dataset: str | None = None) -> Raw:
    """The ``fetch`` of every single-file adapter: read the named file into :class:`Raw`.

    ``example`` is shown in the hint when no file was named (e.g. ``ivp ingest geo buurten.geojson``).
    """
    if not location:
        raise InputError(
            code="file_missing",
            message=_("geen bestand opgegeven."),
            hint=_("geef het pad van het bestand, bijvoorbeeld: {example}").format(example=example),
        )
    path = Path(location)
    return Raw(origin=str(path.resolve()), files={path.name: read_file(path)}, dataset=dataset or path.name)


def read_file(path: Path) -> bytes:
    """Read a whole input file, or raise an :class:`InputError` that says what is wrong."""
    if not path.exists():
        raise InputError(
            code="file_missing",
            message=_("bestand bestaat niet."),
            file=str(path),
            hint=_("controleer het pad."),
        )
    if path.is_dir():
        raise InputError(
            code="is_directory",
            message=_("dit is een map, geen bestand."),
            file=str(path),
            hint=_("geef het pad van het bestand zelf."),
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(
            code="empty_file",
            message=_("het bestand is leeg."),
            file=str(path),
            hint=_("exporteer het bestand opnieuw."),
        )
    return data
