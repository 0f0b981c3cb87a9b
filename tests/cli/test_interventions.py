"""``ivp interventies import/lijst/export``: in a fresh process each (Django is set up once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ivp.interventions import load_interventions
from ivp.workspace import Workspace

REGISTER = """\
interventies:
  - id: camera-binnenstad
    naam: Cameratoezicht Binnenstad
    soort: cameratoezicht
    gebied: {buurten: [BU05050108, BU05050109]}   # or {polygoon: <GeoJSON geometry>}, or {punt: [4.67, 51.81], straal_m: 150}
    perioden: [{start: 2021-01-01, eind: 2022-12-31}]
    doelen: [1.2.3, 2.2.1]                         # crime or nuisance codes it targets
"""

BROKEN = """\
interventies:
  - id: camera-noord
    naam: Cameratoezicht Noord
    soort: cameratoezicht
    gebied: {buurten: [BU05050301]}
    perioden: [{start: 2023-01-01, eind: 2022-12-31}]
    doelen: [1.2.3]
"""

# Environment other test folders set for Django's tests must not leak into the real `ivp` runs here.
_TEST_ONLY_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "IVP_WORKSPACE", "IVP_SECRET_KEY")


def _ivp(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    return subprocess.run(
        [sys.executable, "-m", "ivp.cli", *args, "--workspace", str(ws)],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interventies") / "ws"
    Workspace.create(root, "GM0505", "Dordrecht")
    (root / "interventies.yaml").write_text(REGISTER, encoding="utf-8")
    (root / "kapot.yaml").write_text(BROKEN, encoding="utf-8")
    made = _ivp(root, "interventies", "import", str(root / "interventies.yaml"))
    assert made.returncode == 0, made.stdout + made.stderr
    assert "1 interventies gelezen: 1 nieuw, 0 gewijzigd, 0 ongewijzigd." in made.stdout
    return root


def test_list_shows_the_imported_register(ws: Path) -> None:
    shown = _ivp(ws, "interventies", "lijst")
    assert shown.returncode == 0, shown.stderr
    assert "camera-binnenstad: Cameratoezicht Binnenstad (Cameratoezicht (vast))" in shown.stdout
    assert "2021-01-01 t/m 2022-12-31" in shown.stdout
    data = json.loads(_ivp(ws, "interventies", "lijst", "--json").stdout)
    assert data[0]["id"] == "camera-binnenstad"
    assert data[0]["soort"] == "cameratoezicht_vast"
    assert data[0]["doelen"] == ["1.2.3", "2.2.1"]


def test_export_round_trips(ws: Path) -> None:
    out = ws / "uit" / "register.yaml"
    written = _ivp(ws, "interventies", "export", str(out))
    assert written.returncode == 0, written.stderr
    assert load_interventions(out) == load_interventions(ws / "interventies.yaml")
    again = _ivp(ws, "interventies", "import", str(out))
    assert "0 nieuw, 0 gewijzigd, 1 ongewijzigd" in again.stdout


def test_a_broken_file_names_file_line_field_and_fix_and_imports_nothing(ws: Path) -> None:
    broken = _ivp(ws, "interventies", "import", str(ws / "kapot.yaml"))
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert "Er is geen interventie geïmporteerd." in broken.stderr
    assert f"{ws / 'kapot.yaml'}:regel 6, veld 'interventies[camera-noord].perioden[1].eind'" in broken.stderr
    assert "Oplossing:" in broken.stderr
    data = json.loads(_ivp(ws, "interventies", "lijst", "--json").stdout)
    assert [item["id"] for item in data] == ["camera-binnenstad"]
