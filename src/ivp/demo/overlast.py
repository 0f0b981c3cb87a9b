"""Illustrative police nuisance registrations for the Dordrecht demo, per wijk, class and year.

The police do not publish nuisance registrations per municipality or wijk, so the demo invents a file in
the shape a municipality receives (long: class, wijk code, year, count) and loads it through the
``politie-overlast`` adapter, like a real delivery. Everything per wijk is invented; the level follows
real public figures:

- **Nationally**, the police's yearly nuisance registrations per class (``NL_Disorder.csv``, police open
  data, CC BY 4.0, 2012-2023, in the bundle).
- **Dordrecht's share** is its share of the Dutch population in that year (CBS, in the bundle), and each
  wijk's share of Dordrecht is its share of the inhabitants (CBS 85984NED, 2024, the sum of its buurten).
- **The municipality**: one row per class and year with the sum of the wijken, as a delivery with a
  total line per class has.
- **Noise**: each count is drawn from a negative binomial with that mean and dispersion
  :data:`DISPERSION` (variance = mean x (1 + mean / :data:`SHAPE`)), so the series vary more than Poisson, as
  real nuisance counts do. Deterministic for a given seed.

The written file starts with a title row saying "Illustratieve gegevens" (the reader skips rows above the
header), and its name starts with ``illustratief``, which is how every report recognises illustrative data.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ivp.lib.i18n import _
from ivp.store import LoadResult, Store, read
from ivp.themes import Taxonomy

FILE_NAME = "illustratief_overlast_dordrecht.csv"
PUBLISHER = "ivp (demo)"
SEED = 20261203
FIRST_YEAR = 2019
#: Shape of the gamma mixing of the negative binomial: smaller is more spread.
SHAPE = 60.0
NATIONAL = ("politie-landelijk", "overlast_registraties", "politie-overlast", "NL00")
#: Classes written to the file, with the label the police use today (the adapter reads 'E33 <label>').
CLASSES = {
    "E33": "Overlast door persoon met onbegrepen gedrag",
    "E35": "Melding overlast jeugd",
    "E38": "Overlast ivm alcohol/ drugs",
    "E41": "Overlast zwervers",
    "F010": "Openbare dronkenschap",
    "M061": "Geluidshinder horeca",
    "M062": "Geluidshinder evenement",
    "M22": "Geluidshinder overig",
}


def source_title() -> str:
    return _("Illustratieve gegevens: verzonnen overlastregistraties per wijk voor de demo")


def source_licence() -> str:
    return _("illustratief, verzonnen voor de demo van ivp (geen open data)")


def credit_line() -> str:
    return _(
        "Verzonnen aantallen per wijk; het niveau volgt de landelijke overlastregistraties van de politie "
        "(NL_Disorder, open data politie, CC BY 4.0) naar het aandeel van Dordrecht in de bevolking (CBS)."
    )


def title_line(naam: str) -> str:
    return _(
        "Illustratieve gegevens, geen echte cijfers van {naam}: verzonnen overlastregistraties voor de demo "
        "van ivp."
    ).format(naam=naam)


def generate_nuisance(store: Store, gemeente: str, seed: int = SEED) -> pd.DataFrame:
    """One row per class x area x year (every wijk, then the municipality): columns ``code``, ``gebiedscode``,
    ``jaar``, ``aantal``."""
    _source, measure, scheme, nl = NATIONAL
    national = read.counts(store, measure, scheme, regions=[nl])
    national = national[national["category"].isin(list(CLASSES)) & national["value"].notna()]
    if national.empty:
        raise ValueError("the national nuisance series (NL_Disorder.csv) is not loaded")
    people = read.population(store, municipalities=True)
    nl_people = people.groupby("year")["value"].sum()
    own = people[people["region"] == gemeente].set_index("year")["value"]
    wijken = _wijk_inhabitants(store, gemeente)
    share = (wijken["value"] / wijken["value"].sum()).to_numpy()
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, int, int]] = []
    for code in CLASSES:
        series = national[national["category"] == code].set_index("year")["value"]
        for year in sorted(int(y) for y in series.index if int(y) >= FIRST_YEAR):
            if year not in own.index or year not in nl_people.index:
                continue
            mean = float(series[year]) * float(own[year]) / float(nl_people[year]) * share
            lam = rng.gamma(SHAPE, mean / SHAPE)
            counts = rng.poisson(lam)
            for wijk, count in zip(wijken["region"], counts, strict=True):
                rows.append((f"{code} {CLASSES[code]}", str(wijk), year, int(count)))
            rows.append((f"{code} {CLASSES[code]}", gemeente, year, int(counts.sum())))
    return pd.DataFrame(rows, columns=["code", "gebiedscode", "jaar", "aantal"])


def _wijk_inhabitants(store: Store, gemeente: str) -> pd.DataFrame:
    """Inhabitants per wijk (columns ``region``, ``value``), the sum of its buurten in the newest year
    (CBS 85984NED gives buurten), by wijk code; wijken without inhabitants are left out."""
    buurten = read.population(store, level="buurt", within=gemeente)
    if buurten.empty:
        raise ValueError(f"no inhabitants per buurt of {gemeente} are loaded")
    buurten = buurten[buurten["year"] == buurten["year"].max()]
    parent = read.areas_of(store, gemeente, ("buurt",)).set_index("code")["parent"]
    buurten = buurten.assign(wijk=buurten["region"].map(parent)).dropna(subset=["wijk"])
    wijken = buurten.groupby("wijk", as_index=False)["value"].sum().rename(columns={"wijk": "region"})
    out: pd.DataFrame = wijken[wijken["value"] > 0].sort_values("region").reset_index(drop=True)
    return out


def write_nuisance(frame: pd.DataFrame, path: Path, *, naam: str) -> Path:
    """Write ``frame`` as UTF-8 csv with :func:`title_line` above the header (same frame, same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([title_line(naam)])
        writer.writerow(frame.columns)
        writer.writerows(frame.itertuples(index=False))
    return path


def load_nuisance(store: Store, path: Path, *, gemeente: str, taxonomy: Taxonomy | None = None) -> LoadResult:
    """Load the file through the ``politie-overlast`` adapter, with provenance that says what it is (the
    adapter would credit the police, which is not true of invented counts)."""
    from ivp.sources.base import area_index, get

    adapter = get("politie-overlast")
    raw = adapter.fetch(str(path))
    batch = adapter.parse(replace(raw, gemeente=gemeente, areas=area_index(store)))
    prov = batch.provenance
    notes = " ".join(part for part in (credit_line(), prov.notes) if part)
    batch = replace(
        batch,
        provenance=replace(
            prov, title=source_title(), publisher=PUBLISHER, licence=source_licence(), notes=notes
        ),
    )
    return store.load(batch)
