"""Read and write plan files (YAML): schema check, domain rules, and an export that round-trips.

Parsing keeps the line of every key (PyYAML's composed node tree carries marks), so each problem
names the file, the line and the key path. All problems are collected and raised together as
:class:`~ivp.plan.errors.PlanFileError`; a plan with any problem yields nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jsonschema
import yaml

from ivp.lib.i18n import _
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.model import (
    Baseline,
    ImplementationPlan,
    Indicator,
    Opgave,
    Period,
    Pillar,
    Plan,
    Realisation,
    StatisticSpec,
    Unit,
    WorkingMethod,
)
from ivp.plan.units import UnitValueError, parse_value

FORMAT_VERSION = 1

#: Theme ids of the IVP taxonomy, used when ``ivp.themes`` is not available.
DEFAULT_THEME_IDS = frozenset(
    {
        "overlast",
        "kwetsbare_personen",
        "vermogen_geweld",
        "ondermijning",
        "sociale_stabiliteit",
        "fysieke_veiligheid",
        "digitaal",
        "evenementen",
    }
)

Path_ = tuple[str | int, ...]


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the plan format (shipped as ``ivp/plan/schema.json``)."""
    text = resources.files("ivp.plan").joinpath("schema.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


def known_theme_ids() -> frozenset[str]:
    """Theme ids from ``ivp.themes.load_taxonomy()`` when it exists, else :data:`DEFAULT_THEME_IDS`."""
    try:
        module: Any = importlib.import_module("ivp.themes")
        loader = module.load_taxonomy
    except (ImportError, AttributeError):
        return DEFAULT_THEME_IDS
    taxonomy = loader()
    themes = getattr(taxonomy, "themes", taxonomy)
    if isinstance(themes, Mapping):
        ids = {str(key) for key in themes}
    else:
        ids = {str(getattr(theme, "id", theme)) for theme in themes}
    return frozenset(ids) or DEFAULT_THEME_IDS


# --------------------------------------------------------------------------------------------------
# YAML with line numbers


class _Located:
    """A parsed document with the line of every key path."""

    def __init__(self, data: Any, lines: dict[Path_, int], duplicates: list[tuple[Path_, int]]) -> None:
        self.data = data
        self.lines = lines
        self.duplicates = duplicates

    def line(self, path: Iterable[str | int]) -> int | None:
        parts = tuple(path)
        while True:
            if parts in self.lines:
                return self.lines[parts]
            if not parts:
                return None
            parts = parts[:-1]


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _compose(text: str, file: str) -> _Located:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PlanFileError(
            [
                PlanError(
                    "plan.yaml_syntax",
                    _("geen geldige YAML: {problem}").format(problem=exc.problem or exc),
                    file=file,
                    line=mark.line + 1 if mark else None,
                    hint=_("controleer inspringing en dubbele punten rond deze regel."),
                )
            ],
            file,
        ) from exc
    if root is None:
        raise PlanFileError([PlanError("plan.empty", _("het bestand is leeg."), file=file)], file)
    constructor = yaml.constructor.SafeConstructor()
    lines: dict[Path_, int] = {}
    duplicates: list[tuple[Path_, int]] = []

    def build(node: yaml.Node, path: Path_) -> Any:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                child = (*path, key)
                if key in out:
                    duplicates.append((child, key_node.start_mark.line + 1))
                lines[child] = key_node.start_mark.line + 1
                out[key] = build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == _TIMESTAMP:
            return str(node.value)
        return constructor.construct_object(node, deep=True)

    return _Located(build(root, ()), lines, duplicates)


# --------------------------------------------------------------------------------------------------
# Checking


_VALIDATOR_MESSAGES: dict[str, str] = {
    "type": "heeft het verkeerde type: verwacht {expected}",
    "enum": "'{instance}' is geen toegestane waarde; kies uit: {expected}",
    "const": "moet {expected} zijn",
    "pattern": "'{instance}' heeft niet de juiste vorm",
    "minItems": "mag niet leeg zijn",
    "minLength": "mag niet leeg zijn",
    "minimum": "{instance} is te klein (minimaal {expected})",
    "maximum": "{instance} is te groot (maximaal {expected})",
    "maxLength": "is te lang (maximaal {expected} tekens)",
    "oneOf": "'{instance}' is geen getal of getal met eenheid",
}

_TYPE_NAMES = {
    "object": "een lijst van sleutels en waarden",
    "array": "een lijst",
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
}


def _schema_problems(doc: _Located, file: str) -> list[PlanError]:
    validator = jsonschema.Draft202012Validator(schema())
    problems: list[PlanError] = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path]):
        path: Path_ = tuple(error.absolute_path)
        if error.validator == "required":
            missing = [key for key in cast(list[str], error.validator_value) if key not in error.instance]
            for key in missing:
                problems.append(
                    PlanError(
                        "plan.missing_key",
                        _("sleutel '{key}' ontbreekt.").format(key=key),
                        file=file,
                        field=_path_text((*path, key), doc.data),
                        line=doc.line(path),
                    )
                )
            continue
        if error.validator == "additionalProperties":
            allowed = set(cast(dict[str, Any], error.schema.get("properties", {})))
            for key in sorted(set(cast(dict[str, Any], error.instance)) - allowed):
                problems.append(
                    PlanError(
                        "plan.unknown_key",
                        _("onbekende sleutel '{key}'.").format(key=key),
                        file=file,
                        field=_path_text((*path, key), doc.data),
                        line=doc.line((*path, key)),
                        hint=_("toegestaan zijn: {keys}.").format(keys=", ".join(sorted(allowed))),
                    )
                )
            continue
        if error.validator == "propertyNames":
            problems.append(
                PlanError(
                    "plan.bad_year",
                    _("'{key}' is geen jaartal.").format(key=error.instance),
                    file=file,
                    field=_path_text((*path, str(error.instance)), doc.data),
                    line=doc.line((*path, str(error.instance))),
                )
            )
            continue
        template = _VALIDATOR_MESSAGES.get(str(error.validator), "{message}")
        expected: Any = error.validator_value
        if error.validator == "type":
            expected = _TYPE_NAMES.get(str(expected), str(expected))
        elif error.validator == "enum":
            expected = ", ".join(str(v) for v in cast(list[Any], expected))
        problems.append(
            PlanError(
                "plan.schema",
                _(template).format(instance=error.instance, expected=expected, message=error.message) + ".",
                file=file,
                field=_path_text(path, doc.data) or None,
                line=doc.line(path),
            )
        )
    return problems


