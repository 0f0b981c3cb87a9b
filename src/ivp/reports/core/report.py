"""A report = a context (built elsewhere), a template and this registration."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ivp.lib.i18n import _

#: Every output format the core can write, in the order they are rendered and listed.
FORMATS = ("html", "pdf", "docx", "xlsx")

C = TypeVar("C")


def _no_names(ctx: Any) -> Mapping[str, object]:
    return {}


@dataclass(frozen=True)
class Report(Generic[C]):
    """How one report is made from its context ``C``.

    ``names`` gives the template its helpers besides ``ctx`` and ``css`` (functions of the context such
    as sentence builders); ``stem`` the file name without extension; ``docx`` and ``xlsx`` the builders
    of those formats (None: the report has no such format). HTML and PDF come from ``template``.
    """

    name: str
    title: str
    template: str
    stem: Callable[[C], str]
    names: Callable[[C], Mapping[str, object]] = _no_names
    docx: Callable[[C], bytes] | None = None
    xlsx: Callable[[C], bytes] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats this report can be written in, in ``FORMATS`` order."""
        builders = {"docx": self.docx, "xlsx": self.xlsx}
        return tuple(f for f in FORMATS if builders.get(f, True) is not None)


def parse_formats(text: str | Sequence[str], valid: Sequence[str] = FORMATS) -> tuple[str, ...]:
    """Parse 'html,pdf' into a tuple; raise ValueError listing the valid formats."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    bad = [f for f in out if f not in valid]
    if bad or not out:
        raise ValueError(
            _("onbekend formaat {bad}; kies uit {valid}.").format(
                bad=", ".join(bad) or "''", valid=", ".join(valid)
            )
        )
    return out
