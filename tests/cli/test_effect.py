"""``ivp effect`` and ``ivp report effect`` on the real Groningen thefts, with an intervention read from a
file and from the register; JSON at the top level, the report in three formats, and clear errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ivp.cli import main
from tests.reports.pdfcheck import page_count, words_outside
from tests.reports.wijkscan_data import build_groningen

FILE = """\
interventies:
  - id: camera-station
    naam: Cameratoezicht Stationsgebied
    soort: cameratoezicht
    gebied: {punt: [6.5655, 53.2105], straal_m: 400}
    perioden: [{start: 2015-07-01, eind: 2016-06-30}]
    doelen: [1.2.3]
    buffer_m: 250
  - id: te-vroeg
    naam: Begon voor de gegevens
    soort: overig
    gebied: {punt: [6.5655, 53.2105], straal_m: 300}
    perioden: [{start: 2012-01-01, eind: 2013-06-30}]
    doelen: [1.2.3]
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    root = build_groningen(tmp_path_factory.mktemp("effect") / "groningen", shared_data)
    (root / "interventies.yaml").write_text(FILE, encoding="utf-8")
    return root


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--workspace", str(root)])


def test_effect_json_has_effect_and_interval_at_the_top(root: Path) -> None:
    result = _run(root, "effect", "camera-station", "--bestand", str(root / "interventies.yaml"), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    low, high = data["interval"]
    assert low < data["effect"] < high
    assert data["interventie"]["id"] == "camera-station"
    assert data["korrel"] == "maand"
    assert data["perioden_tijdens"] == 12
    assert data["perioden_voor"] == 24
    counts = data["aantallen"]["interventiegebied"]
    assert counts["voor"] > 100
    assert counts["tijdens"] > 20
    assert sum(r["interventiegebied"] for r in data["reeks"]) == counts["voor"] + counts["tijdens"]
    # nothing was planted in these real data: whatever the estimate, it is worded with its interval
    assert data["aantoonbaar"] is (data["p"] < 0.05)
    assert data["zinnen"][0].startswith("Cameratoezicht Stationsgebied:")
    assert 0 <= data["onderscheidend_vermogen"]["kans_nu"] <= 1
    assert data["omgeving"]["interval"][0] < data["omgeving"]["interval"][1]
    assert data["illustratief"] is False


def test_effect_text_output_names_counts_sentences_and_source(root: Path) -> None:
    result = _run(root, "effect", "camera-station", "--bestand", str(root / "interventies.yaml"))
    assert result.exit_code == 0, result.output
    assert "interventiegebied" in result.output
    assert "vergelijkingsgebied" in result.output
    assert "95%-interval" in result.output or "geen aantoonbaar effect" in result.output
    assert "groningen_fietsdiefstal_2013_2017.csv" in result.output


def test_effect_report_in_three_formats(root: Path) -> None:
    result = _run(root, "report", "effect", "camera-station", "--bestand", str(root / "interventies.yaml"))
    assert result.exit_code == 0, result.output
    out = root / "uitvoer"
    html = (out / "effect-camera-station-2013-2016.html").read_text(encoding="utf-8")
    assert "Effectevaluatie: Cameratoezicht Stationsgebied" in html
    assert 'id="schatters"' in html
    assert "placebogebieden" in html
    assert "<svg" in html
    pdf = out / "effect-camera-station-2013-2016.pdf"
    assert 2 <= page_count(pdf) <= 8
    assert words_outside(pdf) == []
    docx = (out / "effect-camera-station-2013-2016.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode()
    assert len(media) == 2  # the series chart and the map
    assert "Schattingen" in body


def test_unknown_intervention_and_no_pre_period_are_clear_errors(root: Path) -> None:
    result = _run(root, "effect", "camara-station", "--bestand", str(root / "interventies.yaml"))
    assert result.exit_code != 0
    assert "camara-station" in result.output
    assert "camera-station" in result.output
    result = _run(root, "effect", "te-vroeg", "--bestand", str(root / "interventies.yaml"))
    assert result.exit_code != 0
    assert "te-vroeg" in result.output
    assert "voorperiode" in result.output
    assert "Traceback" not in result.output


# Environment other test folders set for Django's tests must not leak into the real `ivp` runs below.
_TEST_ONLY_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "IVP_WORKSPACE", "IVP_SECRET_KEY")


def _ivp(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `ivp` in a fresh process: the register lives in the workspace's Django database, and
    Django is set up once per process (pytest-django's blocker in this one would refuse it)."""
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    return subprocess.run(
        [sys.executable, "-m", "ivp.cli", *args, "--workspace", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_effect_from_the_register(root: Path) -> None:
    made = _ivp(root, "interventies", "import", str(root / "interventies.yaml"))
    assert made.returncode == 0, made.stdout + made.stderr
    result = _ivp(root, "effect", "camera-station", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["interventie"]["naam"] == "Cameratoezicht Stationsgebied"
