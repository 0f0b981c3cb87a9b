"""Erase personal data of meldingen closed longer than IVP_RETENTION_DAYS ago (run daily by cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ivp.web.meldingen import services


class Command(BaseCommand):
    help = "Wis persoonsgegevens van meldingen die langer dan de bewaartermijn zijn afgehandeld."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.erase_personal_data()
        self.stdout.write(f"{count} meldingen geschoond (bewaartermijn {settings.RETENTION_DAYS} dagen).")
