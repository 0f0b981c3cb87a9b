"""The demo's illustrative municipal registers (ivp.demo.registers): every theme has figures, the
registers are marked illustrative wherever they appear, and small counts of these non-public registers are
protected."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from ivp.demo import create_workspace
from ivp.demo.registers import FILE_NAME, SERIES
from ivp.store import Store, read
from tests.reports.conftest import Demo

NO_FIGURES = "nog geen cijfers geladen"
MARK = f"De registercijfers in dit thema ({FILE_NAME}) zijn illustratieve gegevens, geen echte cijfers van Dordrecht"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_no_theme_says_no_figures_and_registers_are_marked(demo: Demo) -> None:
    text = _text(demo.default["html"].read_text(encoding="utf-8"))
    assert NO_FIGURES not in text
    for theme in ("Sociale stabiliteit", "Fysieke veiligheid", "Digitale criminaliteit", "Evenementen"):
        part = text[text.index(f"{theme} Opgave:") :]
        part = part[: part.index("Wat speelt er in Dordrecht?")]
        assert "Cijfers uit registraties en onderzoek" in part, theme
        assert MARK in part, theme
    assert "Signalen van radicalisering" in text
    assert "minder dan 5" in text  # radicalisation signals and GRIP incidents are small: protected
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(demo.default["pdf"]), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert NO_FIGURES not in re.sub(r"\s+", " ", pdf)
    doc = Document(str(demo.default["docx"]))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert NO_FIGURES not in body
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings.count("Cijfers uit registraties en onderzoek") == len({s.thema for s in SERIES})
    wb = load_workbook(demo.default["xlsx"])
    sheet = wb["registers_reeksen"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[1].value]
    assert {r[1] for r in rows} == {s.id for s in SERIES}
    assert any("illustratieve gegevens" in str(c.value) for row in sheet.iter_rows() for c in row)


def test_loaded_through_the_adapter_and_a_refresh_reloads_nothing(tmp_path: Path) -> None:
    made = create_workspace(tmp_path / "ws")
    again = create_workspace(tmp_path / "ws")
    first = next(r for r in made.loads if r.dataset == FILE_NAME)
    second = next(r for r in again.loads if r.dataset == FILE_NAME)
    assert first.action == "geladen"
    assert second.action == "ongewijzigd"
    with Store(made.workspace.store_path) as store:
        frame = read.indicators(store)
        record = next(r for r in read.provenance(store) if r.dataset == FILE_NAME)
    assert set(frame["indicator"]) == {s.id for s in SERIES}
    assert set(frame["region"]) == {"GM0505"}
    assert not record.public
    assert "verzonnen" in str(frame["licence"].iloc[0])
