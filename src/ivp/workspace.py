"""A workspace: one folder with ``ivp.toml``, the store, narrative texts and output."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivp.lib.errors import ConfigError
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _

CONFIG_NAME = "ivp.toml"
GEMEENTE_CODE = re.compile(r"^GM\d{4}$")

DEFAULT_CONFIG = """\
# ivp workspace. Documented in docs/workspace.md.
[gemeente]
code = "{code}"
naam = "{naam}"

[paden]
store = "ivp.duckdb"
teksten = "teksten"   # Markdown per theme, written by the advisor
uitvoer = "uitvoer"   # generated reports

[drempels]
# Areas with fewer inhabitants are flagged, not ranked.
min_inwoners = 500
# Counts below this are shown as "<5" in anything published from reports or cases.
onthul_drempel = 5
alpha = 0.05
"""


@dataclass(frozen=True)
class Workspace:
    """A loaded workspace configuration with resolved paths."""

    root: Path
    gemeente: str
    naam: str
    store_path: Path
    teksten: Path
    uitvoer: Path
    min_inwoners: int
    onthul_drempel: int
    alpha: float
    raw: dict[str, Any]

    def display_name(self, stored: str | None) -> str:
        """The municipality's name for reports and pages: ``naam`` when it is a name, else ``stored``.

        ``ivp init --gemeente GM0599`` without ``--naam`` writes the code as ``naam``; then the name loaded
        with the CBS regions (``stored``, e.g. 'Rotterdam') is used, and the code when none is loaded.
        """
        naam = self.naam.strip()
        if naam and not is_code(naam):
            return naam
        return (stored or "").strip() or naam or self.gemeente

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """Read ``ivp.toml`` in ``root``; fail loudly on a missing or bad setting."""
        path = root / CONFIG_NAME
        if not path.exists():
            raise ConfigError(
                _(
                    "Geen werkmap gevonden in {root}: {name} ontbreekt. Maak er een met 'ivp init {root} "
                    "--gemeente GMxxxx' of geef --workspace."
                ).format(root=root, name=CONFIG_NAME)
            )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_("{path}: ongeldige TOML: {error}").format(path=path, error=exc)) from exc
        gem = data.get("gemeente", {})
        code = str(gem.get("code", ""))
        if not GEMEENTE_CODE.match(code):
            raise ConfigError(
                _("{path}: [gemeente] code '{code}' is geen CBS-gemeentecode zoals GM0505.").format(
                    path=path, code=code
                )
            )
        paden = data.get("paden", {})
        drempels = data.get("drempels", {})
        return cls(
            root=root,
            gemeente=code,
            naam=str(gem.get("naam", code)),
            store_path=root / str(paden.get("store", "ivp.duckdb")),
            teksten=root / str(paden.get("teksten", "teksten")),
            uitvoer=root / str(paden.get("uitvoer", "uitvoer")),
            min_inwoners=_int(drempels, "min_inwoners", 500, path),
            onthul_drempel=_int(drempels, "onthul_drempel", 5, path),
            alpha=_float(drempels, "alpha", 0.05, path),
            raw=data,
        )

    @classmethod
    def create(cls, root: Path, gemeente: str, naam: str | None = None) -> Workspace:
        """Create a new workspace folder (refuses to overwrite an existing ``ivp.toml``)."""
        if not GEMEENTE_CODE.match(gemeente):
            raise ConfigError(
                _("'{code}' is geen CBS-gemeentecode; gebruik de vorm GM0505.").format(code=gemeente)
            )
        if (root / CONFIG_NAME).exists():
            raise ConfigError(
                _("{root} is al een werkmap ({name} bestaat).").format(root=root, name=CONFIG_NAME)
            )
        root.mkdir(parents=True, exist_ok=True)
        write_atomic(root / CONFIG_NAME, DEFAULT_CONFIG.format(code=gemeente, naam=naam or gemeente))
        ws = cls.open(root)
        ws.teksten.mkdir(exist_ok=True)
        ws.uitvoer.mkdir(exist_ok=True)
        return ws


def is_code(naam: str) -> bool:
    """Whether a workspace's ``naam`` is only a municipality code (GM0599), not a name."""
    return bool(GEMEENTE_CODE.match(naam.strip().upper()))


def _int(table: dict[str, Any], key: str, default: int, path: Path) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(
            _("{path}: {key} moet een geheel getal >= 0 zijn, niet {value!r}.").format(
                path=path, key=key, value=value
            )
        )
    return value


def _float(table: dict[str, Any], key: str, default: float, path: Path) -> float:
    value = table.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 1:
        raise ConfigError(
            _("{path}: {key} moet een getal tussen 0 en 1 zijn, niet {value!r}.").format(
                path=path, key=key, value=value
            )
        )
    return float(value)