def _path_text(path: Iterable[str | int], data: Any) -> str:
    """``indicatoren[OND-01].streefwaarden.2023``: list items named by their id where they have one."""
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("id") if isinstance(item, dict) else None
            text += f"[{name}]" if isinstance(name, str) else f"[{part + 1}]"
            node = item
        else:
            text += ("." if text else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


class _Checker:
    """Domain rules over a schema-valid document."""

    def __init__(self, doc: _Located, file: str, themes: frozenset[str]) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.file = file
        self.themes = themes
        self.problems: list[PlanError] = []

    def add(self, code: str, message: str, path: Path_, hint: str | None = None) -> None:
        self.problems.append(
            PlanError(
                code,
                message,
                file=self.file,
                field=_path_text(path, self.data),
                line=self.doc.line(path),
                hint=hint,
            )
        )

    def unique(self, section: str, code: str = "plan.duplicate_id") -> set[str]:
        items = self.data.get(section, [])
        counts = Counter(item["id"] for item in items)
        seen: set[str] = set()
        for i, item in enumerate(items):
            if counts[item["id"]] > 1 and item["id"] in seen:
                self.add(
                    code,
                    _("id '{id}' komt meer dan eens voor in '{section}'.").format(
                        id=item["id"], section=section
                    ),
                    (section, i, "id"),
                    hint=_("geef elk onderdeel een eigen id."),
                )
            seen.add(item["id"])
        return seen

    def theme_list(self, path: Path_, ids: list[str]) -> None:
        for j, theme in enumerate(ids):
            if theme not in self.themes:
                self.add(
                    "plan.unknown_theme",
                    _("onbekend thema '{theme}'.").format(theme=theme),
                    (*path, j),
                    hint=_("bekende thema's: {known}.").format(known=", ".join(sorted(self.themes))),
                )

    def reference(self, path: Path_, value: str, known: set[str], what: str) -> None:
        if value not in known:
            self.add(
                "plan.unknown_reference",
                _("'{value}' verwijst naar een onbekende {what}.").format(value=value, what=what),
                path,
                hint=_("bekend: {known}.").format(known=", ".join(sorted(known)) or "–"),
            )

    def date(self, path: Path_, text: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add("plan.bad_date", _("'{text}' is geen geldige datum.").format(text=text), path)
            return None

    def run(self) -> None:
        data = self.data
        plan_period = data["plan"]["periode"]
        period = self.period(("plan", "periode"), plan_period)
        if "vastgesteld" in data["plan"]:
            self.date(("plan", "vastgesteld"), data["plan"]["vastgesteld"])
        methods = self.unique("werkwijzen")
        opgaven = self.unique("opgaven")
        self.unique("uitvoeringsplannen")
        indicators = self.unique("indicatoren", "plan.duplicate_indicator")
        for i, method in enumerate(data.get("werkwijzen", [])):
            for j, opg in enumerate(method.get("opgaven", [])):
                self.reference(("werkwijzen", i, "opgaven", j), opg, opgaven, _("opgave"))
        for i, opg in enumerate(data["opgaven"]):
            self.theme_list(("opgaven", i, "themas"), opg["themas"])
            if "werkwijze" in opg:
                self.reference(("opgaven", i, "werkwijze"), opg["werkwijze"], methods, _("werkwijze"))
        subjects: dict[str, set[str]] = {}
        for i, up in enumerate(data.get("uitvoeringsplannen", [])):
            self.theme_list(("uitvoeringsplannen", i, "themas"), up["themas"])
            self.reference(("uitvoeringsplannen", i, "opgave"), up["opgave"], opgaven, _("opgave"))
            up_period = self.period(("uitvoeringsplannen", i, "periode"), up["periode"])
            if period and up_period and not (period.start <= up_period.start <= up_period.end <= period.end):
                self.add(
                    "plan.outside_period",
                    _("periode {inner} valt buiten de planperiode {outer}.").format(
                        inner=up_period.label(), outer=period.label()
                    ),
                    ("uitvoeringsplannen", i, "periode"),
                )
            pillar_ids = subjects.setdefault(up["onderwerp"], set())
            counts = Counter(p["id"] for p in up.get("pijlers", []))
            for j, pillar in enumerate(up.get("pijlers", [])):
                if counts[pillar["id"]] > 1:
                    self.add(
                        "plan.duplicate_id",
                        _("pijler '{id}' komt meer dan eens voor.").format(id=pillar["id"]),
                        ("uitvoeringsplannen", i, "pijlers", j, "id"),
                    )
                    counts[pillar["id"]] = 1
                pillar_ids.add(pillar["id"])
        for i, ind in enumerate(data.get("indicatoren", [])):
            self.indicator(i, ind, period, subjects, opgaven)
        for i, real in enumerate(data.get("realisaties", [])):
            self.realisation(i, real, period, indicators)

    def period(self, path: Path_, raw: dict[str, int]) -> Period | None:
        if raw["tot"] < raw["van"]:
            self.add(
                "plan.bad_period",
                _("periode eindigt ({end}) voor ze begint ({start}).").format(
                    end=raw["tot"], start=raw["van"]
                ),
                path,
            )
            return None
        return Period(raw["van"], raw["tot"])

    def indicator(
        self,
        i: int,
        ind: dict[str, Any],
        period: Period | None,
        subjects: dict[str, set[str]],
        opgaven: set[str],
    ) -> None:
        base: Path_ = ("indicatoren", i)
        self.theme_list((*base, "themas"), ind["themas"])
        unit = cast(Unit, ind["eenheid"])
        for year_text, raw in ind.get("streefwaarden", {}).items():
            path = (*base, "streefwaarden", year_text)
            if period and int(year_text) not in period:
                self.add(
                    "plan.target_outside_period",
                    _("streefwaarde voor {year} valt buiten de planperiode {period}.").format(
                        year=year_text, period=period.label()
                    ),
                    path,
                )
            self.value(path, raw, unit)
        if "onderwerp" in ind:
            self.reference((*base, "onderwerp"), ind["onderwerp"], set(subjects), _("uitvoeringsplan"))
        if "pijler" in ind:
            if "onderwerp" not in ind:
                self.add(
                    "plan.missing_key",
                    _("een pijler hoort bij een uitvoeringsplan: geef ook 'onderwerp'."),
                    (*base, "pijler"),
                )
            elif ind["onderwerp"] in subjects:
                self.reference(
                    (*base, "pijler"),
                    ind["pijler"],
                    subjects[ind["onderwerp"]],
                    _("pijler van dit onderwerp"),
                )
        if "opgave" in ind:
            self.reference((*base, "opgave"), ind["opgave"], opgaven, _("opgave"))
        if ind["bron"] == "statistiek" and "statistiek" not in ind:
            self.add(
                "plan.statistic_missing",
                _("een indicator met bron 'statistiek' heeft een blok 'statistiek' nodig."),
                (*base, "bron"),
                hint=_("bijvoorbeeld statistiek: {{maat: geregistreerde_misdrijven, categorie: '1.1.1'}}."),
            )
        if ind["bron"] != "statistiek" and "statistiek" in ind:
            self.add(
                "plan.statistic_unused",
                _("'statistiek' is alleen zinvol met bron 'statistiek'."),
                (*base, "statistiek"),
            )
        baseline = ind.get("nulmeting")
        if baseline and period and baseline["jaar"] > period.end:
            self.add(
                "plan.outside_period",
                _("nulmeting {year} ligt na de planperiode.").format(year=baseline["jaar"]),
                (*base, "nulmeting", "jaar"),
            )

    def value(self, path: Path_, raw: object, unit: Unit) -> float | None:
        try:
            return parse_value(raw, unit)
        except UnitValueError as exc:
            self.add(exc.code, exc.message, path)
            return None

    def realisation(self, i: int, real: dict[str, Any], period: Period | None, indicators: set[str]) -> None:
        base: Path_ = ("realisaties", i)
        if real["indicator"] not in indicators:
            self.reference((*base, "indicator"), real["indicator"], indicators, _("indicator"))
        else:
            unit = next(ind["eenheid"] for ind in self.data["indicatoren"] if ind["id"] == real["indicator"])
            self.value((*base, "waarde"), real["waarde"], unit)
        if period and real["jaar"] not in period:
            self.add(
                "plan.realisation_outside_period",
                _("realisatie voor {year} valt buiten de planperiode {period}.").format(
                    year=real["jaar"], period=period.label()
                ),
                (*base, "jaar"),
            )
        if "peildatum" in real:
            day = self.date((*base, "peildatum"), real["peildatum"])
            if day and day.year != real["jaar"]:
                self.add(
                    "plan.bad_date",
                    _("peildatum {day} ligt niet in {year}.").format(day=day.isoformat(), year=real["jaar"]),
                    (*base, "peildatum"),
                )


# --------------------------------------------------------------------------------------------------
# Building the model


def _build(data: dict[str, Any]) -> Plan:
    meta = data["plan"]
    indicators = tuple(_indicator(ind) for ind in data.get("indicatoren", []))
    units = {ind.id: ind.unit for ind in indicators}
    return Plan(
        id=meta["id"],
        name=meta["naam"],
        gemeente=meta["gemeente"],
        period=Period(meta["periode"]["van"], meta["periode"]["tot"]),
        adopted=dt.date.fromisoformat(meta["vastgesteld"]) if "vastgesteld" in meta else None,
        description=meta.get("beschrijving", ""),
        working_methods=tuple(
            WorkingMethod(m["id"], m["naam"], m["beschrijving"], tuple(m.get("opgaven", [])))
            for m in data.get("werkwijzen", [])
        ),
        opgaven=tuple(
            Opgave(
                id=o["id"],
                name=o["naam"],
                description=o["beschrijving"],
                themes=tuple(o["themas"]),
                goals=tuple(o.get("doelen", [])),
                working_method=o.get("werkwijze"),
            )
            for o in data["opgaven"]
        ),
        implementation_plans=tuple(
            ImplementationPlan(
                id=u["id"],
                subject=u["onderwerp"],
                name=u["naam"],
                period=Period(u["periode"]["van"], u["periode"]["tot"]),
                opgave=u["opgave"],
                themes=tuple(u["themas"]),
                pillars=tuple(
                    Pillar(p["id"], p["naam"], p.get("beschrijving", "")) for p in u.get("pijlers", [])
                ),
                actions=tuple(u.get("acties", [])),
                description=u.get("beschrijving", ""),
            )
            for u in data.get("uitvoeringsplannen", [])
        ),
        indicators=indicators,
        realisations=tuple(
            Realisation(
                indicator=r["indicator"],
                year=r["jaar"],
                value=parse_value(r["waarde"], units[r["indicator"]]),
                as_of=dt.date.fromisoformat(r["peildatum"]) if "peildatum" in r else None,
                evidence=r.get("bewijs", ""),
                recorded_by=r.get("door", ""),
                note=r.get("toelichting", ""),
                source="plan",
            )
            for r in data.get("realisaties", [])
        ),
    )


def _indicator(ind: dict[str, Any]) -> Indicator:
    unit = cast(Unit, ind["eenheid"])
    stat = ind.get("statistiek")
    base = ind.get("nulmeting")
    return Indicator(
        id=ind["id"],
        name=ind["naam"],
        description=ind.get("beschrijving", ""),
        unit=unit,
        direction=ind["richting"],
        aggregation=ind.get("aggregatie", "som"),
        targets=tuple(
            sorted((int(year), parse_value(raw, unit)) for year, raw in ind.get("streefwaarden", {}).items())
        ),
        owner=ind["eigenaar"],
        source=ind["bron"],
        themes=tuple(ind["themas"]),
        subject=ind.get("onderwerp"),
        pillar=ind.get("pijler"),
        opgave=ind.get("opgave"),
        statistic=StatisticSpec(
            measure=stat["maat"],
            category=stat["categorie"],
            scheme=stat.get("schema", "cbs-misdrijf"),
            region=stat.get("regio"),
        )
        if stat
        else None,
        baseline=Baseline(base["jaar"], float(base["waarde"]) if "waarde" in base else None)
        if base
        else None,
    )


def loads_plan(text: str, file: str = "<plan>", themes: frozenset[str] | None = None) -> Plan:
    """Parse and check a plan from YAML text; raise :class:`PlanFileError` listing every problem."""
    doc = _compose(text, file)
    if not isinstance(doc.data, dict):
        raise PlanFileError(
            [PlanError("plan.schema", _("een plan is een blok met sleutels."), file=file, line=1)], file
        )
    problems = _schema_problems(doc, file)
    problems += [
        PlanError(
            "plan.duplicate_key",
            _("sleutel '{key}' staat twee keer in hetzelfde blok.").format(key=path[-1]),
            file=file,
            field=_path_text(path, doc.data),
            line=line,
        )
        for path, line in doc.duplicates
    ]
    if problems:
        raise PlanFileError(problems, file)
    checker = _Checker(doc, file, known_theme_ids() if themes is None else themes)
    checker.run()
    if checker.problems:
        raise PlanFileError(sorted(checker.problems, key=lambda p: p.line or 0), file)
    return _build(doc.data)


def load_plan(path: Path, themes: frozenset[str] | None = None) -> Plan:
    """Read and check the plan file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            [PlanError("plan.unreadable", _("kan het bestand niet lezen: {error}").format(error=exc))],
            str(path),
        ) from exc
    return loads_plan(text, str(path), themes)


# --------------------------------------------------------------------------------------------------
# Export


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def plan_to_dict(plan: Plan, *, with_realisations: bool = True) -> dict[str, Any]:
    """The plan as the plain document the YAML format describes (keys in schema order)."""
    meta: dict[str, Any] = {
        "id": plan.id,
        "naam": plan.name,
        "gemeente": plan.gemeente,
        "periode": {"van": plan.period.start, "tot": plan.period.end},
    }
    if plan.adopted:
        meta["vastgesteld"] = plan.adopted.isoformat()
    if plan.description:
        meta["beschrijving"] = plan.description
    doc: dict[str, Any] = {"versie": FORMAT_VERSION, "plan": meta}
    if plan.working_methods:
        doc["werkwijzen"] = [
            _drop_empty(
                {"id": m.id, "naam": m.name, "beschrijving": m.description, "opgaven": list(m.opgaven)},
                keep=("beschrijving",),
            )
            for m in plan.working_methods
        ]
    doc["opgaven"] = [
        _drop_empty(
            {
                "id": o.id,
                "naam": o.name,
                "beschrijving": o.description,
                "themas": list(o.themes),
                "doelen": list(o.goals),
                "werkwijze": o.working_method,
            },
            keep=("beschrijving",),
        )
        for o in plan.opgaven
    ]
    if plan.implementation_plans:
        doc["uitvoeringsplannen"] = [
            _drop_empty(
                {
                    "id": u.id,
                    "onderwerp": u.subject,
                    "naam": u.name,
                    "periode": {"van": u.period.start, "tot": u.period.end},
                    "opgave": u.opgave,
                    "themas": list(u.themes),
                    "beschrijving": u.description,
                    "pijlers": [
                        _drop_empty({"id": p.id, "naam": p.name, "beschrijving": p.description})
                        for p in u.pillars
                    ],
                    "acties": list(u.actions),
                }
            )
            for u in plan.implementation_plans
        ]
    doc["indicatoren"] = [_indicator_dict(ind) for ind in plan.indicators]
    if with_realisations and plan.realisations:
        doc["realisaties"] = [
            _drop_empty(
                {
                    "indicator": r.indicator,
                    "jaar": r.year,
                    "waarde": _num(r.value),
                    "peildatum": r.as_of.isoformat() if r.as_of else None,
                    "bewijs": r.evidence,
                    "door": r.recorded_by,
                    "toelichting": r.note,
                }
            )
            for r in plan.realisations
        ]
    return doc


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    stat = ind.statistic
    return _drop_empty(
        {
            "id": ind.id,
            "naam": ind.name,
            "beschrijving": ind.description,
            "eenheid": ind.unit,
            "richting": ind.direction,
            "aggregatie": None if ind.aggregation == "som" else ind.aggregation,
            "streefwaarden": {year: _num(value) for year, value in ind.targets},
            "eigenaar": ind.owner,
            "bron": ind.source,
            "themas": list(ind.themes),
            "onderwerp": ind.subject,
            "pijler": ind.pillar,
            "opgave": ind.opgave,
            "statistiek": _drop_empty(
                {
                    "maat": stat.measure,
                    "categorie": stat.category,
                    "schema": None if stat.scheme == "cbs-misdrijf" else stat.scheme,
                    "regio": stat.region,
                }
            )
            if stat
            else None,
            "nulmeting": _drop_empty(
                {
                    "jaar": ind.baseline.year,
                    "waarde": _num(ind.baseline.value) if ind.baseline.value is not None else None,
                }
            )
            if ind.baseline
            else None,
        }
    )


def _drop_empty(mapping: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _list_representer(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = bool(data) and all(
        isinstance(item, int | float) or (isinstance(item, str) and len(item) < 40) for item in data
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _dict_representer(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    flat = all(isinstance(v, int | float) or (isinstance(v, str) and len(v) < 30) for v in data.values())
    flat = flat and len(data) <= 5 and all(not isinstance(k, str) or len(k) < 12 for k in data)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flat)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(list, _list_representer)
_Dumper.add_representer(dict, _dict_representer)


def dumps_plan(plan: Plan, *, with_realisations: bool = True) -> str:
    """The plan as YAML text that :func:`loads_plan` reads back to an equal plan."""
    header = _("# Integraal Veiligheidsplan, formaat ivp-plan versie 1 (zie docs/plan.md).\n")
    body = yaml.dump(
        plan_to_dict(plan, with_realisations=with_realisations),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body


def example_path() -> Path:
    """The path of Dordrecht's IVP 2023-2026, shipped as an example."""
    return Path(str(resources.files("ivp.plan").joinpath("examples/dordrecht_ivp_2023_2026.yaml")))
