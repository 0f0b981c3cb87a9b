"""The rules of the register, over a located tree that the YAML and xlsx readers (and the web form) build.

A :class:`Node` is a value with the line and field the user finds it by. :class:`Checker` turns nodes into
:class:`~ivp.interventions.model.Intervention` objects and collects every problem as an
:class:`~ivp.interventions.errors.InterventionError`; a caller raises them together.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Collection, Sequence
from typing import Any

from ivp.interventions import geo
from ivp.interventions.errors import InterventionError
from ivp.interventions.model import SOORT_ALIASES, SOORTEN, VERGELIJKINGEN, Gebied, Intervention, Periode
from ivp.interventions.nodes import Node, unwrap
from ivp.lib import cells
from ivp.lib.i18n import _

FORMAT_VERSION = 1

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BUURT_PATTERN = re.compile(r"^BU\d{8}$")
#: A CBS crime type (``1.2.3``, ``2.6.10``).
CBS_PATTERN = re.compile(r"^\d\.\d{1,2}\.\d{1,2}$")
#: A police nuisance code (``E35``, ``F010``, ``M061``) or incident code (``A72``, ``F5295``).
POLICE_PATTERN = re.compile(r"^[A-Z]\d{2,4}$")
GEMEENTE_PATTERN = re.compile(r"^(GM)?\d{4}$")

TOP_KEYS = ("versie", "gemeente", "interventies")
KEYS = (
    "id",
    "naam",
    "soort",
    "gebied",
    "perioden",
    "doelen",
    "besluit",
    "verantwoordelijke",
    "verwacht_effect",
    "buffer_m",
    "vergelijking",
    "toelichting",
)
REQUIRED = ("id", "naam", "soort", "gebied", "perioden", "doelen")
TEXT_KEYS = ("besluit", "verantwoordelijke", "verwacht_effect", "toelichting")
AREA_KEYS = ("buurten", "polygoon", "punt", "straal_m")
PERIOD_KEYS = ("start", "eind")

BUFFER_RANGE = (50.0, 2000.0)
RADIUS_RANGE = (10.0, 5000.0)
NAME_MAX = 200


class Checker:
    """Checks nodes against the rules of the register; collects problems in ``problems``."""

    def __init__(
        self,
        file: str,
        known_buurten: Collection[str] | None = None,
        known_targets: Collection[str] | None = None,
    ) -> None:
        self.file = file
        self.buurten = None if known_buurten is None else sorted(set(known_buurten))
        self.targets = None if known_targets is None else sorted(set(known_targets))
        self.problems: list[InterventionError] = []

    def problem(self, code: str, message: str, node: Node, hint: str, *, key: bool = False) -> None:
        line = node.key_line if key and node.key_line is not None else node.line
        self.problems.append(
            InterventionError(
                f"interventie.{code}", message, file=self.file, field=node.field or None, hint=hint, line=line
            )
        )

    # -- the whole file ------------------------------------------------------------------------------

    def document(self, root: Node) -> tuple[Intervention, ...]:
        """The interventions of a file's top-level mapping (``versie``, ``gemeente``, ``interventies``)."""
        example = _("zie docs/interventions.md voor een voorbeeld.")
        if not isinstance(root.value, dict) or "interventies" not in root.value:
            self.problem(
                "schema",
                _("het bestand begint niet met 'interventies:'."),
                root,
                _("zet de interventies als lijst onder 'interventies:'; {example}").format(example=example),
            )
            return ()
        top: dict[str, Node] = root.value
        self.unknown_keys(top, TOP_KEYS)
        if "versie" in top and top["versie"].scalar_text != str(FORMAT_VERSION):
            self.problem(
                "bad_version",
                _("versie {v} wordt niet ondersteund.").format(v=top["versie"].scalar_text),
                top["versie"],
                _("schrijf 'versie: {v}' of laat de regel weg.").format(v=FORMAT_VERSION),
            )
        if "gemeente" in top and not GEMEENTE_PATTERN.match(top["gemeente"].scalar_text):
            self.problem(
                "bad_value",
                _("'{v}' is geen gemeentecode.").format(v=top["gemeente"].scalar_text),
                top["gemeente"],
                _("een gemeentecode is GM met vier cijfers, bijvoorbeeld GM0505."),
            )
        seq = top["interventies"]
        if seq.value is None:
            return ()
        if not isinstance(seq.value, list):
            self.problem(
                "schema",
                _("'interventies' is geen lijst."),
                seq,
                _("begin elke interventie met '- id: ...'; {example}").format(example=example),
            )
            return ()
        return self.items(seq.value)

    def items(self, nodes: Sequence[Node]) -> tuple[Intervention, ...]:
        """Each node an intervention; ids must be unique (checked on the ids as written)."""
        out: list[Intervention] = []
        seen: dict[str, Node] = {}
        for node in nodes:
            id_node = node.value.get("id") if isinstance(node.value, dict) else None
            ident = id_node.scalar_text if id_node is not None else ""
            if id_node is not None and ident and ident in seen:
                self.problem(
                    "duplicate_id",
                    _("id '{id}' komt al eerder voor (regel {first}).").format(
                        id=ident, first=seen[ident].line or "?"
                    ),
                    id_node,
                    _("geef elke interventie een eigen id."),
                )
                continue
            if ident:
                seen[ident] = id_node or node
            item = self.item(node)
            if item is not None:
                out.append(item)
        return tuple(out)

    def unknown_keys(self, fields: dict[str, Node], allowed: Sequence[str]) -> None:
        for key, node in fields.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                self.problem(
                    "unknown_key",
                    _("onbekende sleutel '{key}'.").format(key=key),
                    node,
                    _("bedoelt u '{close}'?").format(close=close[0])
                    if close
                    else _("toegestaan zijn: {keys}.").format(keys=", ".join(allowed)),
                    key=True,
                )

    # -- one intervention ----------------------------------------------------------------------------

    def item(self, node: Node) -> Intervention | None:
        """The intervention ``node`` describes, or None (its problems recorded)."""
        if not isinstance(node.value, dict):
            self.problem(
                "schema",
                _("een interventie is een blok met sleutels (id, naam, soort, gebied, perioden, doelen)."),
                node,
                _("schrijf het als '- id: ...' met de sleutels eronder."),
            )
            return None
        fields: dict[str, Node] = node.value
        before = len(self.problems)
        self.unknown_keys(fields, KEYS)
        for key in REQUIRED:
            if key not in fields or fields[key].is_empty():
                self.problem(
                    "missing",
                    _("'{key}' ontbreekt.").format(key=key),
                    fields.get(key) or Node(None, node.line, f"{node.field}.{key}" if node.field else key),
                    _("vul '{key}' in voor deze interventie.").format(key=key),
                )
        fields = {key: value for key, value in fields.items() if not value.is_empty()}
        ident = self.ident(fields["id"]) if "id" in fields else ""
        naam = self.text(fields["naam"], required=True) if "naam" in fields else None
        soort = self.soort(fields["soort"]) if "soort" in fields else None
        gebied = self.area(fields["gebied"]) if "gebied" in fields else None
        perioden = self.periods(fields["perioden"]) if "perioden" in fields else ()
        doelen = self.targets_of(fields["doelen"]) if "doelen" in fields else ()
        texts = {key: self.text(fields[key]) if key in fields else None for key in TEXT_KEYS}
        buffer_m = self.number(fields["buffer_m"], BUFFER_RANGE) if "buffer_m" in fields else None
        vergelijking = (
            self.choice(fields["vergelijking"], VERGELIJKINGEN) if "vergelijking" in fields else "rest"
        )
        if len(self.problems) > before or not (ident and naam and soort and gebied and perioden and doelen):
            return None
        return Intervention(
            id=ident,
            naam=naam,
            soort=soort,
            gebied=gebied,
            perioden=perioden,
            doelen=doelen,
            besluit=texts["besluit"],
            verantwoordelijke=texts["verantwoordelijke"],
            verwacht_effect=texts["verwacht_effect"],
            buffer_m=buffer_m,
            vergelijking=vergelijking or "rest",
            toelichting=texts["toelichting"],
        )

    def ident(self, node: Node) -> str:
        value = node.scalar_text
        if not ID_PATTERN.match(value) or len(value) > 64:
            self.problem(
                "bad_id",
                _("id '{id}' mag alleen kleine letters, cijfers, '-' en '_' bevatten (hoogstens 64).").format(
                    id=value
                ),
                node,
                _("bijvoorbeeld 'camera-binnenstad' of 'alcoholverbod_2024'."),
            )
            return ""
        return value

    def text(self, node: Node, *, required: bool = False) -> str | None:
        if isinstance(node.value, dict | list) or (required and node.is_empty()):
            self.problem(
                "bad_text",
                _("'{key}' moet een (niet-lege) tekst zijn.").format(key=node.label),
                node,
                _("schrijf één regel tekst, zo nodig tussen aanhalingstekens."),
            )
            return None
        value = cells.normalise_newlines(node.scalar_text)
        message = cells.intake_error(None, value)
        if message:
            self.problem("bad_text", message, node, _("haal het teken weg."))
            return None
        if required and len(value) > NAME_MAX:
            self.problem(
                "bad_text",
                _("de tekst is te lang (maximaal {n} tekens).").format(n=NAME_MAX),
                node,
                _("kort de naam in; een toelichting kan in 'toelichting'."),
            )
            return None
        return value or None

    def soort(self, node: Node) -> str | None:
        value = node.scalar_text.lower()
        value = SOORT_ALIASES.get(value, value)
        if value not in SOORTEN:
            close = difflib.get_close_matches(value, [*SOORTEN, *SOORT_ALIASES], n=1)
            self.problem(
                "bad_soort",
                _("'{v}' is geen soort interventie.").format(v=node.scalar_text),
                node,
                (_("bedoelt u '{close}'? ").format(close=close[0]) if close else "")
                + _("kies uit: {soorten}.").format(soorten=", ".join(SOORTEN)),
            )
            return None
        return value

    def choice(self, node: Node, allowed: Sequence[str]) -> str | None:
        value = node.scalar_text.lower()
        if value not in allowed:
            self.problem(
                "bad_value",
                _("'{v}' is geen toegestane waarde.").format(v=node.scalar_text),
                node,
                _("kies uit: {values}.").format(values=", ".join(allowed)),
            )
            return None
        return value

    def number(self, node: Node, bounds: tuple[float, float]) -> float | None:
        if node.is_empty():
            return None
        value = node.value
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem(
                "bad_number",
                _("'{v}' is geen getal.").format(v=node.scalar_text),
                node,
                _("schrijf een getal in meter."),
            )
            return None
        low, high = bounds
        if not low <= value <= high:
            self.problem(
                "bad_number",
                _("{v} ligt buiten {low}-{high} meter.").format(
                    v=_num(value), low=_num(low), high=_num(high)
                ),
                node,
                _("kies een waarde tussen {low} en {high}.").format(low=_num(low), high=_num(high)),
            )
            return None
        return float(value)

    # -- where ---------------------------------------------------------------------------------------

    def area(self, node: Node) -> Gebied | None:
        fix = _(
            "geef één van: buurten: [BU...], polygoon: <GeoJSON>, of punt: [lengte, breedte] met straal_m."
        )
        if not isinstance(node.value, dict):
            self.problem("bad_area", _("'gebied' is geen blok met sleutels."), node, fix)
            return None
        fields: dict[str, Node] = node.value
        self.unknown_keys(fields, AREA_KEYS)
        given = [k for k in ("buurten", "polygoon", "punt") if k in fields and not fields[k].is_empty()]
        if not given:
            self.problem("bad_area", _("het gebied heeft geen buurten, polygoon of punt."), node, fix)
            return None
        if len(given) > 1:
            self.problem(
                "bad_area",
                _("zowel '{a}' als '{b}' gegeven.").format(a=given[0], b=given[1]),
                fields[given[1]],
                _("kies er één: buurten óf een polygoon óf een punt met straal."),
                key=True,
            )
            return None
        radius_node = fields.get("straal_m")
        if given[0] != "punt" and radius_node is not None and not radius_node.is_empty():
            self.problem(
                "bad_area",
                _("'straal_m' hoort bij een punt."),
                radius_node,
                _("verwijder 'straal_m', of geef het gebied als punt met straal."),
                key=True,
            )
            return None
        if given[0] == "buurten":
            codes = self.buurt_codes(fields["buurten"])
            return Gebied(buurten=codes) if codes else None
        if given[0] == "polygoon":
            geometry = self.polygon(fields["polygoon"])
            return Gebied(polygoon=geometry) if geometry else None
        point = self.point(fields["punt"])
        if radius_node is None or radius_node.is_empty():
            self.problem(
                "bad_area",
                _("een punt heeft een straal nodig."),
                fields["punt"],
                _("voeg 'straal_m: 150' (10-5000 meter) toe aan het gebied."),
            )
            return None
        radius = self.number(radius_node, RADIUS_RANGE)
        return Gebied(punt=point, straal_m=radius) if point and radius else None

    def buurt_codes(self, node: Node) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else None
        if not items:
            self.problem(
                "bad_buurt",
                _("'buurten' moet een niet-lege lijst van buurtcodes zijn."),
                node,
                _("schrijf bijvoorbeeld 'buurten: [BU05050108, BU05050109]'."),
            )
            return ()
        out: list[str] = []
        ok = True
        for item in items:
            code = item.scalar_text.upper()
            if not BUURT_PATTERN.match(code):
                self.problem(
                    "bad_buurt",
                    _("'{code}' is geen buurtcode.").format(code=item.scalar_text),
                    item,
                    _("een buurtcode is 'BU' met acht cijfers, bijvoorbeeld BU05050108."),
                )
                ok = False
            elif self.buurten is not None and code not in self.buurten:
                close = difflib.get_close_matches(code, self.buurten, n=3, cutoff=0.6)
                self.problem(
                    "unknown_buurt",
                    _("buurt '{code}' ligt niet in de gemeente of is niet geladen.").format(code=code),
                    item,
                    _("bedoelt u {codes}?").format(codes=" of ".join(close))
                    if close
                    else _("laad de buurtgrenzen (ivp ingest geo ...) of controleer de code."),
                )
                ok = False
            elif code in out:
                self.problem(
                    "bad_buurt",
                    _("buurt '{code}' staat twee keer in de lijst.").format(code=code),
                    item,
                    _("verwijder de dubbele code."),
                )
                ok = False
            else:
                out.append(code)
        return tuple(out) if ok else ()

    def polygon(self, node: Node) -> dict[str, Any] | None:
        geometry, problem = geo.polygon(unwrap(node))
        if problem:
            self.problem("bad_area", problem[0], node, problem[1])
        return geometry

    def point(self, node: Node) -> tuple[float, float] | None:
        point, problem = geo.point(unwrap(node))
        if problem:
            self.problem("bad_area", problem[0], node, problem[1])
        return point

    # -- when and against what -----------------------------------------------------------------------

    def periods(self, node: Node) -> tuple[Periode, ...]:
        items = node.value if isinstance(node.value, list) else None
        if not items:
            self.problem(
                "bad_period",
                _("'perioden' moet een niet-lege lijst zijn."),
                node,
                _("schrijf bijvoorbeeld 'perioden: [{start: 2021-01-01, eind: 2022-12-31}]'."),
            )
            return ()
        out: list[tuple[Periode, Node]] = []
        ok = True
        for item in items:
            if not isinstance(item.value, dict) or "start" not in item.value:
                self.problem(
                    "bad_period",
                    _("een periode is een blok met 'start' (en 'eind' als ze afgelopen is)."),
                    item,
                    _("schrijf '{start: 2021-01-01, eind: 2022-12-31}'; zonder eind loopt ze nog."),
                )
                ok = False
                continue
            fields: dict[str, Node] = item.value
            self.unknown_keys(fields, PERIOD_KEYS)
            start = self.date(fields["start"])
            end = self.date(fields["eind"]) if "eind" in fields and not fields["eind"].is_empty() else None
            if start is None or ("eind" in fields and not fields["eind"].is_empty() and end is None):
                ok = False
                continue
            if end is not None and end < start:
                self.problem(
                    "bad_period",
                    _("de periode eindigt ({end}) voor ze begint ({start}).").format(end=end, start=start),
                    fields["eind"],
                    _("controleer de datums; 'eind' is de laatste dag (tot en met)."),
                )
                ok = False
                continue
            out.append((Periode(start, end), item))
        if not ok:
            return ()
        for i, (period, _item) in enumerate(out):
            for other, item in out[i + 1 :]:
                if period.overlaps(other):
                    self.problem(
                        "overlap",
                        _("de periode vanaf {b} overlapt met die vanaf {a}.").format(
                            a=period.start, b=other.start
                        ),
                        item,
                        _(
                            "laat de perioden van één interventie niet overlappen; voeg ze samen of splits ze."
                        ),
                    )
                    ok = False
        return tuple(sorted((p for p, _n in out), key=lambda p: p.start)) if ok else ()

    def date(self, node: Node) -> dt.date | None:
        value = node.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(node.scalar_text)
        except ValueError:
            self.problem(
                "bad_date",
                _("'{v}' is geen datum.").format(v=node.scalar_text),
                node,
                _("schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2021-01-01."),
            )
            return None

    def targets_of(self, node: Node) -> tuple[str, ...]:
        items = node.value if isinstance(node.value, list) else None
        if not items:
            self.problem(
                "bad_target",
                _("'doelen' moet een niet-lege lijst van codes zijn."),
                node,
                _(
                    "schrijf bijvoorbeeld 'doelen: [1.2.3, E35]' (CBS-misdrijfsoort, overlast- of incidentcode)."
                ),
            )
            return ()
        out: list[str] = []
        ok = True
        for item in items:
            code = item.scalar_text.upper()
            if not (CBS_PATTERN.match(code) or POLICE_PATTERN.match(code)):
                self.problem(
                    "bad_target",
                    _("'{code}' is geen misdrijf-, overlast- of incidentcode.").format(code=item.scalar_text),
                    item,
                    _("een CBS-misdrijfsoort is als 1.2.3, een politiecode als E35 of A72."),
                )
                ok = False
            elif CBS_PATTERN.match(code) and self.targets is not None and code not in self.targets:
                close = difflib.get_close_matches(code, self.targets, n=3, cutoff=0.6)
                self.problem(
                    "unknown_target",
                    _("misdrijfsoort '{code}' bestaat niet in de CBS-lijst.").format(code=code),
                    item,
                    _("bedoelt u {codes}?").format(codes=" of ".join(close))
                    if close
                    else _(
                        "een CBS-misdrijfsoort staat in de tabel Geregistreerde misdrijven (47018NED), bijvoorbeeld 1.2.3."
                    ),
                )
                ok = False
            elif code in out:
                self.problem(
                    "bad_target",
                    _("'{code}' staat twee keer in de lijst.").format(code=code),
                    item,
                    _("verwijder de dubbele code."),
                )
                ok = False
            else:
                out.append(code)
        return tuple(out) if ok else ()


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
