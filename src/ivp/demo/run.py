"""Run the whole demo on a demo workspace: the Veiligheidsbeeld, the plan reports, two wijkscans and the
effect report of an illustrative intervention."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ivp.demo.plan import run_plan_demo
from ivp.reports.veiligheidsbeeld import make_report
from ivp.workspace import Workspace

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention

#: The illustrative interventions of the demo (ILLUSTRATIEF: invented areas and dates, evaluated on the
#: demo's illustrative incidents), and the one the demo writes an effect report for.
INTERVENTIONS = Path(__file__).with_name("interventies.yaml")
EFFECT_REPORTS = ("camera-binnenstad",)

#: The areas the demo makes a wijkveiligheidsscan for: a wijk with many incidents (the centre) and a
#: focus area of the midterm evaluation (``aandachtsgebieden.yaml``), where the data is thin.
WIJKSCANS = ("WK050501", "kromhout")


def run_demo(ws: Workspace, formats: str = "html,pdf,docx,xlsx") -> dict[str, Path]:
    """Render the Veiligheidsbeeld, the IVP reports and the wijkscans of :data:`WIJKSCANS` for the demo
    workspace ``ws`` (made by ``ivp.demo.create_workspace``); return the paths, the wijkscans keyed
    ``wijkscan-<area>-<format>``. Django must be set up for ``ws`` (``ivp demo`` does that) because the
    plan lives in the app database."""
    paths = make_report(ws, formats=formats)
    interventions = register_interventions()
    paths.update(run_plan_demo(ws, formats, interventions=interventions))
    paths.update(run_wijkscans(ws, formats))
    paths.update(run_effect_reports(ws, interventions, formats))
    return paths


def register_interventions() -> tuple[Intervention, ...]:
    """Import :data:`INTERVENTIONS` into the register of the app database (through its service)."""
    from ivp.interventions import load_interventions
    from ivp.web.interventions import services

    items = load_interventions(INTERVENTIONS)
    services.import_interventions(items, actor="ivp demo")
    return services.list_interventions()


def run_effect_reports(
    ws: Workspace, interventions: Sequence[Intervention], formats: str = "html,pdf,docx"
) -> dict[str, Path]:
    """The effect reports of :data:`EFFECT_REPORTS`, keyed ``effect-<id>-<format>``."""
    from ivp.reports.effect.report import FORMATS, make_effect_report

    wanted = [f for f in (x.strip() for x in formats.split(",")) if f in FORMATS]
    paths: dict[str, Path] = {}
    by_id = {iv.id: iv for iv in interventions}
    for code in EFFECT_REPORTS if wanted else ():
        for kind, path in make_effect_report(ws, by_id[code], wanted).items():
            paths[f"effect-{code}-{kind}"] = path
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
