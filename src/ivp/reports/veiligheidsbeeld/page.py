"""The Veiligheidsbeeld's HTML page: every name its template uses, crime (:mod:`.render`), nuisance
(:mod:`.nuisance_render`) and the registers (:mod:`.indicator_render`) together, so none of those modules
imports another's caller."""

from __future__ import annotations

from collections.abc import Mapping

from ivp.reports.core import templates
from ivp.reports.veiligheidsbeeld import indicator_render, nuisance_render, render
from ivp.reports.veiligheidsbeeld.model import ReportContext


def template_names(ctx: ReportContext) -> Mapping[str, object]:
    """What the template uses besides ``ctx`` and ``css``: texts, charts and maps of this context."""
    return {
        **nuisance_render.template_names(ctx),
        **indicator_render.template_names(ctx),
        **render.template_names(ctx),
    }


def render_html(ctx: ReportContext) -> str:
    """Return the whole report as one self-contained HTML page (CSS and SVG inline)."""
    return templates.render_html(render.TEMPLATE, ctx, template_names(ctx))
