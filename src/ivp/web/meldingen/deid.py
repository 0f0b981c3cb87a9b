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
import functools
import json
import logging
import os
import pickle
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ivp.lib.files import sha256_file, write_atomic

# The rules live in deid_rules; these names are used here and by the tests through this module.
from ivp.web.meldingen.deid_rules import (
    _PRIORITY,
    _STREET_WORD,
    _UNNUMBERED,
    _WORD,
    Span,
    _absorb_iban_heads,
    _map_back,
    _names,
    _normalise,
    _streets,
    lookup_data_path,
    rule_spans,
)

log = logging.getLogger(__name__)

_lock = threading.Lock()
_instance: Any = None
_ready = threading.Event()
_failed: str | None = None

CACHE_SUBDIR = "cache"
CACHE_FILE = "lookup_structs.pickle"
SIDECAR_SUFFIX = ".ivp.json"
LOCK_FILE = "lookup_structs.lock"


class DeidentificationUnavailableError(Exception):
    """De-identification is not loaded (yet) in this process; staff pages answer 503."""


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


# ---- merging with deduce ------------------------------------------------------------------------------


def _keep_variants(name: str) -> set[str]:
    """Forms of a buurt name that residents write: "Krispijnse Driehoek", "Crabbehof" for "Crabbehof-Noord"."""
    name = re.sub(r"^Wijk\s+\d+\s+", "", name.strip(), flags=re.IGNORECASE)  # "Wijk 03 Oud Krispijn"
    out = {name}
    base = re.sub(r"\s+en\s+omgeving\b.*$", "", name).strip()
    out.add(base)
    out.update(p.strip() for p in re.split(r"\s+en\s+|\s+-\s+|/", base) if p.strip())
    for part in list(out):
        bare = re.sub(r"^(?:het|de|'t)\s+", "", part, flags=re.IGNORECASE)  # "Het Reeland"
        out.add(bare)
        quarter = re.match(r"^(?:oud|nieuw|groot|klein)[- ](.+)$", bare, flags=re.IGNORECASE)
        if quarter:
            out.add(quarter.group(1))  # "Oud Krispijn" -> "Krispijn"
    for part in list(out):
        stem = re.sub(r"[- ](?:Noord|Zuid|Oost|West|Midden|Beneden|I{1,3}V?|IV|\d.*)$", "", part)
        out.add(stem)
        for token in stem.split():
            if token.endswith("se") and len(token) > 5 and token[:1].isupper():
                out.add(token[:-2])  # Krispijnse -> Krispijn, Dordtse -> Dordt
                out.add(token)
    return {o.lower() for o in out if len(o) > 2}


# Shop names residents use to say where something happened ("voor de Albert Heijn").
_KEEP_ALWAYS = ("Albert Heijn", "Dirk van den Broek", "Jumbo", "Lidl", "Aldi", "Kruidvat", "Action", "Hema")


@functools.cache
def _configured_keep() -> frozenset[str]:
    """Buurt and wijk names of the municipality served (when Django is set up), and :data:`_KEEP_ALWAYS`."""
    from django.conf import settings

    names: list[str] = list(_KEEP_ALWAYS)
    if not settings.configured:
        return keep_names(names)
    try:
        from ivp.web.meldingen.regions import region_map

        names += [b.naam for b in region_map().buurten]
        workspace = settings.WORKSPACE
        if workspace is not None and workspace.store_path.exists():
            from ivp.store import Store
            from ivp.store.areas import areas

            with Store(workspace.store_path, read_only=True) as store:
                names += [str(n) for n in areas(store, workspace.gemeente, ("wijk",))["name"]]
    except Exception:  # no workspace, no GeoJSON: keep what was found
        log.warning("buurt names for de-identification not available", exc_info=True)
    return keep_names(names)


def keep_names(names: Iterable[str]) -> frozenset[str]:
    """The lower-case forms of the given buurt or place names that stay in de-identified text."""
    first, _s, _i, _w = _names()
    out: set[str] = set()
    for name in names:
        # A name as the municipality spells it stays, even "Krispijn": the name itself, without "Wijk 03",
        # with a hyphen for a space, and without "Oud"/"Nieuw".
        full = re.sub(r"^Wijk\s+\d+\s+", "", name.strip(), flags=re.IGNORECASE)
        quarter = re.match(r"^(?:oud|nieuw|groot|klein)[- ](.+)$", full, flags=re.IGNORECASE)
        for form in (full, full.replace(" ", "-"), quarter.group(1) if quarter else ""):
            if len(form) > 2:
                out.add(form.lower())
        out.update(v for v in _keep_variants(name) if v not in first)  # derived forms: not first names
    return frozenset(out)


