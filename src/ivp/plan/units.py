"""Values of indicators: parse ``10``, ``'25%'``, ``'€ 1.500'``, ``'ja'`` and check them against a unit."""

from __future__ import annotations

import math
import re

from ivp.lib.fmt import number
from ivp.lib.i18n import _
from ivp.plan.model import Unit

UNIT_LABELS: dict[str, str] = {
    "aantal": "aantal",
    "procent": "percentage",
    "euro": "bedrag in euro",
    "rapportcijfer": "rapportcijfer",
    "ja_nee": "ja/nee",
}

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^[+-]?\d+(\.\d+)?$")


class UnitValueError(ValueError):
    """A value that does not fit its unit; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _parse_number(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if not _NUMBER.match(text):
        return None
    if "," in text or re.match(r"^[+-]?\d{1,3}(\.\d{3})+$", text):
        text = text.replace(".", "").replace(",", ".")
    return float(text)


def parse_value(raw: object, unit: Unit) -> float:
    """Return ``raw`` as a number in ``unit``; raise :class:`UnitValueError` when it does not fit.

    A string may carry its unit (``'25%'``, ``'€ 1.500'``, ``'EUR 1500'``, ``'ja'``); a unit other than
    the indicator's is an error (code ``plan.target_unit``), not a silent conversion.

    >>> parse_value("25%", "procent"), parse_value("€ 1.500", "euro"), parse_value("7,5", "rapportcijfer")
    (25.0, 1500.0, 7.5)
    """
    found_unit: str | None = None
    value: float | None
    if isinstance(raw, bool) or raw is None:
        raise UnitValueError("plan.bad_value", _("'{raw}' is geen getal.").format(raw=raw))
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        lower = text.lower()
        if lower in ("ja", "nee"):
            found_unit, value = "ja_nee", 1.0 if lower == "ja" else 0.0
        elif text.endswith("%"):
            found_unit, value = "procent", _parse_number(text[:-1])
        elif text.startswith("€") or lower.startswith("eur"):
            found_unit = "euro"
            value = _parse_number(text.lstrip("€").removeprefix("EUR").removeprefix("eur").strip())
        else:
            value = _parse_number(text)
        if value is None:
            raise UnitValueError(
                "plan.bad_value", _("'{raw}' is geen getal of getal met eenheid.").format(raw=raw)
            )
    else:
        raise UnitValueError("plan.bad_value", _("'{raw}' is geen getal.").format(raw=raw))
    if not math.isfinite(value):
        raise UnitValueError("plan.bad_value", _("'{raw}' is geen eindig getal.").format(raw=raw))
    if found_unit is not None and found_unit != unit:
        raise UnitValueError(
            "plan.target_unit",
            _("'{raw}' is een {found}, maar de indicator heeft eenheid '{unit}' ({label}).").format(
                raw=raw, found=UNIT_LABELS[found_unit], unit=unit, label=UNIT_LABELS[unit]
            ),
        )
    _check_range(value, unit, raw)
    return value


def _check_range(value: float, unit: Unit, raw: object) -> None:
    problem: str | None = None
    if unit == "aantal" and (value < 0 or value != int(value)):
        problem = _("een aantal is een geheel getal van 0 of meer")
    elif unit == "procent" and not 0 <= value <= 100:
        problem = _("een percentage ligt tussen 0 en 100 (schrijf 25 of '25%', niet 0,25)")
    elif unit == "euro" and value < 0:
        problem = _("een bedrag is 0 of meer")
    elif unit == "rapportcijfer" and not 1 <= value <= 10:
        problem = _("een rapportcijfer ligt tussen 1 en 10")
    elif unit == "ja_nee" and value not in (0.0, 1.0):
        problem = _("ja/nee is 'ja' of 'nee' (of 1 of 0)")
    if problem:
        raise UnitValueError(
            "plan.target_unit",
            _("'{raw}' past niet bij eenheid '{unit}': {problem}.").format(
                raw=raw, unit=unit, problem=problem
            ),
        )


def format_value(value: float | None, unit: str, *, approx: bool = False) -> str:
    """Format a value in its unit the Dutch way: ``10``, ``25%``, ``€ 1.500``, ``7,5``, ``ja``.

    ``approx`` rounds counts and amounts to whole numbers (projections are not exact).

    >>> format_value(8.04, "aantal", approx=True), format_value(7.0, "rapportcijfer")
    ('8', '7,0')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if approx and unit in ("aantal", "euro"):
        value = round(value)
    if approx and unit == "ja_nee":
        value = 1.0 if value >= 0.5 else 0.0
    decimals = 0 if float(value).is_integer() else 1
    if unit == "procent":
        return number(value, decimals) + "%"
    if unit == "euro":
        return "€ " + number(value, 0)
    if unit == "ja_nee":
        return _("ja") if value >= 1 else _("nee")
    if unit == "rapportcijfer":
        return number(value, 1)
    return number(value, decimals)
