"""The Jinja2 environment of every report: Dutch number filters, Markdown, the shared CSS."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jinja2
import markdown as md
from markupsafe import Markup, escape

from ivp.lib import fmt
from ivp.lib.i18n import _
from ivp.reports.core import text


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def breakable(value: str) -> Markup:
    """Escape ``value`` and allow line breaks after ``_ . / -`` so long file names wrap in narrow cells."""
    return Markup(re.sub(r"([_./-])", r"\1<wbr>", str(escape(value))))  # noqa: S704


def markdown_html(value: str) -> Markup:
    """Markdown from the workspace's own text files as HTML (the advisor's text is trusted input)."""
    return Markup(md.markdown(value, extensions=["tables"]))  # noqa: S704


def advisor_html(value: str | None, path: str) -> Markup:
    """The advisor's Markdown text as a narrative block, or the dashed placeholder naming ``path``.

    A text containing the word "voorbeeldtekst" is marked as an example (orange bar).
    """
    if not value:
        return Markup('<p class="placeholder">') + escape(text.placeholder(path)) + Markup("</p>")
    css = "narrative voorbeeld" if "voorbeeldtekst" in value.lower() else "narrative"
    return Markup('<div class="{}">{}</div>').format(css, markdown_html(value))


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (templates from ``ivp/reports/templates``), made once."""
    loader = jinja2.PackageLoader("ivp.reports", "templates")
    env = jinja2.Environment(loader=loader, autoescape=jinja2.select_autoescape(["html"]))
    env.filters.update(
        number=lambda v: fmt.number(_num(v)),
        decimal=lambda v, d=1: fmt.number(_num(v), d),
        percent=lambda v: fmt.percent(_num(v)),
        percent_plain=lambda v: fmt.percent(None if _num(v) is None else float(v) * 100, 0, signed=False),
        rate=lambda v: fmt.rate(_num(v)),
        pvalue=lambda v: fmt.pvalue(_num(v)),
        date=fmt.date,
        date_text=fmt.date_text,
        qvalue=lambda v: fmt.qvalue(_num(v)),
        breakable=breakable,
        years=lambda ys: fmt.year_range(list(ys)),
        md=markdown_html,
    )
    env.globals["_"] = _
    env.globals["advisor_text"] = advisor_html
    return env


def css() -> str:
    """The stylesheet of every report (screen and print rules), inlined into each page."""
    return resources.files("ivp.reports").joinpath("static/report.css").read_text(encoding="utf-8")


def render_html(template: str, ctx: object, names: Mapping[str, object]) -> str:
    """Render ``template`` with ``ctx``, the CSS and the report's own ``names`` as one HTML page."""
    return environment().get_template(template).render(ctx=ctx, css=css(), **names)
