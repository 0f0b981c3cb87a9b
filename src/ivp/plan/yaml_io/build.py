"""Plan files read: parse, check and build the :class:`~ivp.plan.model.Plan`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from ivp.lib.i18n import _
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.model import (
    Baseline,
    ImplementationPlan,
    Indicator,
    Opgave,
    Period,
    Pillar,
    Plan,
    Realisation,
    StatisticSpec,
    Unit,
    WorkingMethod,
)
from ivp.plan.units import parse_value
from ivp.plan.yaml_io.check import Checker
from ivp.plan.yaml_io.parse import compose, known_theme_ids, path_text, schema_problems


def _build(data: dict[str, Any]) -> Plan:
    meta = data["plan"]
    indicators = tuple(_indicator(ind) for ind in data.get("indicatoren", []))
    units = {ind.id: ind.unit for ind in indicators}
    return Plan(
        id=meta["id"],
        name=meta["naam"],
        gemeente=meta["gemeente"],
        period=Period(meta["periode"]["van"], meta["periode"]["tot"]),
        adopted=dt.date.fromisoformat(meta["vastgesteld"]) if "vastgesteld" in meta else None,
        description=meta.get("beschrijving", ""),
        working_methods=tuple(
            WorkingMethod(m["id"], m["naam"], m["beschrijving"], tuple(m.get("opgaven", [])))
            for m in data.get("werkwijzen", [])
        ),
        opgaven=tuple(
            Opgave(
                id=o["id"],
                name=o["naam"],
                description=o["beschrijving"],
                themes=tuple(o["themas"]),
                goals=tuple(o.get("doelen", [])),
                working_method=o.get("werkwijze"),
            )
            for o in data["opgaven"]
        ),
        implementation_plans=tuple(
            ImplementationPlan(
                id=u["id"],
                subject=u["onderwerp"],
                name=u["naam"],
                period=Period(u["periode"]["van"], u["periode"]["tot"]),
                opgave=u["opgave"],
                themes=tuple(u["themas"]),
                pillars=tuple(
                    Pillar(p["id"], p["naam"], p.get("beschrijving", "")) for p in u.get("pijlers", [])
                ),
                actions=tuple(u.get("acties", [])),
                description=u.get("beschrijving", ""),
            )
            for u in data.get("uitvoeringsplannen", [])
        ),
        indicators=indicators,
        realisations=tuple(
            Realisation(
                indicator=r["indicator"],
                year=r["jaar"],
                value=parse_value(r["waarde"], units[r["indicator"]]),
                as_of=dt.date.fromisoformat(r["peildatum"]) if "peildatum" in r else None,
                evidence=r.get("bewijs", ""),
                recorded_by=r.get("door", ""),
                note=r.get("toelichting", ""),
                source="plan",
            )
            for r in data.get("realisaties", [])
        ),
    )


def _indicator(ind: dict[str, Any]) -> Indicator:
    unit = cast(Unit, ind["eenheid"])
    stat = ind.get("statistiek")
    base = ind.get("nulmeting")
    return Indicator(
        id=ind["id"],
        name=ind["naam"],
        description=ind.get("beschrijving", ""),
        unit=unit,
        direction=ind["richting"],
        aggregation=ind.get("aggregatie", "som"),
        targets=tuple(
            sorted((int(year), parse_value(raw, unit)) for year, raw in ind.get("streefwaarden", {}).items())
        ),
        owner=ind["eigenaar"],
        source=ind["bron"],
        themes=tuple(ind["themas"]),
        subject=ind.get("onderwerp"),
        pillar=ind.get("pijler"),
        opgave=ind.get("opgave"),
        statistic=StatisticSpec(
            measure=stat["maat"],
            category=stat["categorie"],
            scheme=stat.get("schema", "cbs-misdrijf"),
            region=stat.get("regio"),
        )
        if stat
        else None,
        baseline=Baseline(base["jaar"], float(base["waarde"]) if "waarde" in base else None)
        if base
        else None,
    )


def loads_plan(text: str, file: str = "<plan>", themes: frozenset[str] | None = None) -> Plan:
    """Parse and check a plan from YAML text; raise :class:`PlanFileError` listing every problem."""
    doc = compose(text, file)
    if not isinstance(doc.data, dict):
        raise PlanFileError(
            [PlanError("plan.schema", _("een plan is een blok met sleutels."), file=file, line=1)], file
        )
    problems = schema_problems(doc, file)
    problems += [
        PlanError(
            "plan.duplicate_key",
            _("sleutel '{key}' staat twee keer in hetzelfde blok.").format(key=path[-1]),
            file=file,
            field=path_text(path, doc.data),
            line=line,
        )
        for path, line in doc.duplicates
    ]
    if problems:
        raise PlanFileError(problems, file)
    checker = Checker(doc, file, known_theme_ids() if themes is None else themes)
    checker.run()
    if checker.problems:
        raise PlanFileError(sorted(checker.problems, key=lambda p: p.line or 0), file)
    return _build(doc.data)


def load_plan(path: Path, themes: frozenset[str] | None = None) -> Plan:
    """Read and check the plan file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            [PlanError("plan.unreadable", _("kan het bestand niet lezen: {error}").format(error=exc))],
            str(path),
        ) from exc
    return loads_plan(text, str(path), themes)
