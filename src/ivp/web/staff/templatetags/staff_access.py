"""Template filters that ask :mod:`ivp.web.accounts.permissions`, for links every staff page shows.

The navigation in ``staff/base.html`` is rendered by every app's views; a filter lets it ask the one place
that decides, instead of each view passing a flag (or the template comparing role names).
"""

from __future__ import annotations

from typing import Any

from django import template

from ivp.web.accounts import permissions

register = template.Library()


@register.filter
def can_analyse_areas(user: Any) -> bool:
    """``{% if user|can_analyse_areas %}``: the area page link."""
    return permissions.can_analyse_areas(user)
