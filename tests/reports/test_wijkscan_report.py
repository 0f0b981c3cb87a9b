"""The wijkveiligheidsscan for a Dordrecht wijk and a focus area: HTML, PDF and DOCX as a user gets them.

The demo workspace (real adapters) gets a small generated police incident export with Dordrecht
coordinates (dataset name starting with 'illustratief'), with a planted concentration on Friday evening
in one street corner of the Binnenstad, and an aandachtsgebieden.yaml naming three of its buurten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document
from pyproj import Transformer
from shapely.geometry import Point, shape

from ivp.demo import create_workspace
from ivp.reports.wijkscan.report import make_wijkscan
from ivp.sources.base import ingest
from ivp.store import Store, read
from ivp.workspace import Workspace
from tests.reports.pdfcheck import page_count, words_outside

WIJK = "WK050501"
HEADER = ["Incident Identificatie", "Incidentsoort code", "Incidentsoort", "Pleeggemeente", "Pleegwijk",
          "Pleegbuurt", "Begin-pleegdatum/tijd", "Eind-pleegdatum/tijd", "X", "Y"]  # fmt: skip
KINDS = (("A72", "Diefstal Fiets"), ("B70", "Zakkenrollerij"), ("F30", "Vernieling"))


def _incidents(store: Store, gemeente: str, n: int = 900, seed: int = 7) -> list[list[str]]:
    """Random incidents in the buurten of WIJK over 2023-2024 plus 120 in one spot on Friday 21-23 h."""
    rng = np.random.default_rng(seed)
    regions = read.areas_of(store, gemeente)
    names = dict(zip(regions["code"], regions["name"], strict=True))
    buurten = regions[(regions["level"] == "buurt") & (regions["parent"] == WIJK)]
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    shapes = [(c, shape(json.loads(g))) for c, g in zip(buurten["code"], buurten["geometry"], strict=True)]
    rows: list[list[str]] = []
    start = dt.datetime(2023, 1, 1)
    for i in range(n + 120):
        code, geom = shapes[i % len(shapes)] if i < n else shapes[0]
        x0, y0, x1, y1 = geom.bounds
        while True:
            p = Point(rng.uniform(x0, x1), rng.uniform(y0, y1)) if i < n else geom.representative_point()
            if geom.contains(p) or i >= n:
                break
        x, y = to_rd.transform(p.x, p.y)
        if i < n:
            begin = start + dt.timedelta(hours=float(rng.uniform(0, 2 * 365 * 24)))
        else:  # the planted hot time and place: Fridays 21-23 h, within 30 m
            begin = dt.datetime(2023, 1, 6, 21) + dt.timedelta(days=7 * int(rng.integers(0, 100)))
            begin += dt.timedelta(minutes=float(rng.uniform(0, 110)))
            x, y = x + rng.uniform(-30, 30), y + rng.uniform(-30, 30)
        end = begin + dt.timedelta(hours=float(rng.choice([0.0, 0.5, 3.0, 10.0])))
        kind = KINDS[int(rng.integers(0, len(KINDS)))]
        rows.append([f"PL1700_BVH_{i:05d}", kind[0], kind[1], "Dordrecht", names[WIJK], names[code],
                     begin.isoformat(timespec="minutes"), end.isoformat(timespec="minutes"),
                     f"{x:.0f}", f"{y:.0f}"])  # fmt: skip
    return rows


@dataclass(frozen=True)
class Scan:
    ws: Workspace
    wijk: dict[str, Path]
    focus: dict[str, Path]
    buurten: list[str]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    root = tmp_path_factory.mktemp("wijkscan") / "dordrecht"
    ws = create_workspace(root).workspace
    with Store(ws.store_path) as store:
        rows = _incidents(store, ws.gemeente)
        path = root / "illustratief_incidenten_dordrecht.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, delimiter=";").writerows([HEADER, *rows])
        ingest(store, "politie-incidenten", str(path), dataset=path.stem, gemeente=ws.gemeente)
        regions = read.areas_of(store, ws.gemeente)
    buurten = sorted(regions[(regions["level"] == "buurt") & (regions["parent"] == WIJK)]["code"])[:3]
    (root / "aandachtsgebieden.yaml").write_text(
        "aandachtsgebieden:\n  - id: binnenstad-kern\n    naam: Binnenstad kern\n"
        f"    buurten: [{', '.join(buurten)}]\n",
        encoding="utf-8",
    )
    straat = ws.teksten / "wijkscan" / WIJK / "straatkennis.md"
    straat.parent.mkdir(parents=True, exist_ok=True)
    straat.write_text("Bewoners noemen **de Groenmarkt** op vrijdagavond.\n", encoding="utf-8")
    (straat.parent / "systeemkennis.md").unlink(missing_ok=True)  # the demo ships one; test the placeholder
    meldingen = pd.DataFrame(
        {
            "event_id": [f"M{i}" for i in range(8)],
            "category": ["intimidatie"] * 6 + ["overlast"] * 2,
            "category_label": ["Straatintimidatie"] * 6 + ["Overlast"] * 2,
            "begin_at": pd.to_datetime(["2024-05-03 22:00"] * 8),
            "end_at": pd.to_datetime(["2024-05-03 23:00"] * 8),
            "x_rd": [np.nan] * 8,
            "y_rd": [np.nan] * 8,
            "region": [buurten[0]] * 8,
            "source": ["meldpunt"] * 8,
            "dataset": ["illustratief_meldingen"] * 8,
        }
    )
    wijk = make_wijkscan(ws, WIJK, "html,pdf,docx", meldingen=meldingen)
    focus = make_wijkscan(ws, "binnenstad-kern", "html,pdf,docx")
    return Scan(ws, wijk, focus, buurten)


def test_html_has_every_section_in_dutch_with_marker_and_sources(scan: Scan) -> None:
    page = scan.wijk["html"].read_text(encoding="utf-8")
    for heading in ("Samenvatting", "Cijfers", "Wanneer: tijden", "Waar: plekken", "Meldingen bij het meldpunt",
                    "Wat partners en bewoners zien", "Bronnen en werkwijze"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    assert "Illustratieve gegevens, geen echte cijfers van Dordrecht" in page
    assert "illustratief_incidenten_dordrecht" in page
    assert "47018NED" in page
    assert "andere wijken" in page
    assert "rest van Dordrecht" in page
    assert "<strong>de Groenmarkt</strong>" in page  # the advisor's Markdown
    assert "teksten/wijkscan/WK050501/systeemkennis.md" in page  # placeholder names the missing file
    assert page.count("<svg") >= 3  # heat table, dagdeel, map (and the trend chart)
    assert "Genoeg gegevens?" in page
    # meldingen: 6 and 2 with threshold 5: the 2 is suppressed, and so is what gives it away
    assert "Straatintimidatie" in page
    assert ">2<" not in page
    assert "onderdrukt" in page


def test_focus_area_is_its_own_area(scan: Scan) -> None:
    page = scan.focus["html"].read_text(encoding="utf-8")
    assert "Wijkveiligheidsscan Binnenstad kern" in page
    assert "Aandachtsgebied in Dordrecht" in page
    assert "Geen meldingen meegenomen" in page
    assert "teksten/wijkscan/binnenstad-kern/straatkennis.md" in page


def test_pdf_pages_and_headings(scan: Scan) -> None:
    for paths in (scan.wijk, scan.focus):
        pages = page_count(paths["pdf"])
        assert 5 <= pages <= 16
        text = subprocess.run(
            ["pdftotext", str(paths["pdf"]), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert not words_outside(paths["pdf"])
        for heading in ("Samenvatting", "Wanneer: tijden", "Waar: plekken", "Bronnen en werkwijze"):
            assert heading in text


def test_docx_has_chart_images_and_tables(scan: Scan) -> None:
    doc = Document(str(scan.wijk["docx"]))
    assert len(doc.inline_shapes) >= 3
    with zipfile.ZipFile(scan.wijk["docx"]) as z:
        pngs = [n for n in z.namelist() if n.endswith(".png")]
        assert pngs
        assert all(z.getinfo(n).file_size > 2000 for n in pngs)
    assert len(doc.tables) >= 4
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["Categorie", "Aantal"] in headers
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Illustratieve gegevens" in text
    assert "Wat partners en bewoners zien" in text


def test_png_of_the_heat_table_is_not_blank(scan: Scan) -> None:
    from PIL import Image

    with zipfile.ZipFile(scan.wijk["docx"]) as z:
        name = sorted(n for n in z.namelist() if n.endswith(".png"))[0]
        image = Image.open(io.BytesIO(z.read(name))).convert("L")
    assert len(set(image.getdata())) > 10  # more than a background colour
