"""Run the whole demo on a demo workspace: the Veiligheidsbeeld, the plan reports and two wijkscans."""

from __future__ import annotations

from pathlib import Path

from ivp.demo.plan import run_plan_demo
from ivp.reports.veiligheidsbeeld import make_report
from ivp.workspace import Workspace

#: The areas the demo makes a wijkveiligheidsscan for: a wijk with many incidents (the centre) and a
#: focus area of the midterm evaluation (``aandachtsgebieden.yaml``), where the data is thin.
WIJKSCANS = ("WK050501", "kromhout")


def run_demo(ws: Workspace, formats: str = "html,pdf,docx,xlsx") -> dict[str, Path]:
    """Render the Veiligheidsbeeld, the IVP reports and the wijkscans of :data:`WIJKSCANS` for the demo
    workspace ``ws`` (made by ``ivp.demo.create_workspace``); return the paths, the wijkscans keyed
    ``wijkscan-<area>-<format>``. Django must be set up for ``ws`` (``ivp demo`` does that) because the
    plan lives in the app database."""
    paths = make_report(ws, formats=formats)
    paths.update(run_plan_demo(ws, formats))
    paths.update(run_wijkscans(ws, formats))
    return paths


def run_wijkscans(ws: Workspace, formats: str = "html,pdf,docx") -> dict[str, Path]:
    """The wijkscans of :data:`WIJKSCANS` in those of ``formats`` the wijkscan has (html, pdf, docx)."""
    from ivp.reports.wijkscan.report import FORMATS, make_wijkscan

    wanted = [f for f in (x.strip() for x in formats.split(",")) if f in FORMATS]
    paths: dict[str, Path] = {}
    if not wanted:
        return paths
    for area in WIJKSCANS:
        for kind, path in make_wijkscan(ws, area, wanted).items():
            paths[f"wijkscan-{area}-{kind}"] = path
    return paths
