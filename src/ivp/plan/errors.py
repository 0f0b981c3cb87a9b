"""Errors for plan files: every problem names the file, the line and the key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ivp.lib.errors import InputError, IvpError
from ivp.lib.i18n import _, ngettext


@dataclass
class PlanError(InputError):
    """One problem in a plan or realisation file, pinned to a line and a key path."""

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


class PlanFileError(IvpError):
    """A plan (or realisation file) with one or more problems; nothing of it was imported."""

    def __init__(self, problems: Sequence[PlanError], file: str | None = None) -> None:
        self.problems = tuple(problems)
        self.file = file
        super().__init__(self.render())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    def render(self) -> str:
        n = len(self.problems)
        head = ngettext(
            "{file} is niet ingelezen: {n} fout. Er is niets geïmporteerd.",
            "{file} is niet ingelezen: {n} fouten. Er is niets geïmporteerd.",
            n,
        ).format(file=self.file or _("het plan"), n=n)
        return "\n".join([head, *("  - " + p.render() for p in self.problems)])

    def __str__(self) -> str:
        return self.render()
