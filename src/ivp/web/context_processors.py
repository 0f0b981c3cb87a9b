"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Name of the municipality for headers and titles."""
    workspace = getattr(settings, "WORKSPACE", None)
    return {"gemeente_naam": workspace.naam if workspace else "de gemeente"}
