"""Machine-readable results (the ``--json`` of ``ivp hotspots``/``hottimes``/``nearrepeat``, web exports).

Every payload has the same top level: ``vraag``, ``gebied``, ``bron``, ``datasets``, ``periode``
([first day, last day], ISO dates), ``n`` (events analysed), ``voldoende`` (would a concentration of twice
the average be found with at least 80% probability), ``benodigd`` (events needed for that, null when more
than the search limit), ``kans`` (that probability), ``illustratief`` and ``zinnen`` (the Dutch sentences),
then the results of the question. Keys are Dutch, like the rest of what users read.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ivp.reports.wijkscan.analysis import HotPlaces, HotTimes
from ivp.reports.wijkscan.focus import Area
from ivp.stats.aoristic import Aoristic
from ivp.stats.hottimes import Concentration
from ivp.stats.nearrepeat import Knox
from ivp.stats.sufficiency import Sufficiency

#: How many hot (and cold) cells a payload lists at most.
MAX_CELLS = 200


def _num(value: object, digits: int = 6) -> float | None:
    v = float(value)  # type: ignore[arg-type]
    return None if not math.isfinite(v) else round(v, digits)


def area_payload(area: Area) -> dict[str, Any]:
    return {"soort": area.kind, "code": area.code, "naam": area.naam, "buurten": list(area.buurten)}


def sufficiency_payload(s: Sufficiency, sentence: str) -> dict[str, Any]:
    return {
        "vraag": s.question,
        "voldoende": s.sufficient,
        "benodigd": s.needed,
        "kans": _num(s.power, 4),
        "n": s.n_events,
        "verhouding": s.ratio,
        "cellen": s.n_cells,
        "cellen_in_piek": s.cells_in_hotspot,
        "alpha": s.alpha,
        "doelkans": s.target_power,
        "phi": _num(s.phi, 4),
        "zin": sentence,
    }


def _top(
    question: str,
    area: Area,
    bron: str,
    datasets: list[str],
    period: tuple[dt.date, dt.date],
    n: int,
    s: Sufficiency | None,
    illustrative: bool,
    sentences: list[str],
) -> dict[str, Any]:
    return {
        "vraag": question,
        "gebied": area_payload(area),
        "bron": bron,
        "datasets": datasets,
        "periode": [period[0].isoformat(), period[1].isoformat()],
        "n": int(n),
        "voldoende": bool(s.sufficient) if s is not None else None,
        "benodigd": s.needed if s is not None else None,
        "kans": _num(s.power, 4) if s is not None else None,
        "illustratief": bool(illustrative),
        "zinnen": sentences,
    }


def hot_places_payload(
    hp: HotPlaces, *, bron: str, datasets: list[str], sentences: list[str], sufficiency_sentence: str
) -> dict[str, Any]:
    """The ``ivp hotspots --json`` document: hot and cold grid cells with RD bounds, z, p, q."""
    out = _top(
        "hotspots",
        hp.area,
        bron,
        datasets,
        hp.period,
        hp.n_events,
        hp.sufficiency,
        hp.illustrative,
        sentences,
    )
    res = hp.result
    flagged = np.asarray(res.hot) | np.asarray(res.cold)
    cells = sorted(zip(*np.nonzero(flagged), strict=True), key=lambda c: -abs(float(res.z[c])))
    rows = []
    for r, c in cells[:MAX_CELLS]:
        x0, y0, x1, y1 = hp.grid.bounds(int(r), int(c))
        rows.append(
            {
                "rij": int(r),
                "kolom": int(c),
                "x_min": x0,
                "y_min": y0,
                "x_max": x1,
                "y_max": y1,
                "aantal": _num(hp.counts[r, c]),
                "z": _num(res.z[r, c], 4),
                "p": _num(res.p[r, c]),
                "q": _num(res.q[r, c]),
                "soort": "hotspot" if bool(res.hot[r, c]) else "coldspot",
                "trend": str(hp.trend[r, c]) if hp.trend is not None else None,
            }
        )
    out |= {
        "voldoendheid": sufficiency_payload(hp.sufficiency, sufficiency_sentence),
        "celgrootte": hp.cell,
        "methode": res.method,
        "raster": {
            "x0": hp.grid.x0,
            "y0": hp.grid.y0,
            "cel": hp.grid.cell,
            "nx": hp.grid.nx,
            "ny": hp.grid.ny,
        },
        "getoetste_cellen": int(res.n_cells),
        "phi": _num(res.phi, 4),
        "alpha": res.alpha,
        "permutaties": res.n_permutations,
        "zonder_locatie": hp.n_without_location,
        "aantal_hotspots": int(np.count_nonzero(res.hot)),
        "aantal_coldspots": int(np.count_nonzero(res.cold)),
        "cellen": rows,
        "perioden": [[a.isoformat(), b.isoformat()] for a, b in hp.period_bounds],
    }
    if hp.buurt_result is not None:
        br = hp.buurt_result
        out["buurten"] = [
            {
                "code": code,
                "naam": name,
                "aantal": _num(br.counts[i]),
                "z": _num(br.z[i], 4),
                "q": _num(br.q[i]),
                "hotspot": bool(br.hot[i]),
                "coldspot": bool(br.cold[i]),
            }
            for i, (code, name) in enumerate(zip(hp.buurt_codes, hp.buurt_names, strict=True))
        ]
    return out


def _cells(table: Aoristic, conc: Concentration, only_flagged: bool) -> list[dict[str, Any]]:
    obs = np.asarray(conc.observed)
    flagged = np.asarray(conc.hot) | np.asarray(conc.cold)
    shape = obs.shape
    out = []
    for index in np.ndindex(*shape):
        if only_flagged and not flagged[index]:
            continue
        row: dict[str, Any] = {}
        if len(shape) == 2:
            row |= {
                "rij_index": index[0],
                "rij": table.row_labels[index[0]],
                "kolom_index": index[1],
                "kolom": table.col_labels[index[1]],
            }
        else:
            row |= {"index": index[0], "label": table.row_labels[index[0]]}
        row |= {
            "waargenomen": _num(obs[index], 3),
            "verwacht": _num(conc.expected[index], 3),
            "verhouding": _num(conc.ratio[index], 4),
            "p": _num(conc.p[index]),
            "q": _num(conc.q[index]),
            "hot": bool(conc.hot[index]),
            "cold": bool(conc.cold[index]),
        }
        out.append(row)
    order = sorted(out, key=lambda r: -(r["verhouding"] or 0.0)) if only_flagged else out
    return order[:MAX_CELLS] if only_flagged else order


def _matrix(values: NDArray[np.float64]) -> list[Any]:
    return np.round(np.asarray(values, dtype=np.float64), 3).tolist()  # type: ignore[no-any-return]


def hot_times_payload(
    ht: HotTimes,
    *,
    bron: str,
    datasets: list[str],
    sentences: list[str],
    layout: str,
    sufficiency: Sufficiency,
    sufficiency_sentence: str,
) -> dict[str, Any]:
    """The ``ivp hottimes --json`` document; ``layout`` (weekuur, dagdeel, maand) picks the top-level answer."""
    out = _top(
        "hottimes",
        ht.area,
        bron,
        datasets,
        ht.period,
        ht.table.n_used,
        sufficiency,
        ht.illustrative,
        sentences,
    )
    out |= {
        "indeling": layout,
        "voldoendheid": sufficiency_payload(sufficiency, sufficiency_sentence),
        "phi": _num(ht.phi, 4),
        "alpha": ht.concentration.alpha,
        "max_uren": ht.table.max_hours,
        "te_lang": ht.table.n_too_long,
        "ongeldig": ht.table.n_invalid,
        "weekuur": {
            "rijen": list(ht.table.row_labels),
            "kolommen": list(ht.table.col_labels),
            "tabel": _matrix(ht.table.table),
            "totaal_p": _num(ht.concentration.overall_p),
            "uren": _cells(ht.table, ht.concentration, only_flagged=True),
        },
    }
    if ht.concentration_dagdeel is not None:
        out["dagdeel"] = {
            "rijen": list(ht.dagdeel.row_labels),
            "kolommen": list(ht.dagdeel.col_labels),
            "tabel": _matrix(ht.dagdeel.table),
            "totaal_p": _num(ht.concentration_dagdeel.overall_p),
            "cellen": _cells(ht.dagdeel, ht.concentration_dagdeel, only_flagged=False),
        }
    if ht.concentration_month is not None:
        out["maand"] = {
            "labels": list(ht.month.row_labels),
            "tabel": _matrix(ht.month.table),
            "totaal_p": _num(ht.concentration_month.overall_p),
            "cellen": _cells(ht.month, ht.concentration_month, only_flagged=False),
        }
    if ht.versus_rest is not None:
        vr = ht.versus_rest
        out["vergelijking_rest"] = {
            "n_rest": ht.n_rest,
            "totaal_p": _num(vr.overall_p),
            "afwijkend": bool(vr.overall_p <= vr.alpha),
            "uren": _cells(ht.table, vr, only_flagged=True),
        }
    return out


def near_repeat_payload(
    k: Knox | None,
    *,
    area: Area,
    bron: str,
    datasets: list[str],
    period: tuple[dt.date, dt.date],
    n: int,
    illustrative: bool,
    sentences: list[str],
    min_events: int,
) -> dict[str, Any]:
    """The ``ivp nearrepeat --json`` document.

    A Knox test has no power statement; ``voldoende`` says whether there were enough events with a place
    to run it (``benodigd``: the minimum), ``kans`` is null.
    """
    out = _top("nearrepeat", area, bron, datasets, period, n, None, illustrative, sentences)
    out["voldoende"] = k is not None
    out["benodigd"] = None if k is not None else min_events
    if k is None:
        return out
    out |= {
        "n": k.n_events,
        "afstanden": list(k.distance_labels),
        "tijden": list(k.time_labels),
        "afstand_grenzen": k.distance_edges.tolist(),
        "tijd_grenzen": k.time_edges.tolist(),
        "waargenomen": k.observed.tolist(),
        "verwacht": _matrix(k.expected),
        "verhouding": [[_num(v, 4) for v in row] for row in np.asarray(k.ratio)],
        "p": _matrix(k.p),
        "q": _matrix(k.q),
        "significant": np.asarray(k.significant).tolist(),
        "permutaties": k.n_permutations,
        "zaad": k.seed,
        "weggelaten": k.n_left_out,
    }
    return out
