"""Own de-identification rules on top of deduce (issue 12, finding 9): pure functions over text.

deduce misses lower-case names and streets, phone
numbers written "+31 6 1234 5678", social media handles, spaced licence plates, (partial) IBANs,
obfuscated e-mail addresses, spaced BSNs and dates of birth. Each rule yields character spans; the
spans of deduce and of these rules are merged (a character in any span is redacted) and replaced by
one tag per merged span. Place, buurt and bare street names stay (the analysis needs where something
happened); a street with a house number and a postcode are an address and go.

All of it runs on a normalised view of the text (:func:`_normalise`): invisible format characters
(zero-width space, soft hyphen, word joiner, BOM, ...) dropped, every character NFKC-folded on its own
(full-width digits and letters become ASCII, no-break spaces plain spaces), every dash a hyphen-minus.
The spans found there are mapped back, so the characters the resident typed are what is redacted.

:mod:`ivp.web.meldingen.deid` merges these spans with deduce's and redacts them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ivp.web.meldingen.deid_words import AMBIGUOUS_FIRST_NAMES, AMBIGUOUS_SURNAMES


def lookup_data_path() -> Path:
    """Return deduce's own lookup lists (inside the installed package)."""
    import deduce.deduce

    return Path(deduce.deduce._LOOKUP_LIST_PATH)


@dataclass(frozen=True)
class Span:
    """A stretch of ``text[start:end]`` to redact, with the tag it is replaced by."""

    start: int
    end: int
    tag: str


# Tag priority when spans of different kinds overlap (the merged span gets the highest).
_PRIORITY = {
    "iban": 110,  # an IBAN wins over the phone number or BSN its account digits look like
    "bsn": 100,
    "emailadres": 80,
    "telefoonnummer": 70,
    "geboortedatum": 65,
    "locatie": 62,
    "kenteken": 60,
    "gebruikersnaam": 50,
    "url": 40,
    "persoon": 30,
    "id": 10,
}
# Tags replaced without a number, as before ("[KENTEKEN]").
_UNNUMBERED = {"kenteken"}

