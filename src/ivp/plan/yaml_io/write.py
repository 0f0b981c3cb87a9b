"""Plan export: the plain document and YAML text that read back to an equal plan."""

from __future__ import annotations

from typing import Any

import yaml

from ivp.lib.i18n import _
from ivp.plan.model import Indicator, Plan
from ivp.plan.yaml_io.parse import FORMAT_VERSION


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def plan_to_dict(plan: Plan, *, with_realisations: bool = True) -> dict[str, Any]:
    """The plan as the plain document the YAML format describes (keys in schema order)."""
    meta: dict[str, Any] = {
        "id": plan.id,
        "naam": plan.name,
        "gemeente": plan.gemeente,
        "periode": {"van": plan.period.start, "tot": plan.period.end},
    }
    if plan.adopted:
        meta["vastgesteld"] = plan.adopted.isoformat()
    if plan.description:
        meta["beschrijving"] = plan.description
    doc: dict[str, Any] = {"versie": FORMAT_VERSION, "plan": meta}
    if plan.working_methods:
        doc["werkwijzen"] = [
            _drop_empty(
                {"id": m.id, "naam": m.name, "beschrijving": m.description, "opgaven": list(m.opgaven)},
                keep=("beschrijving",),
            )
            for m in plan.working_methods
        ]
    doc["opgaven"] = [
        _drop_empty(
            {
                "id": o.id,
                "naam": o.name,
                "beschrijving": o.description,
                "themas": list(o.themes),
                "doelen": list(o.goals),
                "werkwijze": o.working_method,
            },
            keep=("beschrijving",),
        )
        for o in plan.opgaven
    ]
    if plan.implementation_plans:
        doc["uitvoeringsplannen"] = [
            _drop_empty(
                {
                    "id": u.id,
                    "onderwerp": u.subject,
                    "naam": u.name,
                    "periode": {"van": u.period.start, "tot": u.period.end},
                    "opgave": u.opgave,
                    "themas": list(u.themes),
                    "beschrijving": u.description,
                    "pijlers": [
                        _drop_empty({"id": p.id, "naam": p.name, "beschrijving": p.description})
                        for p in u.pillars
                    ],
                    "acties": list(u.actions),
                }
            )
            for u in plan.implementation_plans
        ]
    doc["indicatoren"] = [_indicator_dict(ind) for ind in plan.indicators]
    if with_realisations and plan.realisations:
        doc["realisaties"] = [
            _drop_empty(
                {
                    "indicator": r.indicator,
                    "jaar": r.year,
                    "waarde": _num(r.value),
                    "peildatum": r.as_of.isoformat() if r.as_of else None,
                    "bewijs": r.evidence,
                    "door": r.recorded_by,
                    "toelichting": r.note,
                }
            )
            for r in plan.realisations
        ]
    return doc


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    stat = ind.statistic
    return _drop_empty(
        {
            "id": ind.id,
            "naam": ind.name,
            "beschrijving": ind.description,
            "eenheid": ind.unit,
            "richting": ind.direction,
            "aggregatie": None if ind.aggregation == "som" else ind.aggregation,
            "streefwaarden": {year: _num(value) for year, value in ind.targets},
            "eigenaar": ind.owner,
            "bron": ind.source,
            "themas": list(ind.themes),
            "onderwerp": ind.subject,
            "pijler": ind.pillar,
            "opgave": ind.opgave,
            "statistiek": _drop_empty(
                {
                    "maat": stat.measure,
                    "categorie": stat.category,
                    "schema": None if stat.scheme == "cbs-misdrijf" else stat.scheme,
                    "regio": stat.region,
                }
            )
            if stat
            else None,
            "nulmeting": _drop_empty(
                {
                    "jaar": ind.baseline.year,
                    "waarde": _num(ind.baseline.value) if ind.baseline.value is not None else None,
                }
            )
            if ind.baseline
            else None,
        }
    )


def _drop_empty(mapping: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k in keep or v not in (None, "", [], {})}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _list_representer(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = bool(data) and all(
        isinstance(item, int | float) or (isinstance(item, str) and len(item) < 40) for item in data
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


def _dict_representer(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    flat = all(isinstance(v, int | float) or (isinstance(v, str) and len(v) < 30) for v in data.values())
    flat = flat and len(data) <= 5 and all(not isinstance(k, str) or len(k) < 12 for k in data)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flat)


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(list, _list_representer)
_Dumper.add_representer(dict, _dict_representer)


def dumps_plan(plan: Plan, *, with_realisations: bool = True) -> str:
    """The plan as YAML text that :func:`loads_plan` reads back to an equal plan."""
    header = _("# Integraal Veiligheidsplan, formaat ivp-plan versie 1 (zie docs/plan.md).\n")
    body = yaml.dump(
        plan_to_dict(plan, with_realisations=with_realisations),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body
