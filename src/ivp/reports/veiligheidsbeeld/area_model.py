"""The data classes of the Veiligheidsbeeld's figures per wijk and buurt (built by :mod:`.areas`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ivp.lib.fmt import number
from ivp.lib.i18n import _

#: Why an area is not ranked (``AreaRow.reason``), in the order in which they are checked.
REASONS = (
    "onderdrukt",  # small count of a non-public source, or needed to protect one
    "geen_aantal",  # no count (the publisher suppressed it)
    "geen_inwoners",  # no population figure
    "bezoekers",  # few residents, many visitors: a rate per resident misleads
    "inwoners",  # fewer inhabitants than the workspace's min_inwoners
    "onnauwkeurig",  # expected count at the overall rate below MIN_EXPECTED
    "te_weinig",  # passes the rules, but fewer than two areas do: nothing to rank against
    "geen_verschil",  # passes the rules, but the areas differ no more than chance
)


@dataclass(frozen=True)
class AreaRow:
    """One wijk or buurt. A suppressed row carries no count, rate or rank: no writer can leak them."""

    code: str
    name: str
    count: float | None
    population: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    smoothed: float | None
    flagged: bool  # shown but not ranked by the rules (hatched on the map); see ``reason``
    small_numbers: bool
    rank: int | None
    geometry: str | None
    rank_low: int | None = None
    rank_high: int | None = None
    reason: str | None = None  # one of REASONS when not ranked, else None
    visitor: bool = False
    suppressed: bool = False
    expected: float | None = None  # count at the overall rate, the precision rule's measure

    @property
    def rank_text(self) -> str:
        """'15 (9–24)', or '' when not ranked."""
        if self.rank is None:
            return ""
        if self.rank_low is None or self.rank_high is None:
            return str(self.rank)
        return f"{self.rank} ({self.rank_low}–{self.rank_high})"


@dataclass(frozen=True)
class AreaSection:
    level: str  # 'wijk' | 'buurt'
    category: str
    title: str
    year: int
    population_year: int | None
    summed_from_buurten: bool
    provisional: bool
    rows: tuple[AreaRow, ...]
    total: float | None  # sum of the buurten; None when suppressed
    municipal_total: float | None  # None when unknown or suppressed
    #: 'gerangschikt' (ranks with intervals), 'te_weinig' (fewer than two areas pass the rules) or
    #: 'geen_verschil' (the areas differ no more than chance: every rank interval would be 1..K)
    ranking: str = "gerangschikt"
    min_population: int = 500
    min_expected: float = 10.0
    public: bool = True  # False: the counts come from a non-public source and small ones are suppressed
    threshold: int = 5  # disclosure threshold applied when not public
    total_suppressed: bool = False
    municipal_suppressed: bool = False
    publisher: str = "CBS / Politie"
    dataset: str = "47018NED"
    measure: str = "geregistreerde_misdrijven"  # or "overlast_registraties" (police nuisance)
    basis: str = ""  # nuisance: 'totaal' (the total row) or 'klassen' (the sum of the mapped classes)
    illustrative: bool = False  # contract 2: the counts come from an illustrative dataset

    @property
    def ranked(self) -> list[AreaRow]:
        return sorted((r for r in self.rows if r.rank is not None), key=lambda r: r.rank or 0)

    @property
    def unranked(self) -> list[AreaRow]:
        """Areas shown but not ranked, with a reason (suppressed ones included)."""
        return [r for r in self.rows if r.rank is None and r.reason is not None]

    @property
    def any_suppressed(self) -> bool:
        return self.total_suppressed or self.municipal_suppressed or any(r.suppressed for r in self.rows)

    @property
    def top(self) -> int:
        """How many areas the summary may call 'the highest': 3 wijken, 5 buurten."""
        return 3 if self.level == "wijk" else 5

    @property
    def has_geometry(self) -> bool:
        return any(r.geometry for r in self.rows)

    # -- texts (Dutch), shared by the HTML template and the DOCX/xlsx writers ---------------------------

    def reason_text(self, row: AreaRow) -> str:
        """Why ``row`` is not ranked, in words; '' when it is ranked."""
        texts = {
            "onderdrukt": _("onderdrukt (klein aantal uit een niet-openbare bron, of nodig om dat te beschermen)"),
            "geen_aantal": _("geen aantal bekend"),
            "geen_inwoners": _("geen bevolkingscijfer"),
            "bezoekers": _("veel bezoekers, weinig inwoners: per 1.000 inwoners misleidend"),
            "inwoners": _("minder dan {n} inwoners").format(n=number(self.min_population)),
            "onnauwkeurig": _("te weinig {noun} voor een betrouwbaar cijfer (verwacht minder dan {n})").format(
                noun=self.noun_plural, n=number(self.min_expected)
            ),
            "te_weinig": _("te weinig gebieden om een rangorde vast te stellen"),
            "geen_verschil": _("verschillen niet groter dan toeval: geen rangorde"),
        }  # fmt: skip
        return texts.get(row.reason or "", "")

    def rank_cell(self, row: AreaRow) -> str:
        """The rank column: '15 (9–24)', or a short reason ('bezoekersgebied', 'onderdrukt', ...)."""
        if row.rank is not None:
            return row.rank_text
        short = {
            "onderdrukt": _("onderdrukt"),
            "geen_aantal": "–",
            "geen_inwoners": _("geen inwoners bekend"),
            "bezoekers": _("bezoekersgebied"),
            "inwoners": _("te weinig inwoners"),
            "onnauwkeurig": _("te weinig {noun}").format(noun=self.noun_plural),
        }
        return short.get(row.reason or "", "–")

    def count_text(self, row: AreaRow) -> str:
        """The count, or 'onderdrukt'."""
        return _("onderdrukt") if row.suppressed else number(row.count)

    @property
    def ranking_note(self) -> str:
        """One sentence: how the ranking works and what the rank interval means."""
        text = _(
            "Gerangschikt worden alleen gebieden met minstens {pop} inwoners, met genoeg {noun} voor een "
            "betrouwbaar cijfer (bij het gemiddelde van de gemeente minstens {exp} verwacht) en zonder "
            "veel bezoekers, op het afgevlakte cijfer per 1.000 inwoners"
        ).format(pop=number(self.min_population), exp=number(self.min_expected), noun=self.noun_plural)
        # The example is a real row of this table (the one with the widest interval), so its numbers fit
        # the number of areas and show what an interval means.
        ranked = [
            r for r in self.rows if r.rank is not None and r.rank_low is not None and r.rank_high is not None
        ]
        example = max(ranked, key=lambda r: (r.rank_high or 0) - (r.rank_low or 0), default=None)
        if example is None or example.rank_low == example.rank_high:
            return text + "."
        return text + _(
            "; bij '{rank_text}' ({name}) staat het gebied op plaats {rank} en ligt de werkelijke plaats met 95% "
            "zekerheid tussen {low} en {high}."
        ).format(
            rank_text=example.rank_text, name=example.name, rank=example.rank, low=example.rank_low,
            high=example.rank_high,
        )  # fmt: skip

    @property
    def unranked_note(self) -> str:
        """How many areas are not ranked, by reason (one sentence), or ''."""
        reasons = Counter(r.reason for r in self.unranked if r.reason not in ("te_weinig", "geen_verschil"))
        if not reasons:
            return ""
        plural = _("wijken") if self.level == "wijk" else _("buurten")
        phrases = {
            "bezoekers": _("{n} met veel bezoekers en weinig inwoners (per 1.000 inwoners misleidend)"),
            "inwoners": _("{n} met minder dan {pop} inwoners"),
            "onnauwkeurig": _("{n} met te weinig {noun} voor een betrouwbaar cijfer"),
            "geen_inwoners": _("{n} zonder bevolkingscijfer"),
            "geen_aantal": _("{n} zonder aantal"),
            "onderdrukt": _("{n} onderdrukt"),
        }
        parts = [
            phrases[str(reason)].format(n=n, pop=number(self.min_population), noun=self.noun_plural)
            for reason, n in reasons.most_common()
        ]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _(" en ") + parts[-1]
        return _("Niet gerangschikt zijn {total} {plural}: {listed}.").format(
            total=sum(reasons.values()), plural=plural, listed=listed
        )

    @property
    def disclosure_note(self) -> str:
        """What was suppressed and why, or '' for a public source."""
        if self.public:
            return ""
        return _(
            "De aantallen komen uit een niet-openbare bron ({dataset}). Aantallen onder {t} zijn onderdrukt, "
            "en ook de aantallen (buurten, wijktotalen, totalen) waaruit ze terug te rekenen zouden zijn; "
            "van onderdrukte gebieden staan geen cijfers per 1.000 inwoners en geen rang."
        ).format(dataset=self.dataset, t=self.threshold)

    @property
    def is_nuisance(self) -> bool:
        return self.measure == "overlast_registraties"

    @property
    def noun_plural(self) -> str:
        """What is counted, as a plural noun ('misdrijven', 'overlastregistraties')."""
        return _("overlastregistraties") if self.is_nuisance else _("misdrijven")

    @property
    def heading(self) -> str:
        """'Overlastregistraties per buurt, 2024' or '<crime type> per wijk, 2024'."""
        return _("{title} per {level}, {year}").format(title=self.title, level=self.level, year=self.year)

    @property
    def basis_note(self) -> str:
        """For nuisance: which registrations are counted (the total row, or the sum of the mapped classes)."""
        if not self.is_nuisance:
            return ""
        if self.basis == "totaal":
            return _("Geteld is het totaal van alle overlastregistraties (politiecode 0.0.0) in het bestand.")
        return _(
            "Het bestand heeft geen totaalregel: geteld is de som van de overlastklassen die aan een thema "
            "gekoppeld zijn ({codes})."
        ).format(codes=self.category.replace("+", ", "))

    def illustrative_note(self, naam: str) -> str:
        """Contract 2: the sentence every page with figures from an illustrative dataset carries, or ''."""
        if not self.illustrative:
            return ""
        return _("Illustratieve gegevens, geen echte cijfers van {gemeente}.").format(gemeente=naam)
