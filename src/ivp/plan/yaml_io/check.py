"""Domain rules (ids, references, periods, values) over a schema-valid plan document."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, cast

from ivp.lib.i18n import _
from ivp.plan.errors import PlanError
from ivp.plan.model import Period, Unit
from ivp.plan.units import UnitValueError, parse_value
from ivp.plan.yaml_io.parse import KeyPath, Located, path_text


class Checker:
    """Domain rules over a schema-valid document."""

    def __init__(self, doc: Located, file: str, themes: frozenset[str]) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.file = file
        self.themes = themes
        self.problems: list[PlanError] = []

    def add(self, code: str, message: str, path: KeyPath, hint: str | None = None) -> None:
        self.problems.append(
            PlanError(
                code,
                message,
                file=self.file,
                field=path_text(path, self.data),
                line=self.doc.line(path),
                hint=hint,
            )
        )

    def unique(self, section: str, code: str = "plan.duplicate_id") -> set[str]:
        items = self.data.get(section, [])
        counts = Counter(item["id"] for item in items)
        seen: set[str] = set()
        for i, item in enumerate(items):
            if counts[item["id"]] > 1 and item["id"] in seen:
                self.add(
                    code,
                    _("id '{id}' komt meer dan eens voor in '{section}'.").format(
                        id=item["id"], section=section
                    ),
                    (section, i, "id"),
                    hint=_("geef elk onderdeel een eigen id."),
                )
            seen.add(item["id"])
        return seen

    def theme_list(self, path: KeyPath, ids: list[str]) -> None:
        for j, theme in enumerate(ids):
            if theme not in self.themes:
                self.add(
                    "plan.unknown_theme",
                    _("onbekend thema '{theme}'.").format(theme=theme),
                    (*path, j),
                    hint=_("bekende thema's: {known}.").format(known=", ".join(sorted(self.themes))),
                )

    def reference(self, path: KeyPath, value: str, known: set[str], what: str) -> None:
        if value not in known:
            self.add(
                "plan.unknown_reference",
                _("'{value}' verwijst naar een onbekende {what}.").format(value=value, what=what),
                path,
                hint=_("bekend: {known}.").format(known=", ".join(sorted(known)) or "–"),
            )

    def date(self, path: KeyPath, text: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.add("plan.bad_date", _("'{text}' is geen geldige datum.").format(text=text), path)
            return None

    def run(self) -> None:
        data = self.data
        plan_period = data["plan"]["periode"]
        period = self.period(("plan", "periode"), plan_period)
        if "vastgesteld" in data["plan"]:
            self.date(("plan", "vastgesteld"), data["plan"]["vastgesteld"])
        methods = self.unique("werkwijzen")
        opgaven = self.unique("opgaven")
        self.unique("uitvoeringsplannen")
        indicators = self.unique("indicatoren", "plan.duplicate_indicator")
        for i, method in enumerate(data.get("werkwijzen", [])):
            for j, opg in enumerate(method.get("opgaven", [])):
                self.reference(("werkwijzen", i, "opgaven", j), opg, opgaven, _("opgave"))
        for i, opg in enumerate(data["opgaven"]):
            self.theme_list(("opgaven", i, "themas"), opg["themas"])
            if "werkwijze" in opg:
                self.reference(("opgaven", i, "werkwijze"), opg["werkwijze"], methods, _("werkwijze"))
        subjects: dict[str, set[str]] = {}
        for i, up in enumerate(data.get("uitvoeringsplannen", [])):
            self.theme_list(("uitvoeringsplannen", i, "themas"), up["themas"])
            self.reference(("uitvoeringsplannen", i, "opgave"), up["opgave"], opgaven, _("opgave"))
            up_period = self.period(("uitvoeringsplannen", i, "periode"), up["periode"])
            if period and up_period and not (period.start <= up_period.start <= up_period.end <= period.end):
                self.add(
                    "plan.outside_period",
                    _("periode {inner} valt buiten de planperiode {outer}.").format(
                        inner=up_period.label(), outer=period.label()
                    ),
                    ("uitvoeringsplannen", i, "periode"),
                )
            pillar_ids = subjects.setdefault(up["onderwerp"], set())
            counts = Counter(p["id"] for p in up.get("pijlers", []))
            for j, pillar in enumerate(up.get("pijlers", [])):
                if counts[pillar["id"]] > 1:
                    self.add(
                        "plan.duplicate_id",
                        _("pijler '{id}' komt meer dan eens voor.").format(id=pillar["id"]),
                        ("uitvoeringsplannen", i, "pijlers", j, "id"),
                    )
                    counts[pillar["id"]] = 1
                pillar_ids.add(pillar["id"])
        for i, ind in enumerate(data.get("indicatoren", [])):
            self.indicator(i, ind, period, subjects, opgaven)
        for i, real in enumerate(data.get("realisaties", [])):
            self.realisation(i, real, period, indicators)

    def period(self, path: KeyPath, raw: dict[str, int]) -> Period | None:
        if raw["tot"] < raw["van"]:
            self.add(
                "plan.bad_period",
                _("periode eindigt ({end}) voor ze begint ({start}).").format(
                    end=raw["tot"], start=raw["van"]
                ),
                path,
            )
            return None
        return Period(raw["van"], raw["tot"])

    def indicator(
        self,
        i: int,
        ind: dict[str, Any],
        period: Period | None,
        subjects: dict[str, set[str]],
        opgaven: set[str],
    ) -> None:
        base: KeyPath = ("indicatoren", i)
        self.theme_list((*base, "themas"), ind["themas"])
        unit = cast(Unit, ind["eenheid"])
        for year_text, raw in ind.get("streefwaarden", {}).items():
            path = (*base, "streefwaarden", year_text)
            if period and int(year_text) not in period:
                self.add(
                    "plan.target_outside_period",
                    _("streefwaarde voor {year} valt buiten de planperiode {period}.").format(
                        year=year_text, period=period.label()
                    ),
                    path,
                )
            self.value(path, raw, unit)
        if "onderwerp" in ind:
            self.reference((*base, "onderwerp"), ind["onderwerp"], set(subjects), _("uitvoeringsplan"))
        if "pijler" in ind:
            if "onderwerp" not in ind:
                self.add(
                    "plan.missing_key",
                    _("een pijler hoort bij een uitvoeringsplan: geef ook 'onderwerp'."),
                    (*base, "pijler"),
                )
            elif ind["onderwerp"] in subjects:
                self.reference(
                    (*base, "pijler"),
                    ind["pijler"],
                    subjects[ind["onderwerp"]],
                    _("pijler van dit onderwerp"),
                )
        if "opgave" in ind:
            self.reference((*base, "opgave"), ind["opgave"], opgaven, _("opgave"))
        if ind["bron"] == "statistiek" and "statistiek" not in ind:
            self.add(
                "plan.statistic_missing",
                _("een indicator met bron 'statistiek' heeft een blok 'statistiek' nodig."),
                (*base, "bron"),
                hint=_("bijvoorbeeld statistiek: {{maat: geregistreerde_misdrijven, categorie: '1.1.1'}}."),
            )
        if ind["bron"] != "statistiek" and "statistiek" in ind:
            self.add(
                "plan.statistic_unused",
                _("'statistiek' is alleen zinvol met bron 'statistiek'."),
                (*base, "statistiek"),
            )
        baseline = ind.get("nulmeting")
        if baseline and period and baseline["jaar"] > period.end:
            self.add(
                "plan.outside_period",
                _("nulmeting {year} ligt na de planperiode.").format(year=baseline["jaar"]),
                (*base, "nulmeting", "jaar"),
            )

    def value(self, path: KeyPath, raw: object, unit: Unit) -> float | None:
        try:
            return parse_value(raw, unit)
        except UnitValueError as exc:
            self.add(exc.code, exc.message, path)
            return None

    def realisation(self, i: int, real: dict[str, Any], period: Period | None, indicators: set[str]) -> None:
        base: KeyPath = ("realisaties", i)
        if real["indicator"] not in indicators:
            self.reference((*base, "indicator"), real["indicator"], indicators, _("indicator"))
        else:
            unit = next(ind["eenheid"] for ind in self.data["indicatoren"] if ind["id"] == real["indicator"])
            self.value((*base, "waarde"), real["waarde"], unit)
        if period and real["jaar"] not in period:
            self.add(
                "plan.realisation_outside_period",
                _("realisatie voor {year} valt buiten de planperiode {period}.").format(
                    year=real["jaar"], period=period.label()
                ),
                (*base, "jaar"),
            )
        if "peildatum" in real:
            day = self.date((*base, "peildatum"), real["peildatum"])
            if day and day.year != real["jaar"]:
                self.add(
                    "plan.bad_date",
                    _("peildatum {day} ligt niet in {year}.").format(day=day.isoformat(), year=real["jaar"]),
                    (*base, "peildatum"),
                )
