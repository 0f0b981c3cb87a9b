"""The Veiligheidsbeeld report: context -> template -> HTML -> PDF, plus DOCX and xlsx (see ``report``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ivp.workspace import Workspace


def make_report(
    ws: Workspace,
    vergelijk: tuple[int, int] | None = None,
    reeks: tuple[int, int] | None = None,
    themes: Sequence[str] = (),
    formats: str | Sequence[str] = "html,pdf,docx,xlsx",
    trend_provisional: bool = False,
) -> dict[str, Path]:
    """Render the report for the workspace; return the written path per format."""
    from ivp.lib.errors import ConfigError
    from ivp.reports.core.report import parse_formats
    from ivp.reports.veiligheidsbeeld.context import Options
    from ivp.reports.veiligheidsbeeld.report import render_report

    try:
        kinds = parse_formats(formats)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    options = Options(
        vergelijk=vergelijk or None,
        reeks=reeks or None,
        themes=tuple(themes),
        trend_provisional=trend_provisional,
    )
    return render_report(ws, options, kinds).paths
