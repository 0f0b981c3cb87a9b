"""Run the whole demo: workspace, ingest, texts, report in every format."""

from __future__ import annotations

from pathlib import Path

from ivp.demo import create_workspace
from ivp.reports.veiligheidsbeeld import make_report


def run_demo(out: Path, formats: str = "html,pdf,docx,xlsx") -> dict[str, Path]:
    """Build the Dordrecht demo workspace in ``out`` and render the Veiligheidsbeeld; return the paths."""
    demo = create_workspace(out)
    paths = make_report(demo.workspace, formats=formats)
    from ivp.plan.cli import run_plan_demo  # the IVP: plan, realisations, evaluation and Rib

    paths.update(run_plan_demo(demo.workspace, formats))
    return paths
