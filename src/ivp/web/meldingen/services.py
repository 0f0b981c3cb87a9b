"""The one service for meldingen: every state change goes through here.

Each change runs in a transaction, locks the melding row (``select_for_update``), appends a history
row (history is never edited), writes its audit row in the same transaction, and sends
:data:`melding_changed` after commit. A new melding is one statement on PostgreSQL (``ivp.web.inserts``).
Views, forms, the admin, the APIs and the CLI call only this.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext

from ivp.lib.cells import strip_refused
from ivp.web.accounts import permissions
from ivp.web.accounts.services import hash_api_token, new_api_key
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.inserts import Linked, insert_linked
from ivp.web.meldingen import events, workflow
from ivp.web.meldingen.deid import deidentify
from ivp.web.meldingen.models import (
    Bericht,
    Category,
    Contact,
    Kanaal,
    Melding,
    Open311Client,
    Richting,
    RoutingRule,
    StatusWijziging,
)

# Sent after commit with ``melding_id`` and ``kind`` ("created", "status", "answer", "information").
melding_changed = Signal()

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud and type
CODE_LENGTH = 12


class TransitionError(ValueError):
    """The workflow does not allow this status change."""

    code = "status_niet_toegestaan"


_CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH
_CODE_LIMIT = (2**64 // _CODE_SPACE) * _CODE_SPACE  # below this, value % _CODE_SPACE is uniform


def new_followup_code() -> str:
    """A random follow-up code, shown grouped as XXXX-XXXX-XXXX (about 59 bits).

    One 64-bit draw from the OS generator, redrawn when it falls in the biased top part (about 1 in 56),
    then written in base 31: uniform like twelve ``secrets.choice`` calls, at about a quarter of the cost.
    """
    value = secrets.randbits(64)
    while value >= _CODE_LIMIT:
        value = secrets.randbits(64)
    value %= _CODE_SPACE
    base = len(CODE_ALPHABET)
    chars = []
    for _ in range(CODE_LENGTH):
        value, digit = divmod(value, base)
        chars.append(CODE_ALPHABET[digit])
    return f"{''.join(chars[0:4])}-{''.join(chars[4:8])}-{''.join(chars[8:12])}"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """Keyed hash of a code: a database leak does not reveal working codes."""
    return hmac.digest(settings.SECRET_KEY.encode(), normalise_code(code).encode(), "sha256").hex()


def hash_api_key(key: str) -> str:
    """SHA-256 of an Open311 app key, the same hash as staff API tokens (``accounts.services``).

    Keys are 256-bit random (``accounts.services.new_api_key``), so a fast hash is safe: a slow password hash protects
    low-entropy passwords and would only cost time on every request. The lookup is by the hash.
    """
    return hash_api_token(key)


# Per-process cache of configuration read on every submission (API keys, categories, routing rules).
# Saving or deleting one of those models clears the cache of this process at once (after commit); other
# processes (gunicorn workers) see the change within CONFIG_CACHE_SECONDS.
CONFIG_CACHE_SECONDS = 5.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_caches: list[ConfigCache[Any, Any]] = []
_dirty = threading.local()  # the outermost atomic block in which this thread changed configuration


def _config_changed(**_kwargs: Any) -> None:
    """A configuration row changed: clear now, bypass the cache until commit, and clear again then.

    Until the change is committed this thread bypasses the caches (it must see its own change; a rollback
    must not leave the uncommitted change cached); other threads cannot see the change yet.
    """
    clear_config_caches()
    blocks = connection.atomic_blocks
    if blocks:
        _dirty.block = blocks[0]
        transaction.on_commit(clear_config_caches)


def clear_config_caches(**_kwargs: Any) -> None:
    _dirty.block = None
    for cache in _caches:
        cache.clear()


def _bypass() -> bool:
    block = getattr(_dirty, "block", None)
    if block is None:
        return False
    blocks = connection.atomic_blocks
    if blocks and blocks[0] is block:
        return True
    clear_config_caches()  # that transaction ended (a commit already cleared; a rollback did not)
    return False


class ConfigCache(Generic[K, V]):
    """A small thread-safe TTL cache for configuration rows; misses (None) are not cached."""

    def __init__(self, seconds: float = CONFIG_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._items: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: K, load: Callable[[], V | None]) -> V | None:
        if _bypass():
            return load()
        now = time.monotonic()
        item = self._items.get(key)
        if item is not None and item[0] > now:
            return item[1]
        value = load()
        if value is not None:
            with self._lock:
                self._items[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


for _model in (Category, RoutingRule, Open311Client):
    post_save.connect(_config_changed, sender=_model, dispatch_uid=f"ivp-config-save-{_model.__name__}")
    post_delete.connect(_config_changed, sender=_model, dispatch_uid=f"ivp-config-del-{_model.__name__}")
post_migrate.connect(clear_config_caches, dispatch_uid="ivp-config-migrate")  # also sent after flush

_rules: ConfigCache[str, tuple[RoutingRule, ...]] = ConfigCache()
_clients: ConfigCache[str, Open311Client] = ConfigCache()
_categories: ConfigCache[str, Category] = ConfigCache()


def route(categorie_id: int, buurt_code: str) -> int | None:
    """Team id of the first routing rule that matches, or None."""
    for rule in _rules.get("all", lambda: tuple(RoutingRule.objects.all())) or ():
        if rule.matches(categorie_id, buurt_code):
            return rule.team_id
    return None


def active_category(slug: str) -> Category | None:
    """The active category with this code (cached per process, see CONFIG_CACHE_SECONDS)."""
    if not slug:
        return None
    return _categories.get(slug, lambda: Category.objects.filter(slug=slug, actief=True).first())


# The workflow as data, for other apps' forms and pages (they use meldingen only through this module and
# ``permissions``, ADR 0008).
STATUS_LABELS = workflow.LABELS
STATUS_CHOICES = workflow.STATUS_CHOICES
allowed_statuses = workflow.allowed


def categories() -> QuerySet[Category]:
    """Every category, in the order of the form (a lazy queryset, for choice fields)."""
    return Category.objects.all()


def buurten() -> list[tuple[str, str]]:
    """``(code, name)`` of every buurt of the region map, for choice lists."""
    from ivp.web.meldingen.regions import region_map

    return [(b.code, b.naam) for b in region_map().buurten]


@dataclass(frozen=True)
class NewMelding:
    """What a resident, app or import supplies."""

    categorie: Category
    tekst: str
    tijd_van: dt.datetime | None = None
    tijd_tot: dt.datetime | None = None
    buurt_code: str = ""
    buurt_naam: str = ""
    straat: str = ""
    lat: float | None = None
    lon: float | None = None
    naam: str = ""
    email: str = ""
    telefoon: str = ""
    kanaal: str = Kanaal.WEB
    client: Open311Client | None = None
    extern_id: str = ""
    aangemaakt: dt.datetime | None = None


_TEXT_FIELDS = ("tekst", "buurt_code", "buurt_naam", "straat", "naam", "email", "telefoon", "extern_id")


def create_melding(data: NewMelding, actor: Any = None) -> tuple[Melding, str]:
    """Store a new melding; return it and its follow-up code (shown once, stored hashed).

    The melding, its first history row, the contact details (if any) and the audit row are inserted
    together: one statement on PostgreSQL (see ``ivp.web.inserts``), one transaction elsewhere.
    """
    # Defence in depth: every way in refuses control characters (issue 12); none is ever stored.
    texts: dict[str, Any] = {name: strip_refused(getattr(data, name)) for name in _TEXT_FIELDS}
    data = replace(data, **texts)
    code = new_followup_code()
    melding = Melding(
        categorie=data.categorie,
        tekst=data.tekst,
        tijd_van=data.tijd_van,
        tijd_tot=data.tijd_tot or data.tijd_van,
        buurt_code=data.buurt_code,
        buurt_naam=data.buurt_naam,
        straat=data.straat,
        lat=data.lat,
        lon=data.lon,
        volgcode_hash=hash_code(code),
        team_id=route(data.categorie.pk, data.buurt_code),
        kanaal=data.kanaal,
        client=data.client,
        extern_id=data.extern_id,
        aangemaakt=data.aangemaakt or timezone.now(),
    )
    contact = bool(data.naam or data.email or data.telefoon)
    rows = [Linked(StatusWijziging(van="", naar=workflow.GEMELD, op=melding.aangemaakt), "melding_id")]
    if contact:
        rows.append(Linked(Contact(naam=data.naam, email=data.email, telefoon=data.telefoon), "melding_id"))
    event = audit.event(
        actor if actor is not None else (data.client.naam if data.client else "melder"),
        Action.CREATE,
        "melding",
        after={
            "categorie": data.categorie.slug,
            "buurt": data.buurt_code,
            "kanaal": data.kanaal,
            "contact": contact,
        },
    )
    rows.append(Linked(event, "object_id", as_text=True))
    insert_linked(melding, rows)
    _after_commit(melding.pk, "created")
    return melding, code


def _after_commit(melding_id: int, kind: str) -> None:
    transaction.on_commit(
        lambda: melding_changed.send(sender=Melding, melding_id=melding_id, kind=kind), robust=True
    )


def change_status(melding_id: int, to: str, actor: Any, toelichting: str = "") -> Melding:
    """Move a melding along the workflow; raise TransitionError when the table forbids it."""
    with transaction.atomic():
        melding = Melding.objects.select_for_update().get(pk=melding_id)
        if not permissions.can_edit(actor, melding):
            raise PermissionDenied
        if to not in workflow.ALLOWED_TRANSITIONS.get(melding.status, frozenset()):
            raise TransitionError(f"{melding.status} -> {to}")
        before = melding.status
        melding.status = to
        now = timezone.now()
        if to in workflow.CLOSED:
            melding.afgehandeld_op = now
        elif before in workflow.CLOSED:
            melding.afgehandeld_op = None
        if melding.behandelaar_id is None:
            melding.behandelaar = actor
        melding.save(update_fields=["status", "afgehandeld_op", "behandelaar", "gewijzigd"])
        StatusWijziging.objects.create(
            melding=melding, van=before, naar=to, door=actor, toelichting=strip_refused(toelichting), op=now
        )
        audit.record(
            actor, Action.UPDATE, "melding", melding.pk, before={"status": before}, after={"status": to}
        )
        _after_commit(melding.pk, "status")
    return melding


def answer(melding_id: int, actor: Any, tekst: str) -> Bericht:
    """The municipality's answer; the reporter reads it with the follow-up code."""
    with transaction.atomic():
        melding = Melding.objects.select_for_update().get(pk=melding_id)
        if not permissions.can_edit(actor, melding):
            raise PermissionDenied
        bericht = Bericht.objects.create(
            melding=melding, richting=Richting.GEMEENTE, tekst=strip_refused(tekst), door=actor
        )
        audit.record(
            actor, Action.CREATE, "bericht", bericht.pk, after={"melding": melding.pk, "richting": "gemeente"}
        )
        _after_commit(melding.pk, "answer")
    return bericht


