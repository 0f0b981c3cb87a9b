"""gunicorn configuration for ``ivp serve`` (passed with ``-c python:ivp.web.gunicorn_conf``).

The master verifies (or builds) deduce's lookup cache before it forks workers; each worker starts
loading deduce as soon as it boots, in a background thread, so ``/gereed`` can answer 503 meanwhile
and a user's first staff request does not pay the load.
"""

from __future__ import annotations

from typing import Any


def on_starting(server: Any) -> None:
    """Build or verify the cache once, in the master, before any worker exists."""
    from ivp.web.meldingen import deid

    deid.ensure_cache(echo=server.log.info)


def post_worker_init(worker: Any) -> None:
    """Start loading deduce in this worker right after it booted."""
    from ivp.web.meldingen import deid

    deid.load_in_background()
