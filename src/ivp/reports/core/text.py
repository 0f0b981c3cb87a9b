"""Texts every format of every report shares: placeholders, Markdown as paragraphs, source lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ivp.lib import fmt
from ivp.lib.i18n import _


def placeholder(path: str) -> str:
    """What a report shows where the advisor's text ``path`` (e.g. 'teksten/overlast/uitdagingen.md')
    is still missing."""
    return _("[Nog te schrijven door de adviseur: {where}]").format(where=path)


def plain_text(markdown_text: str) -> list[str]:
    """Markdown paragraphs as plain text (for DOCX): strip emphasis and links, keep list bullets."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", markdown_text) if p.strip()]
    out = []
    for p in paragraphs:
        p = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", p)
        p = re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", p)
        p = re.sub(r"^#+\s*", "", p)
        out.append(p)
    return out


def source_line(publisher: str, dataset: str, period: str, provisional: Sequence[int] = ()) -> str:
    """'Bron: CBS / Politie, 47018NED, 2012-2025; 2024-2025 voorlopig'."""
    line = _("Bron: {publisher}, {dataset}, {period}").format(
        publisher=publisher, dataset=dataset, period=period
    )
    if provisional:
        line += _("; {years} voorlopig").format(years=fmt.year_range(list(provisional)))
    return line
