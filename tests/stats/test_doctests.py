"""Run the Examples sections of every ivp.stats module: documentation that cannot go stale."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "change", "change_engine", "dispersion", "funnel", "glm", "trend", "rates", "multiple", "smoothing",
    "disclosure", "disclosure_lp", "aoristic", "hottimes", "nearrepeat", "grid", "hotspots", "effect",
    "effect_summary", "effect_power", "heterogeneity",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    module = importlib.import_module(f"ivp.stats.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"ivp.stats.{name} has no examples"
    assert result.failed == 0
