"""The HTML of the demo report: Dutch numbers, significance wording, provisional marks, legends, sources."""

from __future__ import annotations

import re

import pytest

from tests.reports.conftest import Demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html(demo: Demo) -> str:
    return demo.compare["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def default_html(demo: Demo) -> str:
    return demo.default["html"].read_text(encoding="utf-8")


def test_dutch_number_formats(html: str) -> None:
    assert "1.225" in html  # thousands separator (Binnenstad, 2023)
    assert re.search(r">-58%[ <]", html)  # woninginbraak 210 -> 89
    assert re.search(r"\d+,\d \(\d+,\d–\d+,\d\)", html)  # rates with intervals, decimal comma
    assert not re.search(r">\d{1,3},\d{3}<", html)  # no English thousands separators in cells


def test_significance_wording(html: str) -> None:
    # 210 -> 89 (-58%) was "aantoonbaar" as pure chance; woninginbraak swings about five times more than
    # chance (phi 4.9), so after correction for the report's 72 tests it is not (p = 0,012; q = 0,06)
    assert (
        "Het aantal woninginbraken ging van 210 in 2019 naar 89 in 2021 (-58%); dit is geen aantoonbare "
        "verandering (p = 0,012; na correctie voor het aantal toetsen niet aantoonbaar)." in html
    )
    assert "geen aantoonbare verandering" in html
    assert "Benjamini-Hochberg" in html


def test_provisional_marks(default_html: str) -> None:
    assert '<span class="prov">voorlopig</span>' in default_html
    assert "2024-2025 voorlopig" in default_html


def test_every_chapter_and_section(html: str) -> None:
    for heading in (
        "Uitdagingen en aandachtspunten (samenvatting)",
        "Waar gaat het om?",
        "Wat zeggen de cijfers?",
        "Wat speelt er in Dordrecht?",
        "Uitdagingen en aandachtspunten",
        "Misdrijven en overlast per wijk en buurt",
        "Documenten en gegevens",
    ):
        assert f">{heading}</h" in html, heading


def test_map_legend_and_flagged_areas(html: str) -> None:
    assert 'class="legend"' in html
    assert "niet gerangschikt" in html  # the hatch on the map
    assert "te weinig inwoners" in html  # the appendix's rank column
    assert "De cijfers per wijk zijn opgeteld uit de buurten" in html


def test_area_ranking_is_honest(html: str) -> None:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # ranks with their 95% interval, and one sentence saying what they mean
    assert re.search(r">1 \(1–\d+\)</td>", html)
    # the example in the ranking sentence is a real row of its table
    assert re.search(
        r"bij &#39;(\d+) \((\d+)–(\d+)\)&#39; \([^)]+\) staat het gebied op plaats \1 en ligt de werkelijke "
        r"plaats met 95% zekerheid tussen \2 en \3",
        text,
    )
    # the industrial estate (495 per 1,000) and the station area are not ranked, but listed with the reason
    assert (
        "Wijk 19 Industriegebied West (384 misdrijven, 775 inwoners; veel bezoekers, weinig inwoners: "
        "per 1.000 inwoners misleidend)" in text
    )
    assert "Burgemeester de Raadtsingel en omgeving 247 495 499,0 – bezoekersgebied" in text  # appendix
    # no buurt is certainly among the five highest in the demo: the summary says the order is uncertain
    summary = text.split("Gebieden", 1)[1][:600]
    assert "maar de rangorde is onzeker: geen buurt hoort met 95% zekerheid bij de 5 hoogste" in summary
    assert "Met 95% zekerheid horen Wijk 01 Binnenstad en Wijk 04 Nieuw-krispijn bij de 3 wijken" in text


def test_every_figure_has_its_source(html: str) -> None:
    figures = re.findall(r"<figure>.*?</figure>", html, flags=re.S)
    assert figures
    sources = (
        "Bron: CBS / Politie, 47018NED",
        "Bron: ivp (demo), illustratief_overlast_dordrecht.csv",
        "(illustratief), illustratief_registers_dordrecht.csv, 2019-",
    )
    for fig in figures:
        assert any(source in fig for source in sources), re.findall(r"Bron:[^<]*", fig)
    assert sum(sources[0] in fig for fig in figures) >= 2  # the crime charts and map
    assert sum(sources[1] in fig for fig in figures) >= 2  # the demo's nuisance charts and map


def test_appendix_lists_each_source(html: str) -> None:
    appendix = html.split('id="bronnen"', 1)[1].replace("<wbr>", "")
    for dataset in ("47018NED", "85984NED", "NL_Crime", "bevolking", "dordrecht_buurten_2024"):
        assert dataset in appendix, dataset
    assert "CC BY 4.0" in appendix


def test_a_theme_on_registers_only_shows_them(html: str) -> None:
    """Sociale stabiliteit has no police figures in the demo, only its (illustrative) registers; a theme
    without any figures says so (tests/reports/test_veiligheidsbeeld_registers.py)."""
    section = html.split('id="thema-sociale_stabiliteit"', 1)[1].split("</section>", 1)[0]
    assert "geen cijfers geladen" not in section
    assert 'class="figures registers"' in section
    assert "Meldingen van discriminatie" in section


def test_comparison_with_netherlands_and_similar_municipalities(html: str) -> None:
    assert "vergelijkbare gemeenten" in html
    assert "±25%" in html
    assert re.search(r"aantoonbaar (hoger|lager)|geen aantoonbaar verschil", html)


def test_opgave_is_named_not_its_id(default_html: str) -> None:
    assert "Opgave: Veilige wijken" in default_html
    assert not re.search(r"Opgave: [a-z]+_[a-z_]+", default_html)


def test_source_versions_are_dutch_dates(default_html: str) -> None:
    appendix = default_html.split('id="bronnen"', 1)[1]
    assert "15 augustus 2024; opgehaald" in appendix
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", default_html)


def test_sources_table_has_fixed_widths_and_breakable_file_names(default_html: str) -> None:
    appendix = default_html.split('id="bronnen"', 1)[1]
    assert "<colgroup>" in appendix
    assert "bevolking_<wbr>gemeenten_<wbr>" in appendix


def test_summary_concerns_are_merged_per_crime_type(default_html: str) -> None:
    summary = default_html.split('id="samenvatting"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r"<ul class=\"concerns\">(.*?)</ul>", summary, flags=re.S)
    assert items
    for block in items:
        lines = re.findall(r"<li>(.*?)</li>", block, flags=re.S)
        titles = [line.split(":")[0] for line in lines]
        assert len(titles) == len(set(titles)) <= 6  # one line per type, top 5 (+ "En nog ...")
    assert 'class="concern"' not in summary
