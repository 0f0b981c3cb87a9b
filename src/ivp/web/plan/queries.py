"""Read the stored plan: the active plan, and the plan as the pure model (export, reports, attainment)."""

from __future__ import annotations

from collections.abc import Iterable

from ivp.lib.i18n import _
from ivp.plan import model as m
from ivp.plan.attainment import current
from ivp.web.plan.models import Plan
from ivp.web.plan.realisations import stored_realisations


def active_plan(code: str | None = None) -> Plan:
    """The plan with ``code``, or the most recently imported one; a clear error when there is none."""
    from ivp.lib.errors import ConfigError

    rows = Plan.objects.all()
    row = rows.filter(code=code).first() if code else rows.order_by("-geimporteerd_op").first()
    if row is None:
        raise ConfigError(
            _(
                "Geen veiligheidsplan {code}in de database. Importeer er een: ivp plan import PLAN.yaml"
            ).format(code=f"'{code}' " if code else "")
        )
    return row


def export_plan(code: str | None = None, *, with_realisations: bool = False) -> m.Plan:
    """The stored plan as the pure model (for YAML export, reports and attainment)."""
    row = active_plan(code)
    indicators = []
    for ind in row.indicatoren.prefetch_related("streefwaarden"):
        stat = ind.statistiek
        indicators.append(
            m.Indicator(
                id=ind.code,
                name=ind.naam,
                description=ind.beschrijving,
                unit=ind.eenheid,  # type: ignore[arg-type]
                direction=ind.richting,  # type: ignore[arg-type]
                aggregation=ind.aggregatie,  # type: ignore[arg-type]
                owner=ind.eigenaar,
                source=ind.bron,  # type: ignore[arg-type]
                themes=tuple(ind.themas),
                targets=tuple((s.jaar, s.waarde) for s in ind.streefwaarden.all()),
                subject=ind.onderwerp or None,
                pillar=ind.pijler or None,
                opgave=ind.opgave or None,
                statistic=m.StatisticSpec(
                    stat["maat"], stat["categorie"], stat.get("schema") or "cbs-misdrijf", stat.get("regio")
                )
                if stat
                else None,
                baseline=m.Baseline(ind.nulmeting_jaar, ind.nulmeting_waarde) if ind.nulmeting_jaar else None,
            )
        )
    realisations: Iterable[m.Realisation] = ()
    if with_realisations:
        realisations = [
            m.Realisation(
                r.indicator,
                r.year,
                r.value,
                as_of=r.as_of,
                evidence=r.evidence,
                recorded_by=r.recorded_by,
                note=r.note,
            )
            for r in current(stored_realisations(row))
        ]
    return m.Plan(
        id=row.code,
        name=row.naam,
        gemeente=row.gemeente,
        period=m.Period(row.van, row.tot),
        adopted=row.vastgesteld,
        description=row.beschrijving,
        working_methods=tuple(
            m.WorkingMethod(w.code, w.naam, w.beschrijving, tuple(w.opgaven)) for w in row.werkwijzen.all()
        ),
        opgaven=tuple(
            m.Opgave(o.code, o.naam, o.beschrijving, tuple(o.themas), tuple(o.doelen), o.werkwijze or None)
            for o in row.opgaven.all()
        ),
        implementation_plans=tuple(
            m.ImplementationPlan(
                id=u.code,
                subject=u.onderwerp,
                name=u.naam,
                period=m.Period(u.van, u.tot),
                opgave=u.opgave,
                themes=tuple(u.themas),
                pillars=tuple(m.Pillar(p["id"], p["naam"], p.get("beschrijving", "")) for p in u.pijlers),
                actions=tuple(u.acties),
                description=u.beschrijving,
            )
            for u in row.uitvoeringsplannen.all()
        ),
        indicators=tuple(indicators),
        realisations=tuple(realisations),
    )
