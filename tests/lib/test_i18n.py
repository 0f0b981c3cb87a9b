"""User-facing text is Dutch, including click's own usage and error texts."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import click
from click.testing import CliRunner

import ivp.lib.fmt
from ivp.cli import main
from ivp.lib.i18n import LOCALE_DIR, parse_po

CLICK_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "click.po"


def test_parse_po_reads_plain_plural_and_escapes(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        'msgid "Usage:"\nmsgstr "Gebruik:"\n\n'
        'msgid "a\\n\\tb"\nmsgstr "c\\n\\td"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] "veel"\n',
        encoding="utf-8",
    )
    parsed = parse_po(po.read_text(encoding="utf-8"))
    assert parsed["Usage:"] == "Gebruik:"
    assert parsed["a\n\tb"] == "c\n\td"
    assert parsed["one"] == ["een", "veel"]
    assert "" not in parsed


def test_every_translated_click_string_exists_in_click() -> None:
    """A click upgrade that renames a string must fail here, not silently fall back to English."""
    source = "".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    for msgid in parse_po(CLICK_PO.read_text(encoding="utf-8")):
        literal = msgid.replace("\n", "\\n").replace("\t", "\\t")
        assert f'"{literal}"' in source, msgid


def test_help_and_errors_are_dutch() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--help"], prog_name="ivp")
    assert result.exit_code == 0
    assert "Gebruik: ivp [OPTIES]" in result.output
    assert "Toon deze hulptekst en stop." in result.output
    assert not re.search(r"\b(Usage|Show this message)\b", result.output)
    bad = runner.invoke(main, ["onbestaand"], prog_name="ivp")
    assert bad.exit_code == 2
    assert "Fout: Onbekende opdracht 'onbestaand'." in bad.output
    missing = runner.invoke(main, ["figures"], prog_name="ivp")
    assert "Ontbrekende optie '--gemeente'" in missing.output


def test_dutch_number_formatting_examples() -> None:
    failures, tried = doctest.testmod(ivp.lib.fmt)
    assert tried > 0
    assert failures == 0
