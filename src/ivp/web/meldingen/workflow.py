"""The status workflow as data: statuses, their public labels, and the allowed transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

GEMELD = "gemeld"
IN_BEHANDELING = "in_behandeling"
WACHT_OP_MELDER = "wacht_op_melder"
DOORGEZET = "doorgezet"
AFGEHANDELD = "afgehandeld"
AFGEWEZEN = "afgewezen"
HEROPEND = "heropend"

LABELS = {
    GEMELD: _("Gemeld"),
    IN_BEHANDELING: _("In behandeling"),
    WACHT_OP_MELDER: _("Wacht op informatie van de melder"),
    DOORGEZET: _("Doorgezet naar een partner"),
    AFGEHANDELD: _("Afgehandeld"),
    AFGEWEZEN: _("Niet in behandeling genomen"),
    HEROPEND: _("Heropend"),
}
STATUS_CHOICES = list(LABELS.items())

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    GEMELD: frozenset({IN_BEHANDELING, DOORGEZET, AFGEHANDELD, AFGEWEZEN}),
    IN_BEHANDELING: frozenset({WACHT_OP_MELDER, DOORGEZET, AFGEHANDELD, AFGEWEZEN}),
    WACHT_OP_MELDER: frozenset({IN_BEHANDELING, AFGEHANDELD}),
    DOORGEZET: frozenset({IN_BEHANDELING, AFGEHANDELD}),
    AFGEHANDELD: frozenset({HEROPEND}),
    AFGEWEZEN: frozenset({HEROPEND}),
    HEROPEND: frozenset({IN_BEHANDELING, AFGEHANDELD, AFGEWEZEN}),
}
CLOSED = frozenset({AFGEHANDELD, AFGEWEZEN})


def allowed(current: str) -> list[str]:
    """Statuses reachable from ``current``, in workflow order."""
    targets = ALLOWED_TRANSITIONS.get(current, frozenset())
    return [key for key in LABELS if key in targets]


def open311_status(status: str) -> str:
    """GeoReport v2 knows only open and closed."""
    return "closed" if status in CLOSED else "open"
