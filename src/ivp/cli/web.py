"""Commands of the web platform: serve, import-meldingen, meldpunt-cijfers, open311 key create, and ``manage``
for Django's management commands (e.g. ``ivp_bewaartermijn``)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from ivp.cli._common import cli_actor, command, group, setup_web, workspace_option
from ivp.lib.errors import ConfigError
from ivp.lib.i18n import _


def _migrate() -> None:
    from ivp.web.server import migrate

    migrate()


@command("serve", help=_("Start de webapp (meldpunt en staf) voor een werkmap."))
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help=_("Poort op 127.0.0.1.")
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=_("Adres om op te luisteren; een ander dan 127.0.0.1 alleen met een eigen IVP_SECRET_KEY."),
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help=_("Aantal gunicorn-processen."),
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help=_("Aantal threads per gunicorn-proces."),
)
@click.option(
    "--productie",
    is_flag=True,
    help=_(
        "Productiemodus (als IVP_PRODUCTIE=1): veilige cookies en HSTS; weigert te starten met de "
        "standaardsleutel, IVP_DEBUG of alleen localhost."
    ),
)
@workspace_option
def serve(port: int, host: str, workers: int, threads: int, productie: bool, workspace: Path | None) -> None:
    from ivp.web.server import run

    if productie:
        # Before Django reads its settings; gunicorn, which replaces this process, inherits it.
        os.environ["IVP_PRODUCTIE"] = "1"
    setup_web(workspace)
    _refuse_the_public_key_off_loopback(host)
    run(host=host, port=port, workers=workers, threads=threads)


def _is_loopback(host: str) -> bool:
    """Whether only this machine can reach a server listening on ``host`` (``0.0.0.0`` and names: no)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _refuse_the_public_key_off_loopback(host: str) -> None:
    """Stop before migrating when other machines can reach the server and the key is the one in the source.

    Anyone who knows that key (it is public) can forge session cookies, CSRF tokens and the hashes of
    follow-up codes. On 127.0.0.1 it is the convenient default for development; with ``IVP_DEBUG`` the
    developer asked for an unsafe server and gets a warning instead.
    """
    from django.conf import settings

    from ivp.web.settings import DEV_SECRET_KEY

    if _is_loopback(host) or settings.SECRET_KEY != DEV_SECRET_KEY:
        return
    if settings.DEBUG:
        click.echo(
            _(
                "Waarschuwing: de webapp luistert op {host} (bereikbaar voor andere computers) met de openbare "
                "standaardsleutel en IVP_DEBUG; alleen voor ontwikkeling."
            ).format(host=host),
            err=True,
        )
        return
    raise ConfigError(
        _(
            "De webapp zou op {host} luisteren, bereikbaar voor andere computers, met de openbare "
            "standaardsleutel: iedereen kan daarmee sessies en volgcodes vervalsen. Zet IVP_SECRET_KEY op een "
            "lange willekeurige waarde (bv. python -c 'import secrets; print(secrets.token_urlsafe(50))') of "
            "luister op 127.0.0.1."
        ).format(host=host)
    )


@command(
    "import-meldingen", help=_("Importeer meldingen uit een export van een ander systeem (csv, bv. Fixi).")
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
def import_meldingen(file: Path, workspace: Path | None) -> None:
    setup_web(workspace)
    _migrate()
    from ivp.web.meldingen.importing import import_csv

    result = import_csv(file)
    click.echo(
        _(
            "{read} regels gelezen: {new} meldingen geïmporteerd, {old} waren er al; {cats} nieuwe categorieën."
        ).format(
            read=result.read, new=result.created, old=result.skipped_existing, cats=result.categories_created
        )
    )


@command(
    "meldpunt-cijfers",
    help=_(
        "Schrijf de meldingen van het meldpunt als aantallen per categorie, buurt en maand (csv, zonder "
        "persoonsgegevens; de lopende maand telt niet mee) en laad ze met --laden in de werkmap."
    ),
)
@click.option(
    "--naar",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Het csv-bestand dat geschreven wordt (de naam is ook de naam van de gegevensset)."),
)
@click.option("--laden", is_flag=True, help=_("Laad het bestand daarna in de werkmap (ivp ingest meldpunt)."))
@workspace_option
def meldpunt_cijfers(target: Path, laden: bool, workspace: Path | None) -> None:
    ws = setup_web(workspace)
    if laden and ws is None:
        raise click.ClickException(
            _("--laden heeft een werkmap nodig: geef -w WERKMAP of zet IVP_WORKSPACE.")
        )
    _migrate()
    from ivp.lib.files import write_atomic
    from ivp.web.meldingen import cijfers as meldpunt

    cijfers = meldpunt.meldpunt_cijfers(cli_actor())
    if not cijfers.rows:
        raise click.ClickException(
            _("Er zijn geen meldingen van vóór {until}; er is niets geschreven.").format(
                until=cijfers.until.isoformat()
            )
        )
    # With a BOM, so Excel reads the names as UTF-8; the adapter accepts it either way.
    write_atomic(target, "\ufeff" + meldpunt.to_csv(cijfers))
    click.echo(
        _("{path}: {rows} rijen, {n} meldingen van vóór {until}.").format(
            path=target, rows=len(cijfers.rows), n=cijfers.total, until=cijfers.until.isoformat()
        )
    )
    if laden and ws is not None:
        from ivp.lib.fmt import number
        from ivp.sources.base import ingest
        from ivp.store import Store
        from ivp.themes import load_taxonomy

        with Store(ws.store_path) as store:
            result = ingest(
                store, "meldpunt", str(target), gemeente=ws.gemeente, taxonomy=load_taxonomy(ws.root)
            )
        click.echo(
            _("Geladen in de werkmap: {dataset}, {rows} rijen ({action}).").format(
                dataset=result.dataset, rows=number(result.row_count), action=result.action
            )
        )


@group("open311", help=_("Beheer van apps die via Open311 melden."))
def open311() -> None:
    pass


@open311.group("key", help=_("API-sleutels voor Open311-apps."))
def key() -> None:
    pass


@key.command("create", help=_("Maak een API-sleutel voor een app; de sleutel wordt één keer getoond."))
@click.argument("name")
@workspace_option
def key_create(name: str, workspace: Path | None) -> None:
    setup_web(workspace)
    _migrate()
    from django.db import IntegrityError

    from ivp.web.meldingen.services import create_open311_client

    try:
        _client, api_key = create_open311_client(name)
    except IntegrityError:
        raise click.ClickException(
            _("Er is al een app met de naam {name}; kies een andere naam.").format(name=name)
        ) from None
    click.echo(api_key)


@command(
    "manage",
    context_settings={"ignore_unknown_options": True},
    help=_("Django-beheeropdrachten, bv. 'ivp manage ivp_bewaartermijn'."),
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@workspace_option
def manage(args: tuple[str, ...], workspace: Path | None) -> None:
    setup_web(workspace)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ivp manage", *args])


COMMANDS: list[click.Command] = [serve, import_meldingen, meldpunt_cijfers, open311, manage]
