"""Errors of the intervention register: every problem names file, line (or sheet row and column), field
and fix; all problems of a file are raised together and nothing of it is imported.

Codes (stable; documented in docs/interventions.md): ``interventie.<code>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ivp.lib.errors import FileProblemsError, IvpError, LineError
from ivp.lib.i18n import _, ngettext


@dataclass
class InterventionError(LineError):
    """One problem in an intervention file (or form), pinned to a line and a field."""


class InterventionFileError(FileProblemsError):
    """An intervention file with one or more problems; none of its interventions was imported."""

    problems: tuple[InterventionError, ...]

    def head(self, n: int) -> str:
        return ngettext(
            "{file} is niet ingelezen: {n} fout. Er is geen interventie geïmporteerd.",
            "{file} is niet ingelezen: {n} fouten. Er is geen interventie geïmporteerd.",
            n,
        ).format(file=self.file or _("de interventie"), n=n)


class UnknownInterventionError(IvpError):
    """An intervention id that is not in the register; the message lists the ids that are."""

    def __init__(self, code: str, known: Sequence[str]) -> None:
        self.code = code
        self.known = tuple(known)
        listed = ", ".join(self.known) if self.known else _("geen; importeer ze met ivp interventies import")
        super().__init__(
            _("Interventie '{code}' staat niet in het register. Bekend: {known}.").format(
                code=code, known=listed
            )
        )
