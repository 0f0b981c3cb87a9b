"""The register of place-based interventions: what the municipality did, where, when, against what.

Plain frozen dataclasses, no I/O. Read and checked by :mod:`ivp.interventions.yaml_io` and
:mod:`ivp.interventions.xlsx_io`; stored by ``ivp.web.interventions``; evaluated by ``ivp.reports.effect``.
The file format is described in docs/interventions.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ivp.lib.i18n import _, ngettext

#: The kinds of intervention (``soort``), in the order the documentation and the form list them.
SOORTEN = (
    "cameratoezicht_vast",
    "cameratoezicht_mobiel",
    "alcoholverbod",
    "veiligheidsrisicogebied",
    "sluiting_13b",
    "wbmgp",
    "suswachten",
    "verlichting",
    "overig",
)

#: Shorthands accepted for ``soort``, and what they stand for.
SOORT_ALIASES = {"cameratoezicht": "cameratoezicht_vast"}

#: Dutch labels of the kinds (for pages and lists).
SOORT_LABELS = {
    "cameratoezicht_vast": "Cameratoezicht (vast)",
    "cameratoezicht_mobiel": "Cameratoezicht (mobiel)",
    "alcoholverbod": "Alcoholverbod",
    "veiligheidsrisicogebied": "Veiligheidsrisicogebied (preventief fouilleren)",
    "sluiting_13b": "Sluiting (artikel 13b Opiumwet)",
    "wbmgp": "Wbmgp-gebied",
    "suswachten": "Suswachten",
    "verlichting": "Verlichting",
    "overig": "Overig",
}

#: How the comparison area is chosen: the rest of the municipality, or buurten matched on the trend before.
VERGELIJKINGEN = ("rest", "gematcht")


@dataclass(frozen=True)
class Periode:
    """A period the intervention ran: ``start`` to ``eind`` inclusive; ``eind`` None while it still runs."""

    start: dt.date
    eind: dt.date | None = None

    def overlaps(self, other: Periode) -> bool:
        """Whether the two periods share a day."""
        end = self.eind or dt.date.max
        other_end = other.eind or dt.date.max
        return self.start <= other_end and other.start <= end


@dataclass(frozen=True)
class Gebied:
    """Where: buurt codes, or a GeoJSON polygon (WGS84), or a point (lon, lat; WGS84) with a radius.

    Exactly one of the three is given in a checked intervention.
    """

    buurten: tuple[str, ...] = ()
    polygoon: dict[str, Any] | None = None
    punt: tuple[float, float] | None = None
    straal_m: float | None = None

    def summary(self) -> str:
        """A short Dutch description: '2 buurten (BU05050108, BU05050109)', 'polygoon', 'cirkel van 150 m'."""
        if self.buurten:
            n = len(self.buurten)
            return ngettext("{n} buurt ({codes})", "{n} buurten ({codes})", n).format(
                n=n, codes=", ".join(self.buurten)
            )
        if self.polygoon is not None:
            return _("polygoon")
        if self.punt is not None:
            return _("cirkel van {r} m om {lon:.5f}, {lat:.5f}").format(
                r=round(self.straal_m or 0), lon=self.punt[0], lat=self.punt[1]
            )
        return "–"


@dataclass(frozen=True)
class Intervention:
    """One place-based intervention of the register (``interventies:`` in the file)."""

    id: str
    naam: str
    soort: str
    gebied: Gebied
    perioden: tuple[Periode, ...]
    doelen: tuple[str, ...]
    besluit: str | None = None
    verantwoordelijke: str | None = None
    verwacht_effect: str | None = None
    buffer_m: float | None = None
    vergelijking: str = "rest"
    toelichting: str | None = None

    @property
    def start(self) -> dt.date:
        """The first day of the first period."""
        return min(p.start for p in self.perioden)

    @property
    def running(self) -> bool:
        """Whether a period is still open (no ``eind``)."""
        return any(p.eind is None for p in self.perioden)
