"""Code lists the police adapters ship, for files that come without their own list."""

from __future__ import annotations

from dataclasses import dataclass

TOTAL_CODE = "0.0.0"


@dataclass(frozen=True)
class NuisanceClass:
    """One police nuisance class ("maatschappelijke klasse"): its code, current label and older names.

    ``label`` is the police's current label and the title stored for the code; ``earlier`` are labels the
    police used before (files of earlier years still carry them); ``spellings`` are other ways municipal
    deliveries write the class. Every one of them maps to ``code``.
    """

    code: str
    label: str
    earlier: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Every name that maps to the code: the current label first."""
        return (self.label, *self.earlier, *self.spellings)


#: The police nuisance classes ivp knows without a workspace file. Source: the police open data code list
#: ``Overlast.csv`` (the 9 codes of the national series ``NL_Disorder.csv``, ``0.0.0`` is their total) and,
#: for ``F030``, the police's class "Burengerucht (relatieproblemen)" as municipalities receive it in their
#: nuisance overviews. ``F030`` is not in the open data list; the code could not be checked against a
#: published police code list (the CBS crime type 2.4.1 of the same name counts incident code F95, a crime,
#: not this nuisance registration): a workspace whose police file uses another code adds it in its
#: ``thema's.toml`` (docs/themes.md). E33's current label replaced "Overlast door verward persoon".
OVERLAST_CLASSES: tuple[NuisanceClass, ...] = (
    NuisanceClass(
        TOTAL_CODE,
        "Totaal registraties overlast",
        spellings=("Totaal", "Totaal overlast", "Totaal registraties"),
    ),
    NuisanceClass(
        "E33",
        "Overlast door persoon met onbegrepen gedrag",
        earlier=(
            "Overlast door verward persoon",
            "Overlast door verward/overspannen persoon",
            "Overlast door persoon met verward gedrag",
        ),
        spellings=(
            "Verward persoon",
            "Overlast verward persoon",
            "Overlast door verwarde personen",
            "Overlast door verward of overspannen persoon",
            "Onbegrepen gedrag",
            "Overlast onbegrepen gedrag",
            "Persoon met onbegrepen gedrag",
        ),
    ),
    NuisanceClass(
        "E35", "Melding overlast jeugd", spellings=("Jeugdoverlast", "Overlast jeugd", "Overlast door jeugd")
    ),
    NuisanceClass(
        "E38",
        "Overlast ivm alcohol/ drugs",
        spellings=("Overlast alcohol/drugs", "Overlast i.v.m. alcohol/drugs", "Overlast door alcohol/drugs"),
    ),
    NuisanceClass("E41", "Overlast zwervers", spellings=("Overlast zwerver",)),
    NuisanceClass("F010", "Openbare dronkenschap", spellings=("Dronkenschap",)),
    NuisanceClass(
        "F030",
        "Burengerucht (relatieproblemen)",
        spellings=("Burengerucht", "Burengerucht relatieproblemen", "Burengerucht/relatieproblemen"),
    ),
    NuisanceClass("M061", "Geluidshinder horeca"),
    NuisanceClass("M062", "Geluidshinder evenement"),
    NuisanceClass("M22", "Geluidshinder overig"),
)
#: Code -> current label (the stored title), in the order above.
OVERLAST_CODES: dict[str, str] = {c.code: c.label for c in OVERLAST_CLASSES}
#: Every known name of a nuisance class (current, earlier, other spellings) -> its code.
OVERLAST_LABELS: dict[str, str] = {label: c.code for c in OVERLAST_CLASSES for label in c.labels}

#: CBS crime types ("soort misdrijf"), as in ``SoortMisdrijf.csv``: code -> title (the title starts with the
#: code, as CBS writes it: "1.1.1 Diefstal/inbraak woning"; the prefix is added below).
_MISDRIJF_TITLES: dict[str, str] = {
    "0.0.0": "Totaal misdrijven",
    "1.1.1": "Diefstal/inbraak woning",
    "1.1.2": "Diefstal/inbraak box/garage/schuur",
    "1.2.1": "Diefstal uit/vanaf motorvoertuigen",
    "1.2.2": "Diefstal van motorvoertuigen",
    "1.2.3": "Diefstal van brom-, snor-, fietsen",
    "1.2.4": "Zakkenrollerij",
    "1.2.5": "Diefstal af/uit/van ov. voertuigen",
    "1.3.1": "Ongevallen (weg)",
    "1.4.1": "Zedenmisdrijf",
    "1.4.2": "Moord, doodslag",
    "1.4.3": "Openlijk geweld (persoon)",
    "1.4.4": "Bedreiging",
    "1.4.5": "Mishandeling",
    "1.4.6": "Straatroof",
    "1.4.7": "Overval",
    "1.5.2": "Diefstallen (water)",
    "1.6.1": "Brand/ontploffing",
    "1.6.2": "Overige vermogensdelicten",
    "1.6.3": "Mensenhandel",
    "2.1.1": "Drugs/drankoverlast",
    "2.2.1": "Vernieling cq. zaakbeschadiging",
    "2.4.1": "Burengerucht (relatieproblemen)",
    "2.4.2": "Huisvredebreuk",
    "2.5.1": "Diefstal/inbraak bedrijven enz.",
    "2.5.2": "Winkeldiefstal",
    "2.6.1": "Inrichting Wet Milieubeheer",
    "2.6.2": "Bodem",
    "2.6.3": "Water",
    "2.6.4": "Afval",
    "2.6.5": "Bouwstoffen",
    "2.6.7": "Mest",
    "2.6.8": "Transport gevaarlijke stoffen",
    "2.6.9": "Vuurwerk",
    "2.6.10": "Bestrijdingsmiddelen",
    "2.6.11": "Natuur en landschap",
    "2.6.12": "Ruimtelijke ordening",
    "2.6.13": "Dieren",
    "2.6.14": "Voedselveiligheid",
    "2.7.2": "Bijzondere wetten",
    "2.7.3": "Leefbaarheid (overig)",
    "3.1.1": "Drugshandel",
    "3.1.2": "Mensensmokkel",
    "3.1.3": "Wapenhandel",
    "3.2.1": "Kinderporno",
    "3.2.2": "Kinderprostitutie",
    "3.3.2": "Onder invloed (lucht)",
    "3.3.5": "Lucht (overig)",
    "3.4.2": "Onder invloed (water)",
    "3.5.2": "Onder invloed (weg)",
    "3.5.5": "Weg (overig)",
    "3.6.4": "Aantasting openbare orde",
    "3.7.1": "Discriminatie",
    "3.7.2": "Vreemdelingenzorg",
    "3.7.3": "Maatsch. integriteit (overig)",
    "3.7.4": "Cybercrime",
    "3.9.1": "Horizontale fraude",
    "3.9.2": "Verticale fraude",
    "3.9.3": "Fraude (overig)",
}
MISDRIJF_CODES: dict[str, str] = {
    code: title if code == TOTAL_CODE else f"{code} {title}" for code, title in _MISDRIJF_TITLES.items()
}
