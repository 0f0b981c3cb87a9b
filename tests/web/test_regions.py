"""Locating a point in a buurt: the spatial index gives the same buurt as checking every polygon."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point

from ivp.web.meldingen.regions import Buurt, RegionMap, region_map


def _linear(regions: RegionMap, lat: float, lon: float) -> Buurt | None:
    point = Point(lon, lat)
    return next((b for b in regions.buurten if b.geometry is not None and b.geometry.covers(point)), None)


def test_locate_matches_a_scan_of_every_buurt() -> None:
    regions = region_map()
    assert len(regions.buurten) > 100  # Dordrecht's buurten from the shared data
    min_x, min_y, max_x, max_y = regions.bounds
    rng = np.random.default_rng(20261122)
    points = list(zip(rng.uniform(min_y, max_y, 3000), rng.uniform(min_x, max_x, 3000), strict=True))
    # points inside each buurt, and vertices of its outline (on the border shared with a neighbour)
    for buurt in regions.buurten:
        if buurt.geometry is not None:
            inside = buurt.geometry.representative_point()
            points.append((inside.y, inside.x))
            polygon = next(iter(getattr(buurt.geometry, "geoms", [buurt.geometry])))
            x, y = polygon.exterior.coords[0]
            points.append((y, x))
    found = 0
    for lat, lon in points:
        expected = _linear(regions, lat, lon)
        assert regions.locate(lat, lon) == expected, (lat, lon)
        found += expected is not None
    assert found > 1000  # most random points in the bounding box fall in a buurt
    assert regions.locate(0.0, 0.0) is None
