"""The Veiligheidsbeeld's registration with the report core, and rendering it for a workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ivp.lib.i18n import _
from ivp.reports.core.output import write_report
from ivp.reports.core.report import FORMATS, Report
from ivp.reports.veiligheidsbeeld import docx_writer, page, render, xlsx_writer
from ivp.reports.veiligheidsbeeld.context import Options, ReportContext, build_context
from ivp.store import Store
from ivp.workspace import Workspace


def output_stem(ctx: ReportContext) -> str:
    """'veiligheidsbeeld-GM0505-2024-2025'."""
    return f"veiligheidsbeeld-{ctx.gemeente}-{ctx.year_a}-{ctx.year_b}"


REPORT: Report[ReportContext] = Report(
    name="veiligheidsbeeld",
    title=_("Veiligheidsbeeld"),
    template=render.TEMPLATE,
    stem=output_stem,
    names=page.template_names,
    docx=docx_writer.render_docx,
    xlsx=xlsx_writer.render_xlsx,
)


@dataclass(frozen=True)
class Rendered:
    """Paths of the written files, per format."""

    paths: dict[str, Path]
    context: ReportContext


def render_report(
    ws: Workspace, options: Options | None = None, formats: Sequence[str] = FORMATS
) -> Rendered:
    """Build the context from the workspace store and write the requested formats to ``ws.uitvoer``."""
    with Store(ws.store_path, read_only=True) as store:
        ctx = build_context(ws, store, options)
    return write_outputs(ctx, ws.uitvoer, formats)


def write_outputs(ctx: ReportContext, folder: Path, formats: Sequence[str]) -> Rendered:
    """Render every format in memory, then write them all atomically."""
    return Rendered(paths=write_report(REPORT, ctx, folder, formats), context=ctx)
