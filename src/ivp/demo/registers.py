"""Illustrative municipal registers for the Dordrecht demo: series a municipality keeps itself.

Veilig Thuis, the fire brigade, the safety region, the anti-discrimination service, the permits desk and the
Veiligheidsmonitor publish nothing per municipality in the shape the demo needs, so the demo invents one
file in the shape of ``ivp ingest reeks`` and loads it through that adapter, like a municipality's own
file. **Every figure is invented**: a level per 1,000 inhabitants of the order of magnitude such registers
have (not a measured figure of any municipality), times Dordrecht's inhabitants (CBS, in the bundle), a
steady yearly change, and noise:

- counts are drawn from a negative binomial (a gamma-Poisson mixture with shape :data:`SHAPE`), so they
  vary more than Poisson, as real registers do; some are small on purpose (radicalisation signals, GRIP
  incidents), so the demo shows how small counts of a non-public register are protected;
- survey percentages (every other year) are drawn from a sample of :data:`SURVEY_N` respondents with a
  design effect of :data:`DESIGN_EFFECT`, and carry the interval a publisher would state (Wilson on the
  effective sample); the report mark gets a normal error of :data:`MARK_SE` and its interval.

Deterministic for a given seed. The file starts with a title row saying "Illustratieve gegevens", its
licence says it is invented, and its name starts with ``illustratief``, which is how every report
recognises illustrative data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ivp.lib.files import write_atomic
from ivp.lib.i18n import _
from ivp.stats.levels import wilson_interval
from ivp.store import LoadResult, Store, read
from ivp.themes import Taxonomy

FILE_NAME = "illustratief_registers_dordrecht.csv"
SEED = 20261204
YEARS = tuple(range(2019, 2025))
SURVEY_YEARS = (2019, 2021, 2023)
SHAPE = 200.0
SURVEY_N = 2400
DESIGN_EFFECT = 1.5
MARK_SE = 0.05
HEADER = ["id", "naam", "thema", "eenheid", "periode", "waarde", "ondergrens", "bovengrens", "n", "bron",
          "licentie", "definitie"]  # fmt: skip


@dataclass(frozen=True)
class Invented:
    """One invented series: per 1,000 inhabitants in the first year (counts) or the level (percentage,
    mark), and the yearly relative change (counts) or absolute change per year (levels)."""

    id: str
    naam: str
    thema: str
    eenheid: str
    bron: str
    level: float
    change: float
    definitie: str


SERIES = (
    Invented("veilig-thuis", "Adviezen en meldingen bij Veilig Thuis", "kwetsbare_personen", "aantal",
             "Veilig Thuis Zuid-Holland Zuid", 13.0, 0.04,
             "Adviezen en meldingen over huiselijk geweld en kindermishandeling bij inwoners, per jaar."),
    Invented("discriminatie", "Meldingen van discriminatie", "sociale_stabiliteit", "aantal",
             "Antidiscriminatievoorziening", 0.6, 0.06, "Meldingen en klachten van inwoners, per jaar."),
    Invented("radicalisering", "Signalen van radicalisering", "sociale_stabiliteit", "aantal",
             "Zorg- en Veiligheidshuis", 0.03, 0.0, "Signalen besproken in het casusoverleg radicalisering."),
    Invented("brandweer-brand", "Uitrukken van de brandweer voor brand", "fysieke_veiligheid", "aantal",
             "Veiligheidsregio Zuid-Holland Zuid", 2.6, -0.01, "Uitrukken voor een brand, per jaar."),
    Invented("grip", "Opgeschaalde incidenten (GRIP 1 of hoger)", "fysieke_veiligheid", "aantal",
             "Veiligheidsregio Zuid-Holland Zuid", 0.02, 0.0, "Incidenten met een GRIP-opschaling."),
    Invented("online-slachtoffer", "Slachtoffer van online criminaliteit", "digitaal", "percentage",
             "Veiligheidsmonitor", 14.0, 0.9, "Inwoners van 15 jaar en ouder die in de afgelopen 12 maanden "
             "slachtoffer waren van online oplichting, hacken of online bedreiging."),
    Invented("evenementen", "Vergunde evenementen", "evenementen", "aantal", "Gemeente, vergunningen", 1.3,
             0.03, "Evenementen met een vergunning, per jaar."),
    Invented("meerdaagse-evenementen", "Meerdaagse evenementen", "evenementen", "aantal",
             "Gemeente, vergunningen", 0.1, 0.0, "Evenementen met een vergunning voor meer dan een dag."),
    Invented("hennep", "Ontmantelde hennepkwekerijen", "ondermijning", "aantal", "Politie en netbeheerder",
             0.25, -0.05, "Kwekerijen die politie en netbeheerder ontmantelden, per jaar."),
    Invented("sluitingen-13b", "Sluitingen op grond van artikel 13b Opiumwet", "ondermijning", "aantal",
             "Gemeente, team ondermijning", 0.08, 0.0, "Woningen en panden die de burgemeester sloot."),
    Invented("mma-tips", "Tips bij Meld Misdaad Anoniem", "ondermijning", "aantal", "Meld Misdaad Anoniem",
             1.1, 0.03, "Tips over de gemeente die Meld Misdaad Anoniem doorgaf, per jaar."),
    Invented("wbmgp-screeningen", "Screeningen Wet Bibob en Wbmgp", "ondermijning", "aantal",
             "Gemeente, Bibob-team", 0.35, 0.05, "Screeningen van huurders en vergunningaanvragers, per jaar."),
    Invented("wbmgp-negatief", "Screeningen met negatief advies", "ondermijning", "aantal",
             "Gemeente, Bibob-team", 0.03, 0.0, "Screeningen die tot een negatief advies leidden."),
    Invented("leefbaarheid", "Rapportcijfer leefbaarheid woonbuurt", "overlast", "rapportcijfer",
             "Veiligheidsmonitor", 7.3, -0.05, "Gemiddeld rapportcijfer (1-10) voor de leefbaarheid."),
)  # fmt: skip


def licence() -> str:
    return _("illustratief, verzonnen voor de demo van ivp (geen open data)")


def title_line(naam: str) -> str:
    """The title row above the header (the reader skips rows above it)."""
    return _(
        "Illustratieve gegevens, geen echte cijfers van {naam}: verzonnen registercijfers voor de demo van ivp."
    ).format(naam=naam)


def generate_registers(store: Store, gemeente: str, seed: int = SEED) -> list[list[object]]:
    """The rows of the register file (without header), one per series x period."""
    people = read.population_by_year(store, gemeente)
    if not people:
        raise ValueError(f"no inhabitants of {gemeente} are loaded")
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = []
    for s in SERIES:
        bron = _("{bron} (illustratief)").format(bron=s.bron)
        if s.eenheid == "aantal":
            for i, year in enumerate(YEARS):
                inhabitants = people.get(year, people[max(people)])
                mean = s.level * inhabitants / 1000.0 * (1.0 + s.change) ** i
                count = int(rng.poisson(rng.gamma(SHAPE, mean / SHAPE)))
                rows.append([s.id, s.naam, s.thema, s.eenheid, year, count, "", "", "", bron, licence(),
                             s.definitie])  # fmt: skip
            continue
        for year in SURVEY_YEARS:
            truth = s.level + s.change * (year - SURVEY_YEARS[0])
            if s.eenheid == "percentage":
                effective = int(SURVEY_N / DESIGN_EFFECT)
                value = 100.0 * rng.binomial(effective, truth / 100.0) / effective
                low, high = wilson_interval(value, effective)
                n: object = SURVEY_N
            else:
                value = float(rng.normal(truth, MARK_SE))
                low, high = value - 1.96 * MARK_SE, value + 1.96 * MARK_SE
                n = ""
            rows.append([s.id, s.naam, s.thema, s.eenheid, year, _comma(value), _comma(low), _comma(high), n,
                         bron, licence(), s.definitie])  # fmt: skip
    return rows


def _comma(value: float, decimals: int = 2) -> str:
    """A Dutch decimal comma, as a municipality's spreadsheet writes it."""
    return f"{value:.{decimals}f}".replace(".", ",")


def write_registers(rows: list[list[object]], path: Path, *, naam: str) -> Path:
    """Write the register file (title row, header, rows; ``;``) atomically; the same rows give the same
    bytes, so a refreshed demo reloads nothing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow([title_line(naam)])
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue())
    return path


def load_registers(
    store: Store, path: Path, *, gemeente: str, taxonomy: Taxonomy | None = None
) -> LoadResult:
    """Load the written file through the ``reeks`` adapter, as ``ivp ingest reeks`` does."""
    from ivp.sources.base import ingest

    return ingest(store, "reeks", str(path), gemeente=gemeente, taxonomy=taxonomy)