def filter_meldingen(
    rows: Any,
    *,
    categorie: Category | str | None = None,
    status: str | None = None,
    buurt: str | None = None,
    van: dt.date | None = None,
    tot: dt.date | None = None,
) -> Any:
    """Narrow a queryset of meldingen by the triage filters (staff list, exports and the REST API).

    ``categorie`` is a :class:`Category` or its slug; ``van``/``tot`` are inclusive report dates.
    """
    if categorie:
        rows = (
            rows.filter(categorie__slug=categorie)
            if isinstance(categorie, str)
            else rows.filter(categorie=categorie)
        )
    if status:
        rows = rows.filter(status=status)
    if buurt:
        rows = rows.filter(buurt_code=buurt)
    if van:
        rows = rows.filter(aangemaakt__date__gte=van)
    if tot:
        rows = rows.filter(aangemaakt__date__lte=tot)
    return rows


def find_by_code(code: str) -> Melding | None:
    """The melding with this follow-up code, or None."""
    if len(normalise_code(code)) != CODE_LENGTH:
        return None
    return Melding.objects.select_related("categorie").filter(volgcode_hash=hash_code(code)).first()


class AdditionError(ValueError):
    """The reporter may not add information now; the message (Dutch) says why and what to do instead."""


def is_closed(melding: Melding) -> bool:
    """Closed meldingen take no more additions: the reporter makes a new melding."""
    return melding.status in workflow.CLOSED


