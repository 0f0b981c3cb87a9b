"""Docs that tests keep complete: the CLI reference matches --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", REPO / "scripts" / "gen_cli_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    actual = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"


def test_glossary_names_the_dutch_levels() -> None:
    glossary = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    for noun in ("melding", "casus", "veiligheidsbeeld", "wijk", "buurt", "gemeente"):
        assert f"| {noun} " in glossary.lower(), noun


def test_security_model_names_tests_that_exist() -> None:
    """docs/security.md names the test behind every control; each named test must exist."""
    import re

    text = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    refs = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(refs) >= 30, "the threat model names fewer tests than it has controls"
    missing = []
    for path, name in refs:
        source = REPO / path
        if not source.exists() or not re.search(rf"^\s*def {name}\(", source.read_text("utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert missing == [], f"docs/security.md names tests that do not exist: {missing}"
