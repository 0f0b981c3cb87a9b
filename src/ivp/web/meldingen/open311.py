"""Open311 GeoReport v2: services, requests (GET, POST) and one request, as json and xml.

Apps submit with an API key (``ivp open311 key create NAME``). Reads return no free text and no contact
details. The app that submitted a request sees it in full: time to the second, buurt, team, coordinates
rounded to about 100 m and ``status_notes`` (the answer). Everyone else (no key, or another app's key) gets
the public feed (issue 12; docs/web.md): only meldingen older than ``IVP_OPEN311_PUBLIC_DELAY_DAYS``, times
rounded to the Monday of their week, no buurt, address or team, the location as the centre of a grid cell
of about 1 km, and only when at least the disclosure threshold of meldingen (the statistics' ``onthul_drempel``,
5 by default) share its category, cell and week; any other melding is left out of a list and 404 on its own.
Public items carry a public id (``public_id``: 18 digits from a keyed hash of the pk), are ordered by week,
category, cell and that id, and ``start_date``/``end_date`` take whole weeks for them: neither the ids, the
order nor a bisection on dates tells more than the Monday (review of issue 12).

Bad input is a 400 in the Open311 error shape (``[{"code": 400, "description": "veld: ..."}]``), never a
500: a NUL character in any parameter, a date with an offset beyond ±14:00 or a year outside 1900..2100,
an unknown method (405 with ``Allow``). A service_request_id beyond the database's integer range cannot
exist, so it is treated as unknown: left out of a list, 404 on its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ivp.lib import cells
from ivp.web import errorpage
from ivp.web.meldingen import services, workflow
from ivp.web.meldingen.models import Category, Kanaal, Melding, Open311Client
from ivp.web.meldingen.ratelimit import client_ip, hit
from ivp.web.meldingen.regions import region_map

ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


PREFIX = "/open311/"
ID = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²", which int() refuses
MAX_ID = 2**63 - 1  # bigint, on SQLite and PostgreSQL; a larger id cannot exist
MAX_OFFSET = dt.timedelta(hours=14)  # the largest UTC offset in use (Kiribati); PostgreSQL stops at 15:59
YEARS = range(1900, 2101)  # also keeps the conversion to UTC inside datetime's range
MAX_LIST = 1000  # requests in one list
GRID_LAT = 0.01  # degrees: about 1.1 km
GRID_LON = 0.015  # degrees: about 1.0 km at 52 degrees north
PUBLIC_CACHE_KEY = "open311-public-feed"
PUBLIC_ID_LOW = 10**17  # public ids have 18 digits: no pk gets there, so the two are never confused
PUBLIC_ID_SPAN = 9 * 10**17
PUBLIC_CACHE_SECONDS = 300
EXTERN_LENGTH = 48  # Melding.extern_id holds "<app pk>:<device_id>" in 64 characters


class Open311Middleware:
    """Serve ``/open311/`` without the browser middleware that follows this one.

    Open311 clients are machines with an API key: no session, login, CSRF token, messages, two-factor or
    login lockout applies, and those middlewares cost about an eighth of a submission's CPU. Placed after
    SecurityMiddleware (security headers) and RequestIdMiddleware (request id in audit rows). Other paths,
    and paths under the prefix that are no Open311 view, pass through untouched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        match = _resolve(request.path_info)
        if match is None or match.func not in _VIEWS:
            return self.get_response(request)
        with translation.override(settings.LANGUAGE_CODE):
            try:
                response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            except DatabaseError as exc:  # the stack below is skipped, so DatabaseUnavailableMiddleware too
                if not errorpage.is_database_outage(exc):
                    raise
                errorpage.log_outage(request, exc)
                response = error_for_path(request.path_info, 503, errorpage.outage_message())
                response["Retry-After"] = errorpage.RETRY_AFTER_SECONDS
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not response.streaming and not response.has_header("Content-Length"):  # as CommonMiddleware
            response.headers["Content-Length"] = str(len(response.content))  # keep-alive without chunking
        return response


