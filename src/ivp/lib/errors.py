"""Error types shared by every layer.

An :class:`InputError` is what a user sees when a file or download cannot be loaded. It names the
file, the record (line or JSON index) and the field, and says what to do. Messages are Dutch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ivp.lib.i18n import _

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


class ConfigError(IvpError):
    """A workspace or environment setting is missing or has a bad value."""
