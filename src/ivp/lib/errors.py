"""Error types shared by every layer.

An :class:`InputError` is what a user sees when a file or download cannot be loaded. It names the
file, the record (line or JSON index) and the field, and says what to do. Messages are Dutch.

A :class:`LineError` is one problem in a file the user writes by hand (a plan, the focus areas, the
intervention register), pinned to a line and a key path; :class:`FileProblemsError` collects every problem
of one file and is raised once, so the user fixes them all in one go and nothing of the file is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ivp.lib.i18n import _, ngettext

#: Files whose records a user finds by line number.
TABULAR_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xls"})


class IvpError(Exception):
    """Base class of every domain error ivp raises on purpose."""


@dataclass
class InputError(IvpError):
    """A problem in input data, pinned to file, record and field.

    ``code`` is stable (tests assert it); ``message`` and ``hint`` are Dutch and may change.
    ``retry`` says whether trying again can help (network trouble) or the input must be fixed.
    """

    code: str
    message: str
    file: str | None = None
    record: str | int | None = None
    field: str | None = None
    hint: str | None = None
    retry: bool = False

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(_("bestand {file}").format(file=self.file))
        if self.record is not None:
            if self.file is not None and Path(self.file).suffix.lower() in TABULAR_SUFFIXES:
                # In a spreadsheet or csv the user finds a record by its line number (header = 1).
                parts.append(_("regel {record}").format(record=self.record))
            else:
                parts.append(_("record {record}").format(record=self.record))
        if self.field is not None:
            parts.append(_("veld '{field}'").format(field=self.field))
        where = ", ".join(parts)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += " " + _("Oplossing: {hint}").format(hint=self.hint)
        if self.retry:
            text += " " + _("Opnieuw proberen kan helpen.")
        elif self.file is not None:
            text += " " + _("Er is niets van dit bestand geladen.")
        return text

    def __str__(self) -> str:
        return self.render()


@dataclass
class LineError(InputError):
    """One problem in a hand-written file, pinned to a line (``file:regel 12, veld 'a.b'``)."""

    line: int | None = None

    def render(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += (":" if where else "") + _("regel {line}").format(line=self.line)
        if self.field:
            where += (", " if where else "") + _("veld '{field}'").format(field=self.field)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += " " + _("Oplossing: {hint}").format(hint=self.hint)
        return text


class FileProblemsError(IvpError):
    """A file with one or more :class:`LineError` problems, raised together; nothing of it is used.

    Subclasses say in :meth:`head` what "nothing is used" means for their file.
    """

    def __init__(self, problems: Sequence[LineError], file: str | None = None) -> None:
        self.problems = tuple(problems)
        self.file = file
        super().__init__(self.render())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    def head(self, n: int) -> str:
        """The first line: which file, how many problems, and that nothing was imported."""
        return ngettext(
            "{file} is niet ingelezen: {n} fout. Er is niets geïmporteerd.",
            "{file} is niet ingelezen: {n} fouten. Er is niets geïmporteerd.",
            n,
        ).format(file=self.file or _("het bestand"), n=n)

    def render(self) -> str:
        return "\n".join([self.head(len(self.problems)), *("  - " + p.render() for p in self.problems)])

    def __str__(self) -> str:
        return self.render()


class ConfigError(IvpError):
    """A workspace or environment setting is missing or has a bad value."""
