"""The workspace file: creation, documented keys and loud failure on bad values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivp.lib.errors import ConfigError
from ivp.workspace import CONFIG_NAME, DEFAULT_CONFIG, Workspace

DOCS = Path(__file__).resolve().parent.parent / "docs" / "workspace.md"


def test_create_and_open(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "w", "GM0505", "Dordrecht")
    assert ws.gemeente == "GM0505"
    assert ws.naam == "Dordrecht"
    assert ws.teksten.is_dir()
    assert ws.uitvoer.is_dir()
    assert Workspace.open(tmp_path / "w") == ws


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "w", "GM0505")
    with pytest.raises(ConfigError, match="al een werkmap"):
        Workspace.create(tmp_path / "w", "GM0505")


@pytest.mark.parametrize("code", ["0505", "GM505", "gm0505x", ""])
def test_bad_code(tmp_path: Path, code: str) -> None:
    with pytest.raises(ConfigError, match="GM0505"):
        Workspace.create(tmp_path / "w", code)


@pytest.mark.parametrize(
    ("key", "value"),
    [("min_inwoners", "-1"), ("alpha", "1.5"), ("alpha", '"hoog"'), ("onthul_drempel", "2.5")],
)
def test_bad_threshold_names_key(tmp_path: Path, key: str, value: str) -> None:
    root = tmp_path / "w"
    Workspace.create(root, "GM0505")
    text = (root / CONFIG_NAME).read_text()
    text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
    (root / CONFIG_NAME).write_text(text)
    with pytest.raises(ConfigError, match=key):
        Workspace.open(root)


def test_missing_workspace_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ivp init"):
        Workspace.open(tmp_path)


def test_every_key_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    section = ""
    for line in DEFAULT_CONFIG.splitlines():
        if line.startswith("["):
            section = line
        elif "=" in line and not line.startswith("#"):
            key = line.split("=")[0].strip()
            assert f"`{section} {key}`" in documented, f"{section} {key} not in docs/workspace.md"
