"""De-identification of free text with deduce (Dutch), plus Dutch licence plates, which deduce lacks.

deduce finds person names, street addresses and places, phone numbers, e-mail addresses, URLs and
BSNs. Its lookup structures take about two minutes of CPU to build and ~10 s to load. deduce itself
writes its cache without a lock or an atomic rename and only treats a missing file as "no cache", so a
half-written file made every staff page fail. Here the cache is built once, under a file lock, written
atomically (temporary file, fsync, ``os.replace``) with a sidecar holding its size and SHA-256, and
verified on load; anything wrong with it is rebuilt (ADR 0007).

The cache lives in ``IVP_DEID_CACHE_DIR`` (``<dir>/cache/lookup_structs.pickle``), by default deduce's
own lookup directory in the installed package, so one build serves every workspace of an install.
Build or verify it with ``python -m ivp.web.meldingen.deid --build``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import pickle
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ivp.lib.files import sha256_file, write_atomic

log = logging.getLogger(__name__)

_lock = threading.Lock()
_instance: Any = None
_ready = threading.Event()
_failed: str | None = None

CACHE_SUBDIR = "cache"
CACHE_FILE = "lookup_structs.pickle"
SIDECAR_SUFFIX = ".ivp.json"
LOCK_FILE = "lookup_structs.lock"

# Dutch licence plates: the sidecodes in use since 1951 (letter/number groups of 2-2-2, 2-3-1, 1-3-2, ...).
_PLATE = re.compile(
    r"\b(?:[A-Z]{2}-?\d{2}-?\d{2}|\d{2}-?\d{2}-?[A-Z]{2}|\d{2}-?[A-Z]{2}-?\d{2}|[A-Z]{2}-?\d{2}-?[A-Z]{2}"
    r"|[A-Z]{2}-?[A-Z]{2}-?\d{2}|\d{2}-?[A-Z]{2}-?[A-Z]{2}|\d{2}-?[A-Z]{3}-?\d|\d-?[A-Z]{3}-?\d{2}"
    r"|[A-Z]{2}-?\d{3}-?[A-Z]|[A-Z]-?\d{3}-?[A-Z]{2}|[A-Z]{3}-?\d{2}-?[A-Z]|\d-?[A-Z]{2}-?\d{3})\b",
    re.IGNORECASE,
)


class DeidentificationUnavailableError(Exception):
    """De-identification is not loaded (yet) in this process; staff pages answer 503."""


def lookup_data_path() -> Path:
    """Return deduce's own lookup lists (inside the installed package)."""
    import deduce.deduce

    return Path(deduce.deduce._LOOKUP_LIST_PATH)


def cache_dir() -> Path:
    """Return the configured cache directory: ``IVP_DEID_CACHE_DIR``, else deduce's lookup directory."""
    from django.conf import settings

    configured: Path | None = None
    if settings.configured:
        configured = getattr(settings, "DEID_CACHE_DIR", None)
    else:  # ``--build`` without Django settings (scripts/check): the same variable, read directly
        value = os.environ.get("IVP_DEID_CACHE_DIR")
        configured = Path(value).expanduser() if value else None
    return configured if configured is not None else lookup_data_path()


def cache_file(base: Path) -> Path:
    return base / CACHE_SUBDIR / CACHE_FILE


def _version() -> str:
    import deduce

    return str(deduce.__version__)


@contextlib.contextmanager
def _file_lock(base: Path) -> Iterator[None]:
    (base / CACHE_SUBDIR).mkdir(parents=True, exist_ok=True)
    with (base / CACHE_SUBDIR / LOCK_FILE).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _atomic_write(path: Path, data: bytes) -> None:
    # 0644: a server running as another user must read it; the folder is synced so the rename survives.
    write_atomic(path, data, mode=0o644, sync_dir=True)


def _write_sidecar(base: Path) -> None:
    f = cache_file(base)
    meta = {"deduce_version": _version(), "size": f.stat().st_size, "sha256": sha256_file(f)}
    _atomic_write(f.with_name(f.name + SIDECAR_SUFFIX), json.dumps(meta).encode())