def _keep_hits(text: str, keep: frozenset[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    hits: list[tuple[int, int]] = []
    for name in keep:
        if name in lowered:
            hits.extend(
                (m.start(), m.end()) for m in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", lowered)
            )
    return hits


def _deduce_spans(text: str) -> list[Span]:
    doc = _deduce().deidentify(text, disabled={"dates", "age", "placename", "redactor"})
    spans = []
    for ann in doc.annotations:
        tag = str(ann.tag).split("+")[0] if str(ann.tag) not in _PRIORITY else str(ann.tag)
        tag = {"patient": "persoon", "straat": "locatie"}.get(tag, tag)
        spans.append(Span(ann.start_char, ann.end_char, tag))
    return spans


def _without_kept(text: str, spans: list[Span], keep_hits: list[tuple[int, int]]) -> list[Span]:
    """Name spans that overlap a kept buurt, wijk or shop name lose that part."""
    streets, _n = _streets()
    out: list[Span] = []
    for span in spans:
        words = _WORD.findall(text[span.start : span.end])
        if (
            span.tag == "persoon"
            and words
            and _STREET_WORD.match(words[-1])
            and " ".join(words).lower() in streets
        ):
            continue  # a street named after someone ("Admiraal de Ruyterweg") without a number stays
        if span.tag == "persoon" and any(s < span.end and span.start < e for s, e in keep_hits):
            out.extend(_outside_keep(text, span.start, span.end, keep_hits))
        else:
            out.append(span)
    return out


def _outside_keep(text: str, start: int, end: int, keep_hits: list[tuple[int, int]]) -> Iterator[Span]:
    """The parts of a deduce name outside kept names ("Albert Heijn aan de Voorstraat"), unless what is
    left is only interfixes, common words and a street name."""
    _first, _s, interfixes, white = _names()
    streets, _n = _streets()
    small = {p for i in interfixes for p in i.split()}
    inside = [False] * (end - start)
    for s, e in keep_hits:
        for k in range(max(s, start), min(e, end)):
            inside[k - start] = True
    k = 0
    while k < len(inside):
        if inside[k]:
            k += 1
            continue
        j = k
        while j < len(inside) and not inside[j]:
            j += 1
        piece = text[start + k : start + j]
        words = [w for w in _WORD.findall(piece) if w.lower() not in small and w.lower() not in white]
        rest = " ".join(words).lower()
        if words and not (rest in streets or all(_STREET_WORD.match(w) for w in words)):
            m0 = len(piece) - len(piece.lstrip())
            m1 = len(piece.rstrip())
            yield Span(start + k + m0, start + k + m1, "persoon")
        k = j


def _propagate_names(text: str, spans: list[Span], keep: frozenset[str]) -> list[Span]:
    """Every other occurrence, in any case, of a word already taken for part of a name."""
    _first, _s, interfixes, white = _names()
    small = {p for i in interfixes for p in i.split()}
    tokens = {
        w.lower()
        for s in spans
        if s.tag == "persoon"
        for w in _WORD.findall(text[s.start : s.end])
        if len(w) > 2 and w.lower() not in white and w.lower() not in small and w.lower() not in keep
    }
    out = []
    for m in _WORD.finditer(text):
        if m.group().lower() in tokens:
            out.append(Span(m.start(), m.end(), "persoon"))
    return out


def _merge(text: str, spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, with the tag of highest priority; spans of one tag that touch or are
    separated only by a separator ("gz" "-" "123") too, so one value gives one tag."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            tag = max((last.tag, span.tag), key=lambda t: _PRIORITY.get(t, 0))
            merged[-1] = Span(last.start, max(last.end, span.end), tag)
        elif (
            merged
            and merged[-1].tag == span.tag
            and re.fullmatch(r"[ .\-]?[ .]?", _normalise(text[merged[-1].end : span.start])[0])
        ):
            merged[-1] = Span(merged[-1].start, span.end, span.tag)
        else:
            merged.append(span)
    return merged


def find_spans(text: str, keep: frozenset[str] | None = None) -> list[Span]:
    """The merged spans of ``text`` that :func:`deidentify` replaces (deduce plus this module's rules).

    Everything runs on the normalised view (:func:`_normalise`); the spans are mapped back to ``text``.
    """
    keep = _configured_keep() if keep is None else keep
    if text.isascii():  # nothing to normalise (the common case)
        return _find_view_spans(text, keep)
    view, starts, ends = _normalise(text)
    return _map_back(_find_view_spans(view, keep), starts, ends)


def _find_view_spans(text: str, keep: frozenset[str]) -> list[Span]:
    hits = _keep_hits(text, keep)
    spans = _without_kept(text, _deduce_spans(text) + rule_spans(text), hits)
    spans += _without_kept(text, _propagate_names(text, spans, keep), hits)
    return _merge(text, _absorb_iban_heads(text, spans))


def redact(text: str, spans: list[Span]) -> str:
    """Replace each span by ``[TAG-n]``; the same text (edit distance 0, any case, normalised: a full-width
    or zero-width-split number is the same number) keeps its number. Overlapping or adjacent spans of one
    tag give one tag (:func:`_merge`)."""
    numbers: dict[str, dict[str, int]] = {}
    out: list[str] = []
    pos = 0
    for span in _merge(text, spans):
        tag = span.tag.upper()
        if span.tag in _UNNUMBERED:
            label = f"[{tag}]"
        else:
            seen = numbers.setdefault(tag, {})
            key = re.sub(r"\W", "", _normalise(text[span.start : span.end])[0].lower())
            label = f"[{tag}-{seen.setdefault(key, len(seen) + 1)}]"
        out.append(text[pos : span.start])
        out.append(label)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def deidentify(text: str, keep: frozenset[str] | None = None) -> str:
    """Return ``text`` with names, contact details, addresses, plates, IBANs, BSNs, dates of birth and
    social media handles replaced by tags; place, buurt and bare street names stay.

    ``keep``: lower-case buurt/place names that stay even where deduce takes them for a name (default:
    the buurten of the configured region map). Raises :class:`DeidentificationUnavailableError` while
    deduce is not loaded in this process.
    """
    if not text.strip():
        return text
    return redact(text, find_spans(text, keep))


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
