"""The wijkscan's registration with the report core, and making it for a workspace and an area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ivp.lib.errors import ConfigError
from ivp.lib.i18n import _
from ivp.reports.core.output import write_report
from ivp.reports.core.report import Report, parse_formats
from ivp.reports.wijkscan import docx_writer, focus, render
from ivp.reports.wijkscan.context import WijkscanContext, build_wijkscan
from ivp.store import Store
from ivp.workspace import Workspace

#: The formats of the wijkscan (no xlsx: its tables are small and in the DOCX).
FORMATS = ("html", "pdf", "docx")


def output_stem(ctx: WijkscanContext) -> str:
    """'wijkscan-WK050503-2021-2024': the area and the years of its incidents (so a rerun on the same data
    replaces the files instead of adding a copy per day); the day it was made when there are none."""
    if ctx.period is None:
        return f"wijkscan-{ctx.area.code}-{ctx.generated.isoformat()}"
    first, last = ctx.period[0].year, ctx.period[1].year
    return f"wijkscan-{ctx.area.code}-{first}" + (f"-{last}" if last != first else "")


REPORT: Report[WijkscanContext] = Report(
    name="wijkscan",
    title=_("Wijkveiligheidsscan"),
    template=render.TEMPLATE,
    stem=output_stem,
    names=render.template_names,
    docx=docx_writer.render_docx,
)


def make_wijkscan(
    ws: Workspace,
    gebied: str,
    formats: str | Sequence[str] = "html,pdf,docx",
    *,
    meldingen: pd.DataFrame | None = None,
    period: tuple[dt.date | None, dt.date | None] | None = None,
) -> dict[str, Path]:
    """Make the wijkscan of ``gebied`` (wijk or buurt code, focus id or name); return the path per format."""
    try:
        kinds = parse_formats(formats, FORMATS)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    with Store(ws.store_path, read_only=True) as store:
        area = focus.resolve_area(ws, store, gebied)
        ctx = build_wijkscan(ws, store, area, meldingen=meldingen, period=period)
    return write_report(REPORT, ctx, ws.uitvoer, kinds)
