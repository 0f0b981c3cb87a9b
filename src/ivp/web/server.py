"""Run the web app under gunicorn: what ``ivp serve`` does once Django is set up."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from ivp.lib.i18n import _

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

# One access-log line per request without personal data or secrets: no client address, user agent or
# referrer, and the path without its query string (Open311 apps may send their api_key there). The request
# id links a line to the audit rows of that request.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def describe_database(settings_dict: dict[str, object]) -> str:
    """The database as a user recognises it, without the password: a file path or postgres://user@host/db."""
    engine = str(settings_dict.get("ENGINE", ""))
    if "sqlite" in engine:
        return str(settings_dict.get("NAME", ""))
    user, host, port = (settings_dict.get(k) or "" for k in ("USER", "HOST", "PORT"))
    return f"postgres://{user}{'@' if user else ''}{host}{':' if port else ''}{port}/{settings_dict.get('NAME', '')}"


def check_writable(connection: BaseDatabaseWrapper | None = None) -> None:
    """Refuse to go on (a Dutch ``ClickException``) when the database cannot be written.

    A real write in a transaction that is always rolled back: the first row of ``django_migrations``
    updated to itself, built by the ORM (an ``UpdateQuery`` compiled for ``connection``, which need not be
    one of ``settings.DATABASES``). It fails on a read-only SQLite file, a file in a read-only folder (no
    journal can be made), a read-only connection, PostgreSQL's hot standby or
    ``default_transaction_read_only``, and a user without write rights, as the first melding would.
    """
    from django.db import DatabaseError, connections
    from django.db.migrations.recorder import MigrationRecorder
    from django.db.models import F, Q
    from django.db.models.sql.constants import CURSOR
    from django.db.models.sql.subqueries import UpdateQuery

    connection = connection or connections["default"]
    migration = MigrationRecorder.Migration
    probe = UpdateQuery(migration)
    probe.add_update_values({"app": F("app")})
    probe.add_q(Q(pk__in=migration.objects.order_by("pk").values("pk")[:1]))
    autocommit = connection.get_autocommit()
    try:
        connection.set_autocommit(False)
        probe.get_compiler(connection=connection).execute_sql(CURSOR)
    except DatabaseError as exc:
        raise database_error(connection.settings_dict, exc) from None
    finally:
        try:
            connection.rollback()
            connection.set_autocommit(autocommit)
        except DatabaseError:
            connection.close()


def database_error(settings_dict: dict[str, object], exc: Exception) -> click.ClickException:
    """The Dutch message for a database ``ivp serve`` cannot use."""
    return click.ClickException(
        _(
            "De database {db} is niet schrijfbaar ({error}). ivp serve start niet, want meldingen zouden "
            "verloren gaan. Controleer bij SQLite de schrijfrechten op het bestand en de map; bij PostgreSQL "
            "dat de gebruiker mag schrijven en dat de server geen alleen-lezen-kopie is."
        ).format(
            db=describe_database(settings_dict),
            error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
    )


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
    """Migrate, check that the database can be written, build or verify the de-identification cache, then
    replace this process with gunicorn.

    Workers load deduce at boot (``ivp.web.gunicorn_conf``); ``/gereed`` answers 200 once they have.
    """
    from django.conf import settings
    from django.db import DatabaseError

    try:
        migrate()
    except DatabaseError as exc:  # e.g. a read-only file with migrations still to apply
        raise database_error(settings.DATABASES["default"], exc) from None
    check_writable()
    prepare_deidentification()

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
