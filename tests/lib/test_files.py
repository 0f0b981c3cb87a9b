"""Atomic writes: the whole new file or the old one, never a part, and no temporary file left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ivp.lib.files import sha256_bytes, sha256_file, stage, write_atomic


def test_write_atomic_replaces_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cache.bin"
    write_atomic(target, b"old")
    write_atomic(target, b"new" * 1000, mode=0o644, sync_dir=True)
    assert target.read_bytes() == b"new" * 1000
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["cache.bin"]
    assert sha256_file(target) == sha256_bytes(b"new" * 1000)


def test_a_failed_replace_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_atomic(target, "oud")
    blocker = tmp_path / "map"
    blocker.mkdir()
    (blocker / "inhoud").write_text("x")
    with pytest.raises(IsADirectoryError):
        write_atomic(blocker, "nieuw")  # os.replace of a file onto a non-empty folder fails
    assert target.read_text() == "oud"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stage_writes_a_synced_sibling(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    staged = stage(target, "tekst")
    assert staged.parent == tmp_path
    assert staged.name.startswith(".a.xlsx.")
    assert staged.read_text() == "tekst"
    assert not target.exists()
    assert staged.stat().st_mode & 0o777 == 0o600  # mkstemp's default unless a mode is given
    os.replace(staged, target)
    assert target.read_text() == "tekst"
