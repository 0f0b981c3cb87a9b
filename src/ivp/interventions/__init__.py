"""The register of place-based interventions (issue 15): the pure model, the file readers and the checks.

Readers: :func:`load_interventions` (YAML or xlsx), :func:`loads_interventions` (YAML text),
:func:`parse_intervention` (one plain mapping, as the web form builds it). Writers:
:func:`dumps_interventions`, :func:`write_interventions`. Every problem is an
:class:`~ivp.interventions.errors.InterventionError` (file, line, field, fix), raised together as
:class:`~ivp.interventions.errors.InterventionFileError`; nothing is returned when any exists.
The format is documented in docs/interventions.md; the web register is ``ivp.web.interventions``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ivp.interventions.check import FORMAT_VERSION, Checker
from ivp.interventions.errors import InterventionError, InterventionFileError, UnknownInterventionError
from ivp.interventions.model import SOORT_LABELS, SOORTEN, VERGELIJKINGEN, Gebied, Intervention, Periode
from ivp.interventions.nodes import plain
from ivp.interventions.xlsx_io import load_xlsx
from ivp.interventions.yaml_io import (
    dumps_interventions,
    intervention_to_dict,
    load_yaml,
    loads_interventions,
    write_interventions,
)
from ivp.lib.i18n import _

__all__ = [
    "FORMAT_VERSION",
    "SOORTEN",
    "SOORT_LABELS",
    "VERGELIJKINGEN",
    "Gebied",
    "Intervention",
    "InterventionError",
    "InterventionFileError",
    "Periode",
    "UnknownInterventionError",
    "dumps_interventions",
    "intervention_to_dict",
    "load_interventions",
    "loads_interventions",
    "parse_intervention",
    "validate_intervention",
    "write_interventions",
]


def load_interventions(
    path: Path,
    known_buurten: Collection[str] | None = None,
    known_targets: Collection[str] | None = None,
) -> tuple[Intervention, ...]:
    """Read and check the register at ``path`` (``.yaml``/``.yml`` or ``.xlsx``).

    ``known_buurten``: buurt codes to check against (the store's), None to check only their form;
    ``known_targets``: CBS crime codes to check ``doelen`` against, None to check only their form.
    Raises :class:`InterventionFileError` listing every problem.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return load_xlsx(path, known_buurten, known_targets)
    if suffix in (".yaml", ".yml"):
        return load_yaml(path, known_buurten, known_targets)
    raise InterventionFileError(
        [
            InterventionError(
                "interventie.bad_file_type",
                _("'{suffix}' is geen bestandssoort voor het register.").format(suffix=suffix or path.name),
                file=str(path),
                hint=_("lever een .yaml-, .yml- of .xlsx-bestand aan."),
            )
        ],
        str(path),
    )


def parse_intervention(
    data: Mapping[str, Any],
    *,
    source: str = "formulier",
    known_buurten: Collection[str] | None = None,
    known_targets: Collection[str] | None = None,
) -> Intervention:
    """Check one intervention given as a plain mapping (the keys of the file format); raise
    :class:`InterventionFileError` (fields named by key path, e.g. ``gebied.polygoon``) on any problem."""
    checker = Checker(source, known_buurten, known_targets)
    item = checker.item(plain(dict(data), ""))
    if checker.problems or item is None:
        raise InterventionFileError(checker.problems, source)
    return item


def validate_intervention(
    item: Intervention,
    *,
    known_buurten: Collection[str] | None = None,
    known_targets: Collection[str] | None = None,
) -> Intervention:
    """``item`` checked with the rules of the file (for items built in code); returns the checked copy."""
    return parse_intervention(
        intervention_to_dict(item),
        source=item.id or _("de interventie"),
        known_buurten=known_buurten,
        known_targets=known_targets,
    )