def add_information(melding_id: int, tekst: str) -> Bericht:
    """Information the reporter adds through the follow-up page.

    Refused (:class:`AdditionError`) on a closed melding, past ``ADDITIONS_MAX`` additions in all, or
    past ``ADDITIONS_RATE`` (count per seconds) for this melding. The counts come from the messages
    themselves under the row lock, so they hold across processes and restarts.
    """
    with transaction.atomic():
        melding = Melding.objects.select_for_update().get(pk=melding_id)
        if is_closed(melding):
            raise AdditionError(gettext("Deze melding is afgesloten; doe een nieuwe melding."))
        own = Bericht.objects.filter(melding=melding, richting=Richting.MELDER)
        if own.count() >= settings.ADDITIONS_MAX:
            raise AdditionError(
                gettext(
                    "U heeft het grootste aantal aanvullingen op deze melding gestuurd. "
                    "Heeft u nieuwe informatie? Doe dan een nieuwe melding."
                )
            )
        count, seconds = settings.ADDITIONS_RATE
        if own.filter(op__gt=timezone.now() - dt.timedelta(seconds=seconds)).count() >= count:
            raise AdditionError(
                gettext(
                    "U heeft kort na elkaar veel aanvullingen gestuurd. Probeer het later opnieuw; "
                    "bij spoed: bel 112."
                )
            )
        bericht = Bericht.objects.create(
            melding=melding, richting=Richting.MELDER, tekst=strip_refused(tekst)
        )
        audit.record(
            "melder",
            Action.CREATE,
            "bericht",
            bericht.pk,
            after={"melding": melding.pk, "richting": "melder"},
        )
        _after_commit(melding.pk, "information")
    return bericht


