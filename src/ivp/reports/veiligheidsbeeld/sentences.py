"""Generated Dutch sentences for the figures in the Veiligheidsbeeld.

Only a change that passed its test -- after Benjamini-Hochberg over the report's one test family -- is
worded as a rise or fall ("steeg", "daalde"); otherwise the sentence says "geen aantoonbare verandering",
and when the test on its own was significant it adds "(p = 0,041; na correctie voor het aantal toetsen
niet aantoonbaar)". Small numbers get no verdict at all ("te weinig om een verandering vast te
stellen"). Provisional years are said in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from ivp.lib.fmt import number, percent, pvalue, rate
from ivp.lib.i18n import _

#: "het aantal ..." noun phrases for CBS crime-type codes; other codes fall back to the title.
NOUNS: dict[str, str] = {
    "0.0.0": "geregistreerde misdrijven",
    "1.1.1": "woninginbraken",
    "1.1.2": "inbraken in boxen, garages en schuren",
    "1.2.1": "diefstallen uit of vanaf motorvoertuigen",
    "1.2.2": "diefstallen van motorvoertuigen",
    "1.2.3": "diefstallen van brom-, snorfietsen en fietsen",
    "1.2.4": "zakkenrollerijen",
    "1.4.2": "moorden en doodslagen",
    "1.4.4": "bedreigingen",
    "1.4.5": "mishandelingen",
    "1.4.6": "straatroven",
    "1.4.7": "overvallen",
    "2.2.1": "vernielingen en zaakbeschadigingen",
    "2.5.1": "diefstallen en inbraken bij bedrijven en instellingen",
    "2.5.2": "winkeldiefstallen",
    "3.1.1": "registraties van drugshandel",
    "3.1.3": "registraties van wapenhandel",
    "3.7.4": "cybercrimezaken",
}


#: Noun phrases for police nuisance codes (keys 'politie-overlast:<code>', see :func:`noun`).
NUISANCE_NOUNS: dict[str, str] = {
    "0.0.0": "overlastregistraties",
    "E33": "registraties van overlast door verwarde personen",
    "E35": "registraties van jeugdoverlast",
    "E38": "registraties van overlast door alcohol of drugs",
    "E41": "registraties van overlast door zwervers",
    "F010": "registraties van openbare dronkenschap",
    "M061": "registraties van geluidshinder door horeca",
    "M062": "registraties van geluidshinder door evenementen",
    "M22": "registraties van overige geluidshinder",
}
NUISANCE_PREFIX = "politie-overlast:"
#: Prefixes of the other count sources: a register series ('reeks:<id>') and the meldpunt
#: ('meldpunt:<slug>'); their noun comes from their title.
REGISTER_PREFIX = "reeks:"
MELDPUNT_PREFIX = "meldpunt:"


def noun(code: str, title: str) -> str:
    """Return the plural noun phrase for a crime type ("woninginbraken"), or for a police nuisance code
    given as 'politie-overlast:<code>'.

    >>> noun("1.1.1", "Diefstal/inbraak woning")
    'woninginbraken'
    >>> noun("9.9.9", "Iets anders")
    "misdrijven van het type 'Iets anders'"
    >>> noun("politie-overlast:E33", "Overlast door verward persoon")
    'registraties van overlast door verwarde personen'
    >>> noun("politie-overlast:X1", "Iets")
    "overlastregistraties van het type 'Iets'"
    """
    if code.startswith(REGISTER_PREFIX):
        return _lower_first(title)
    if code.startswith(MELDPUNT_PREFIX):
        return _("meldingen bij het meldpunt over '{title}'").format(title=title)
    if code.startswith(NUISANCE_PREFIX):
        own = code.removeprefix(NUISANCE_PREFIX)
        return NUISANCE_NOUNS.get(own) or _("overlastregistraties van het type '{title}'").format(title=title)
    return NOUNS.get(code) or _("misdrijven van het type '{title}'").format(title=title)


def _lower_first(title: str) -> str:
    """'Adviezen en meldingen' -> 'adviezen en meldingen'; 'GRIP-incidenten' stays (an abbreviation).

    >>> _lower_first("Uitrukken van de brandweer"), _lower_first("GRIP-incidenten")
    ('uitrukken van de brandweer', 'GRIP-incidenten')
    """
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _year(year: int, provisional: bool) -> str:
    return f"{year} ({_('voorlopig')})" if provisional else str(year)


def _not_after_correction(p_value: float | None) -> str:
    """' (p = 0,041; na correctie voor het aantal toetsen niet aantoonbaar)' or '' without a p-value."""
    if p_value is None:
        return ""
    return _(" ({p}; na correctie voor het aantal toetsen niet aantoonbaar)").format(p=pvalue(p_value))


def change_sentence(
    code: str,
    title: str,
    count_a: float,
    count_b: float,
    year_a: int,
    year_b: int,
    *,
    direction: int,
    percent_change: float,
    provisional_a: bool = False,
    provisional_b: bool = False,
    small_numbers: bool = False,
    per_inhabitant: bool = False,
    raw_direction: int | None = None,
    p_value: float | None = None,
    rate_percent: float | None = None,
) -> str:
    """Describe the change of one crime type between two years, with the verdict of its test.

    The test is on the rate per inhabitant; when the count moved the other way (or not at all) the
    sentence gives the change per inhabitant (``rate_percent``) so the verb never contradicts the numbers.

    ``direction`` is the verdict after correction for the number of tests; when ``raw_direction`` says
    the test on its own was significant, the sentence gives ``p_value`` and says it did not survive.

    >>> change_sentence("1.1.1", "Woning", 246, 140, 2017, 2024, direction=-1, percent_change=-43.1)
    'Het aantal woninginbraken daalde van 246 in 2017 naar 140 in 2024 (-43%); deze daling is statistisch aantoonbaar.'
    >>> change_sentence("1.4.6", "Straatroof", 20, 12, 2019, 2021, direction=0, percent_change=-40.0)
    'Het aantal straatroven ging van 20 in 2019 naar 12 in 2021 (-40%); dit is geen aantoonbare verandering.'
    >>> change_sentence("3.1.1", "D", 154, 193, 2024, 2025, direction=0, percent_change=25.3,
    ...                 raw_direction=1, p_value=0.041)  # doctest: +NORMALIZE_WHITESPACE
    'Het aantal registraties van drugshandel ging van 154 in 2024 naar 193 in 2025 (+25%); dit is geen
    aantoonbare verandering (p = 0,041; na correctie voor het aantal toetsen niet aantoonbaar).'
    >>> change_sentence("0.0.0", "T", 20000, 20100, 2012, 2025, direction=-1, percent_change=0.5,
    ...                 rate_percent=-3.0)  # doctest: +NORMALIZE_WHITESPACE
    'Het aantal geregistreerde misdrijven ging van 20.000 in 2012 naar 20.100 in 2025 (0%), maar per inwoner
    daalde het met 3%; deze daling is statistisch aantoonbaar.'
    >>> change_sentence("1.4.2", "M", 9, 0, 2024, 2025, direction=0, percent_change=-100.0, small_numbers=True)
    'Het aantal moorden en doodslagen ging van 9 in 2024 naar 0 in 2025; dat zijn te weinig om een verandering vast te stellen.'
    """
    what = noun(code, title)
    a, b = number(count_a), number(count_b)
    ya, yb = _year(year_a, provisional_a), _year(year_b, provisional_b)
    pct = percent(percent_change)
    if small_numbers:
        return _(
            "Het aantal {what} ging van {a} in {ya} naar {b} in {yb}; dat zijn te weinig om een verandering "
            "vast te stellen."
        ).format(what=what, a=a, ya=ya, b=b, yb=yb)
    counts_move = (count_b > count_a) - (count_b < count_a)
    if direction != 0 and counts_move != direction and rate_percent is not None:
        verdict = (
            _("deze stijging is statistisch aantoonbaar")
            if direction > 0
            else _("deze daling is statistisch aantoonbaar")
        )
        return _(
            "Het aantal {what} ging van {a} in {ya} naar {b} in {yb} ({pct}), maar per inwoner {verb} het met "
            "{rate}; {verdict}."
        ).format(
            what=what, a=a, ya=ya, b=b, yb=yb, pct=pct, verb=_("steeg") if direction > 0 else _("daalde"),
            rate=percent(abs(rate_percent), signed=False), verdict=verdict,
        )  # fmt: skip
    if direction > 0:
        verb, verdict = _("steeg"), _("deze stijging is statistisch aantoonbaar")
    elif direction < 0:
        verb, verdict = _("daalde"), _("deze daling is statistisch aantoonbaar")
    else:
        verb, verdict = _("ging"), _("dit is geen aantoonbare verandering")
        if raw_direction:
            verdict += _not_after_correction(p_value)
    if direction == 0 and count_a == count_b:
        text = _("Het aantal {what} bleef gelijk: {a} in {ya} en in {yb}; {verdict}").format(
            what=what, a=a, ya=ya, yb=yb, verdict=verdict
        )
    else:
        text = _("Het aantal {what} {verb} van {a} in {ya} naar {b} in {yb} ({pct}); {verdict}").format(
            what=what, verb=verb, a=a, ya=ya, b=b, yb=yb, pct=pct, verdict=verdict
        )
    if per_inhabitant:
        text += _(" (rekening gehouden met de groei van het aantal inwoners)")
    return text + "."


def reference_sentence(
    gemeente: str,
    code: str,
    title: str,
    year: int,
    rate_own: float,
    rate_ref: float,
    reference: str,
    *,
    direction: int,
    raw_direction: int | None = None,
    p_value: float | None = None,
    small_numbers: bool = False,
    limits: tuple[float, float] | None = None,
    units: int = 0,
) -> str:
    """Compare the municipality's rate per 1,000 inhabitants with a reference (the Netherlands, a funnel).

    With ``limits`` the reference is a funnel of ``units`` municipalities (ours included): the sentence
    gives the usual range at our size instead of a single rate to beat.

    >>> reference_sentence("Dordrecht", "1.1.1", "W", 2023, 2.1, 1.4, "Nederland", direction=1)
    'In 2023 telde Dordrecht 2,1 woninginbraken per 1.000 inwoners, tegen 1,4 in Nederland: aantoonbaar hoger.'
    >>> reference_sentence("Dordrecht", "1.1.1", "W", 2025, 2.1, 1.6, "vergelijkbare gemeenten", direction=0,
    ...                    limits=(1.1, 2.4), units=21)  # doctest: +NORMALIZE_WHITESPACE
    'In 2025 telde Dordrecht 2,1 woninginbraken per 1.000 inwoners; Dordrecht en 20 vergelijkbare gemeenten
    samen 1,6, en bij de omvang van Dordrecht is 1,1 tot 2,4 gebruikelijk: geen aantoonbaar verschil.'
    >>> reference_sentence("Dordrecht", "1.4.2", "M", 2025, 0.1, 0.08, "Nederland", direction=0, small_numbers=True)
    'In 2025 telde Dordrecht 0,1 moorden en doodslagen per 1.000 inwoners, tegen 0,1 in Nederland: te weinig om een verschil vast te stellen.'
    """
    verdict = {
        1: _("aantoonbaar hoger"),
        -1: _("aantoonbaar lager"),
        0: _("geen aantoonbaar verschil"),
    }[direction]
    if small_numbers:
        verdict = _("te weinig om een verschil vast te stellen")
    elif direction == 0 and raw_direction:
        verdict += _not_after_correction(p_value)
    if limits is not None:
        return _(
            "In {year} telde {gemeente} {own} {what} per 1.000 inwoners; {gemeente} en {units} {reference} samen "
            "{ref}, en bij de omvang van {gemeente} is {low} tot {high} gebruikelijk: {verdict}."
        ).format(
            year=year, gemeente=gemeente, own=rate(rate_own), what=noun(code, title), units=units - 1,
            reference=reference, ref=rate(rate_ref), low=rate(limits[0]), high=rate(limits[1]), verdict=verdict,
        )  # fmt: skip
    return _(
        "In {year} telde {gemeente} {own} {what} per 1.000 inwoners, tegen {ref} in {reference}: {verdict}."
    ).format(
        year=year,
        gemeente=gemeente,
        own=rate(rate_own),
        what=noun(code, title),
        ref=rate(rate_ref),
        reference=reference,
        verdict=verdict,
    )


def bend_words(long_direction: int, recent_direction: int, kind: str, before: float, after: float) -> str:
    """The change of direction in words, only as far as the corrected verdicts carry it ('' otherwise).

    ``kind`` is the bend test's verdict after correction ('none' or another); ``long_direction`` and
    ``recent_direction`` those of the long and the recent trend after correction. "weer een stijging"
    needs a demonstrable long fall and a demonstrable recent rise; "gestopt" a demonstrable long trend
    and no demonstrable recent one; "sterker/zwakker" both demonstrable in the same direction.

    >>> bend_words(-1, 1, "reversed", -12.0, 6.5)
    'sinds {year} weer een stijging'
    >>> bend_words(-1, 0, "stopped", -12.0, 1.0)
    'de daling is sinds {year} gestopt'
    >>> bend_words(0, 0, "reversed", -1.0, 9.0)
    ''
    """
    if kind == "none":
        return ""
    if long_direction and recent_direction == -long_direction:
        return (
            _("sinds {year} weer een stijging") if recent_direction > 0 else _("sinds {year} weer een daling")
        )
    if long_direction and recent_direction == 0:
        return (
            _("de daling is sinds {year} gestopt")
            if long_direction < 0
            else _("de stijging is sinds {year} gestopt")
        )
    if long_direction and recent_direction == long_direction:
        stronger = abs(after) > abs(before)
        if long_direction < 0:
            return (
                _("de daling is sinds {year} sterker") if stronger else _("de daling is sinds {year} zwakker")
            )
        return (
            _("de stijging is sinds {year} sterker") if stronger else _("de stijging is sinds {year} zwakker")
        )
    if not long_direction and recent_direction:
        return _("sinds {year} een stijging") if recent_direction > 0 else _("sinds {year} een daling")
    return ""


def _years_text(years: Sequence[int]) -> str:
    items = [str(y) for y in years]
    return ", ".join(items[:-1]) + (_(" en ") if len(items) > 1 else "") + items[-1]


def trend_sentence(
    code: str,
    title: str,
    first: int,
    last: int,
    *,
    direction: int,
    annual_percent_change: float,
    raw_direction: int | None = None,
    p_value: float | None = None,
    left_out: Sequence[int] = (),
    provisional_in: Sequence[int] = (),
    outlier_year: int | None = None,
    recent: tuple[int, int, int, float, float, float] | None = None,
    bend: str = "",
    bend_year: int | None = None,
    small_numbers: bool = False,
) -> str:
    """Describe the long trend, the recent trend and a change of direction in one sentence.

    ``recent`` is (first, last, direction after correction, annual percent change, interval low, high)
    of the recent trend; ``bend`` the words of :func:`bend_words` ('' for none) at ``bend_year``.
    Provisional years left out of the fit, or included in it, and an outlier year are named.

    >>> trend_sentence("1.1.1", "W", 2012, 2025, direction=-1, annual_percent_change=-6.2)
    'Over 2012-2025 daalde het aantal woninginbraken met gemiddeld 6% per jaar; deze trend is statistisch aantoonbaar.'
    >>> trend_sentence("1.1.1", "W", 2012, 2023, direction=-1, annual_percent_change=-12.0, left_out=(2024, 2025),
    ...                recent=(2019, 2023, 1, 6.8, 2.0, 11.0), bend="sinds {year} weer een stijging",
    ...                bend_year=2019)  # doctest: +NORMALIZE_WHITESPACE
    'Over 2012-2023 daalde het aantal woninginbraken met gemiddeld 12% per jaar; deze trend is statistisch
    aantoonbaar. In 2019-2023 steeg het met gemiddeld 7% per jaar (aantoonbaar): sinds 2019 weer een stijging.
    De voorlopige cijfers over 2024 en 2025 zijn niet meegeteld.'
    >>> trend_sentence("1.1.1", "W", 2012, 2023, direction=-1, annual_percent_change=-12.0,
    ...                recent=(2019, 2023, 0, -4.0, -37.0, 21.0))  # doctest: +NORMALIZE_WHITESPACE
    'Over 2012-2023 daalde het aantal woninginbraken met gemiddeld 12% per jaar; deze trend is statistisch
    aantoonbaar. In 2019-2023 is de richting niet vast te stellen (tussen -37% en +21% per jaar).'
    >>> trend_sentence("1.1.2", "B", 2012, 2023, direction=-1, annual_percent_change=-7.0,
    ...                recent=(2019, 2023, 0, 15.0, -8.0, 47.0), bend="de daling is sinds {year} gestopt",
    ...                bend_year=2019)  # doctest: +NORMALIZE_WHITESPACE
    'Over 2012-2023 daalde het aantal inbraken in boxen, garages en schuren met gemiddeld 7% per jaar; deze
    trend is statistisch aantoonbaar. De daling is sinds 2019 gestopt: in 2019-2023 is er geen aantoonbare
    trend meer (tussen -8% en +47% per jaar).'
    """
    what = noun(code, title)
    period = f"{first}-{last}"
    if provisional_in:
        period += _(" ({years} voorlopig)").format(years=_years_text(provisional_in))
    if small_numbers:
        text = _("Over {period} zijn er te weinig {what} om een trend vast te stellen.").format(
            period=period, what=what
        )
    elif direction == 0:
        extra = _not_after_correction(p_value) if raw_direction else ""
        text = _("Over {period} is er in het aantal {what} geen aantoonbare trend{extra}.").format(
            period=period, what=what, extra=extra
        )
    else:
        verb = _("steeg") if direction > 0 else _("daalde")
        text = _(
            "Over {period} {verb} het aantal {what} met gemiddeld {pct} per jaar; "
            "deze trend is statistisch aantoonbaar."
        ).format(period=period, verb=verb, what=what, pct=percent(abs(annual_percent_change), signed=False))
    if outlier_year is not None:
        text += " " + _("Het jaar {year} wijkt sterk af en telt niet mee voor de trend.").format(
            year=outlier_year
        )
    if recent is not None:
        r_first, r_last, r_dir, r_apc, r_low, r_high = recent
        if r_dir:
            recent_text = _("In {first}-{last} {verb} het met gemiddeld {pct} per jaar (aantoonbaar)").format(
                first=r_first, last=r_last, verb=_("steeg") if r_dir > 0 else _("daalde"),
                pct=percent(abs(r_apc), signed=False),
            )  # fmt: skip
        elif bend and bend_year is not None:  # a bend the recent trend does not carry: the trend stopped
            stopped = bend.format(year=bend_year)
            recent_text = _(
                "{stopped}: in {first}-{last} is er geen aantoonbare trend meer (tussen {low} en {high} per jaar)"
            ).format(
                stopped=stopped[:1].upper() + stopped[1:], first=r_first, last=r_last, low=percent(r_low),
                high=percent(r_high),
            )  # fmt: skip
            bend = ""
        else:
            recent_text = _(
                "In {first}-{last} is de richting niet vast te stellen (tussen {low} en {high} per jaar)"
            ).format(first=r_first, last=r_last, low=percent(r_low), high=percent(r_high))
        if bend and bend_year is not None:
            recent_text += ": " + bend.format(year=bend_year)
        text += " " + recent_text + "."
    if left_out:
        text += " " + _("De voorlopige cijfers over {years} zijn niet meegeteld.").format(
            years=_years_text(left_out)
        )
    return text


def area_sentence(level_plural: str, names: list[str], category: str, year: int) -> str:
    """Name the areas with the highest smoothed rates.

    >>> area_sentence("buurten", ["A", "B", "C"], "geregistreerde misdrijven", 2023)
    'De buurten met de meeste geregistreerde misdrijven per 1.000 inwoners in 2023 (na bayesiaanse afvlakking) zijn A, B en C.'
    """
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + _(" en ") + names[-1]
    return _(
        "De {level} met de meeste {category} per 1.000 inwoners in {year} (na bayesiaanse afvlakking) "
        "zijn {listed}."
    ).format(level=level_plural, category=category, year=year, listed=listed)


def concern_sentence(
    title: str,
    year: int,
    own: float,
    refs: Sequence[tuple[str, int, float, float]],
    usual: tuple[float, float] | None = None,
) -> str:
    """One summary line per crime type that is demonstrably higher than one or more references.

    ``year``/``own`` is the latest year and the municipality's rate in it; ``refs`` holds
    (reference, year, own rate in that year, reference rate). References of another year say the year
    and both rates, so no rate is ever set against a reference of a different year. ``usual`` is the
    range the funnel of similar municipalities calls usual at our size, when we are inside it: a rate
    above the national one can still be ordinary for a municipality of this kind.

    >>> concern_sentence("Bedreiging", 2025, 2.1, [("Nederland", 2025, 2.1, 1.4)], usual=(0.8, 2.3))
    'Bedreiging: 2,1 per 1.000 inwoners in 2025; hoger dan Nederland (1,4), maar gebruikelijk voor gemeenten van deze omvang (0,8 tot 2,3).'
    >>> concern_sentence("Diefstal/inbraak woning", 2025, 1.94, [
    ...     ("vergelijkbare gemeenten", 2025, 1.94, 1.61), ("Nederland", 2023, 2.04, 1.3)])
    'Diefstal/inbraak woning: 1,9 per 1.000 inwoners in 2025; hoger dan vergelijkbare gemeenten (1,6) en in 2023 hoger dan Nederland (2,0 tegen 1,3).'
    """
    # below 1 per 1.000, one decimal would make 0,26 against 0,14 read as "0,3 tegen 0,1"
    digits = 2 if min([own, *(v for r in refs for v in r[2:])]) < 1 else 1

    def rate(value: float) -> str:
        return number(value, digits)

    same = [r for r in refs if r[1] == year]
    other = [r for r in refs if r[1] != year]
    parts = []
    if same:
        parts.append(
            _("hoger dan ") + _(" en dan ").join(f"{name} ({rate(ref)})" for name, _y, _o, ref in same)
        )
    for name, ref_year, own_then, ref in other:
        parts.append(
            _("in {year} hoger dan {name} ({own} tegen {ref})").format(
                year=ref_year, name=name, own=rate(own_then), ref=rate(ref)
            )
        )
    text = _("{title}: {own} per 1.000 inwoners in {year}; {parts}").format(
        title=title, own=rate(own), year=year, parts=_(" en ").join(parts)
    )
    if usual is not None:
        text += _(", maar gebruikelijk voor gemeenten van deze omvang ({low} tot {high})").format(
            low=rate(usual[0]), high=rate(usual[1])
        )
    return text + "."
