"""Create or revoke a staff REST API token, for a server-to-server integration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ivp.web.accounts import permissions, services
from ivp.web.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Maak een API-token voor een medewerker (koppeling met /api/v1/); de sleutel wordt eenmalig "
        "getoond en alleen als hash bewaard. Met --intrekken BEGIN trek je een token in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username",
            nargs="?",
            help="Gebruikersnaam van de medewerker (bij voorkeur een koppelaccount).",
        )
        parser.add_argument("--naam", default="", help="Waarvoor het token is, bv. 'dashboard'.")
        parser.add_argument(
            "--dagen", type=int, default=None, help="Het token verloopt na zoveel dagen (standaard nooit)."
        )
        parser.add_argument(
            "--vervang", action="store_true", help="Trek de andere tokens van de medewerker in."
        )
        parser.add_argument(
            "--intrekken",
            metavar="BEGIN",
            help="Trek het token in dat met deze 8 tekens begint (of geef de hele sleutel).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["intrekken"]:
            self._revoke(options["intrekken"], options["username"])
            return
        if not options["username"]:
            raise CommandError(_("Geef een gebruikersnaam, of --intrekken BEGIN."))
        user = self._user(options["username"])
        if not permissions.is_staff_member(user):
            raise CommandError(
                _("%(user)s heeft geen actieve rol; geef eerst een rol met 'ivp gebruiker rol'.")
                % {"user": user}
            )
        verloopt = None
        if options["dagen"] is not None:
            if options["dagen"] < 1:
                raise CommandError(_("--dagen moet 1 of meer zijn."))
            verloopt = timezone.now() + dt.timedelta(days=options["dagen"])
        with transaction.atomic():
            others = list(services.active_api_tokens(user))
            key = services.create_api_token(user, options["naam"], verloopt=verloopt)[1]
            if options["vervang"]:
                for other in others:
                    services.revoke_api_token(other)
        if others and not options["vervang"]:
            prefixes = ", ".join(other.key_prefix for other in others)
            self.stderr.write(
                _(
                    "Let op: %(user)s heeft nog andere actieve tokens (%(prefixes)s); "
                    "trek die in met --intrekken BEGIN als ze niet meer nodig zijn."
                )
                % {"user": user, "prefixes": prefixes}
            )
        self.stdout.write(key)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("Onbekende gebruiker %(username)r; maak die eerst aan met 'ivp gebruiker aanmaken'.")
                % {"username": username}
            )
        return user

    def _revoke(self, begin: str, username: str | None) -> None:
        if len(begin) > services.API_TOKEN_PREFIX_LENGTH:
            tokens = ApiToken.objects.filter(key_hash=services.hash_api_token(begin))
        else:
            tokens = ApiToken.objects.filter(key_prefix=begin, ingetrokken__isnull=True)
        if username:
            tokens = tokens.filter(user=self._user(username))
        found = list(tokens.select_related("user")[:2])
        if not found:
            raise CommandError(_("Geen actief token dat begint met %(begin)r.") % {"begin": begin[:8]})
        if len(found) > 1:
            raise CommandError(
                _("Meer dan één token begint met %(begin)r; geef ook de gebruikersnaam of de hele sleutel.")
                % {"begin": begin}
            )
        token = found[0]
        if not services.revoke_api_token(token):
            raise CommandError(_("Token %(begin)s was al ingetrokken.") % {"begin": token.key_prefix})
        self.stdout.write(
            _("Token %(begin)s van %(user)s ingetrokken.") % {"begin": token.key_prefix, "user": token.user}
        )
