"""``ivp gebruiker ...``: staff accounts (create, role, teams, (de)activate, second factor, password, teams).

Thin commands over ``ivp.web.accounts.services``, the same audited functions the pages at /staf/gebruikers/
use (ADR 0010); the actor in the audit log is ``cli:<login name>``. A password is never an argument (it would
stay in the shell history and the process list): it is asked twice without echo, or read from stdin with
``--wachtwoord-stdin``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ivp.cli._common import cli_actor, group, setup_web, workspace_option
from ivp.lib.i18n import _

ROLES = ("beheerder", "analist", "behandelaar")

password_stdin_option = click.option(
    "--wachtwoord-stdin",
    "password_stdin",
    is_flag=True,
    help=_("Lees het wachtwoord van de standaardinvoer (één regel) in plaats van het te vragen."),
)


def _services() -> Any:
    """The account services, after Django is set up for the workspace and the database is current."""
    from django.conf import settings
    from django.utils import translation

    from ivp.web.server import migrate

    translation.activate(settings.LANGUAGE_CODE)  # Django's own messages (password validators) in Dutch
    migrate()
    from ivp.web.accounts import services

    return services


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt(
        _("Wachtwoord"), hide_input=True, confirmation_prompt=_("Herhaal het wachtwoord")
    )
    return value


def _open(workspace: Path | None) -> Any:
    setup_web(workspace)
    return _services()


@group("gebruiker", help=_("Accounts van medewerkers: aanmaken, rol, teams, (de)activeren, tweede factor."))
def gebruiker_group() -> None:
    pass


@gebruiker_group.command("lijst", help=_("Toon alle accounts met rol, teams en of ze actief zijn."))
@click.option("--json", "as_json", is_flag=True, help=_("Als JSON (voor scripts)."))
@workspace_option
def list_cmd(as_json: bool, workspace: Path | None) -> None:
    services = _open(workspace)
    rows = [
        {
            "gebruikersnaam": u.username,
            "rol": u.role,
            "teams": sorted(t.naam for t in u.teams.all()),
            "actief": u.is_active,
            "laatst_ingelogd": u.last_login.isoformat() if u.last_login else None,
        }
        for u in services.staff_users()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        state = "" if row["actief"] else _(" (gedeactiveerd)")
        teams = ", ".join(row["teams"]) or "-"
        click.echo(f"{row['gebruikersnaam']}\t{row['rol'] or '-'}\t{teams}{state}")


@gebruiker_group.command(
    "aanmaken", help=_("Maak een account met een rol en teams; het wachtwoord wordt gevraagd.")
)
@click.argument("username", metavar="GEBRUIKERSNAAM")
@click.option("--rol", "role", type=click.Choice(ROLES), required=True, help=_("Rol van de medewerker."))
@click.option("--team", "teams", multiple=True, metavar="NAAM", help=_("Team (herhaal voor meer teams)."))
@click.option("--voornaam", default="", help=_("Voornaam."))
@click.option("--achternaam", default="", help=_("Achternaam."))
@click.option("--email", default="", help=_("E-mailadres."))
@password_stdin_option
@workspace_option
def create_cmd(
    username: str,
    role: str,
    teams: tuple[str, ...],
    voornaam: str,
    achternaam: str,
    email: str,
    password_stdin: bool,
    workspace: Path | None,
) -> None:
    services = _open(workspace)
    found = services.find_teams(list(teams))
    user = services.create_staff(
        username,
        _password(password_stdin),
        role,
        found,
        actor=cli_actor(),
        first_name=voornaam,
        last_name=achternaam,
        email=email,
    )
    click.echo(
        _(
            "Account {username} aangemaakt ({role}). Bij de eerste keer inloggen stelt hij/zij de tweede factor in."
        ).format(username=user.username, role=role)
    )


def _say(changed: bool, done: str, already: str, **values: str) -> None:
    click.echo((done if changed else already).format(**values))


@gebruiker_group.command("rol", help=_("Geef een account een andere rol."))
@click.argument("username", metavar="GEBRUIKERSNAAM")
@click.argument("role", metavar="ROL", type=click.Choice(ROLES))
@workspace_option
def role_cmd(username: str, role: str, workspace: Path | None) -> None:
    services = _open(workspace)
    changed = services.update_staff(services.find_user(username), role=role, actor=cli_actor())
    _say(
        changed,
        _("{username} heeft nu de rol {role}."),
        _("{username} had de rol {role} al."),
        username=username,
        role=role,
    )


@gebruiker_group.command("teams", help=_("Zet de teams van een account (geen TEAM: uit elk team)."))
@click.argument("username", metavar="GEBRUIKERSNAAM")
@click.argument("teams", metavar="[TEAM]...", nargs=-1)
@workspace_option
def teams_cmd(username: str, teams: tuple[str, ...], workspace: Path | None) -> None:
    services = _open(workspace)
    found = services.find_teams(list(teams))
    changed = services.update_staff(services.find_user(username), teams=found, actor=cli_actor())
    names = ", ".join(t.naam for t in found) or _("geen")
    _say(
        changed,
        _("Teams van {username}: {teams}."),
        _("{username} zat al in: {teams}."),
        username=username,
        teams=names,
    )


@gebruiker_group.command(
    "deactiveren", help=_("Zet een account uit: inloggen en zijn API-tokens werken niet meer.")
)
@click.argument("username", metavar="GEBRUIKERSNAAM")
@workspace_option
def deactivate_cmd(username: str, workspace: Path | None) -> None:
    services = _open(workspace)
    changed = services.update_staff(services.find_user(username), active=False, actor=cli_actor())
    _say(changed, _("{username} is gedeactiveerd."), _("{username} was al gedeactiveerd."), username=username)


@gebruiker_group.command("activeren", help=_("Zet een gedeactiveerd account weer aan."))
@click.argument("username", metavar="GEBRUIKERSNAAM")
@workspace_option
def activate_cmd(username: str, workspace: Path | None) -> None:
    services = _open(workspace)
    changed = services.update_staff(services.find_user(username), active=True, actor=cli_actor())
    _say(changed, _("{username} is weer actief."), _("{username} was al actief."), username=username)


@gebruiker_group.command(
    "tweede-factor-resetten",
    help=_(
        "Wis de authenticator-koppeling: bij de volgende keer inloggen stelt de medewerker een nieuwe in."
    ),
)
@click.argument("username", metavar="GEBRUIKERSNAAM")
@workspace_option
def reset_second_factor_cmd(username: str, workspace: Path | None) -> None:
    services = _open(workspace)
    count = services.reset_second_factor(services.find_user(username), actor=cli_actor())
    click.echo(
        _("Tweede factor van {username} gereset ({count} koppeling(en) gewist).").format(
            username=username, count=count
        )
    )


@gebruiker_group.command("wachtwoord", help=_("Geef een account een nieuw wachtwoord (wordt gevraagd)."))
@click.argument("username", metavar="GEBRUIKERSNAAM")
@password_stdin_option
@workspace_option
def password_cmd(username: str, password_stdin: bool, workspace: Path | None) -> None:
    services = _open(workspace)
    user = services.find_user(username)
    services.set_password(user, _password(password_stdin), actor=cli_actor())
    click.echo(_("Nieuw wachtwoord voor {username} ingesteld.").format(username=username))


@gebruiker_group.command("team", help=_("Maak een nieuw team (om daarna accounts aan toe te voegen)."))
@click.argument("name", metavar="NAAM")
@workspace_option
def team_cmd(name: str, workspace: Path | None) -> None:
    services = _open(workspace)
    team = services.create_team(name, actor=cli_actor())
    click.echo(_("Team {name} aangemaakt.").format(name=team.naam))


COMMANDS: list[click.Command] = [gebruiker_group]
