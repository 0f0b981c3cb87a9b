"""The plan format's YAML read with the line of every key, and its JSON Schema check."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any, cast

import jsonschema
import yaml

from ivp.lib.i18n import _
from ivp.plan.errors import PlanError, PlanFileError

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

KeyPath = tuple[str | int, ...]


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


class Located:
    """A parsed document with the line of every key path."""

    def __init__(self, data: Any, lines: dict[KeyPath, int], duplicates: list[tuple[KeyPath, int]]) -> None:
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


def compose(text: str, file: str) -> Located:
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
    lines: dict[KeyPath, int] = {}
    duplicates: list[tuple[KeyPath, int]] = []

    def build(node: yaml.Node, path: KeyPath) -> Any:
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

    return Located(build(root, ()), lines, duplicates)


# --------------------------------------------------------------------------------------------------
# Schema check


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


def schema_problems(doc: Located, file: str) -> list[PlanError]:
    validator = jsonschema.Draft202012Validator(schema())
    problems: list[PlanError] = []
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path]):
        path: KeyPath = tuple(error.absolute_path)
        if error.validator == "required":
            missing = [key for key in cast(list[str], error.validator_value) if key not in error.instance]
            for key in missing:
                problems.append(
                    PlanError(
                        "plan.missing_key",
                        _("sleutel '{key}' ontbreekt.").format(key=key),
                        file=file,
                        field=path_text((*path, key), doc.data),
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
                        field=path_text((*path, key), doc.data),
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
                    field=path_text((*path, str(error.instance)), doc.data),
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
                field=path_text(path, doc.data) or None,
                line=doc.line(path),
            )
        )
    return problems


def path_text(path: Iterable[str | int], data: Any) -> str:
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
