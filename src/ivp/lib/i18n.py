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


def parse_po(text: str) -> dict[str, str | list[str]]:
    """Parse a simple .po catalogue: ``msgid`` -> ``msgstr`` (or the list of plural forms).

    Handles single- and multi-line strings with C escapes; enough for the catalogues ivp ships.
    """
    entries: dict[str, str | list[str]] = {}
    msgid: str | None = None
    plurals: list[str] = []
    msgstr: str | None = None
    current: str | None = None

    def unquote(line: str) -> str:
        return line.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")

    def flush() -> None:
        if msgid:
            entries[msgid] = plurals.copy() if plurals else (msgstr or msgid)

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            msgid, msgstr, plurals, current = None, None, [], None
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            current = "plural_id"
        elif line.startswith("msgid "):
            msgid, current = unquote(line[6:]), "msgid"
        elif line.startswith("msgstr["):
            plurals.append(unquote(line.split("]", 1)[1]))
            current = "plural"
        elif line.startswith("msgstr "):
            msgstr, current = unquote(line[7:]), "msgstr"
        elif line.startswith('"'):
            if current == "msgid" and msgid is not None:
                msgid += unquote(line)
            elif current == "msgstr" and msgstr is not None:
                msgstr += unquote(line)
            elif current == "plural" and plurals:
                plurals[-1] += unquote(line)
    return entries


def install_click_translation() -> None:
    """Make click's own texts (usage, errors, option help) Dutch, unless ``IVP_LANGUAGE`` says otherwise.

    click looks its strings up with ``gettext`` bound at import time in each of its modules; we rebind
    those names to a lookup in ``locale/<lang>/LC_MESSAGES/click.po``.
    """
    import importlib

    language = os.environ.get("IVP_LANGUAGE", "nl")
    po = LOCALE_DIR / language / "LC_MESSAGES" / "click.po"
    if not po.exists():
        return
    catalogue = parse_po(po.read_text(encoding="utf-8"))

    def gettext_(message: str) -> str:
        found = catalogue.get(message, message)
        return found if isinstance(found, str) else found[0]

    plural_of = {forms_id: key for key, forms_id in _plural_ids(po)}

    def ngettext_(singular: str, plural: str, n: int) -> str:
        forms = catalogue.get(plural_of.get(plural, singular))
        if isinstance(forms, list) and len(forms) == 2:
            return forms[0] if n == 1 else forms[1]
        return singular if n == 1 else plural

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext_  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext_  # type: ignore[attr-defined]


def _plural_ids(po: Path) -> list[tuple[str, str]]:
    """Return (msgid, msgid_plural) pairs of a .po file."""
    pairs: list[tuple[str, str]] = []
    last_id = ""
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            last_id = line[7:-1]
        elif line.startswith("msgid_plural "):
            pairs.append((last_id, line[14:-1]))
    return pairs