# What residents put between digit groups. The normalised view has already turned every dash (en, em,
# figure dash, minus sign, ...) into "-"; en and em dash are listed too for text matched without it.
_DASHES = "\u2010-\u2015\u2212"
_SEP = rf"[ \t.\-/{_DASHES}]"
_GAP = rf"{_SEP}{{0,2}}"  # between the groups of an IBAN: "NL91 ABNA  0417", "NL91-ABNA-0417"


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """The view the rules run on, and for each of its characters where it came from in ``text``.

    Returns ``(view, starts, ends)``: ``view[i]`` comes from ``text[starts[i]:ends[i]]``, so the span
    ``view[a:b]`` maps back to ``text[starts[a]:ends[b - 1]]``. Format characters (Unicode category Cf)
    are dropped, each other character is NFKC-folded on its own (one character may become several: the
    ligature "fi"), space separators become " " and dash punctuation "-".
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        if char.isascii():
            folded = char
        else:
            category = unicodedata.category(char)
            if category == "Cf":
                continue
            folded = unicodedata.normalize("NFKC", char)
            if category == "Zs":
                folded = " "
            elif category == "Pd" or char == "\u2212":
                folded = "-"
            folded = "".join(
                " " if unicodedata.category(c) == "Zs" else "-" if unicodedata.category(c) == "Pd" else c
                for c in folded
                if unicodedata.category(c) != "Cf"
            )
        for c in folded:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


def _map_back(spans: list[Span], starts: list[int], ends: list[int]) -> list[Span]:
    """Spans of the normalised view as spans of the original text."""
    return [Span(starts[s.start], ends[s.end - 1], s.tag) for s in spans if s.end > s.start]


# Phone numbers: +31 / 0031 / 0 followed by nine digits (the first not 0), any single separators,
# "(0)" after the country code and "(078)" area codes allowed.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[ ]?31[ \-.]*(?:\(0\)[ \-.]*)?|\(0|0)"
    rf"[1-9](?:\)?{_SEP}{{0,2}}\d){{8}}(?![\d])"
)
_DATE_LIKE = re.compile(r"^\(?\d{1,2}[-./ ]\d{1,2}[-./ ](?:19|20)\d{2}\b")

# E-mail: plain, and obfuscated with spaces, [at], (at), " at ", [dot], " punt ".
_AT = r"(?:\s*@\s*|\s*[\[(](?:at|apenstaartje)[\])]\s*|\s+(?:at|apenstaartje)\s+)"
_DOT = r"(?:\s?\.\s?|\s*[\[(](?:dot|punt)[\])]\s*|\s+(?:dot|punt)\s+)"
_TLD = r"(?:nl|com|net|org|be|eu|info|de|nu|io|me|online|live|biz|co\.uk|fr|uk|email|mail)"
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}\b"
    rf"|(?<![\w.+-])[\w+-]+(?:\s?\.\s?[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b",
    re.IGNORECASE,
)

# Social media handles: "@name" (not inside an e-mail address), and a platform word followed by a name.
_HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_PLATFORM = (
    r"(?:instagram|insta|ig|snapchat|snap|tiktok|tik\s?tok|twitter|telegram|facebook|fb|discord|"
    r"youtube|threads|signal|whatsapp|x)"
)
_HANDLE_CTX = re.compile(
    rf"\b{_PLATFORM}(?:\s?(?:account|naam|name|profiel))?"
    r"(?P<sep>\s*:\s*|\s+(?:is|als|heet|onder|van|op)?\s*)"
    r"(?P<h>@?[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)",
    re.IGNORECASE,
)

# Dutch licence plates, sidecodes 1-14. Joined or with dashes: any case. With spaces or dots: upper case,
# or lower case when a vehicle word comes shortly before.
_SIDECODES = (
    "L2 D2 D2",
    "D2 D2 L2",
    "D2 L2 D2",
    "L2 D2 L2",
    "L2 L2 D2",
    "D2 L2 L2",
    "D2 L3 D1",
    "D1 L3 D2",
    "L2 D3 L1",
    "L1 D3 L2",
    "L3 D2 L1",
    "D1 L2 D3",
    "D2 L1 D3",
    "L1 D2 L3",
)


def _plate_regex(sep: str, letters: str) -> str:
    def group(code: str) -> str:
        return f"{letters if code[0] == 'L' else '[0-9]'}{{{code[1]}}}"

    return "|".join(sep.join(group(c) for c in code.split()) for code in _SIDECODES)


_PLATE = re.compile(rf"(?<![\w-])(?:{_plate_regex('-?', '[A-Za-z]')})(?![\w-])")
_PLATE_SPACED = re.compile(rf"(?<![\w-])(?:{_plate_regex('[ .]', '[A-Z]')})(?![\w-])")
_PLATE_SPACED_ANY = re.compile(rf"(?<![\w-])(?:{_plate_regex('[ .-]', '[A-Za-z]')})(?![\w-])")
_VEHICLE = re.compile(
    r"\b(?:kenteken\w*|nummerbord\w*|plaat|auto\w*|wagen|busje|bus|bestelbus|scooter\w*|brommer\w*|"
    r"motor\w*|taxi|suv|golf|bmw|audi|mercedes|polo|opel|toyota|kia|peugeot|renault|volvo|tesla)\b",
    re.IGNORECASE,
)

# IBAN: full or partial, spaced or not, any case; Dutch bank codes alone; digits after "rekening".
_BANKS = r"(?:ABNA|INGB|RABO|SNSB|TRIO|ASNB|KNAB|BUNQ|RBRB|REVO|FVLB|HAND|NNBA|BITS|DEUT|FRBK|NTSB)"
# Separators between the groups: any one or two of space, dot, dash, slash ("NL91-ABNA-0417-1643-00").
_IBAN = re.compile(
    rf"(?<![\w])NL{_GAP}\d{{2}}{_GAP}(?:{_BANKS}|[A-Z]{{4}})(?![A-Z])(?:{_GAP}\d){{0,10}}(?!\d)"
    r"|(?<![\w])(?:BE|DE|LU|FR|ES|GB|IT|PL|TR|AT|CH|PT)\d{2}(?:[ .\-]?[A-Z0-9]{4}){2,7}"
    r"(?:[ .\-]?[A-Z0-9]{1,3})?(?![\w])"
    rf"|(?<![\w]){_BANKS}(?:[ .\-]?\d){{4,10}}(?![\w])",
    re.IGNORECASE,
)
# The start of an IBAN right before a number found as something else (a phone number, deduce's "id"):
# country code, check digits and, for NL, the bank code.
_IBAN_HEAD = re.compile(
    rf"(?<![\w])(?:NL{_GAP}\d{{2}}{_GAP}[A-Z]{{4}}|(?:BE|DE|LU|FR|ES|GB|IT|PL|TR|AT|CH|PT)\d{{2}}"
    rf"(?:[ .\-]?[A-Z0-9]{{4}})?){_GAP}$",
    re.IGNORECASE,
)
_ACCOUNT_CTX = re.compile(
    r"\b(?:iban|rekening\w*|rek\.?\s?nr\.?|reknr\.?|bankrekening\w*|bankrek\w*|bank)\b"
    r"[^\d\n]{0,40}?(?P<n>\d(?:[ .]?\d){2,17})(?![\d])",
    re.IGNORECASE,
)

# BSN: nine digits passing the elfproef, also written in groups; any 8-9 digits after "bsn".
_BSN_GROUPED = re.compile(r"(?<![\d\w])\d{3}[ .\-]?\d{2,3}[ .\-]?\d{3,4}(?![\d\w])")
_BSN_CTX = re.compile(
    r"\b(?:bsn|burgerservicenummer|sofinummer|sofi-nummer|sofi)\b[^\d\n]{0,25}?(?P<n>\d(?:[ .\-]?\d){7,8})(?!\d)",
    re.IGNORECASE,
)

# Dates of birth: a date after "geboren", "geb.", "geboortedatum".
_MONTHS = (
    r"(?:januari|jan|februari|feb|maart|mrt|april|apr|mei|juni|jun|juli|jul|augustus|aug|september|sept|"
    r"sep|oktober|okt|november|nov|december|dec)\.?"
)
_DATE = rf"(?:\d{{1,2}}[-/. ]\d{{1,2}}[-/. ](?:19|20)?\d{{2}}|\d{{1,2}}\s?{_MONTHS}\s?(?:19|20)?\d{{2}}|(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}|(?:19|20)\d{{2}})"
_BIRTH = re.compile(
    r"\b(?:geboren|geboortedatum|geb\.?\s?datum|geboortedag|geb\.dat\.?|dob|geb\.|geb\b)"
    rf"(?:\s*(?:op|in|:|is|rond|ongeveer|omstreeks))*\s*(?P<d>{_DATE})(?![\d])",
    re.IGNORECASE,
)

# Postcodes: "3311 AB", "3311AB", "3311ab"; lower case with a space only after "postcode".
_POSTCODE = re.compile(
    r"(?<![\w])[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})(?![\w])"
    r"|(?i:\bpostcode\b\s*:?\s*)(?P<pc>[1-9]\d{3}\s?[A-Za-z]{2})(?![\w])"
)
_NOT_POSTCODE = {
    "SS",
    "SA",
    "SD",
    "mg",
    "kg",
    "km",
    "cm",
    "mm",
    "ml",
    "gr",
    "uu",
    "ct",
    "st",
    "nd",
    "rd",
    "th",
}

# Street + house number. The street: a word with a street suffix (any case), or one to five words that
# form a street name of the BAG (deduce's street list, compared in lower case).
_STREET_SUFFIX = (
    r"(?:straat|str|laan|weg|plein|gracht|kade|dijk|dyk|singel|hof|steeg|pad|dreef|park|markt|wal|haven|"
    r"plantsoen|boulevard|baan|erf|dam|kant|zijde|ring|veld|burcht|poort|vest|polder|weide|akker|tuin|"
    r"hoek|straatje|pleintje|allee|promenade|passage|oord|waard|hout|berg|brink|dreef|gaarde|hove|horst)"
)
_STREET_WORD = re.compile(rf"^[\w'’-]*{_STREET_SUFFIX}$", re.IGNORECASE)
_HOUSENUMBER = re.compile(
    r"(?:(?:nr\.?|nummer|no\.?|huisnummer)\s?)?"
    r"\d{1,4}(?:\s?[a-zA-Z](?![\w'’]))?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?(?![\w]))?"
    r"(?:[\s-](?:bis|hs|huis|bg|bov|boven|rd|zw|I{1,3})(?![\w]))?(?![\d\w:,]\d)"
)
_AFTER_NUMBER_NOT_ADDRESS = re.compile(
    r"\s*(?:uur|u\b|minuten|min\b|jongens|jongeren|man|mannen|personen|mensen|keer|jaar|euro|km|meter|m\b|"
    r"dagen|weken|maanden|auto|scooters|kinderen|meiden|honden|procent|%|:)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")

# Names. deduce finds capitalised names; these add lower-case ones from deduce's own name lists.
_CUE = re.compile(
    r"\b(?:buurman|buurvrouw|buurjongen|buurmeisje|genaamd|heet|heten|noemt\s+zich|bijnaam|ene|meneer|"
    r"mevrouw|mevr\.?|dhr\.?|mw\.?|mijnheer|zoon|dochter|vriend|vriendje|vriendin|broer|zus|zwager|"
    r"schoonzoon|neef|nicht|oom|tante|ex|vader|moeder|opa|oma|familie|fam\.?|jongen|meisje|man|vrouw|"
    r"collega|huisbaas|verhuurder|eigenaar|bewoner|hij|zij)\b[\s:,]*",
    re.IGNORECASE,
)
_STRONG_CUES = {"genaamd", "heet", "heten", "bijnaam", "ene", "noemt"}
_FAMILY_CUES = {"meneer", "mevrouw", "mevr", "dhr", "mw", "mijnheer", "familie", "fam"}
_CUE_NOT_NAME = {
    "hiernaast",
    "boven",
    "beneden",
    "naast",
    "tegenover",
    "verderop",
    "hier",
    "daar",
    "er",
    "het",
    "een",
    "die",
    "dat",
    "deze",
    "is",
    "was",
    "heeft",
    "had",
    "en",
    "of",
    "maar",
    "ook",
    "nog",
    "al",
    "weer",
    "niet",
    "wel",
    "zo",
    "om",
    "op",
    "in",
    "aan",
    "bij",
    "met",
    "voor",
    "uit",
    "zegt",
    "zei",
    "komt",
    "kwam",
    "gaat",
    "ging",
    "doet",
    "deed",
}


# Ambiguous first names that are also frequent Dutch function words or verbs ("ik ben van de buurt"):
# followed by an interfix they need a listed surname.
_FUNCTION_WORD_NAMES_TEXT = (
    "ben bent al do door aan man van de on onder mee men min nam wil wilt win duurt made per to he ha ho "
    "hou jouw klaar la long sla tien zus broer dies date fan fee fine hang hart hee hei hoi kan ken kent "
    "kin koop lam lee lei lot maan mat mei mint nader nadien nas pas rem rijk rol son star tak tam ton "
    "tong toon veer wel wiel winter zomer zen"
)
_FUNCTION_WORD_NAMES = frozenset(_FUNCTION_WORD_NAMES_TEXT.split())


def _lists_dir() -> Path:
    return lookup_data_path() / "src"


def _read_list(rel: str) -> list[str]:
    base = _lists_dir() / rel
    items = (base / "items.txt").read_text(encoding="utf-8").splitlines()
    exceptions_file = base / "exceptions.txt"
    skip = (
        set(exceptions_file.read_text(encoding="utf-8").splitlines()) if exceptions_file.exists() else set()
    )
    return [i.strip() for i in items if i.strip() and i not in skip]


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str], tuple[str, ...], frozenset[str]]:
    """deduce's first names, surnames (both lower case), interfixes (longest first) and whitelist words."""
    first = frozenset(n.lower() for n in _read_list("names/lst_first_name") if " " not in n)
    surnames = frozenset(
        n.lower() for n in _read_list("names/lst_surname") + _read_list("names/lst_interfix_surname")
    )
    interfixes = tuple(sorted({i.lower() for i in _read_list("names/lst_interfix")}, key=len, reverse=True))
    white = frozenset(
        w.lower() for rel in ("whitelist/lst_common_word", "whitelist/lst_stop_word") for w in _read_list(rel)
    )
    return first, surnames, interfixes, white


