"""The themes taxonomy: which crime and nuisance codes belong to which Veiligheidsbeeld theme and opgave.

The default ships as ``default.toml`` in this package; a workspace replaces it with ``thema's.toml`` in its
root (docs/themes.md). Loading validates the file and raises :class:`~ivp.lib.errors.ConfigError` naming the
file and the key. A code that maps to no theme is reported by :meth:`Taxonomy.unmapped`, never dropped;
totals (such as '0.0.0') are listed as totals and map to no theme.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ivp.lib.errors import ConfigError
from ivp.lib.i18n import _

#: File name of a workspace's own taxonomy (replaces the default completely).
WORKSPACE_FILE = "thema's.toml"
#: Accepted as well, for shells and systems that dislike the apostrophe.
WORKSPACE_FILE_ASCII = "themas.toml"
DEFAULT_FILE = "default.toml"


@dataclass(frozen=True)
class Theme:
    """A Veiligheidsbeeld theme, e.g. *Overlast in de woonomgeving*."""

    id: str
    naam: str
    opgave: str
    beschrijving: str


@dataclass(frozen=True)
class Opgave:
    """An overarching task of the IVP, e.g. *Veilige wijken*."""

    id: str
    naam: str


@dataclass(frozen=True)
class Scheme:
    """The codes of one category scheme: code -> theme ids (in file order) and the totals."""

    codes: Mapping[str, tuple[str, ...]]
    totals: frozenset[str]


@dataclass
class Taxonomy:
    """Themes, opgaven and the code mappings of every scheme."""

    themes: list[Theme]
    opgaven: list[Opgave]
    schemes: dict[str, Scheme] = field(default_factory=dict)
    source: str = DEFAULT_FILE

    def theme(self, theme_id: str) -> Theme:
        """Return the theme ``theme_id``; a ``KeyError`` lists the valid ids."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        valid = ", ".join(t.id for t in self.themes)
        raise KeyError(f"unknown theme {theme_id!r}; valid: {valid}")

    def opgave(self, opgave_id: str) -> Opgave:
        """Return the opgave ``opgave_id``; a ``KeyError`` lists the valid ids."""
        for opgave in self.opgaven:
            if opgave.id == opgave_id:
                return opgave
        valid = ", ".join(o.id for o in self.opgaven)
        raise KeyError(f"unknown opgave {opgave_id!r}; valid: {valid}")

    def themes_for(self, scheme: str, code: str) -> list[str]:
        """Theme ids of ``code`` in ``scheme`` (empty for totals and unmapped codes)."""
        found = self.schemes.get(scheme)
        return list(found.codes.get(code.strip(), ())) if found else []

    def codes_for(self, theme_id: str, scheme: str) -> list[str]:
        """Codes of ``scheme`` that belong to ``theme_id``, in taxonomy order."""
        self.theme(theme_id)
        found = self.schemes.get(scheme)
        if found is None:
            return []
        return [code for code, themes in found.codes.items() if theme_id in themes]

    def is_total(self, scheme: str, code: str) -> bool:
        """Whether ``code`` is a total in ``scheme`` (never added to its parts)."""
        found = self.schemes.get(scheme)
        return found is not None and code.strip() in found.totals

    def unmapped(self, scheme: str, codes: Iterable[str]) -> list[str]:
        """Codes (stripped, first-seen order, no repeats) that are neither mapped nor a total."""
        found = self.schemes.get(scheme)
        seen: dict[str, None] = {}
        for raw in codes:
            code = raw.strip()
            if found is None or (code not in found.codes and code not in found.totals):
                seen.setdefault(code, None)
        return list(seen)


def coverage_report(taxonomy: Taxonomy, scheme: str, codes: Iterable[str]) -> list[str]:
    """Dutch lines saying how the given codes of ``scheme`` map onto themes, unmapped codes last."""
    unique = list(dict.fromkeys(c.strip() for c in codes))
    totals = [c for c in unique if taxonomy.is_total(scheme, c)]
    missing = taxonomy.unmapped(scheme, unique)
    mapped = [c for c in unique if c not in totals and c not in missing]
    lines = [
        _(
            "{scheme}: {n} codes; {m} gekoppeld aan een thema, {t} totaal, {u} niet gekoppeld ({file})."
        ).format(
            scheme=scheme, n=len(unique), m=len(mapped), t=len(totals), u=len(missing), file=taxonomy.source
        )
    ]
    for theme in taxonomy.themes:
        in_theme = [c for c in taxonomy.codes_for(theme.id, scheme) if c in set(mapped)]
        if in_theme:
            lines.append(f"  {theme.naam}: {', '.join(in_theme)}")
    if missing:
        lines.append(_("Niet gekoppeld: {codes}.").format(codes=", ".join(missing)))
        lines.append(
            _("Volgende stap: voeg deze codes toe aan {file} in de werkmap (zie docs/themes.md).").format(
                file=WORKSPACE_FILE
            )
        )
    return lines


def load_taxonomy(workspace_root: Path | None = None) -> Taxonomy:
    """Load the workspace's ``thema's.toml`` if there is one, else the default taxonomy."""
    if workspace_root is not None:
        for name in (WORKSPACE_FILE, WORKSPACE_FILE_ASCII):
            path = workspace_root / name
            if path.is_file():
                return parse_taxonomy(path.read_text(encoding="utf-8"), str(path))
    text = resources.files("ivp.themes").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return parse_taxonomy(text, DEFAULT_FILE)


