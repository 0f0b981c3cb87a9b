"""The themes taxonomy: which crime and nuisance codes belong to which Veiligheidsbeeld theme and opgave.

The default ships as ``default.toml`` in this package; a workspace's ``thema's.toml`` in its root either
replaces it (a file with its own ``[[opgave]]``/``[[thema]]`` tables) or adds to it (a file with only
``[schema.*]`` tables, e.g. one class of police nuisance; docs/themes.md). Loading validates the file and raises :class:`~ivp.lib.errors.ConfigError` naming the
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

#: File name of a workspace's own taxonomy (replaces the default, or adds to it: see :func:`load_taxonomy`).
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
class SchemeClass:
    """A class a taxonomy file adds to a scheme (``[schema.NAME.klassen]``): its code and labels.

    ``label`` is the title stored for the code; ``labels`` are other names a file may use for it. The
    adapter of the scheme accepts the code and every label (``politie-overlast`` reads these).
    """

    code: str
    label: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scheme:
    """The codes of one category scheme: code -> theme ids (in file order), the totals, added classes."""

    codes: Mapping[str, tuple[str, ...]]
    totals: frozenset[str]
    classes: Mapping[str, SchemeClass] = field(default_factory=dict)


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
    """Load the workspace's ``thema's.toml`` if there is one, else the default taxonomy.

    A workspace file with ``[[opgave]]`` or ``[[thema]]`` tables replaces the default completely. A file
    with only ``[schema.NAME]`` tables adds to the default: its codes, totals and classes are added to the
    default's schemes, and a code it maps replaces the default's mapping of that code.
    """
    default = resources.files("ivp.themes").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    if workspace_root is not None:
        for name in (WORKSPACE_FILE, WORKSPACE_FILE_ASCII):
            path = workspace_root / name
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                data = _toml(text, str(path))
                if "opgave" in data or "thema" in data:
                    return _build(data, str(path))
                merged = _extend(_toml(default, DEFAULT_FILE), data, str(path))
                return _build(merged, str(path), source=f"{DEFAULT_FILE} + {path}")
    return parse_taxonomy(default, DEFAULT_FILE)


def parse_taxonomy(text: str, file: str) -> Taxonomy:
    """Parse and validate taxonomy TOML; ``file`` names it in errors."""
    return _build(_toml(text, file), file)


def _toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_describe_toml_error(text, file, exc)) from None


def _extend(base: dict[str, Any], extra: dict[str, Any], file: str) -> dict[str, Any]:
    """The default's TOML data with a workspace file's ``[schema.*]`` tables added (the workspace wins)."""
    unknown = [k for k in extra if k != "schema"]
    if unknown:
        raise ConfigError(
            _("{file}: onbekende sleutel '{key}'; een aanvulling op de standaardindeling bevat alleen "
              "[schema.NAAM]-tabellen, een volledige indeling ook [[opgave]] en [[thema]].").format(
                file=file, key=unknown[0]
            )
        )  # fmt: skip
    schemes = extra.get("schema", {})
    if not isinstance(schemes, dict):
        raise ConfigError(_("{file}: 'schema' moet een tabel zijn.").format(file=file))
    merged: dict[str, Any] = dict(base.get("schema", {}))
    for name, body in schemes.items():
        if not isinstance(body, dict):
            raise ConfigError(_("{file}: [schema.{name}] moet een tabel zijn.").format(file=file, name=name))
        old = dict(merged.get(name, {}))
        new = dict(old)
        ours = {str(k).strip() for k in (*_keys(body, "codes"), *_mapped_classes(body))}
        new["codes"] = {k: v for k, v in _items(old, "codes") if k.strip() not in ours}
        new["codes"].update(_items(body, "codes"))
        new["klassen"] = {**dict(_items(old, "klassen")), **dict(_items(body, "klassen"))}
        totals = body.get("totalen", [])
        if totals:
            new["totalen"] = [
                *old.get("totalen", []),
                *(t for t in totals if t not in old.get("totalen", [])),
            ]
        for key, value in body.items():
            mergeable = isinstance(value, list) if key == "totalen" else isinstance(value, dict)
            if key not in ("codes", "klassen", "totalen") or not mergeable:
                new[key] = value  # not merged: validated (and refused) as the workspace wrote it
        merged[name] = new
    return {**base, "schema": merged}


def _keys(body: dict[str, Any], key: str) -> list[str]:
    return [k for k, _v in _items(body, key)]


def _items(body: dict[str, Any], key: str) -> list[tuple[str, Any]]:
    value = body.get(key, {})
    return list(value.items()) if isinstance(value, dict) else []


def _mapped_classes(body: dict[str, Any]) -> list[str]:
    """Codes of ``klassen`` entries that name their themes (they replace the default's mapping)."""
    return [k for k, v in _items(body, "klassen") if isinstance(v, dict) and "themas" in v]


def _build(data: dict[str, Any], file: str, *, source: str | None = None) -> Taxonomy:
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
    return Taxonomy(themes=themes, opgaven=opgaven, schemes=schemes, source=source or file)


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
    classes = _classes(name, body.get("klassen", {}), codes, totals, theme_ids, file)
    return Scheme(codes=codes, totals=frozenset(totals), classes=classes)


def _classes(
    name: str,
    raw: Any,
    codes: dict[str, tuple[str, ...]],
    totals: list[str],
    theme_ids: set[str],
    file: str,
) -> dict[str, SchemeClass]:
    """Validate ``[schema.NAME.klassen]``: code = { label = "...", labels = [...], themas = [...] }.

    A class with ``themas`` is also mapped (added to ``codes``); without, its themes come from
    ``[schema.NAME.codes]``, or it is reported as unmapped like any code.
    """
    example = _('"E37" = { label = "Overlast door verkeer", themas = ["overlast"] }')
    if not isinstance(raw, dict):
        raise ConfigError(
            _("{file}: [schema.{name}.klassen] moet een tabel zijn, bijvoorbeeld {example}").format(
                file=file, name=name, example=example
            )
        )
    classes: dict[str, SchemeClass] = {}
    seen: dict[str, str] = {}
    for raw_code, body in raw.items():
        code = raw_code.strip()
        key = f'schema.{name}.klassen."{raw_code}"'
        if not code or code in classes:
            raise ConfigError(
                _("{file}: {key}: code '{code}' staat er twee keer in.").format(file=file, key=key, code=code)
                if code
                else _("{file}: {key}: de code is leeg.").format(file=file, key=key)
            )
        if not isinstance(body, dict):
            raise ConfigError(
                _("{file}: {key} moet een tabel zijn, bijvoorbeeld {example}").format(
                    file=file, key=key, example=example
                )
            )
        unknown = sorted(set(body) - {"label", "labels", "themas"})
        if unknown:
            raise ConfigError(
                _("{file}: {key}: onbekende sleutel '{field}'; gebruik label, labels en themas.").format(
                    file=file, key=key, field=unknown[0]
                )
            )
        label = body.get("label")
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(
                _("{file}: {key}: 'label' (de omschrijving van de klasse, tekst) ontbreekt; bijvoorbeeld "
                  "{example}").format(file=file, key=key, example=example)
            )  # fmt: skip
        labels = body.get("labels", [])
        if not isinstance(labels, list) or not all(isinstance(t, str) and t.strip() for t in labels):
            raise ConfigError(
                _("{file}: {key}: 'labels' moet een lijst van omschrijvingen (tekst) zijn.").format(
                    file=file, key=key
                )
            )
        names = [label.strip(), *(t.strip() for t in labels)]
        for text in names:
            other = seen.get(text.casefold())
            if other is not None and other != code:
                raise ConfigError(
                    _("{file}: {key}: omschrijving '{label}' hoort al bij klasse '{other}'.").format(
                        file=file, key=key, label=text, other=other
                    )
                )
            seen[text.casefold()] = code
        if "themas" in body:
            themes = _class_themes(body["themas"], key, theme_ids, file)
            if code in totals:
                raise ConfigError(
                    _("{file}: {key}: code '{code}' is een totaal; een totaal hoort bij geen thema.").format(
                        file=file, key=key, code=code
                    )
                )
            if code in codes and codes[code] != themes:
                raise ConfigError(
                    _("{file}: {key}: code '{code}' staat ook in [schema.{name}.codes] met andere thema's; "
                      "noem de thema's op één plek.").format(file=file, key=key, code=code, name=name)
                )  # fmt: skip
            codes[code] = themes
        classes[code] = SchemeClass(code=code, label=names[0], labels=tuple(names[1:]))
    return classes


def _class_themes(value: Any, key: str, theme_ids: set[str], file: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise ConfigError(
            _("{file}: {key}: 'themas' moet een niet-lege lijst van thema-id's zijn.").format(
                file=file, key=key
            )
        )
    unknown = [t for t in value if t not in theme_ids]
    if unknown:
        raise ConfigError(
            _("{file}: {key}: onbekend thema '{theme}'; kies uit: {valid}.").format(
                file=file, key=key, theme=unknown[0], valid=", ".join(sorted(theme_ids))
            )
        )
    if len(set(value)) != len(value):
        raise ConfigError(_("{file}: {key}: een thema staat er twee keer in.").format(file=file, key=key))
    return tuple(value)


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
