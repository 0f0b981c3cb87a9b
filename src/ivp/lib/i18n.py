"""Gettext for every text a user reads.

Source strings are Dutch (the users' language); an English catalogue can be added under
``ivp/locale/en/LC_MESSAGES/ivp.mo`` and selected with ``IVP_LANGUAGE=en``.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def _translation() -> gettext.NullTranslations:
    language = os.environ.get("IVP_LANGUAGE", "nl")
    return gettext.translation("ivp", localedir=LOCALE_DIR, languages=[language], fallback=True)


_catalogue = _translation()


def _(message: str) -> str:
    """Translate a user-facing message."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a user-facing message with a count."""
    return _catalogue.ngettext(singular, plural, n)
