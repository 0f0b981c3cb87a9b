"""Render the plan reports to HTML, PDF and DOCX with the Veiligheidsbeeld's templates, CSS and helpers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from docx import Document
from docx.shared import Pt

from ivp.lib import fmt
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _
from ivp.plan.attainment import status_label
from ivp.plan.model import Indicator
from ivp.plan.tracking import IndicatorProgress
from ivp.plan.units import format_value
from ivp.reports.plan.context import EvaluationContext, OpgaveSection, RibContext, chart_for
from ivp.reports.veiligheidsbeeld import charts as vb_charts
from ivp.reports.veiligheidsbeeld import render as vb
from ivp.reports.veiligheidsbeeld.docx_writer import _table

FORMATS = ("html", "pdf", "docx")


def _targets_text(ind: Indicator) -> str:
    values = {v for _y, v in ind.targets}
    if len(values) == 1:
        return _("{v} per jaar").format(v=format_value(values.pop(), ind.unit))
    return ", ".join(f"{y}: {format_value(v, ind.unit)}" for y, v in ind.targets)


def trend_chart(section: OpgaveSection) -> str:
    series = [
        vb_charts.Series(
            label=t.title,
            points=tuple(
                vb_charts.Point(y, v, y in t.provisional) for y, v in zip(t.years, t.values, strict=True)
            ),
        )
        for t in section.trends
    ]
    words = "; ".join(f"{t.title}: {fmt.number(t.values[-1])} in {t.years[-1]}" for t in section.trends)
    first = section.trends[0]
    return vb_charts.small_multiples(
        series,
        title=_("Geregistreerde misdrijven, {opgave}").format(opgave=section.opgave.name),
        description=words,
        highlight=(first.year_a, first.year_b),
    )


def _render(template: str, ctx: object) -> str:
    css = resources.files("ivp.reports").joinpath("static/report.css").read_text(encoding="utf-8")
    env = vb._template_env()
    return env.get_template(template).render(
        ctx=ctx,
        css=css,
        status_label=status_label,
        value=format_value,
        chart=chart_for,
        trend_chart=trend_chart,
        targets_text=_targets_text,
    )


def evaluation_html(ctx: EvaluationContext) -> str:
    """The midterm evaluation as one self-contained HTML page."""
    return _render("plan/evaluatie.html", ctx)


def rib_html(ctx: RibContext) -> str:
    """The council information letter as one self-contained HTML page."""
    return _render("plan/rib.html", ctx)


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


def _narrative(doc: object, text: str | None, path: str) -> None:
    if text:
        for para in vb.plain_text(text):
            doc.add_paragraph(para)  # type: ignore[attr-defined]
    else:
        doc.add_paragraph(_("[Nog te schrijven door de adviseur: {path}]").format(path=path))  # type: ignore[attr-defined]


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
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
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
            _table(doc, _HEADER, _indicator_rows(s.indicators))
        if s.kengetallen:
            doc.add_paragraph(_("Kengetallen per jaar"))
            _table(doc, [_("Resultaat")] + [str(y) for y in ctx.period.years], _counts_rows(s.kengetallen))
        if s.trends:
            doc.add_heading(_("Ontwikkeling in de cijfers"), 2)
            _table(
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
    doc.add_heading(_("Bronnen"), 1)
    for src in ctx.sources:
        doc.add_paragraph(src, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def rib_docx(ctx: RibContext) -> bytes:
    """The council information letter as DOCX."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(_("Raadsinformatiebrief: voortgang {name}").format(name=ctx.current.name.lower()), 0)
    doc.add_paragraph(
        _("Gemeente {naam}, {date}. Periode {period}.").format(
            naam=ctx.naam, date=fmt.date(ctx.generated), period=ctx.period.label()
        )
    )
    doc.add_heading(_("Kernboodschap"), 1)
    _narrative(doc, ctx.text, ctx.text_path)
    doc.add_heading(_("Prestatie-indicatoren en streefwaarden"), 1)
    _table(doc, _HEADER, _indicator_rows(ctx.targets))
    doc.add_heading(_("Resultaten per pijler"), 1)
    for pl in ctx.pillars:
        if not pl.rows:
            continue
        doc.add_heading(pl.name, 2)
        _table(doc, [_("Resultaat")] + [str(y) for y in pl.years], _counts_rows(pl.rows))
    doc.add_heading(_("Bronnen"), 1)
    for src in ctx.sources:
        doc.add_paragraph(src, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write(stem: str, folder: Path, formats: Sequence[str], html: str, docx: bytes | None) -> dict[str, Path]:
    """Write the requested formats atomically; return their paths."""
    blobs: dict[str, bytes] = {}
    if "html" in formats:
        blobs["html"] = html.encode("utf-8")
    if "pdf" in formats:
        blobs["pdf"] = vb.render_pdf(html)
    if "docx" in formats and docx is not None:
        blobs["docx"] = docx
    paths = {}
    for kind, data in blobs.items():
        path = folder / f"{stem}.{kind}"
        write_atomic(path, data)
        paths[kind] = path
    return paths


def write_evaluation(
    ctx: EvaluationContext, folder: Path, formats: Sequence[str] = FORMATS
) -> dict[str, Path]:
    stem = f"midtermevaluatie-{ctx.plan.id}-{ctx.period.label()}"
    return write(
        stem, folder, formats, evaluation_html(ctx), evaluation_docx(ctx) if "docx" in formats else None
    )


def write_rib(ctx: RibContext, folder: Path, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    stem = f"rib-{ctx.subject}-{ctx.period.label()}"
    return write(stem, folder, formats, rib_html(ctx), rib_docx(ctx) if "docx" in formats else None)
