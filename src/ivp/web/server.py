"""Run the web app under gunicorn: what ``ivp serve`` does once Django is set up."""

from __future__ import annotations

import os
import sys

import click

from ivp.lib.i18n import _

# One access-log line per request without personal data or secrets: no client address, user agent or
# referrer, and the path without its query string (Open311 apps may send their api_key there). The request
# id links a line to the audit rows of that request.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def prepare_deidentification() -> None:
    """Build or verify deduce's lookup cache before gunicorn forks workers (progress in Dutch)."""
    from ivp.web.meldingen import deid

    click.echo(
        _("De-identificatie: opzoektabellen controleren in {path} ...").format(
            path=deid.cache_file(deid.cache_dir())
        )
    )
    built = deid.ensure_cache(echo=click.echo)
    if not built:
        click.echo(_("De-identificatie: opzoektabellen in orde."))


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    """Migrate, build or verify the de-identification cache, then replace this process with gunicorn.

    Workers load deduce at boot (``ivp.web.gunicorn_conf``); ``/gereed`` answers 200 once they have.
    """
    migrate()
    prepare_deidentification()
    from django.conf import settings

    click.echo(_("Database: {db}").format(db=settings.DATABASES["default"]["NAME"]))
    click.echo(
        _("Meldpunt op http://{host}:{port}/  -  staf op http://{host}:{port}/staf/").format(
            host=host, port=port
        )
    )
    os.execvp(  # noqa: S606 - replace this process with gunicorn, same environment
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ivp.web.wsgi:application",
            "--config",
            "python:ivp.web.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            # gunicorn's control socket (~/.gunicorn/gunicorn.ctl) is not used; a second instance under the
            # same user would take over its path and the first would remove the second's socket on exit.
            "--no-control-socket",
        ],
    )