@functools.cache
def _streets() -> tuple[frozenset[str], int]:
    """The BAG street names (lower case) and the most words one has."""
    names = {
        line.strip().lower()
        for line in (_lists_dir() / "locations/lst_street/streets_bag.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    }
    return frozenset(names), max((n.count(" ") + 1 for n in names), default=1)


def _elfproef(digits: str) -> bool:
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def _phones(text: str) -> Iterator[Span]:
    for m in _PHONE.finditer(text):
        if _DATE_LIKE.match(m.group()):
            continue
        yield Span(m.start(), m.end(), "telefoonnummer")


def _emails(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield Span(m.start(), m.end(), "emailadres")


def _handles(text: str) -> Iterator[Span]:
    _first, _sur, _inter, white = _names()
    for m in _HANDLE_AT.finditer(text):
        yield Span(m.start(), m.end(), "gebruikersnaam")
    for m in _HANDLE_CTX.finditer(text):
        handle, sep = m.group("h"), m.group("sep")
        explicit = handle.startswith("@") or ":" in sep or sep.strip() != ""
        handle_like = any(c.isdigit() or c in "_." for c in handle)
        if handle.lower() in white or handle.lower() in _CUE_NOT_NAME:
            continue
        if explicit or handle_like:
            yield Span(m.start("h"), m.end("h"), "gebruikersnaam")


def _plates(text: str) -> Iterator[Span]:
    for m in _PLATE.finditer(text):
        value = m.group()
        if value.isdigit() or value.isalpha():
            continue
        yield Span(m.start(), m.end(), "kenteken")
    for m in _PLATE_SPACED.finditer(text):
        yield Span(m.start(), m.end(), "kenteken")
    _first, _sur, _inter, white = _names()
    for m in _PLATE_SPACED_ANY.finditer(text):
        letters = [w.lower() for w in re.findall(r"[A-Za-z]+", m.group())]
        if (m.start() and text[m.start() - 1] == ":") or any(w in white for w in letters):
            continue  # "21:00 en 01:00", "10 uur 3"
        if _VEHICLE.search(text, max(0, m.start() - 60), m.start()):
            yield Span(m.start(), m.end(), "kenteken")


def _ibans(text: str) -> Iterator[Span]:
    for m in _IBAN.finditer(text):
        yield Span(m.start(), m.end(), "iban")
    for m in _ACCOUNT_CTX.finditer(text):
        yield Span(m.start("n"), m.end("n"), "iban")


def _bsns(text: str) -> Iterator[Span]:
    for m in _BSN_GROUPED.finditer(text):
        if _elfproef(re.sub(r"\D", "", m.group())):
            yield Span(m.start(), m.end(), "bsn")
    for m in _BSN_CTX.finditer(text):
        yield Span(m.start("n"), m.end("n"), "bsn")


def _births(text: str) -> Iterator[Span]:
    for m in _BIRTH.finditer(text):
        yield Span(m.start("d"), m.end("d"), "geboortedatum")


def _postcodes(text: str) -> Iterator[Span]:
    for m in _POSTCODE.finditer(text):
        if m.group("pc"):
            yield Span(m.start("pc"), m.end("pc"), "locatie")
        elif m.group()[-2:] not in _NOT_POSTCODE:
            yield Span(m.start(), m.end(), "locatie")


def _addresses(text: str) -> Iterator[Span]:
    streets, longest = _streets()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    starts = {w[0]: i for i, w in enumerate(words)}
    for i, (ws, _we, word) in enumerate(words):
        if not word[0].isdigit() and not word.lower().startswith(("nr", "nummer", "no", "huisnummer")):
            continue
        if i == 0:
            continue
        num = _HOUSENUMBER.match(text, ws)
        if num is None or not any(c.isdigit() for c in num.group()):
            continue
        if _AFTER_NUMBER_NOT_ADDRESS.match(text, num.end()):
            continue
        # the words right before the number (only spaces between them)
        best: int | None = None
        for n in range(1, longest + 1):
            j = i - n
            if j < 0:
                break
            gap = text[words[j][1] : words[j + 1][0]] if j + 1 < i else text[words[j][1] : ws]
            if n > 1 and gap.strip() not in ("",):
                break
            if n == 1 and text[words[j][1] : ws].strip() not in ("", ","):
                break
            phrase = " ".join(w[2] for w in words[j:i]).lower()
            last = words[i - 1][2]
            listed = phrase in streets and (n > 1 or _STREET_WORD.match(last) or last[0].isupper())
            if listed or (n == 1 and _STREET_WORD.match(last) and len(last) > 5):
                best = j
        if best is None:
            continue
        yield Span(words[best][0], num.end(), "locatie")
    del starts


def _name_spans(text: str) -> Iterator[Span]:
    first, surnames, interfixes, white = _names()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def lower(i: int) -> str:
        return words[i][2].lower()

    def interfix_at(i: int) -> int:
        """Number of words of an interfix ("van", "van der", "ter") starting at word i, else 0."""
        for inter in interfixes:
            parts = inter.split()
            if i + len(parts) < len(words) and [lower(i + k) for k in range(len(parts))] == parts:
                return len(parts)
        return 0

    def surname_after(i: int, *, strict: bool, plain_ok: bool = False) -> int:
        """End word index (exclusive) of "[interfix] surname" starting at word i, else i.

        ``strict``: the surname must be on deduce's list (after an interfix) or on it and not a Dutch word.
        """
        k = interfix_at(i)
        j = i + k
        if j >= len(words):
            return i
        w = lower(j)
        if (w in white and w not in surnames) or w in _CUE_NOT_NAME or not w.isalpha():
            return i
        if k and (not strict or w in surnames):
            return j + 1
        if not k and w in surnames and (plain_ok or w not in AMBIGUOUS_SURNAMES):
            return j + 1
        return i

    i = 0
    while i < len(words):
        w = lower(i)
        is_first = w in first and w not in white and len(w) > 1
        if is_first:
            ambiguous = w in AMBIGUOUS_FIRST_NAMES
            end = surname_after(
                i + 1,
                strict=w in _FUNCTION_WORD_NAMES or not words[i][2][:1].isalpha(),
                plain_ok=not ambiguous or words[i][2][:1].isupper(),
            )
            if end > i + 1:
                yield Span(words[i][0], words[end - 1][1], "persoon")
                i = end
                continue
            if not ambiguous and words[i][2].islower() and len(w) > 2:
                yield Span(words[i][0], words[i][1], "persoon")
        i += 1

    # After a cue ("mijn buurman kees", "genaamd mo", "de familie de jong"): a first name, or a surname.
    word_at = {s: k for k, (s, _e, _w) in enumerate(words)}
    for m in _CUE.finditer(text):
        k = word_at.get(m.end())
        if k is None:
            continue
        cue = m.group().strip(" :,").lower().split()[0].rstrip(".")
        w = lower(k)
        if cue in _FAMILY_CUES and interfix_at(k):
            end = surname_after(k, strict=False)
            if end > k:
                yield Span(words[k][0], words[end - 1][1], "persoon")
            continue
        if w in _CUE_NOT_NAME or w in white:
            continue
        strong = cue in _STRONG_CUES
        if w in first or (strong and words[k][2].isalpha() and cue != "heet"):
            end = surname_after(k + 1, strict=False)
            yield Span(words[k][0], words[max(end, k + 1) - 1][1], "persoon")
        elif cue in _FAMILY_CUES:
            end = surname_after(k, strict=False)
            if end > k:
                yield Span(words[k][0], words[end - 1][1], "persoon")
        elif strong and words[k][2][:1].isupper():
            yield Span(words[k][0], words[k][1], "persoon")


def _absorb_iban_heads(text: str, spans: list[Span]) -> list[Span]:
    """Add an IBAN span from the country code to the end of each number span that an IBAN head precedes.

    "NL91 ABNA 0417 1643 00": its account "0417164300" is also a phone number; whatever found only that
    part, the merged span becomes the whole IBAN, tagged IBAN (:data:`_PRIORITY`).
    """
    out = list(spans)
    for span in spans:
        if (
            span.tag not in ("telefoonnummer", "id", "iban", "bsn")
            or not text[span.start : span.start + 1].isdigit()
        ):
            continue
        head = _IBAN_HEAD.search(text, max(0, span.start - 24), span.start)
        if head is not None:
            out.append(Span(head.start(), span.end, "iban"))
    return out


def rule_spans(text: str) -> list[Span]:
    """The spans found by this module's own rules (without deduce)."""
    spans: list[Span] = []
    for rule in (_phones, _emails, _handles, _plates, _ibans, _bsns, _births, _postcodes, _addresses):
        spans.extend(rule(text))
    spans.extend(_name_spans(text))
    return spans