@functools.lru_cache(maxsize=512)
def _resolve(path: str) -> ResolverMatch | None:
    """The URL match of an Open311 path (the same few paths come in all the time), or None."""
    try:
        return resolve(path)
    except Resolver404:
        return None


def _render(fmt: str, kind: str, items: list[dict[str, Any]], status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(items, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    root_name, item_name = ROOTS[kind]
    root = ET.Element(root_name)
    for item in items:
        node = ET.SubElement(root, item_name)
        for key, value in item.items():
            ET.SubElement(node, key).text = (
                "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            )
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        root, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", [{"code": status, "description": description}], status)


def error_for_path(path: str, status: int, description: str) -> HttpResponse:
    """The Open311 error for any path under the prefix (``ivp.web.errors``): XML for ``.xml``, else JSON."""
    return _error("xml" if path.endswith(".xml") else "json", status, description)


View = Callable[..., HttpResponse]


def _methods(*allowed: str) -> Callable[[View], View]:
    """Allow these methods (405 in the Open311 error shape otherwise) and refuse NUL in any parameter.

    NUL is no text a person types, and PostgreSQL cannot store or compare it: a 400 naming the field.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fmt = kwargs.get("fmt", "json")
            if request.method not in allowed:
                response = _error(
                    fmt, 405, _("Methode %(method)s is hier niet toegestaan.") % {"method": request.method}
                )
                response["Allow"] = ", ".join(allowed)
                return response
            params = [request.GET, request.POST] if request.method == "POST" else [request.GET]
            for data in params:
                for name, values in data.lists():
                    if any("\x00" in value for value in values):
                        return _error(fmt, 400, _("%(field)s: bevat een NUL-teken.") % {"field": name})
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _client(request: HttpRequest) -> Open311Client | None:
    key = request.POST.get("api_key") or request.GET.get("api_key") or request.headers.get("X-Api-Key", "")
    return services.client_for_key(key)


def _limited(request: HttpRequest, client: Open311Client | None) -> bool:
    who = f"k{client.pk}" if client else f"ip{client_ip(request)}"
    return not hit("open311", who, settings.RATE_OPEN311)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _week(value: dt.datetime) -> dt.datetime:
    """Monday 00:00 (local time) of ``value``'s week: the precision of the public feed."""
    local = timezone.localtime(value)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()), local.tzinfo)


def _next_week(value: dt.datetime) -> dt.datetime:
    """Monday 00:00 (local time) of the week after ``value``'s (a day of 23 or 25 hours included)."""
    monday = timezone.localtime(_week(value)).date() + dt.timedelta(days=7)
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()), timezone.get_current_timezone())


