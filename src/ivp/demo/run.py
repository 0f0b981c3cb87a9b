"""Run the whole demo on a demo workspace: the Veiligheidsbeeld and the plan reports in every format."""

from __future__ import annotations

from pathlib import Path

from ivp.demo.plan import run_plan_demo
from ivp.reports.veiligheidsbeeld import make_report
from ivp.workspace import Workspace


def run_demo(ws: Workspace, formats: str = "html,pdf,docx,xlsx") -> dict[str, Path]:
    """Render the Veiligheidsbeeld and the IVP reports for the demo workspace ``ws`` (made by
    ``ivp.demo.create_workspace``); return the paths. Django must be set up for ``ws`` (``ivp demo``
    does that) because the plan lives in the app database."""
    paths = make_report(ws, formats=formats)
    paths.update(run_plan_demo(ws, formats))
    return paths