def parse_taxonomy(text: str, file: str) -> Taxonomy:
    """Parse and validate taxonomy TOML; ``file`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_describe_toml_error(text, file, exc)) from None
    opgaven = [
        Opgave(id=_str(o, "id", file, "opgave"), naam=_str(o, "naam", file, "opgave"))
        for o in _tables(data, "opgave", file)
    ]
    _unique_ids([o.id for o in opgaven], file, "opgave")
    opgave_ids = {o.id for o in opgaven}
    themes: list[Theme] = []
    for item in _tables(data, "thema", file):
        theme = Theme(
            id=_str(item, "id", file, "thema"),
            naam=_str(item, "naam", file, "thema"),
            opgave=_str(item, "opgave", file, "thema"),
            beschrijving=str(item.get("beschrijving", "")),
        )
        if theme.opgave not in opgave_ids:
            raise ConfigError(
                _("{file}: thema '{id}' hoort bij onbekende opgave '{opgave}'; kies uit: {valid}.").format(
                    file=file, id=theme.id, opgave=theme.opgave, valid=", ".join(sorted(opgave_ids))
                )
            )
        themes.append(theme)
    _unique_ids([t.id for t in themes], file, "thema")
    theme_ids = {t.id for t in themes}
    schemes: dict[str, Scheme] = {}
    raw_schemes = data.get("schema", {})
    if not isinstance(raw_schemes, dict):
        raise ConfigError(_("{file}: 'schema' moet een tabel zijn.").format(file=file))
    for name, body in raw_schemes.items():
        schemes[name] = _scheme(name, body, theme_ids, file)
    return Taxonomy(themes=themes, opgaven=opgaven, schemes=schemes, source=file)


def _scheme(name: str, body: Any, theme_ids: set[str], file: str) -> Scheme:
    if not isinstance(body, dict):
        raise ConfigError(_("{file}: [schema.{name}] moet een tabel zijn.").format(file=file, name=name))
    totals_raw = body.get("totalen", [])
    if not isinstance(totals_raw, list) or not all(isinstance(t, str) for t in totals_raw):
        raise ConfigError(
            _("{file}: schema.{name}.totalen moet een lijst van codes zijn.").format(file=file, name=name)
        )
    totals = [t.strip() for t in totals_raw]
    if len(set(totals)) != len(totals):
        dup = next(t for t in totals if totals.count(t) > 1)
        raise ConfigError(
            _("{file}: code '{code}' staat twee keer in schema.{name}.totalen.").format(
                file=file, code=dup, name=name
            )
        )
    codes_raw = body.get("codes", {})
    if not isinstance(codes_raw, dict):
        raise ConfigError(
            _("{file}: [schema.{name}.codes] moet een tabel zijn.").format(file=file, name=name)
        )
    codes: dict[str, tuple[str, ...]] = {}
    for raw_code, targets in codes_raw.items():
        code = raw_code.strip()
        key = f'schema.{name}.codes."{raw_code}"'
        if code in codes:
            raise ConfigError(
                _("{file}: {key}: code '{code}' staat er twee keer in.").format(file=file, key=key, code=code)
            )
        if code in totals:
            raise ConfigError(
                _("{file}: {key}: code '{code}' is al een totaal; een totaal hoort bij geen thema.").format(
                    file=file, key=key, code=code
                )
            )
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
            raise ConfigError(
                _("{file}: {key} moet een niet-lege lijst van thema-id's zijn.").format(file=file, key=key)
            )
        unknown = [t for t in targets if t not in theme_ids]
        if unknown:
            raise ConfigError(
                _("{file}: {key}: onbekend thema '{theme}'; kies uit: {valid}.").format(
                    file=file, key=key, theme=unknown[0], valid=", ".join(sorted(theme_ids))
                )
            )
        if len(set(targets)) != len(targets):
            raise ConfigError(_("{file}: {key}: een thema staat er twee keer in.").format(file=file, key=key))
        codes[code] = tuple(targets)
    return Scheme(codes=codes, totals=frozenset(totals))


def _describe_toml_error(text: str, file: str, exc: tomllib.TOMLDecodeError) -> str:
    """Name the line (and the key on it) of a TOML error, e.g. a code written twice."""
    match = re.search(r"line (\d+)", str(exc))
    if match:
        line_no = int(match.group(1))
        lines = text.splitlines()
        line = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
        key = line.split("=", 1)[0].strip() if "=" in line else line
        if "overwrite" in str(exc).lower() or "duplicate" in str(exc).lower():
            return _("{file}, regel {line}: sleutel {key} staat er twee keer in.").format(
                file=file, line=line_no, key=key
            )
        return _("{file}, regel {line} ({key}): ongeldige TOML: {error}").format(
            file=file, line=line_no, key=key, error=exc
        )
    return _("{file}: ongeldige TOML: {error}").format(file=file, error=exc)


def _tables(data: dict[str, Any], key: str, file: str) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ConfigError(_("{file}: verwacht een of meer [[{key}]]-tabellen.").format(file=file, key=key))
    return items


def _str(item: dict[str, Any], key: str, file: str, table: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            _("{file}: [[{table}]] mist '{key}' (tekst) bij {item}.").format(
                file=file, table=table, key=key, item=item.get("id", item)
            )
        )
    return value.strip()


def _unique_ids(ids: list[str], file: str, table: str) -> None:
    for index, value in enumerate(ids):
        if value in ids[:index]:
            raise ConfigError(
                _("{file}: [[{table}]] id '{id}' staat er twee keer in.").format(
                    file=file, table=table, id=value
                )
            )