def with_addition_times(rows: QuerySet[Melding]) -> QuerySet[Melding]:
    """Annotate the time of the reporter's last addition and of the team's last answer or status change.

    :func:`has_new_addition` reads them: staff see "nieuwe aanvulling" until they answer or move the status.
    """
    own = Bericht.objects.filter(melding=OuterRef("pk"), richting=Richting.MELDER).order_by("-op")
    answer = Bericht.objects.filter(melding=OuterRef("pk"), richting=Richting.GEMEENTE).order_by("-op")
    step = StatusWijziging.objects.filter(melding=OuterRef("pk"), door__isnull=False).order_by("-op")
    return rows.annotate(
        laatste_aanvulling=Subquery(own.values("op")[:1]),
        laatste_antwoord=Subquery(answer.values("op")[:1]),
        laatste_stap=Subquery(step.values("op")[:1]),
    )


def has_new_addition(melding: Melding) -> bool:
    """True when the reporter added information after the team's last answer or status change."""
    if not hasattr(melding, "laatste_aanvulling"):
        melding = with_addition_times(Melding.objects.filter(pk=melding.pk)).get()
    added = getattr(melding, "laatste_aanvulling", None)
    if added is None:
        return False
    seen = [
        t for t in (getattr(melding, "laatste_antwoord", None), getattr(melding, "laatste_stap", None)) if t
    ]
    return not seen or added > max(seen)


