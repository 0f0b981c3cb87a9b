"""Read and write plan files (YAML): schema check, domain rules, and an export that round-trips.

Parsing keeps the line of every key (PyYAML's composed node tree carries marks), so each problem
names the file, the line and the key path. All problems are collected and raised together as
:class:`~ivp.plan.errors.PlanFileError`; a plan with any problem yields nothing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ivp.plan.yaml_io.build import load_plan, loads_plan
from ivp.plan.yaml_io.parse import DEFAULT_THEME_IDS, FORMAT_VERSION, known_theme_ids, schema
from ivp.plan.yaml_io.write import dumps_plan, plan_to_dict

__all__ = [
    "DEFAULT_THEME_IDS",
    "FORMAT_VERSION",
    "dumps_plan",
    "example_path",
    "known_theme_ids",
    "load_plan",
    "loads_plan",
    "plan_to_dict",
    "schema",
]


def example_path() -> Path:
    """The path of Dordrecht's IVP 2023-2026, shipped as an example."""
    return Path(str(resources.files("ivp.plan").joinpath("examples/dordrecht_ivp_2023_2026.yaml")))
