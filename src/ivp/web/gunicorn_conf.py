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


def worker_exit(server: Any, worker: Any) -> None:
    """Leave the worker without freeing deduce's structures one object at a time.

    A worker that loaded deduce holds about a gigabyte of small Python objects; letting the interpreter
    free them took about 11 s per worker, so a restart (SIGTERM) took 15 s. gunicorn calls this hook in
    the worker after it stopped serving; once the database connections are closed and the logs flushed
    there is nothing left to clean up, so the process ends at once with its own exit status.
    """
    import logging
    import os
    import sys

    from django.db import connections

    exc = sys.exc_info()[1]
    code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 0 if exc is None else 1
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
