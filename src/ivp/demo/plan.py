"""The plan part of the demo: Dordrecht's IVP with illustrative realisations, its evaluation and a Rib."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ivp.workspace import Workspace

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention


def run_plan_demo(
    ws: Workspace, formats: str = "html,pdf,docx", *, interventions: Sequence[Intervention] = ()
) -> dict[str, Path]:
    """Import Dordrecht's IVP and its illustrative realisations, render the evaluation (with the
    registered ``interventions`` in "Wat werkte?") and the Rib for ondermijning. Returns the written paths
    keyed ``evaluatie-<fmt>`` and ``rib-<fmt>``.

    Django must be set up for ``ws`` with its app database migrated (``ivp demo`` does that).
    """
    from ivp.plan.realisations_csv import read_realisations_csv
    from ivp.plan.yaml_io import example_path, load_plan
    from ivp.reports.plan.context import evaluation_context, rib_context
    from ivp.reports.plan.render import FORMATS, write_evaluation, write_rib
    from ivp.store import Store
    from ivp.web.plan import services

    wanted = tuple(f for f in (x.strip() for x in formats.split(",")) if f in FORMATS)
    plan = load_plan(example_path())
    row = services.import_plan(plan, actor="ivp demo")
    items = read_realisations_csv(example_path().with_name("dordrecht_realisaties_illustratief.csv"), plan)
    services.record_realisations(row, items, actor="ivp demo")
    stored = services.stored_realisations(row)
    paths: dict[str, Path] = {}
    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        evaluation = evaluation_context(ws, plan, stored, store, interventions=interventions)
        rib = rib_context(ws, plan, stored, store, "ondermijning")
    finally:
        if store is not None:
            store.close()
    paths.update({f"evaluatie-{k}": v for k, v in write_evaluation(evaluation, ws.uitvoer, wanted).items()})
    paths.update({f"rib-{k}": v for k, v in write_rib(rib, ws.uitvoer, wanted).items()})
    return paths
