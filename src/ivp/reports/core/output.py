"""Render a report in every requested format and write them into the output folder as one set.

Every format is rendered in memory first; then each file is written to a temporary file next to its
target and only when all are on disk are they moved into place. A failing format (an error while
rendering, a full disk, a folder in the way) leaves the earlier files as they were: no half-written
file and no partial set of new and old ones.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from ivp.lib.files import stage
from ivp.lib.i18n import _
from ivp.reports.core.report import FORMATS, Report
from ivp.reports.core.templates import render_html

C = TypeVar("C")


def render_pdf(html: str) -> bytes:
    """Render the HTML to PDF with WeasyPrint (print CSS in the same stylesheet)."""
    import weasyprint  # type: ignore[import-untyped]  # slow import; only when a PDF is asked for

    pdf = weasyprint.HTML(string=html, base_url=".").write_pdf()
    assert pdf is not None
    return bytes(pdf)


def html(report: Report[C], ctx: C) -> str:
    """The report as one self-contained HTML page (CSS and SVG inline)."""
    return render_html(report.template, ctx, report.names(ctx))


def render(report: Report[C], ctx: C, formats: Sequence[str]) -> dict[str, bytes]:
    """Every requested format in memory, in ``FORMATS`` order; ValueError for a format the report lacks."""
    bad = [f for f in formats if f not in report.formats]
    if bad:
        raise ValueError(
            _("onbekend formaat {bad}; kies uit {valid}.").format(
                bad=", ".join(bad), valid=", ".join(report.formats)
            )
        )
    blobs: dict[str, bytes] = {}
    page = html(report, ctx) if {"html", "pdf"} & set(formats) else ""
    builders = {"docx": report.docx, "xlsx": report.xlsx}
    for kind in FORMATS:
        if kind not in formats:
            continue
        if kind == "html":
            blobs[kind] = page.encode("utf-8")
        elif kind == "pdf":
            blobs[kind] = render_pdf(page)
        else:
            build = builders[kind]
            assert build is not None  # checked against report.formats above
            blobs[kind] = build(ctx)
    return blobs


def write_report(report: Report[C], ctx: C, folder: Path, formats: Sequence[str]) -> dict[str, Path]:
    """Render ``formats`` of ``report`` for ``ctx`` and write them to ``folder``; return path per format."""
    return write_set(folder, report.stem(ctx), render(report, ctx, formats))


def write_set(folder: Path, stem: str, blobs: Mapping[str, bytes]) -> dict[str, Path]:
    """Write ``<stem>.<kind>`` for every blob, all or none (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = {kind: folder / f"{stem}.{kind}" for kind in blobs}
    staged: list[tuple[Path, Path]] = []
    try:
        for kind, data in blobs.items():
            staged.append((stage(targets[kind], data), targets[kind]))
        _move_into_place(staged)
    finally:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
    return targets


def _move_into_place(staged: Sequence[tuple[Path, Path]]) -> None:
    """Replace every target by its staged file; on an error put back the files replaced so far."""
    done: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    try:
        for tmp, target in staged:
            backup = _keep(target)
            if backup is not None:
                backups.append(backup)
            os.replace(tmp, target)
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        raise
    finally:
        for backup in backups:
            backup.unlink(missing_ok=True)


def _keep(target: Path) -> Path | None:
    """A second name for the current ``target`` (hard link, else a copy), to restore it; None if absent."""
    if not target.is_file():
        return None
    backup = target.with_name(f".{target.name}.{secrets.token_hex(6)}.bak")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup
