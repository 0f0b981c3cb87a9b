"""Template context shared by every page."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

log = logging.getLogger(__name__)


def site(request: HttpRequest) -> dict[str, object]:
    """Name of the municipality for headers and titles."""
    workspace = getattr(settings, "WORKSPACE", None)
    if workspace is None:
        return {"gemeente_naam": "de gemeente"}
    return {
        "gemeente_naam": workspace.display_name(_stored_name(workspace.gemeente, str(workspace.store_path)))
    }


@functools.cache
def _stored_name(code: str, store_path: str) -> str | None:
    """The name from the loaded CBS regions; read once per process (a missing store: None)."""
    from ivp.store import Store
    from ivp.store.areas import municipality_name

    if not Path(store_path).exists():
        return None
    try:
        with Store(store_path, read_only=True) as store:
            return municipality_name(store, code)
    except Exception as exc:  # a locked or unreadable store must not break every page
        log.warning("store %s not readable for the municipality name: %s", store_path, exc)
        return None
