"""De-identification of free text with deduce (Dutch), plus Dutch licence plates, which deduce lacks.

deduce finds person names, street addresses and places, phone numbers, e-mail addresses, URLs and
BSNs. Its lookup structures take a while to load, so one instance is built lazily per process.
"""

from __future__ import annotations

import re
import threading
from typing import Any

_lock = threading.Lock()
_instance: Any = None

# Dutch licence plates: the sidecodes in use since 1951 (letter/number groups of 2-2-2, 2-3-1, 1-3-2, ...).
_PLATE = re.compile(
    r"\b(?:[A-Z]{2}-?\d{2}-?\d{2}|\d{2}-?\d{2}-?[A-Z]{2}|\d{2}-?[A-Z]{2}-?\d{2}|[A-Z]{2}-?\d{2}-?[A-Z]{2}"
    r"|[A-Z]{2}-?[A-Z]{2}-?\d{2}|\d{2}-?[A-Z]{2}-?[A-Z]{2}|\d{2}-?[A-Z]{3}-?\d|\d-?[A-Z]{3}-?\d{2}"
    r"|[A-Z]{2}-?\d{3}-?[A-Z]|[A-Z]-?\d{3}-?[A-Z]{2}|[A-Z]{3}-?\d{2}-?[A-Z]|\d-?[A-Z]{2}-?\d{3})\b",
    re.IGNORECASE,
)


def _deduce() -> Any:
    global _instance
    with _lock:
        if _instance is None:
            import deduce

            _instance = deduce.Deduce()
        return _instance


def _plates(text: str) -> str:
    return _PLATE.sub("[KENTEKEN]", text)


def deidentify(text: str) -> str:
    """Return ``text`` with names, contact details, addresses and licence plates replaced by tags."""
    if not text.strip():
        return text
    result = _deduce().deidentify(_plates(text), disabled={"dates", "age"})
    return str(result.deidentified_text)
