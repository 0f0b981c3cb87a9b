"""The plan reports (midterm evaluation, council information letter) and their registrations.

HTML and PDF come from the templates ``plan/evaluatie.html`` and ``plan/rib.html``; the DOCX builders
are here; styles, tables, placeholders and writing the files are the report core's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.plan.attainment import status_label
from ivp.plan.model import Indicator
from ivp.plan.tracking import IndicatorProgress
from ivp.plan.units import format_value
from ivp.reports.core import charts, word
from ivp.reports.core.output import html, write_report
from ivp.reports.core.report import Report
from ivp.reports.plan.context import EvaluationContext, OpgaveSection, RibContext, chart_for

FORMATS = ("html", "pdf", "docx")


def _targets_text(ind: Indicator) -> str:
    values = {v for _y, v in ind.targets}
    if len(values) == 1:
        return _("{v} per jaar").format(v=format_value(values.pop(), ind.unit))
    return ", ".join(f"{y}: {format_value(v, ind.unit)}" for y, v in ind.targets)


def trend_chart(section: OpgaveSection) -> str:
    series = [
        charts.Series(
            label=t.title,
            points=tuple(
                charts.Point(y, v, y in t.provisional) for y, v in zip(t.years, t.values, strict=True)
            ),
        )
        for t in section.trends
    ]
    words = "; ".join(f"{t.title}: {fmt.number(t.values[-1])} in {t.years[-1]}" for t in section.trends)
    first = section.trends[0]
    return charts.small_multiples(
        series,
        title=_("Geregistreerde misdrijven, {opgave}").format(opgave=section.opgave.name),
        description=words,
        highlight=(first.year_a, first.year_b),
    )


def template_names(ctx: object) -> Mapping[str, object]:
    """What the plan templates use besides ``ctx`` and ``css``."""
    return {
        "status_label": status_label,
        "value": format_value,
        "chart": chart_for,
        "trend_chart": trend_chart,
        "targets_text": _targets_text,
    }


def _indicator_rows(rows: Sequence[IndicatorProgress]) -> list[list[str]]:
    out = []
    for p in rows:
        a, u = p.period, p.indicator.unit
        verdict = status_label(a.status)
        if a.change is not None:
            verdict += f"; {a.change.label}"
        out.append(
            [
                f"{p.indicator.id} {p.indicator.name}",
                format_value(a.target, u),
                format_value(a.realised, u),
                "–" if a.complete else format_value(a.projection, u, approx=True),
                verdict,
            ]
        )
    return out


_HEADER = ["Indicator", "Streefwaarde", "Gerealiseerd", "Prognose", "Status"]


def _narrative(doc: Any, text: str | None, path: str) -> None:
    word.advisor_text(doc, text, path, lists=False)


def _counts_rows(rows: Sequence[IndicatorProgress]) -> list[list[str]]:
    return [
        [p.indicator.name]
        + [
            format_value(a.realised, p.indicator.unit) + ("" if a.complete or a.realised is None else "*")
            for a in p.years
        ]
        for p in rows
    ]


def evaluation_docx(ctx: EvaluationContext) -> bytes:
    """The midterm evaluation as DOCX (for editing in Word)."""
    doc = word.new_document()
    doc.add_heading(_("Midtermevaluatie {name}").format(name=ctx.plan.name), 0)
    doc.add_paragraph(
        _("Resultaten over {period}. Gemeente {naam}. Gemaakt op {date}.").format(
            period=ctx.period.label(), naam=ctx.naam, date=fmt.date(ctx.generated)
        )
    )
    doc.add_heading(_("Samenvatting"), 1)
    _narrative(doc, ctx.intro_text, ctx.intro_path)
    doc.add_paragraph(", ".join(f"{status_label(k)}: {n}" for k, n in ctx.counts.items()))  # type: ignore[arg-type]
    for s in ctx.sections:
        doc.add_heading(s.opgave.name, 1)
        doc.add_paragraph(s.opgave.description)
        for goal in s.opgave.goals:
            doc.add_paragraph(goal, style="List Bullet")
        doc.add_heading(_("Resultaten"), 2)
        _narrative(doc, s.results_text, s.results_path)
        if s.indicators:
            word.table(doc, _HEADER, _indicator_rows(s.indicators))
        if s.kengetallen:
            doc.add_paragraph(_("Kengetallen per jaar"))
            word.table(
                doc, [_("Resultaat")] + [str(y) for y in ctx.period.years], _counts_rows(s.kengetallen)
            )
        if s.trends:
            doc.add_heading(_("Ontwikkeling in de cijfers"), 2)
            word.table(
                doc,
                [_("Soort misdrijf"), _("Van"), _("Naar"), _("Verandering")],
                [
                    [
                        t.title,
                        f"{t.year_a}: {fmt.number(t.change.count_a)}",
                        f"{t.year_b}: {fmt.number(t.change.count_b)}",
                        f"{t.change.label} ({fmt.percent(t.change.percent_change)}, {fmt.pvalue(t.change.p_value)})",
                    ]
                    for t in s.trends
                ],
            )
        doc.add_heading(_("Inzet komende periode"), 2)
        _narrative(doc, s.next_text, s.next_path)
    if ctx.what_worked:
        doc.add_heading(_("Wat werkte?"), 1)
        if any(r.illustrative for r in ctx.what_worked):
            doc.add_paragraph().add_run(
                _("Illustratieve gegevens, geen echte cijfers van {naam}.").format(naam=ctx.naam)
            ).bold = True
        word.table(
            doc,
            [_("Interventie"), _("Soort"), _("Periode"), _("Effect"), _("95%-interval")],
            [[r.naam, r.soort, r.perioden, r.effect, r.interval] for r in ctx.what_worked],
        )
        for r in ctx.what_worked:
            doc.add_paragraph(" ".join([r.verdict, r.surroundings, *r.caveats]).strip(), style="List Bullet")
    doc.add_heading(_("Bronnen"), 1)
    for src in ctx.sources:
        doc.add_paragraph(src, style="List Bullet")
    return word.to_bytes(doc)


def rib_docx(ctx: RibContext) -> bytes:
    """The council information letter as DOCX."""
    doc = word.new_document()
    doc.add_heading(_("Raadsinformatiebrief: voortgang {name}").format(name=ctx.current.name.lower()), 0)
    doc.add_paragraph(
        _("Gemeente {naam}, {date}. Periode {period}.").format(
            naam=ctx.naam, date=fmt.date(ctx.generated), period=ctx.period.label()
        )
    )
    doc.add_heading(_("Kernboodschap"), 1)
    _narrative(doc, ctx.text, ctx.text_path)
    doc.add_heading(_("Prestatie-indicatoren en streefwaarden"), 1)
    word.table(doc, _HEADER, _indicator_rows(ctx.targets))
    doc.add_heading(_("Resultaten per pijler"), 1)
    for pl in ctx.pillars:
        if not pl.rows:
            continue
        doc.add_heading(pl.name, 2)
        word.table(doc, [_("Resultaat")] + [str(y) for y in pl.years], _counts_rows(pl.rows))
    doc.add_heading(_("Bronnen"), 1)
    for src in ctx.sources:
        doc.add_paragraph(src, style="List Bullet")
    return word.to_bytes(doc)


def evaluation_stem(ctx: EvaluationContext) -> str:
    return f"midtermevaluatie-{ctx.plan.id}-{ctx.period.label()}"


def rib_stem(ctx: RibContext) -> str:
    return f"rib-{ctx.subject}-{ctx.period.label()}"


EVALUATIE: Report[EvaluationContext] = Report(
    name="evaluatie",
    title=_("Midtermevaluatie"),
    template="plan/evaluatie.html",
    stem=evaluation_stem,
    names=template_names,
    docx=evaluation_docx,
)

RIB: Report[RibContext] = Report(
    name="rib",
    title=_("Raadsinformatiebrief"),
    template="plan/rib.html",
    stem=rib_stem,
    names=template_names,
    docx=rib_docx,
)


def evaluation_html(ctx: EvaluationContext) -> str:
    """The midterm evaluation as one self-contained HTML page."""
    return html(EVALUATIE, ctx)


def rib_html(ctx: RibContext) -> str:
    """The council information letter as one self-contained HTML page."""
    return html(RIB, ctx)


def write_evaluation(
    ctx: EvaluationContext, folder: Path, formats: Sequence[str] = FORMATS
) -> dict[str, Path]:
    """Write the requested formats of the evaluation atomically, as one set; return their paths."""
    return write_report(EVALUATIE, ctx, folder, formats)


def write_rib(ctx: RibContext, folder: Path, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Write the requested formats of the Rib atomically, as one set; return their paths."""
    return write_report(RIB, ctx, folder, formats)
