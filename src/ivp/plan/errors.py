"""Errors for plan files: every problem names the file, the line and the key."""

from __future__ import annotations

from dataclasses import dataclass

from ivp.lib.errors import FileProblemsError, LineError
from ivp.lib.i18n import _, ngettext


@dataclass
class PlanError(LineError):
    """One problem in a plan or realisation file, pinned to a line and a key path."""


class PlanFileError(FileProblemsError):
    """A plan (or realisation file) with one or more problems; nothing of it was imported."""

    problems: tuple[PlanError, ...]

    def head(self, n: int) -> str:
        return ngettext(
            "{file} is niet ingelezen: {n} fout. Er is niets geïmporteerd.",
            "{file} is niet ingelezen: {n} fouten. Er is niets geïmporteerd.",
            n,
        ).format(file=self.file or _("het plan"), n=n)
