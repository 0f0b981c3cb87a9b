"""Create (or replace) the REST API token of a staff user, for a server-to-server integration."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from ivp.web.accounts import permissions
from ivp.web.accounts.models import User
from ivp.web.audit import services as audit
from ivp.web.audit.models import Action


class Command(BaseCommand):
    help = (
        "Maak een API-token voor een medewerker (koppeling met /api/v1/); het token wordt eenmalig getoond."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username", help="Gebruikersnaam van de medewerker (bij voorkeur een koppelaccount)."
        )
        parser.add_argument("--vervang", action="store_true", help="Vervang een bestaand token.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"Onbekende gebruiker {options['username']!r}; maak die eerst aan in /beheer/."
            )
        if not permissions.is_staff_member(user):
            raise CommandError(f"{user.username} heeft geen actieve rol; geef eerst een rol in /beheer/.")
        with transaction.atomic():
            existing = Token.objects.filter(user=user)
            if existing.exists() and not options["vervang"]:
                raise CommandError(
                    f"{user.username} heeft al een token; gebruik --vervang om het te vervangen."
                )
            existing.delete()
            token = Token.objects.create(user=user)
            audit.record("beheer", Action.CREATE, "apitoken", user.pk, after={"gebruiker": user.username})
        self.stdout.write(token.key)
