"""Reading ``aandachtsgebieden.yaml``: the YAML with the line of every key, checked field by field.

Each problem names the file, the line and the field and says how to fix it; all problems are collected
and raised together (:class:`FocusFileError`). The format is described in :mod:`ivp.reports.wijkscan.focus`
and docs/steering.md.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import yaml
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from ivp.lib.errors import FileProblemsError, LineError
from ivp.lib.i18n import _, ngettext

FILE_NAME = "aandachtsgebieden.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_KEYS = ("id", "naam", "buurten", "polygoon", "bestand", "toelichting")
_SHAPES = ("buurten", "polygoon", "bestand")
_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class FocusArea:
    """One entry of ``aandachtsgebieden.yaml``: a set of buurten, or a polygon (GeoJSON, WGS84)."""

    id: str
    naam: str
    buurten: tuple[str, ...]
    geometry: dict[str, Any] | None
    toelichting: str


class FocusError(LineError):
    """One problem in the focus-area file, pinned to a line and a field."""

    def __init__(
        self, code: str, message: str, *, file: str, line: int | None, field: str | None, hint: str | None
    ) -> None:
        super().__init__(code, message, file=file, field=field, hint=hint, line=line)


class FocusFileError(FileProblemsError):
    """``aandachtsgebieden.yaml`` with one or more problems; none of its areas is used."""

    problems: tuple[FocusError, ...]

    def __init__(self, problems: Sequence[FocusError], file: str) -> None:
        super().__init__(problems, file)

    def head(self, n: int) -> str:
        return ngettext(
            "{file} is niet ingelezen: {n} fout. Er is geen aandachtsgebied gebruikt.",
            "{file} is niet ingelezen: {n} fouten. Er is geen aandachtsgebied gebruikt.",
            n,
        ).format(file=self.file, n=n)


# -- reading the YAML with lines ------------------------------------------------------------------------


def _node_data(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Checks one file; collects :class:`FocusError` problems."""

    def __init__(self, path: Path, root: Path, buurten: Sequence[str] | None) -> None:
        self.path = path
        self.file = str(path)
        self.root = root
        self.buurten = None if buurten is None else sorted(set(buurten))
        self.problems: list[FocusError] = []

    def problem(self, code: str, message: str, line: int | None, field: str | None, hint: str) -> None:
        self.problems.append(
            FocusError(f"focus.{code}", message, file=self.file, line=line, field=field, hint=hint)
        )

    def read(self, text: str) -> tuple[FocusArea, ...]:
        example = _("zie docs/steering.md voor een voorbeeld.")
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problem(
                "yaml_syntax",
                _("geen geldige YAML: {problem}").format(problem=exc.problem or exc),
                int(mark.line) + 1 if mark else None,
                None,
                _("controleer inspringing en dubbele punten rond deze regel."),
            )
            return ()
        if root is None:
            return ()
        top = self._mapping(root)
        if top is None or "aandachtsgebieden" not in top:
            self.problem(
                "schema",
                _("het bestand begint niet met 'aandachtsgebieden:'."),
                _line(root),
                "aandachtsgebieden",
                _("zet de gebieden als lijst onder 'aandachtsgebieden:'; {example}").format(example=example),
            )
            return ()
        for key, (key_node, _value) in top.items():
            if key != "aandachtsgebieden":
                self.problem(
                    "unknown_key",
                    _("onbekende sleutel '{key}'.").format(key=key),
                    _line(key_node),
                    key,
                    _("alleen 'aandachtsgebieden' is toegestaan; verwijder deze sleutel."),
                )
        seq = top["aandachtsgebieden"][1]
        if isinstance(seq, yaml.ScalarNode) and seq.value in ("", "~", "null"):
            return ()
        if not isinstance(seq, yaml.SequenceNode):
            self.problem(
                "schema",
                _("'aandachtsgebieden' is geen lijst."),
                _line(seq),
                "aandachtsgebieden",
                _("begin elk gebied met '- id: ...'; {example}").format(example=example),
            )
            return ()
        out: list[FocusArea] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(seq.value):
            area = self._area(item, index)
            if area is None:
                continue
            if area.id in seen:
                self.problem(
                    "duplicate_id",
                    _("id '{id}' staat al op regel {first}.").format(id=area.id, first=seen[area.id]),
                    _line(item),
                    f"aandachtsgebieden[{index}].id",
                    _("geef elk aandachtsgebied een eigen id."),
                )
                continue
            seen[area.id] = _line(item)
            out.append(area)
        return tuple(out)

    def _mapping(self, node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            return None
        return {str(k.value): (k, v) for k, v in node.value}

    def _area(self, node: yaml.Node, index: int) -> FocusArea | None:
        base = f"aandachtsgebieden[{index}]"
        fields = self._mapping(node)
        if fields is None:
            self.problem(
                "schema",
                _("een aandachtsgebied is een blok met sleutels (id, naam, buurten of polygoon)."),
                _line(node),
                base,
                _("schrijf het als '- id: ...' met daaronder 'naam:' en 'buurten:' of 'polygoon:'."),
            )
            return None
        before = len(self.problems)
        for key, (key_node, _v) in fields.items():
            if key not in _KEYS:
                close = difflib.get_close_matches(key, _KEYS, n=1)
                self.problem(
                    "unknown_key",
                    _("onbekende sleutel '{key}'.").format(key=key),
                    _line(key_node),
                    f"{base}.{key}",
                    _("bedoelt u '{close}'?").format(close=close[0])
                    if close
                    else _("toegestaan zijn: {keys}.").format(keys=", ".join(_KEYS)),
                )
        ident = self._text(fields, "id", base, node, required=True)
        if ident and not _ID.match(ident):
            self.problem(
                "bad_id",
                _("id '{id}' mag alleen kleine letters, cijfers, '-' en '_' bevatten.").format(id=ident),
                _line(fields["id"][1]),
                f"{base}.id",
                _("bijvoorbeeld 'kromhout' of 'oud-krispijn'."),
            )
        naam = self._text(fields, "naam", base, node, required=True)
        toelichting = self._text(fields, "toelichting", base, node, required=False)
        given = [k for k in _SHAPES if k in fields]
        buurten: tuple[str, ...] = ()
        geometry: dict[str, Any] | None = None
        if not given:
            self.problem(
                "no_shape",
                _("het gebied heeft geen 'buurten', 'polygoon' of 'bestand'."),
                _line(node),
                base,
                _("geef een lijst buurtcodes (buurten: [BU...]) of een GeoJSON-polygoon."),
            )
        elif len(given) > 1:
            self.problem(
                "two_shapes",
                _("zowel {a} als {b} gegeven.").format(a=f"'{given[0]}'", b=f"'{given[1]}'"),
                _line(fields[given[1]][0]),
                f"{base}.{given[1]}",
                _("kies er één: een lijst buurten óf een polygoon óf een bestand."),
            )
        elif given[0] == "buurten":
            buurten = self._buurten(fields["buurten"][1], f"{base}.buurten")
        elif given[0] == "polygoon":
            value = fields["polygoon"][1]
            geometry = self._geometry(_node_data(value), _line(value), f"{base}.polygoon", None)
        else:
            geometry = self._file(fields["bestand"][1], f"{base}.bestand")
        if len(self.problems) > before or not ident or not naam:
            return None
        return FocusArea(ident, naam, buurten, geometry, toelichting)

    def _text(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        base: str,
        node: yaml.Node,
        *,
        required: bool,
    ) -> str:
        if key not in fields:
            if required:
                self.problem(
                    "missing",
                    _("'{key}' ontbreekt.").format(key=key),
                    _line(node),
                    f"{base}.{key}",
                    _("voeg '{key}: ...' toe aan dit gebied.").format(key=key),
                )
            return ""
        value = fields[key][1]
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            self.problem(
                "bad_text",
                _("'{key}' moet een (niet-lege) tekst zijn.").format(key=key),
                _line(value),
                f"{base}.{key}",
                _("schrijf bijvoorbeeld '{key}: Kromhout'.").format(key=key),
            )
            return ""
        return str(value.value).strip()

    def _buurten(self, node: yaml.Node, field: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(
                "bad_buurten",
                _("'buurten' moet een niet-lege lijst van buurtcodes zijn."),
                _line(node),
                field,
                _("schrijf bijvoorbeeld 'buurten: [BU05050301, BU05050302]'."),
            )
            return ()
        out: list[str] = []
        for item in node.value:
            code = str(getattr(item, "value", "")).strip().upper()
            if not re.fullmatch(r"BU\d{8}", code):
                self.problem(
                    "bad_buurt_code",
                    _("'{code}' is geen buurtcode.").format(code=code),
                    _line(item),
                    field,
                    _("een buurtcode is 'BU' met acht cijfers, bijvoorbeeld BU05050301."),
                )
            elif self.buurten is not None and code not in self.buurten:
                close = difflib.get_close_matches(code, self.buurten, n=3, cutoff=0.6)
                hint = (
                    _("bedoelt u {codes}?").format(codes=" of ".join(close))
                    if close
                    else _("laad de buurtgrenzen (ivp ingest geo ...) of controleer de code.")
                )
                self.problem(
                    "unknown_buurt",
                    _("buurt '{code}' ligt niet in de gemeente of is niet geladen.").format(code=code),
                    _line(item),
                    field,
                    hint,
                )
            elif code in out:
                self.problem(
                    "duplicate_buurt",
                    _("buurt '{code}' staat twee keer in de lijst.").format(code=code),
                    _line(item),
                    field,
                    _("verwijder de dubbele code."),
                )
            else:
                out.append(code)
        return tuple(out)

    def _file(self, node: yaml.Node, field: str) -> dict[str, Any] | None:
        name = str(getattr(node, "value", "")).strip()
        root = self.root.resolve()
        path = (root / name).resolve()
        if Path(name).is_absolute() or not path.is_relative_to(root):
            # Only files inside the workspace: the message (shown on the staff site too) says nothing
            # about files elsewhere on the server.
            self.problem(
                "file_outside_workspace",
                _("bestand '{name}' ligt niet in de werkmap.").format(name=name),
                _line(node),
                field,
                _(
                    "zet het bestand in de werkmap en geef het pad daarbinnen, bijvoorbeeld 'gebieden/leerpark.geojson'."
                ),
            )
            return None
        if not name or not path.is_file():
            self.problem(
                "missing_file",
                _("bestand '{name}' bestaat niet in de werkmap.").format(name=name),
                _line(node),
                field,
                _("geef het pad ten opzichte van de werkmap, bijvoorbeeld 'gebieden/leerpark.geojson'."),
            )
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem(
                "bad_file",
                _("bestand '{name}' is geen leesbare GeoJSON: {error}").format(name=name, error=exc),
                _line(node),
                field,
                _("sla de kaart op als GeoJSON (bijvoorbeeld met geojson.io of QGIS)."),
            )
            return None
        return self._geometry(data, _line(node), field, name)

    def _geometry(self, data: Any, line: int, field: str, name: str | None) -> dict[str, Any] | None:
        fix = _("geef een GeoJSON-geometrie van het type Polygon of MultiPolygon in WGS84 (lengte, breedte).")
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
            feats = data.get("features") or []
            parts = [f.get("geometry") for f in feats if isinstance(f, dict)]
            geoms = [self._shape(p, line, field, fix) for p in parts]
            if not parts or any(g is None for g in geoms):
                if not parts:
                    self.problem("bad_polygon", _("de FeatureCollection is leeg."), line, field, fix)
                return None
            return self._checked(shapely.union_all([g for g in geoms if g is not None]), line, field, fix)
        geom = self._shape(data, line, field, fix)
        return None if geom is None else self._checked(geom, line, field, fix)

    def _shape(self, data: Any, line: int, field: str, fix: str) -> BaseGeometry | None:
        if not isinstance(data, dict) or data.get("type") not in _POLYGONAL:
            kind = data.get("type") if isinstance(data, dict) else type(data).__name__
            self.problem(
                "bad_polygon",
                _("geen GeoJSON-polygoon (type {kind}).").format(kind=kind or "?"),
                line,
                field,
                fix,
            )
            return None
        try:
            geom = shape(data)
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            self.problem(
                "bad_polygon",
                _("de coördinaten vormen geen polygoon: {error}").format(error=exc),
                line,
                field,
                fix,
            )
            return None
        return geom

    def _checked(self, geom: BaseGeometry, line: int, field: str, fix: str) -> dict[str, Any] | None:
        if geom.is_empty:
            self.problem("bad_polygon", _("de polygoon is leeg."), line, field, fix)
            return None
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            rd = min(minx, miny) > 1000
            self.problem(
                "not_wgs84",
                _("de coördinaten liggen buiten WGS84 (lengte -180..180, breedte -90..90).")
                + (" " + _("Ze lijken in RD (EPSG:28992) te staan.") if rd else ""),
                line,
                field,
                _("zet de coördinaten om naar WGS84 (EPSG:4326): eerst lengte, dan breedte."),
            )
            return None
        if not geom.is_valid:
            self.problem(
                "invalid_polygon",
                _("de polygoon is ongeldig: {reason}.").format(reason=shapely.is_valid_reason(geom)),
                line,
                field,
                _(
                    "teken de rand opnieuw zonder dat die zichzelf snijdt, en sluit de ring (eerste punt = laatste)."
                ),
            )
            return None
        return dict(mapping(geom))


def read_focus_file(path: Path, root: Path, buurten: Sequence[str] | None) -> tuple[FocusArea, ...]:
    """Parse and check the focus-area file at ``path`` (``bestand`` paths relative to ``root``).

    ``buurten``: the known buurt codes to check against, or None to skip that check.
    """
    reader = _Reader(path, root, buurten)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reader.problem(
            "unreadable",
            _("kan het bestand niet lezen: {error}").format(error=exc),
            None,
            None,
            _("sla het op als UTF-8."),
        )
        text = ""
    areas = reader.read(text)
    if reader.problems:
        raise FocusFileError(reader.problems, str(path))
    return areas
