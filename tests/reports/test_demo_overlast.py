"""The demo's illustrative nuisance registrations (ivp.demo.overlast): real national level, invented wijken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ivp.demo import create_workspace
from ivp.demo.overlast import CLASSES, FILE_NAME, generate_nuisance
from ivp.store import Store, read


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_workspace(tmp_path_factory.mktemp("demo") / "ws").workspace.store_path


def test_loaded_through_the_adapter_and_marked_illustrative(demo_store: Path) -> None:
    with Store(demo_store) as store:
        counts = read.counts(store, "overlast_registraties", "politie-overlast", regions=["GM0505"])
        sources = {r.dataset: r for r in read.provenance(store)}
    assert FILE_NAME.startswith("illustratief")
    assert set(counts["dataset"]) == {FILE_NAME}
    assert set(counts["category"]) == set(CLASSES)
    assert "Illustratieve gegevens" in sources[FILE_NAME].title
    assert "geen open data" in sources[FILE_NAME].licence
    assert "NL_Disorder" in sources  # the real national series it is scaled from


def test_level_follows_the_national_series_and_wijken_add_up(demo_store: Path) -> None:
    with Store(demo_store) as store:
        all_counts = read.counts(store, "overlast_registraties", "politie-overlast")
        nl = all_counts[all_counts["region"] == "NL00"].set_index(["category", "year"])["value"]
        people = read.population(store, municipalities=True)
        frame = generate_nuisance(store, "GM0505")
    own = all_counts[all_counts["region"] == "GM0505"].set_index(["category", "year"])["value"]
    wijken = (
        all_counts[all_counts["region"].str.startswith("WK")].groupby(["category", "year"])["value"].sum()
    )
    assert (own == wijken.reindex(own.index)).all()  # the municipal row is the sum of the wijken
    share = (
        people[people["region"] == "GM0505"].set_index("year")["value"]
        / people.groupby("year")["value"].sum()
    )
    expected = np.array([nl[(c, y)] * share[y] for c, y in own.index])
    big = expected > 100  # small classes are dominated by Poisson noise
    ratio = own.to_numpy()[big] / expected[big]
    # Poisson and Gamma(60) mixing over 13 wijken: relative sd about 0.11 at 100, so +-40% is ~4 sd.
    assert big.sum() >= 20
    assert ratio.min() > 0.6, ratio
    assert ratio.max() < 1.4, ratio
    with Store(demo_store) as store:
        assert generate_nuisance(store, "GM0505").equals(frame)  # deterministic


def test_counts_vary_more_than_poisson(demo_store: Path) -> None:
    """The wijk counts of the big classes are overdispersed relative to their expectation, as real counts."""
    with Store(demo_store) as store:
        frame = generate_nuisance(store, "GM0505", seed=1)
    wijk = frame[frame["gebiedscode"].str.startswith("WK") & frame["code"].str.startswith(("E33", "M22"))]
    # Over the years, the year-to-year spread of each wijk's count against its mean: dispersion > 1.
    grouped = wijk.groupby(["code", "gebiedscode"])["aantal"]
    dispersion = (grouped.var() / grouped.mean()).median()
    assert dispersion > 1.2, dispersion


def test_refreshing_the_demo_reloads_no_nuisance(tmp_path: Path) -> None:
    create_workspace(tmp_path / "d")
    again = create_workspace(tmp_path / "d")
    nuisance = [load for load in again.loads if load.source_id == "politie-overlast"]
    assert [load.action for load in nuisance] == ["ongewijzigd"]  # same bytes, nothing reloaded
