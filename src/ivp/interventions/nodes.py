"""Values as the user wrote them, with the line (or sheet row) and field a problem names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Node:
    """A value as the user wrote it, with the line (or sheet row) and the field to name in a problem.

    ``value`` is a scalar (str, number, date, None), a ``dict[str, Node]`` or a ``list[Node]``; ``text``
    is the scalar's source text where it differs from ``str(value)`` (YAML reads ``1.2`` as a number).
    ``key_line`` is the line of the key that holds the value (problems about the key point there).
    """

    value: Any
    line: int | None
    field: str
    text: str | None = None
    key_line: int | None = None
    key: str = ""

    @property
    def label(self) -> str:
        """The key this value belongs to, as named in a message."""
        return self.key or self.field.rsplit(".", 1)[-1]

    @property
    def scalar_text(self) -> str:
        if self.text is not None:
            return self.text.strip()
        return "" if self.value is None else str(self.value).strip()

    def is_empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


def plain(value: Any, field: str, line: int | None = None) -> Node:
    """A tree of nodes from plain data (a dict from the web form or an exported intervention), no lines."""
    if isinstance(value, dict):
        items = {str(k): plain(v, f"{field}.{k}" if field else str(k), line) for k, v in value.items()}
        for key, node in items.items():
            node.key = key
        return Node(items, line, field)
    if isinstance(value, list | tuple):
        return Node([plain(v, f"{field}[{i + 1}]", line) for i, v in enumerate(value)], line, field)
    return Node(value, line, field)


def unwrap(node: Node) -> Any:
    """The plain data of a node tree (for GeoJSON and points, which are checked as a whole)."""
    value = node.value
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value
