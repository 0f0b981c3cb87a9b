"""Dutch sentences for an advisor: hot times, hot places, near repeats and "is this enough data?".

The rules the wording follows:

- Only what passed Benjamini-Hochberg is worded as a finding ("meer meldingen dan verwacht"); when nothing
  passes, the sentence says "geen aantoonbare concentratie".
- Small numbers are never a finding: a cell with fewer events than the workspace's ``onthul_drempel``
  (default 5) is not named, however small its p-value.
- Every answer carries its sufficiency statement: with this many events, would a peak of twice the
  average show, with what probability, and how many events that would take ("ongeveer 400", two
  significant figures; "meer dan 10 miljoen" when the search gave up).
- Illustrative (made-up) data: the list starts with "Illustratieve gegevens, geen echte cijfers van ...".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np

from ivp.lib.fmt import number, pvalue, qvalue
from ivp.lib.i18n import _, ngettext
from ivp.stats.sufficiency import MAX_EVENTS, Sufficiency

if TYPE_CHECKING:
    from ivp.reports.wijkscan.analysis import HotPlaces, HotTimes
    from ivp.stats.hottimes import Concentration
    from ivp.stats.nearrepeat import Knox

#: Below this many events a cell is never worded as a finding (the workspace's ``onthul_drempel``).
DEFAULT_THRESHOLD = 5
#: How many hot cells a list of findings names at most.
MAX_NAMED = 3

_WORDS = (
    "nul",
    "één",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
)
_TIMES = {2: "tweemaal", 3: "driemaal", 4: "viermaal", 5: "vijfmaal", 10: "tienmaal"}


def count_word(n: int) -> str:
    """A small count in words ('twee', 'elf'), larger ones as digits ('13', '1.200')."""
    return _(_WORDS[n]) if 0 <= n < len(_WORDS) else number(n)


def ratio_words(ratio: float) -> str:
    """'tweemaal', 'anderhalf keer', '2,5 keer'."""
    if abs(ratio - 1.5) < 1e-9:
        return _("anderhalf keer")
    whole = round(ratio)
    if abs(ratio - whole) < 1e-9 and whole in _TIMES:
        return _(_TIMES[whole])
    return _("{ratio} keer").format(ratio=number(ratio, 1))


def round_needed(n: int) -> int:
    """``n`` rounded to two significant figures (412 -> 410, 1234 -> 1200, 46 -> 46)."""
    if n < 100:
        return int(n)
    digits = math.floor(math.log10(n)) - 1
    return int(round(n / 10**digits) * 10**digits)


def needed_words(needed: int | None, noun: str = "meldingen") -> str:
    """'ongeveer 400 meldingen' or 'meer dan 10 miljoen meldingen'."""
    if needed is None:
        limit = _("{n} miljoen").format(n=number(MAX_EVENTS // 1_000_000))
        return _("meer dan {limit} {noun}").format(limit=limit, noun=noun)
    return _("ongeveer {n} {noun}").format(n=number(round_needed(needed)), noun=noun)


def chance_words(power: float) -> str:
    """'kans 9%'; 'kans minder dan 1%' and 'kans meer dan 99%' at the ends."""
    pct = 100.0 * power
    if pct < 0.5:
        return _("kans minder dan 1%")
    if pct > 99.5:
        return _("kans meer dan 99%")
    return _("kans {pct}%").format(pct=number(round(pct)))


def period_words(start: dt.date, end: dt.date) -> str:
    """The length of ``[start, end]`` (inclusive) as 'in twee jaar', 'in ruim vier jaar', 'in acht maanden'."""
    days = (end - start).days + 1
    years = days / 365.25
    if years >= 0.95:
        whole = max(1, round(years))
        word = _("een") if whole == 1 else count_word(whole)
        if years - whole > 0.1:
            return _("in ruim {n} jaar").format(n=word)
        if whole - years > 0.1:
            return _("in bijna {n} jaar").format(n=word)
        return _("in {n} jaar").format(n=word)
    months = round(days / 30.44)
    if months >= 2:
        return _("in {n} maanden").format(n=count_word(months))
    weeks = round(days / 7)
    if weeks >= 2:
        return _("in {n} weken").format(n=count_word(weeks))
    return ngettext("in {n} dag", "in {n} dagen", days).format(n=count_word(days))


def unit_words(s: Sufficiency, cell: float | None = None) -> str:
    """Where the peak is asked for: 'op één uur van de week', 'op één plek van 300 bij 300 meter'."""
    if s.question == "hotplace":
        side = round(math.sqrt(s.cells_in_hotspot))
        if cell is not None:
            return _("op één plek van {m} bij {m} meter").format(m=number(side * cell))
        return _("op één plek ({k} bij {k} rastercellen)").format(k=side)
    return {
        168: _("op één uur van de week"),
        28: _("op één dagdeel van de week"),
        24: _("op één uur van de dag"),
        12: _("in één maand van het jaar"),
        7: _("op één dag van de week"),
        4: _("in één dagdeel"),
    }.get(s.n_cells, _("in één van de {n} tijdvakken").format(n=number(s.n_cells)))


def sufficiency_sentence(
    s: Sufficiency,
    *,
    noun: str = "meldingen",
    period: str = "",
    where: str = "",
    unit: str | None = None,
    cell: float | None = None,
) -> str:
    """The answer to "is this enough data?" in one sentence.

    ``period`` ('in twee jaar', see :func:`period_words`) and ``where`` ('in Kromhout') follow the count;
    ``unit`` replaces the default phrase of :func:`unit_words` (``cell`` gives the grid cell size in metres
    for a hot-place question).

    >>> from ivp.stats.sufficiency import Sufficiency
    >>> sufficiency_sentence(Sufficiency("hottime", 46, 168, 2.0, 0.09, 412, 0.05), period="in twee jaar")
    'Met 46 meldingen in twee jaar is een piek van tweemaal het gemiddelde op één uur van de week niet te zien (kans 9%); daarvoor zijn ongeveer 410 meldingen nodig.'
    """
    context = " ".join(part for part in (period.strip(), where.strip()) if part)
    head = _("Met {n} {noun}").format(n=number(s.n_events), noun=noun) + (f" {context}" if context else "")
    peak = _("een piek van {ratio} het gemiddelde {unit}").format(
        ratio=ratio_words(s.ratio), unit=unit or unit_words(s, cell)
    )
    chance = chance_words(s.power)
    if s.sufficient:
        return _("{head} is {peak} wel te zien ({chance}).").format(head=head, peak=peak, chance=chance)
    return _("{head} is {peak} niet te zien ({chance}); daarvoor zijn {needed} nodig.").format(
        head=head, peak=peak, chance=chance, needed=needed_words(s.needed, noun)
    )


def illustrative_sentence(gemeente: str) -> str:
    """The first line on anything built from illustrative data."""
    return _("Illustratieve gegevens, geen echte cijfers van {gemeente}.").format(gemeente=gemeente)


def _cell_name(row_labels: tuple[str, ...], col_labels: tuple[str, ...], index: tuple[int, ...]) -> str:
    if len(index) == 2 and col_labels:
        row, col = row_labels[index[0]], col_labels[index[1]]
        if "-" in col and col[:2].isdigit():
            return _("{day} {hours} uur").format(day=row, hours=col)
        return f"{row}{col}"  # 'dinsdagavond'
    return row_labels[index[0]]


def _hot_cells(
    observed: np.ndarray, ratio: np.ndarray, q: np.ndarray, flags: np.ndarray, threshold: int
) -> list[tuple[int, ...]]:
    """Indices of flagged cells with at least ``threshold`` events, strongest (highest ratio) first."""
    cells = [tuple(int(i) for i in ix) for ix in zip(*np.nonzero(flags), strict=True)]
    cells = [c for c in cells if observed[c] >= threshold]
    return sorted(cells, key=lambda c: (-float(np.nan_to_num(ratio[c])), float(q[c])))


def time_finding_sentences(
    conc: Concentration,
    row_labels: tuple[str, ...],
    col_labels: tuple[str, ...],
    *,
    noun: str,
    what: tuple[str, str],
    threshold: int,
) -> list[str]:
    """Findings of one concentration test: the hot cells (named, strongest first), or 'geen aantoonbare ...'."""
    observed = np.asarray(conc.observed)
    expected = np.asarray(conc.expected)
    ratio = np.asarray(conc.ratio)
    q = np.asarray(conc.q)
    hot = _hot_cells(observed, ratio, q, np.asarray(conc.hot), threshold)
    total = observed.size
    if not hot and bool(np.asarray(conc.hot).any()):
        # Flagged, but every flagged cell holds fewer events than the threshold: not worded as a finding,
        # and not denied either.
        return [
            _(
                "Er zijn {what2} met aantoonbaar meer {noun} dan verwacht, maar met zo weinig {noun} per vak "
                "(minder dan {t}) dat ze niet worden genoemd."
            ).format(what2=what[1], noun=noun, t=number(threshold))
        ]
    if not hot:
        return [
            _(
                "Geen aantoonbare concentratie in de tijd: geen {what} heeft, na correctie voor het aantal "
                "getoetste vakken ({n}), aantoonbaar meer {noun} dan verwacht."
            ).format(what=what[0], n=number(total), noun=noun)
        ]
    named = [
        _("{cell} ({obs} tegen {exp} verwacht, {q})").format(
            cell=_cell_name(row_labels, col_labels, c),
            obs=number(observed[c], 0 if float(observed[c]).is_integer() else 1),
            exp=number(expected[c], 1),
            q=qvalue(float(q[c])),
        )
        for c in hot[:MAX_NAMED]
    ]
    head = ngettext(
        "{k} {what} heeft aantoonbaar meer {noun} dan verwacht: {cells}.",
        "{k} {what} hebben aantoonbaar meer {noun} dan verwacht; de sterkste: {cells}.",
        len(hot),
    ).format(
        k=count_word(len(hot)).capitalize(),
        what=what[0] if len(hot) == 1 else what[1],
        noun=noun,
        cells="; ".join(named),
    )
    return [head]


def hot_time_sentences(
    h: HotTimes, *, noun: str = "meldingen", threshold: int = DEFAULT_THRESHOLD, gemeente: str = ""
) -> list[str]:
    """What an advisor reads about the hot times of ``h.area``: findings, comparison, sufficiency, caveats."""
    out: list[str] = []
    if h.illustrative:
        out.append(illustrative_sentence(gemeente or h.area.naam))
    table = h.table
    out += time_finding_sentences(
        h.concentration,
        table.row_labels,
        table.col_labels,
        noun=noun,
        what=(_("uur van de week"), _("uren van de week")),
        threshold=threshold,
    )
    if h.concentration_dagdeel is not None:
        dd = h.dagdeel
        out += time_finding_sentences(
            h.concentration_dagdeel,
            dd.row_labels,
            dd.col_labels,
            noun=noun,
            what=(_("dagdeel van de week"), _("dagdelen van de week")),
            threshold=threshold,
        )
    rest = h.versus_rest
    if rest is not None:
        overall = float(rest.overall_p)
        differs = overall <= h.concentration.alpha
        out.append(
            (
                _("Het weekpatroon in {area} wijkt aantoonbaar af van dat in de rest van de gemeente ({p}).")
                if differs
                else _(
                    "Het weekpatroon in {area} wijkt niet aantoonbaar af van dat in de rest van de gemeente ({p})."
                )
            ).format(area=h.area.naam, p=pvalue(overall))
        )
    period = period_words(*h.period)
    out.append(sufficiency_sentence(h.sufficiency, noun=noun, period=period, where=_in(h.area)))
    if h.sufficiency_dagdeel is not None:
        out.append(sufficiency_sentence(h.sufficiency_dagdeel, noun=noun, period=period, where=_in(h.area)))
    if h.table.n_too_long:
        out.append(
            ngettext(
                "{n} melding met een tijdvak van meer dan {hours} uur is niet meegeteld: het tijdstip is te onzeker.",
                "{n} {noun} met een tijdvak van meer dan {hours} uur zijn niet meegeteld: het tijdstip is te onzeker.",
                h.table.n_too_long,
            ).format(n=number(h.table.n_too_long), noun=noun, hours=number(h.table.max_hours))
        )
    if h.table.n_invalid:
        out.append(
            ngettext(
                "{n} melding zonder bruikbaar begin of einde is niet meegeteld.",
                "{n} {noun} zonder bruikbaar begin of einde zijn niet meegeteld.",
                h.table.n_invalid,
            ).format(n=number(h.table.n_invalid), noun=noun)
        )
    return out


def _in(area: object) -> str:
    kind = getattr(area, "kind", "")
    naam = str(getattr(area, "naam", ""))
    return "" if kind == "gemeente" else _("in {naam}").format(naam=naam)


def hot_place_sentences(
    h: HotPlaces, *, noun: str = "meldingen", threshold: int = DEFAULT_THRESHOLD, gemeente: str = ""
) -> list[str]:
    """What an advisor reads about the hot places of ``h.area``: hot and cold cells, buurten, trend, sufficiency."""
    out: list[str] = []
    if h.illustrative:
        out.append(illustrative_sentence(gemeente or h.area.naam))
    res = h.result
    counts = np.asarray(h.counts)
    z = np.asarray(res.z)
    hot = [c for c in zip(*np.nonzero(np.asarray(res.hot)), strict=True) if counts[c] >= threshold]
    cell = number(h.cell)
    if not hot:
        out.append(
            _(
                "Geen aantoonbare concentratie van plekken: op een raster van {m} bij {m} meter valt na correctie "
                "voor het aantal cellen geen plek op met aantoonbaar meer {noun} dan elders."
            ).format(m=cell, noun=noun)
        )
    else:
        in_hot = float(sum(counts[c] for c in hot))
        best = max(hot, key=lambda c: float(z[c]))
        x0, y0, x1, y1 = h.grid.bounds(int(best[0]), int(best[1]))
        out.append(
            ngettext(
                "Op een raster van {m} bij {m} meter valt {k} cel op als hotspot (Getis-Ord Gi*, na correctie voor "
                "het aantal cellen), met {sum} van de {n} {noun}.",
                "Op een raster van {m} bij {m} meter vallen {k} cellen op als hotspot (Getis-Ord Gi*, na correctie "
                "voor het aantal cellen), samen {sum} van de {n} {noun}.",
                len(hot),
            ).format(m=cell, k=count_word(len(hot)), sum=number(in_hot), n=number(h.n_events), noun=noun)
        )
        out.append(
            _("De sterkste ligt rond RD ({x}, {y}): {c} {noun} in de cel (z = {z}).").format(
                x=number((x0 + x1) / 2),
                y=number((y0 + y1) / 2),
                c=number(counts[best]),
                noun=noun,
                z=number(float(z[best]), 1),
            )
        )
    n_cold = int(np.count_nonzero(np.asarray(res.cold)))
    if n_cold:
        out.append(
            ngettext(
                "{k} cel heeft aantoonbaar minder {noun} dan de omgeving (coldspot).",
                "{k} cellen hebben aantoonbaar minder {noun} dan de omgeving (coldspots).",
                n_cold,
            ).format(k=count_word(n_cold).capitalize(), noun=noun)
        )
    if h.buurt_result is not None and h.buurt_names:
        bc = np.asarray(h.buurt_result.counts)
        names = [
            h.buurt_names[i] for i in np.flatnonzero(np.asarray(h.buurt_result.hot)) if bc[i] >= threshold
        ]
        if names:
            out.append(_("Op buurtniveau vallen op: {names}.").format(names=", ".join(names)))
        else:
            out.append(_("Op buurtniveau valt geen buurt aantoonbaar op."))
    if h.trend is not None and len(hot):
        labels = {
            "nieuw": _("nieuw"),
            "blijvend": _("blijvend"),
            "toenemend": _("toenemend"),
            "afnemend": _("afnemend"),
            "verdwenen": _("verdwenen"),
            "sporadisch": _("sporadisch"),
        }
        trend = np.asarray(h.trend)
        parts = [
            f"{number(int(np.count_nonzero(trend == key)))} {label}"
            for key, label in labels.items()
            if np.count_nonzero(trend == key)
        ]
        if parts:
            out.append(
                _("Over {k} perioden zijn de hotspotcellen: {parts}.").format(
                    k=count_word(h.periods), parts=", ".join(parts)
                )
            )
    out.append(
        sufficiency_sentence(
            h.sufficiency, noun=noun, period=period_words(*h.period), where=_in(h.area), cell=h.cell
        )
    )
    if h.n_without_location:
        out.append(
            ngettext(
                "{n} melding zonder locatie is niet meegeteld.",
                "{n} {noun} zonder locatie zijn niet meegeteld.",
                h.n_without_location,
            ).format(n=number(h.n_without_location), noun=noun)
        )
    return out


def near_repeat_sentences(
    k: Knox | None,
    *,
    noun: str = "meldingen",
    threshold: int = DEFAULT_THRESHOLD,
    illustrative: bool = False,
    gemeente: str = "",
) -> list[str]:
    """Near repeats (Knox): which distance-time bands have more pairs than chance, or that none has."""
    out = [illustrative_sentence(gemeente)] if illustrative else []
    if k is None:
        out.append(
            _("Te weinig {noun} met een locatie om herhaling dichtbij (near repeat) te toetsen.").format(
                noun=noun
            )
        )
        return out
    sig = [tuple(int(i) for i in c) for c in zip(*np.nonzero(np.asarray(k.significant)), strict=True)]
    sig = [c for c in sig if k.observed[c] >= threshold]
    if not sig:
        out.append(
            _(
                "Geen aantoonbaar herhaalpatroon: binnen geen van de afstand-tijdvakken volgen na correctie meer "
                "{noun} op elkaar dan bij toeval ({n} {noun}, {perm} permutaties)."
            ).format(noun=noun, n=number(k.n_events), perm=number(k.n_permutations))
        )
        return out
    for d, t in sorted(sig, key=lambda c: (c[1], c[0]))[:MAX_NAMED]:
        dist = k.distance_labels[d] if d < len(k.distance_labels) else ""
        place = (
            _("In hetzelfde gebied")
            if dist == _("zelfde gebied") or len(k.distance_edges) < 2 or k.distance_edges[-1] == 0
            else _("Op {band} afstand").format(band=dist)
        )
        days = k.time_labels[t] if t < len(k.time_labels) else ""
        out.append(
            _("{place} en {days} na elkaar liggen {more} paren {noun} dan bij toeval ({q}).").format(
                place=place,
                days=days,
                more=_more_words(float(k.ratio[d, t])),
                noun=noun,
                q=qvalue(float(k.q[d, t])),
            )
        )
    return out


def _more_words(ratio: float) -> str:
    """'19% meer' for a ratio of 1.19; 'tweemaal zoveel' from a ratio of 1.95 on."""
    if ratio >= 1.95:
        return _("{ratio} zoveel").format(ratio=ratio_words(round(ratio * 2) / 2))
    return _("{pct}% meer").format(pct=number(round(100 * (ratio - 1))))
