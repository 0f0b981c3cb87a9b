"""The register as a spreadsheet: one sheet ``interventies``, one row per intervention-period.

Row 1 holds the column names (:data:`COLUMNS`, any order). Rows with the same ``id`` are that
intervention's periods (``start``, ``eind``); their other columns must agree. A problem names the file,
the sheet row and the cell (``soort (interventies!C3)``); all are raised together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path
from typing import Any, NoReturn

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ivp.interventions.check import Checker
from ivp.interventions.errors import InterventionError, InterventionFileError
from ivp.interventions.model import Intervention
from ivp.interventions.nodes import Node
from ivp.lib.i18n import _

SHEET = "interventies"
COLUMNS = (
    "id",
    "naam",
    "soort",
    "buurten",
    "polygoon",
    "punt_lon",
    "punt_lat",
    "straal_m",
    "start",
    "eind",
    "doelen",
    "besluit",
    "verantwoordelijke",
    "verwacht_effect",
    "buffer_m",
    "vergelijking",
    "toelichting",
)
REQUIRED_COLUMNS = ("id", "naam", "soort", "start", "doelen")
#: Columns that belong to one period; the others describe the intervention and must agree over its rows.
PERIOD_COLUMNS = ("start", "eind")
_LISTS = ("buurten", "doelen")
_DIRECT = (
    "id",
    "naam",
    "soort",
    "besluit",
    "verantwoordelijke",
    "verwacht_effect",
    "buffer_m",
    "vergelijking",
    "toelichting",
)


class _Row:
    def __init__(self, number: int, cells: dict[str, Any], letters: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.letters = letters

    def node(self, column: str, value: Any = None, *, key: str = "") -> Node:
        raw = self.cells.get(column) if value is None else value
        if isinstance(raw, str):
            raw = raw.strip() or None
        field = f"{column} ({SHEET}!{self.letters.get(column, '?')}{self.number})"
        return Node(raw, self.number, field, key=key or column)

    def split(self, column: str) -> Node:
        base = self.node(column)
        if base.value is None:
            return base
        parts = [p.strip() for p in str(base.scalar_text).replace(";", ",").split(",")]
        base.value = [Node(p, self.number, base.field, key=column) for p in parts if p]
        return base

    def item(self, periods: list[_Row]) -> Node:
        fields: dict[str, Node] = {c: self.node(c) for c in _DIRECT}
        area: dict[str, Node] = {}
        if self.cells.get("buurten") not in (None, ""):
            area["buurten"] = self.split("buurten")
        if self.cells.get("polygoon") not in (None, ""):
            area["polygoon"] = self.node("polygoon")
        lon, lat = self.cells.get("punt_lon"), self.cells.get("punt_lat")
        if lon not in (None, "") or lat not in (None, ""):
            point = self.node("punt_lon", key="punt")
            point.value = [self.node("punt_lon"), self.node("punt_lat")]
            area["punt"] = point
        if self.cells.get("straal_m") not in (None, ""):
            area["straal_m"] = self.node("straal_m")
        fields["gebied"] = Node(
            area or None, self.number, f"gebied ({SHEET}, rij {self.number})", key="gebied"
        )
        fields["perioden"] = Node(
            [Node({c: r.node(c) for c in PERIOD_COLUMNS}, r.number, r.node("start").field) for r in periods],
            self.number,
            self.node("start").field,
            key="perioden",
        )
        fields["doelen"] = self.split("doelen")
        return Node(fields, self.number, f"{SHEET}, rij {self.number}")


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def load_xlsx(
    path: Path, known_buurten: Collection[str] | None = None, known_targets: Collection[str] | None = None
) -> tuple[Intervention, ...]:
    """Read and check the register in the workbook at ``path`` (sheet ``interventies``)."""
    file = str(path)
    checker = Checker(file, known_buurten, known_targets)

    def fail(
        code: str, message: str, hint: str, line: int | None = None, field: str | None = None
    ) -> NoReturn:
        error = InterventionError(
            f"interventie.{code}", message, file=file, field=field, hint=hint, line=line
        )
        raise InterventionFileError([error], file)

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, KeyError, ValueError) as exc:
        fail(
            "unreadable",
            _("kan de werkmap niet lezen: {error}").format(error=exc),
            _("sla het bestand op als .xlsx."),
        )
    try:
        if SHEET not in book.sheetnames:
            fail(
                "schema",
                _("de werkmap heeft geen blad '{sheet}' (wel: {names}).").format(
                    sheet=SHEET, names=", ".join(book.sheetnames)
                ),
                _("noem het blad met de interventies '{sheet}'.").format(sheet=SHEET),
            )
        rows = [tuple(_cell(v) for v in row) for row in book[SHEET].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        return ()
    header = [str(v).strip().lower() if v is not None else "" for v in rows[0]]
    letters: dict[str, str] = {}
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        letter = get_column_letter(index + 1)
        if not name:
            continue
        node = Node(name, 1, f"{name} ({SHEET}!{letter}1)", key=name)
        if name not in COLUMNS:
            checker.unknown_keys({name: node}, COLUMNS)
        elif name in letters:
            checker.problem(
                "duplicate_key",
                _("kolom '{name}' staat twee keer in de kop.").format(name=name),
                node,
                _("verwijder een van de twee kolommen."),
            )
        else:
            letters[name] = letter
            columns[index] = name
    for name in REQUIRED_COLUMNS:
        if name not in letters:
            checker.problem(
                "missing",
                _("kolom '{name}' ontbreekt.").format(name=name),
                Node(None, 1, f"kop ({SHEET}, rij 1)"),
                _("zet de kolomnamen in rij 1: {names}.").format(names=", ".join(COLUMNS)),
            )
    if checker.problems:
        raise InterventionFileError(checker.problems, file)
    groups: dict[str, list[_Row]] = {}
    anonymous: list[_Row] = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {columns[i]: v for i, v in enumerate(values) if i in columns}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        row = _Row(number, cells, letters)
        ident = str(cells.get("id") or "").strip()
        if ident:
            groups.setdefault(ident, []).append(row)
        else:
            anonymous.append(row)
    nodes = [row.item([row]) for row in anonymous]
    for group in groups.values():
        first = group[0]
        for later in group[1:]:
            for column in COLUMNS:
                if column in PERIOD_COLUMNS or column not in letters:
                    continue
                a, b = first.node(column).value, later.node(column).value
                if a != b:
                    checker.problem(
                        "inconsistent_rows",
                        _("'{column}' wijkt af van rij {first} van dezelfde interventie.").format(
                            column=column, first=first.number
                        ),
                        later.node(column),
                        _(
                            "rijen met hetzelfde id zijn perioden van één interventie: maak de andere kolommen gelijk."
                        ),
                    )
        nodes.append(first.item(group))
    items = checker.items(sorted(nodes, key=lambda n: n.line or 0))
    if checker.problems:
        raise InterventionFileError(sorted(checker.problems, key=lambda p: p.line or 0), file)
    return items