def _cell(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """The centre of the grid cell (about 1.1 x 1.0 km) that holds the point, or None without a point."""
    if lat is None or lon is None:
        return None
    return (
        round((math.floor(lat / GRID_LAT) + 0.5) * GRID_LAT, 4),
        round((math.floor(lon / GRID_LON) + 0.5) * GRID_LON, 4),
    )


def _own(m: Melding, client: Open311Client | None) -> bool:
    return client is not None and m.client_id == client.pk


def _as_request(m: Melding, client: Open311Client | None, feed: PublicFeed) -> dict[str, Any]:
    """One request: in full for the app that submitted it, coarsened for everyone else (module doc)."""
    own = _own(m, client)
    notes = ""
    if own:
        last = m.berichten.filter(richting="gemeente").order_by("-op").first()
        notes = last.tekst if last else ""
        requested, updated = _iso(m.aangemaakt), _iso(m.gewijzigd)
        lat = round(m.lat, 3) if m.lat is not None else None
        lon = round(m.lon, 3) if m.lon is not None else None
    else:
        requested, updated = _iso(_week(m.aangemaakt)), _iso(_week(m.gewijzigd))
        lat, lon = _cell(m.lat, m.lon) or (None, None)
    return {
        "service_request_id": str(m.pk if own else feed.ids[m.pk]),
        "status": workflow.open311_status(m.status),
        "status_notes": notes or str(workflow.LABELS.get(m.status, m.status)),
        "service_name": m.categorie.naam,
        "service_code": m.categorie.slug,
        "description": None,
        "agency_responsible": (m.team.naam if m.team else None) if own else None,
        "service_notice": None,
        "requested_datetime": requested,
        "updated_datetime": updated,
        "expected_datetime": None,
        "address": (m.buurt_naam or None) if own else None,
        "address_id": (m.buurt_code or None) if own else None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": None,
    }


def public_id(pk: int) -> int:
    """The 18-digit id under which the public feed shows melding ``pk``: a keyed hash, not the pk.

    HMAC-SHA256 of the pk with ``SECRET_KEY`` (``salted_hmac``): nobody without the key can tell from two
    ids which melding came first, or recover the pk. Stable as long as the key is; a new key gives new ids.
    """
    digest = salted_hmac("ivp.open311.public-id", str(pk), algorithm="sha256").digest()
    return PUBLIC_ID_LOW + int.from_bytes(digest[:8], "big") % PUBLIC_ID_SPAN


@dataclass(frozen=True)
class PublicFeed:
    """The meldingen anyone may see, with their public ids both ways."""

    ids: dict[int, int]  # pk -> public id
    pks: dict[int, int]  # public id -> pk


def _public_feed() -> PublicFeed:
    """The meldingen anyone may see: older than the delay, in a group of at least the disclosure threshold.

    A group is what the public feed shows of a melding: category, grid cell and week. Counted over all
    meldingen past the delay (not over a filtered list), so no filter can narrow a group. Two public
    meldingen whose ids collide (a chance of about n^2 / 1.8e18) are both left out. Cached for a few
    minutes: the set only changes as meldingen pass the delay.
    """
    cached: PublicFeed | None = cache.get(PUBLIC_CACHE_KEY)
    if cached is not None:
        return cached
    from ivp.web.meldingen.api import disclosure_threshold

    cutoff = timezone.now() - dt.timedelta(days=settings.OPEN311_PUBLIC_DELAY_DAYS)
    rows = (
        Melding.objects.exclude(kanaal=Kanaal.IMPORT)
        .filter(aangemaakt__lte=cutoff)
        .values_list("pk", "categorie_id", "lat", "lon", "aangemaakt")
    )
    keys = {pk: (category, _cell(lat, lon), _week(when)) for pk, category, lat, lon, when in rows.iterator()}
    sizes = Counter(keys.values())
    threshold = disclosure_threshold()
    ids = {pk: public_id(pk) for pk, key in keys.items() if sizes[key] >= threshold}
    taken = Counter(ids.values())
    ids = {pk: pid for pk, pid in ids.items() if taken[pid] == 1}
    feed = PublicFeed(ids=ids, pks={pid: pk for pk, pid in ids.items()})
    cache.set(PUBLIC_CACHE_KEY, feed, PUBLIC_CACHE_SECONDS)
    return feed


def _visible(m: Melding, client: Open311Client | None, feed: PublicFeed) -> bool:
    return _own(m, client) or m.pk in feed.ids


SortKey = tuple[float, int, float, str, float, float, int]


def _order(m: Melding, client: Open311Client | None, feed: PublicFeed) -> SortKey:
    """Newest week first; in a week an app's own requests by time, then the public ones by category, cell
    and public id, so that their order says nothing about when within the week each was made."""
    week = -_week(m.aangemaakt).timestamp()
    if _own(m, client):
        return (week, 0, -m.aangemaakt.timestamp(), "", 0.0, 0.0, m.pk)
    lat, lon = _cell(m.lat, m.lon) or (math.inf, math.inf)
    return (week, 1, 0.0, m.categorie.slug, lat, lon, feed.ids[m.pk])


@_methods("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    items = [
        {
            "service_code": c.slug,
            "service_name": c.naam,
            "description": c.omschrijving or c.naam,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "veiligheid",
        }
        for c in Category.objects.filter(actief=True)
    ]
    return _render(fmt, "services", items)


def _moment(value: str) -> dt.datetime | None:
    """An ISO-8601 time with a real-world offset and a year in 1900..2100, or None."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET or moment.year not in YEARS:
        return None
    return moment


def _float(value: str | None, name: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    number = float(value)  # ValueError -> 400
    if not low <= number <= high:
        raise ValueError(name)
    return number


@csrf_exempt
@_methods("GET", "POST")
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    client = _client(request)
    if _limited(request, client):
        return _error(fmt, 429, _("Te veel verzoeken; probeer het later opnieuw."))
    rows = Melding.objects.select_related("categorie", "team").exclude(kanaal=Kanaal.IMPORT)
    feed = _public_feed()
    # The app's own requests are filtered on their exact time and by pk; the public ones by week and by
    # public id (module doc): a date bound lets a whole week in or out, so bisection finds only the Monday.
    own, public = Q(), Q()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        if not all(ID.fullmatch(i) for i in ids):
            return _error(fmt, 400, _("service_request_id: alleen nummers, gescheiden door komma's."))
        numbers = [n for n in map(int, ids) if n <= MAX_ID]  # larger: cannot exist
        own, public = Q(pk__in=numbers), Q(pk__in=[feed.pks[n] for n in numbers if n in feed.pks])
    else:
        if request.GET.get("service_code"):
            rows = rows.filter(categorie__slug__in=request.GET["service_code"].split(","))
        status = request.GET.get("status", "")
        if status == "open":
            rows = rows.exclude(status__in=workflow.CLOSED)
        elif status == "closed":
            rows = rows.filter(status__in=workflow.CLOSED)
        elif status:
            return _error(fmt, 400, _("status: gebruik open of closed."))
        for param in ("start_date", "end_date"):
            if request.GET.get(param):
                moment = _moment(request.GET[param])
                if moment is None:
                    return _error(
                        fmt,
                        400,
                        _("%(field)s: gebruik een ISO-8601 tijd met tijdzone tussen 1900 en 2100.")
                        % {"field": param},
                    )
                if param == "start_date":  # a week counts when any part of it is in the range
                    own &= Q(aangemaakt__gte=moment)
                    public &= Q(aangemaakt__gte=_week(moment))
                else:
                    own &= Q(aangemaakt__lte=moment)
                    public &= Q(aangemaakt__lt=_next_week(moment))
    cutoff = timezone.now() - dt.timedelta(days=settings.OPEN311_PUBLIC_DELAY_DAYS)
    public &= Q(aangemaakt__lte=cutoff)
    if client is not None:
        own &= Q(client=client)
        public &= ~Q(client=client)
    else:
        own = Q(pk__in=[])
    rows = rows.filter(own | public).order_by("-aangemaakt", "pk")
    chosen: list[tuple[SortKey, Melding]] = []
    for m in rows.iterator(chunk_size=2000):
        if len(chosen) >= MAX_LIST and _week(m.aangemaakt) < _week(chosen[MAX_LIST - 1][1].aangemaakt):
            break  # the list ends with a whole week, which is then ordered as any other week
        if _visible(m, client, feed):
            chosen.append((_order(m, client, feed), m))
    chosen.sort(key=lambda pair: pair[0])
    items = [_as_request(m, client, feed) for _key, m in chosen[:MAX_LIST]]
    return _render(fmt, "requests", items)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    if client is None:
        return _error(fmt, 403, _("api_key ontbreekt of is onbekend."))
    if _limited(request, client):
        return _error(fmt, 429, _("Te veel verzoeken; probeer het later opnieuw."))
    data = request.POST
    category = services.active_category(data.get("service_code", ""))
    if category is None:
        return _error(fmt, 400, _("service_code: onbekende dienst; zie services."))
    refused = _refused_text(data)
    if refused:
        return _error(fmt, 400, refused)
    try:
        lat = _float(data.get("lat"), "lat", -90, 90)
        lon = _float(data.get("long"), "long", -180, 180)
    except ValueError:
        return _error(fmt, 400, _("lat/long: geen geldige coördinaten."))
    address = (data.get("address_string") or "").strip()[:100]
    if (lat is None or lon is None) and not address:
        return _error(fmt, 400, _("lat en long, of address_string, zijn verplicht."))
    description = cells.normalise_newlines((data.get("description") or "").strip())
    if not description:
        return _error(fmt, 400, _("description: beschrijf wat er is gebeurd."))
    if len(description) > settings.MAX_TEXT_LENGTH:
        return _error(
            fmt, 400, _("description: hooguit %(limit)d tekens.") % {"limit": settings.MAX_TEXT_LENGTH}
        )
    extern = data.get("device_id") or data.get("external_id") or ""
    if len(extern) > EXTERN_LENGTH:
        return _error(fmt, 400, _("device_id: hooguit %(limit)d tekens.") % {"limit": EXTERN_LENGTH})
    buurt = region_map().locate(lat, lon) if lat is not None and lon is not None else None
    naam = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p).strip()[:100]
    try:
        melding, code = services.create_melding(
            services.NewMelding(
                categorie=category,
                tekst=description,
                buurt_code=buurt.code if buurt else "",
                buurt_naam=buurt.naam if buurt else "",
                straat=address,
                lat=lat if lat is not None and lon is not None else None,
                lon=lon if lat is not None and lon is not None else None,
                naam=naam,
                email=(data.get("email") or "")[:254],
                telefoon=(data.get("phone") or "")[:30],
                kanaal=Kanaal.OPEN311,
                client=client,
                extern_id=f"{client.pk}:{extern}" if extern else "",
            )
        )
    except IntegrityError:  # the same external id again: a retrying app
        return _error(fmt, 409, _("Deze melding (external_id) is al ontvangen."))
    notice = _("Bedankt. Volgcode voor de melder: %(code)s") % {"code": code}
    return _render(
        fmt,
        "requests",
        [
            {
                "service_request_id": str(melding.pk),
                "service_notice": notice,
                "account_id": None,
                "token": code,
            }
        ],
        201,
    )


TEXT_PARAMETERS = (
    "description", "address_string", "first_name", "last_name", "email", "phone", "device_id", "external_id",
)  # fmt: skip


def _refused_text(data: Any) -> str | None:
    """The Dutch message for the first text parameter with a control character (issue 12), else None."""
    for name in TEXT_PARAMETERS:
        message = cells.intake_error(name, data.get(name) or "")
        if message:
            return message
    return None


@_methods("GET")
def request_detail(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    client = _client(request)
    if _limited(request, client):
        return _error(fmt, 429, _("Te veel verzoeken; probeer het later opnieuw."))
    number = int(pk)
    feed = _public_feed()
    rows = Melding.objects.select_related("categorie", "team").exclude(kanaal=Kanaal.IMPORT)
    melding = None
    if client is not None and number <= MAX_ID:  # larger: cannot exist
        melding = rows.filter(pk=number, client=client).first()  # the app's own, by its pk
    if melding is None and number in feed.pks:  # anyone: a public melding by its public id
        melding = rows.filter(pk=feed.pks[number]).first()
    if melding is None or not _visible(melding, client, feed):  # not public: as if unknown
        return _error(fmt, 404, _("Onbekende service_request_id."))
    return _render(fmt, "requests", [_as_request(melding, client, feed)])


_VIEWS = frozenset({service_list, request_list, request_detail})
