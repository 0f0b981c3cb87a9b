"""The register as YAML: read with the line of every key, and an export that reads back to the same.

A problem names the file, the line of the key, the field (``interventies[camera-binnenstad].gebied``) and
the fix; all problems are raised together as :class:`~ivp.interventions.errors.InterventionFileError`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import yaml

from ivp.interventions.check import FORMAT_VERSION, Checker
from ivp.interventions.errors import InterventionError, InterventionFileError
from ivp.interventions.model import Intervention
from ivp.interventions.nodes import Node
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Tree:
    """Turns PyYAML's composed node tree into :class:`Node` objects; records duplicate keys."""

    def __init__(self) -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.duplicates: list[Node] = []

    def build(self, node: yaml.Node, field: str, key_line: int | None = None) -> Node:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                child = self.build(value_node, f"{field}.{key}" if field else key, _line(key_node))
                child.key = key
                if key in out:
                    self.duplicates.append(child)
                    continue
                out[key] = child
            return Node(out, _line(node), field, key_line=key_line)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                label = str(i + 1)
                if isinstance(item, yaml.MappingNode):
                    ident = next(
                        (
                            v.value
                            for k, v in item.value
                            if getattr(k, "value", None) == "id" and isinstance(v, yaml.ScalarNode)
                        ),
                        None,
                    )
                    label = str(ident) if ident else label
                items.append(self.build(item, f"{field}[{label}]", _line(item)))
            return Node(items, _line(node), field, key_line=key_line)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError):
            value = str(node.value)
        return Node(value, _line(node), field, text=str(node.value), key_line=key_line)


def loads_interventions(
    text: str,
    file: str = "<interventies>",
    known_buurten: Collection[str] | None = None,
    known_targets: Collection[str] | None = None,
) -> tuple[Intervention, ...]:
    """Parse and check the register from YAML text; raise :class:`InterventionFileError` listing every problem.

    ``known_buurten``: the buurt codes of the municipality (the store's) to check against, or None;
    ``known_targets``: the CBS crime codes to check against, or None (the pattern is always checked).
    """
    checker = Checker(file, known_buurten, known_targets)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        checker.problem(
            "yaml_syntax",
            _("geen geldige YAML: {problem}").format(problem=exc.problem or exc),
            Node(None, int(mark.line) + 1 if mark else None, ""),
            _("controleer inspringing en dubbele punten rond deze regel."),
        )
        raise InterventionFileError(checker.problems, file) from exc
    if root is None:
        return ()
    tree = _Tree()
    doc = tree.build(root, "")
    for dup in tree.duplicates:
        checker.problem(
            "duplicate_key",
            _("sleutel '{key}' staat twee keer in hetzelfde blok.").format(key=dup.field.rsplit(".", 1)[-1]),
            dup,
            _("verwijder een van de twee."),
            key=True,
        )
    items = checker.document(doc)
    if checker.problems:
        raise InterventionFileError(sorted(checker.problems, key=lambda p: p.line or 0), file)
    return items


def load_yaml(
    path: Path, known_buurten: Collection[str] | None = None, known_targets: Collection[str] | None = None
) -> tuple[Intervention, ...]:
    """Read and check the YAML register at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InterventionFileError(
            [
                InterventionError(
                    "interventie.unreadable",
                    _("kan het bestand niet lezen: {error}").format(error=exc),
                    file=str(path),
                    hint=_("sla het op als UTF-8-tekst (YAML) of als xlsx."),
                )
            ],
            str(path),
        ) from exc
    return loads_interventions(text, str(path), known_buurten, known_targets)


# -- export ------------------------------------------------------------------------------------------


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def intervention_to_dict(item: Intervention) -> dict[str, Any]:
    """The intervention as the plain mapping the file format describes (optional keys left out when empty)."""
    area: dict[str, Any] = {}
    if item.gebied.buurten:
        area["buurten"] = list(item.gebied.buurten)
    if item.gebied.polygoon is not None:
        area["polygoon"] = item.gebied.polygoon
    if item.gebied.punt is not None:
        area["punt"] = [item.gebied.punt[0], item.gebied.punt[1]]
    if item.gebied.straal_m is not None:
        area["straal_m"] = _num(item.gebied.straal_m)
    out: dict[str, Any] = {
        "id": item.id,
        "naam": item.naam,
        "soort": item.soort,
        "gebied": area,
        "perioden": [
            {"start": p.start, **({"eind": p.eind} if p.eind is not None else {})} for p in item.perioden
        ],
        "doelen": list(item.doelen),
    }
    for key in ("besluit", "verantwoordelijke", "verwacht_effect"):
        if getattr(item, key):
            out[key] = getattr(item, key)
    if item.buffer_m is not None:
        out["buffer_m"] = _num(item.buffer_m)
    if item.vergelijking != "rest":
        out["vergelijking"] = item.vergelijking
    if item.toelichting:
        out["toelichting"] = item.toelichting
    return out


def dumps_interventions(items: Sequence[Intervention], *, gemeente: str | None = None) -> str:
    """The register as YAML text that :func:`loads_interventions` reads back to equal interventions."""
    doc: dict[str, Any] = {"versie": FORMAT_VERSION}
    if gemeente:
        doc["gemeente"] = gemeente
    doc["interventies"] = [intervention_to_dict(item) for item in items]
    header = (
        "# " + _("Register van gebiedsgerichte interventies (ivp); formaat: docs/interventions.md") + "\n"
    )
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def write_interventions(path: Path, items: Sequence[Intervention], *, gemeente: str | None = None) -> None:
    """Write the register to ``path`` as YAML, atomically (a reader never sees half a file)."""
    write_atomic(path, dumps_interventions(items, gemeente=gemeente))
