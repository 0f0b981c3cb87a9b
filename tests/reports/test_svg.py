"""Charts and maps are valid, accessible SVG with legends; flagged areas are hatched, not classed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ivp.reports.core import charts
from ivp.reports.veiligheidsbeeld import maps

NS = "{http://www.w3.org/2000/svg}"


def _series() -> list[charts.Series]:
    return [
        charts.Series(
            "Woninginbraak", tuple(charts.Point(y, 100.0 - y % 10, y >= 2024) for y in range(2012, 2026))
        ),
        charts.Series("Een heel lange titel die niet in een smal paneel past", (charts.Point(2012, 3.0),)),
    ]


def test_chart_is_valid_accessible_svg() -> None:
    svg = charts.small_multiples(_series(), title="Titel", description="Beschrijving", highlight=(2019, 2021))
    root = ET.fromstring(svg)  # noqa: S314 - our own generated SVG
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Titel"
    assert root.find(f"{NS}title") is not None
    assert root.find(f"{NS}desc") is not None
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{NS}text"))
    assert "voorlopig" in texts
    assert "definitief" in texts
    assert "Een heel lange titel" in texts
    assert "…" in texts  # truncated, full title kept in a <title>
    # provisional points are open (white fill), final ones filled
    fills = [c.get("fill") for c in root.iter(f"{NS}circle")]
    assert "#ffffff" in fills
    assert any(f not in ("#ffffff", "#fff", "#555") for f in fills)


def test_chart_needs_a_series() -> None:
    with pytest.raises(ValueError, match="at least one"):
        charts.small_multiples([], title="t", description="d")


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.6, 51.8], [4.7, 51.8], [4.7, 51.9], [4.6, 51.9], [4.6, 51.8]]],
}


def _shifted(dx: float) -> str:
    coords: list[list[float]] = SQUARE["coordinates"][0]  # type: ignore[assignment]
    ring = [[x + dx, y] for x, y in coords]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_map_has_legend_classes_and_hatched_flagged_area() -> None:
    areas = [maps.MapArea(f"BU{i}", f"Buurt {i}", _shifted(i * 0.1), float(i * 10)) for i in range(6)]
    areas.append(maps.MapArea("BU9", "Klein", _shifted(0.7), 99.0, flagged=True))
    svg = maps.choropleth(
        areas, title="Kaart", legend_title="per 1.000 inwoners (afgevlakt)", description="d"
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own generated SVG
    assert root.get("role") == "img"
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend")
    labels = [t.text for t in legend.iter(f"{NS}text")]
    assert "te weinig inwoners" in labels
    assert any(label and "–" in label and "," in label for label in labels)  # Dutch decimal comma ranges
    paths = {p.get("data-code"): p.get("fill") for p in root.iter(f"{NS}path")}
    assert paths["BU9"] == maps.FLAGGED_BASE
    hatch = next(p for p in root.iter(f"{NS}path") if p.get("class") == "hatch")  # one overlay for all
    assert hatch.get("fill") == maps.FLAGGED_FILL.format(id=maps.hatch_id("Kaart"))
    assert root.find(f"{NS}defs/{NS}pattern").get("id") == maps.hatch_id("Kaart")  # type: ignore[union-attr]
    assert paths["BU0"] == maps.SEQUENTIAL[0]
    assert paths["BU5"] == maps.SEQUENTIAL[-1]


def test_quantile_classes_cover_the_values() -> None:
    classes = maps.quantile_classes([1, 2, 3, 50, 100])
    assert classes.breaks[0] == 1
    assert classes.breaks[-1] == 100
    assert classes.index(100) == len(classes.breaks) - 2


def test_map_without_geometry_is_an_error() -> None:
    with pytest.raises(ValueError, match="geometry"):
        maps.choropleth([maps.MapArea("X", "X", None, 1.0)], title="t", legend_title="l", description="d")