def cache_is_valid(base: Path) -> bool:
    """Return whether the cache file matches its sidecar (deduce version, size, SHA-256)."""
    f = cache_file(base)
    try:
        meta = json.loads(f.with_name(f.name + SIDECAR_SUFFIX).read_text())
        return bool(
            meta["deduce_version"] == _version()
            and f.stat().st_size == meta["size"]
            and sha256_file(f) == meta["sha256"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _loads_cleanly(base: Path) -> bool:
    """Unpickle the cache (any exception means corrupt) and check deduce's own metadata."""
    try:
        with cache_file(base).open("rb") as fh:
            cache = pickle.load(fh)  # noqa: S301 - our own file, written by this module or deduce
        return bool(cache["deduce_version"] == _version() and "lookup_structs" in cache)
    except Exception:
        return False


def _build(base: Path) -> None:
    from deduce import lookup_structs
    from deduce.deduce import Deduce

    data = lookup_data_path()
    structs = lookup_structs.get_lookup_structs(
        lookup_path=data,
        cache_path=base,
        tokenizer=Deduce._initialize_tokenizer(data),
        deduce_version=_version(),
        build=True,
        save_cache=False,
    )
    payload = {"deduce_version": _version(), "saved_datetime": str(datetime.now()), "lookup_structs": structs}
    _atomic_write(cache_file(base), pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    _write_sidecar(base)


def ensure_cache(base: Path | None = None, *, echo: Callable[[str], None] | None = None) -> bool:
    """Build the lookup cache in ``base`` unless a verified one is there; return whether it was built.

    Processes that call this at the same time wait on one file lock; the first builds, the others then
    find a valid cache.
    """
    from ivp.lib.i18n import _

    base = base or cache_dir()
    say = echo or log.info
    if cache_is_valid(base):
        return False
    with _file_lock(base):
        if cache_is_valid(base):  # another process built it while we waited
            return False
        if cache_file(base).exists() and _loads_cleanly(base):
            _write_sidecar(base)  # a good cache from deduce itself or an older ivp: keep it
            return False
        say(
            _(
                "De-identificatie: opzoektabellen worden opgebouwd in {path} (eenmalig, 1-2 minuten) ..."
            ).format(path=cache_file(base))
        )
        start = time.monotonic()
        _build(base)
        say(_("De-identificatie: opzoektabellen klaar in {s:.0f} s.").format(s=time.monotonic() - start))
        return True


def _make(base: Path) -> Any:
    from deduce import Deduce

    ensure_cache(base)
    try:
        return Deduce(lookup_data_path=lookup_data_path(), cache_path=base)
    except Exception:
        log.exception("deduce could not load its cache in %s; rebuilding", base)
        with _file_lock(base):
            cache_file(base).unlink(missing_ok=True)
        ensure_cache(base)
        return Deduce(lookup_data_path=lookup_data_path(), cache_path=base)


def load(base: Path | None = None) -> Any:
    """Load deduce in this process (building or repairing its cache if needed) and mark it ready."""
    global _instance, _failed
    with _lock:
        if _instance is None:
            try:
                _instance = _make(base or cache_dir())
            except Exception as exc:
                _failed = f"{type(exc).__name__}: {exc}"
                log.exception("de-identification could not be loaded")
                raise
            _failed = None
            _ready.set()
        return _instance


def load_in_background() -> threading.Thread:
    """Start loading deduce in a daemon thread (gunicorn workers at boot); see :func:`is_ready`."""

    def target() -> None:
        with contextlib.suppress(Exception):
            load()

    thread = threading.Thread(target=target, name="ivp-deid-load", daemon=True)
    thread.start()
    return thread


def is_ready() -> bool:
    return _ready.is_set()


def failure() -> str | None:
    """The error of the last failed load in this process, if any."""
    return _failed


def _deduce() -> Any:
    if _instance is not None:
        return _instance
    if _background_started():
        # A worker loads at boot; a request does not load a second copy, it waits briefly, then gets a 503.
        if not _ready.wait(timeout=5):
            raise DeidentificationUnavailableError
        return _instance
    try:
        return load()
    except Exception as exc:
        raise DeidentificationUnavailableError from exc


def _background_started() -> bool:
    return any(t.name == "ivp-deid-load" and t.is_alive() for t in threading.enumerate())


def _plates(text: str) -> str:
    return _PLATE.sub("[KENTEKEN]", text)


def deidentify(text: str) -> str:
    """Return ``text`` with names, contact details, addresses and licence plates replaced by tags.

    Raises :class:`DeidentificationUnavailableError` while deduce is not loaded in this process.
    """
    if not text.strip():
        return text
    result = _deduce().deidentify(_plates(text), disabled={"dates", "age"})
    return str(result.deidentified_text)


def main(argv: list[str] | None = None) -> int:
    """``python -m ivp.web.meldingen.deid --build [DIR]``: build or verify the cache, print where it is."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "--build":
        print("usage: python -m ivp.web.meldingen.deid --build [DIR]", file=sys.stderr)
        return 2
    base = Path(args[1]) if len(args) > 1 else cache_dir()
    start = time.monotonic()
    built = ensure_cache(base, echo=print)
    state = "built" if built else "valid"
    print(f"deduce lookup cache {state}: {cache_file(base)} ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
