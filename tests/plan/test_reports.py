"""The plan reports: the rendered HTML of the midterm evaluation and the Rib (numbers in Dutch format,
status labels, tested changes, placeholders for missing texts), and the DOCX."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from ivp.plan.model import Plan, Realisation
from ivp.plan.realisations_csv import read_realisations_csv
from ivp.plan.yaml_io import example_path, load_plan
from ivp.reports.plan.context import evaluation_context, rib_context
from ivp.reports.plan.render import evaluation_docx, evaluation_html, rib_html, write_rib
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.workspace import Workspace

BUNDLE = Path(__file__).resolve().parents[2] / "src" / "ivp" / "demo" / "bundle"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(example_path())


@pytest.fixture(scope="module")
def realisations(plan: Plan) -> list[Realisation]:
    return read_realisations_csv(example_path().with_name("dordrecht_realisaties_illustratief.csv"), plan)


@pytest.fixture(scope="module")
def cbs_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("store") / "ivp.duckdb"
    with Store(path) as store:
        ingest(store, "cbs", str(BUNDLE / "cbs" / "47018NED"), dataset="47018NED", gemeente="GM0505")
    with Store(path, read_only=True) as store:
        yield store


def test_evaluation_html(
    workspace: Workspace, plan: Plan, realisations: list[Realisation], cbs_store: Store
) -> None:
    (workspace.teksten / "opgaven" / "veilige_wijken").mkdir(parents=True)
    (workspace.teksten / "opgaven" / "veilige_wijken" / "inzet_komende_periode.md").write_text(
        "We zetten **extra** in op de focusgebieden.", encoding="utf-8"
    )
    ctx = evaluation_context(workspace, plan, realisations, cbs_store, today=TODAY)
    html = evaluation_html(ctx)
    assert "Midtermevaluatie Integraal Veiligheidsplan Dordrecht 2023-2026" in html
    for name in ("Veilige wijken", "Maatschappelijke veiligheid", "Jeugd en veiligheid"):
        assert f"<h2>{name}</h2>" in html
    # Integrated inspections: 11 + 9 against 10 + 10.
    assert "OND-01</span> Integrale controles" in html
    assert '<span class="status status-behaald">behaald</span>' in html
    # Registered burglaries from the store: 100 (2022) -> 140 (2024) is a tested rise.
    assert "nulmeting 2022: 100, laatste jaar 140" in html
    assert "aantoonbare stijging" in html
    # Money and counts in Dutch format, narrative from Markdown, placeholders where a text is missing.
    assert "We zetten <strong>extra</strong> in" in html
    assert (
        "[Nog te schrijven door de adviseur: teksten/opgaven/jeugd_en_veiligheid/inzet_komende_periode.md]"
        in html
    )
    assert "Geregistreerde misdrijven bij de thema" in html
    assert "<svg" in html
    assert ctx.counts["behaald"] + ctx.counts["achter"] + ctx.counts["op_koers"] + ctx.counts[
        "onbekend"
    ] == sum(len(s.indicators) for s in ctx.sections)


def test_rib_ondermijning_html(workspace: Workspace, plan: Plan, realisations: list[Realisation]) -> None:
    ctx = rib_context(workspace, plan, realisations, None, "ondermijning", today=TODAY)
    assert ctx.period.label() == "2025-2026"
    html = rib_html(ctx)
    assert "Voortgang uitvoeringsplan ondermijning 2025-2026" in html
    assert [p.name for p in ctx.pillars][:3] == [
        "Signaleren en informatie delen",
        "Integrale controles",
        "Bestuurlijke aanpak",
    ]
    assert "€ 240.000" in html  # seized assets, 2024
    assert "Panden gesloten (artikel 13b Opiumwet)" in html
    # 2026 is counted up to 30 September: marked as a running year, with a projection.
    assert "<sup>*</sup>" in html
    assert "stand t/m 30 september 2026" in html
    # The city-centre exploration had a target only in 2024: not an indicator of the 2025-2026 letter.
    assert {p.indicator.id for p in ctx.targets} == {"OND-01", "OND-02", "OND-03", "OND-04", "OND-05"}
    assert "[Nog te schrijven door de adviseur: teksten/rib/ondermijning.md]" in html


def test_rib_unknown_subject(workspace: Workspace, plan: Plan) -> None:
    from ivp.lib.errors import ConfigError

    with pytest.raises(ConfigError, match="ondermijning"):
        rib_context(workspace, plan, [], None, "drugs", today=TODAY)


def test_docx_and_files(workspace: Workspace, plan: Plan, realisations: list[Realisation]) -> None:
    ctx = evaluation_context(workspace, plan, realisations, None, today=TODAY)
    doc = Document(io.BytesIO(evaluation_docx(ctx)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Inzet komende periode" in text
    assert len(doc.tables) >= 3
    paths = write_rib(
        rib_context(workspace, plan, realisations, None, "ondermijning", today=TODAY),
        workspace.uitvoer,
        ("html", "docx"),
    )
    assert sorted(paths) == ["docx", "html"]
    assert all(p.exists() for p in paths.values())