def public_messages(melding: Melding) -> list[Bericht]:
    """Messages the reporter sees on the follow-up page (their own and the answers)."""
    return list(melding.berichten.all())


def deidentified_text(melding: Melding) -> str:
    """The de-identified free text, computed on first need and kept (the original stays separate)."""
    if melding.tekst_deid is None:
        melding.tekst_deid = deidentify(melding.tekst)
        Melding.objects.filter(pk=melding.pk).update(tekst_deid=melding.tekst_deid)
    return melding.tekst_deid


def deidentified_messages(melding: Melding) -> list[tuple[Bericht, str]]:
    out = []
    for bericht in melding.berichten.all():
        if bericht.tekst_deid is None:
            bericht.tekst_deid = deidentify(bericht.tekst)
            Bericht.objects.filter(pk=bericht.pk).update(tekst_deid=bericht.tekst_deid)
        out.append((bericht, bericht.tekst_deid))
    return out


def record_view(actor: Any, melding: Melding, *, what: str = "detail") -> None:
    """Audit a staff read of a melding (de-identified)."""
    audit.record(actor, Action.VIEW, "melding", melding.pk, detail=what)


@dataclass(frozen=True)
class Original:
    tekst: str
    berichten: list[Bericht]
    contact: Contact | None


def read_original(actor: Any, melding: Melding) -> Original:
    """The original text, messages and contact details, for a role that may; every read audited."""
    if not permissions.can_view_original(actor, melding):
        raise PermissionDenied
    contact = Contact.objects.filter(melding=melding).first()
    audit.record(actor, Action.VIEW_ORIGINAL, "melding", melding.pk, detail="origineel en contactgegevens")
    return Original(melding.tekst, list(melding.berichten.all()), contact)


# Meldingen as events for the hot-time and hot-place analysis (the staff area page, the CLI, the wijkscan):
# no text, street or contact details; see ``ivp.web.meldingen.events``.
EVENT_COLUMNS = events.EVENT_COLUMNS
events_for_analysis = events.events_for_analysis


def record_export(actor: Any, fmt: str, count: int, filters: dict[str, str]) -> None:
    audit.record(
        actor, Action.EXPORT, "melding", "", after={"formaat": fmt, "aantal": count, "filters": filters}
    )


def erase_personal_data(now: dt.datetime | None = None) -> int:
    """Erase free text, messages and contact details of meldingen closed longer than the retention period.

    The melding keeps category, period, buurt and status, so aggregated statistics stay possible.
    Returns the number of meldingen erased.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    ids = list(
        Melding.objects.filter(afgehandeld_op__lt=cutoff, gewist_op__isnull=True).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        with transaction.atomic():
            Contact.objects.filter(melding_id__in=chunk).delete()
            Bericht.objects.filter(melding_id__in=chunk).update(tekst="", tekst_deid="")
            Melding.objects.filter(pk__in=chunk).update(
                tekst="", tekst_deid="", straat="", lat=None, lon=None, volgcode_hash=None, gewist_op=now
            )
            for pk in chunk:
                audit.record("bewaartermijn", Action.DELETE, "melding", pk, detail="persoonsgegevens gewist")
    return len(ids)


def create_open311_client(naam: str) -> tuple[Open311Client, str]:
    """Register an app; return it and its API key (shown once, stored hashed), drawn as staff API keys."""
    key = new_api_key()
    with transaction.atomic():
        client = Open311Client.objects.create(naam=naam, key_prefix=key[:8], key_hash=hash_api_key(key))
        audit.record("beheer", Action.CREATE, "open311client", client.pk, after={"naam": naam})
    return client, key


def client_for_key(key: str) -> Open311Client | None:
    """The active app with this API key (cached per process, see CONFIG_CACHE_SECONDS), or None."""
    if not key:
        return None
    digest = hash_api_key(key)
    return _clients.get(digest, lambda: Open311Client.objects.filter(key_hash=digest, actief=True).first())
