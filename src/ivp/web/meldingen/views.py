"""Public pages of the meldpunt: form, receipt, follow-up. No account needed; works without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ivp.web import errorpage
from ivp.web.meldingen import services
from ivp.web.meldingen.forms import AanvullingForm, MeldingForm, VolgcodeForm
from ivp.web.meldingen.models import Melding
from ivp.web.meldingen.ratelimit import client_ip, hit
from ivp.web.meldingen.regions import region_map

SESSION_RECEIPT = "meldpunt_ontvangen"
SESSION_FOLLOW = "meldpunt_volg"


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "meldingen/te_veel.html", status=429)


@require_http_methods(["GET", "POST"])
def melden(request: HttpRequest) -> HttpResponse:
    """The reporting form. On an error every value typed is shown again with a message per field.

    When the database cannot store the melding (read-only, down, locked too long) the form comes back with
    everything typed, a message that nothing was stored, status 503 and ``Retry-After``.
    """
    form = MeldingForm(request.POST or None)
    if request.method == "POST":
        if not hit("melden", client_ip(request), settings.RATE_FORM):
            return _too_many(request)
        try:
            stored = _store(request, form)
        except DatabaseError as exc:
            if not errorpage.is_database_outage(exc):
                raise
            errorpage.log_outage(request, exc)
            return _not_stored(request, form)
        if stored is not None:
            return stored
    return _form_page(request, form)


def _store(request: HttpRequest, form: MeldingForm) -> HttpResponse | None:
    """Store a valid melding and answer with the way to its receipt; None for an invalid form."""
    if not form.is_valid():
        return None
    if form.is_spam():
        # Bots get a receipt without a code; nothing is stored.
        return render(request, "meldingen/ontvangen.html", {"code": None})
    data = form.cleaned_data
    buurt = region_map().by_code(data.get("buurt") or "")
    _melding, code = services.create_melding(
        services.NewMelding(
            categorie=data["categorie"],
            tekst=data["tekst"],
            tijd_van=data.get("van"),
            tijd_tot=data.get("tot"),
            buurt_code=buurt.code if buurt else "",
            buurt_naam=buurt.naam if buurt else "",
            straat=data.get("straat") or "",
            lat=data.get("lat"),
            lon=data.get("lon"),
            naam=data.get("naam") or "",
            email=data.get("email") or "",
            telefoon=data.get("telefoon") or "",
        )
    )
    return _receipt_or_redirect(request, code)


def _receipt_or_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to the receipt with ``code`` in the session; the receipt itself if the session fails.

    The melding is stored by now, so its code may not be lost to a session that cannot be written (the
    database locked or read-only for a moment): the session is saved here, not after the view as usual,
    and when that fails this answer is the receipt (200, ``no-store``) and the session is left as it was.
    The session's own middleware saves it and sets the cookie, so the cookie is the one it would set; it
    then has nothing left to save on the way out. The code lives in a browser-session cookie's session
    from the start: the receipt page may never be loaded to take it out.
    """
    _public_session(request)
    request.session[SESSION_RECEIPT] = code
    response: HttpResponse = redirect("meldingen:ontvangen")
    try:
        response = SessionMiddleware(lambda _request: response).process_response(request, response)
    except (DatabaseError, UpdateError, SessionInterrupted) as exc:
        errorpage.log_outage(request, exc)
        request.session.pop(SESSION_RECEIPT, None)
        request.session.modified = False
        response = render(request, "meldingen/ontvangen.html", {"code": code})
        add_never_cache_headers(response)
        return response
    request.session.modified = False  # saved above
    return response


def _form_page(
    request: HttpRequest, form: MeldingForm, status: int | None = None, heading: str = ""
) -> HttpResponse:
    """The form; ``heading`` replaces "Controleer uw melding" above the errors when nothing is wrong with it."""
    paths = region_map().svg_paths()
    return render(
        request,
        "meldingen/melden.html",
        {"form": form, "map_paths": paths, "map": region_map(), "errors_heading": heading},
        status=status or (400 if form.errors else 200),
    )


def _not_stored(request: HttpRequest, form: MeldingForm) -> HttpResponse:
    """503: the form again with what was typed; if even the form cannot be drawn, the text to copy."""
    message = _(
        "Uw melding is niet opgeslagen door een storing. Uw tekst staat hieronder nog; probeer het over "
        "enkele minuten opnieuw of kopieer uw tekst."
    )
    response: HttpResponse
    try:
        form.add_error(None, message)
        # The categories are read from the database; the heading says the fault is ours, not the form's.
        response = _form_page(request, form, status=503, heading=_("Uw melding is niet verstuurd"))
    except DatabaseError as exc:
        if not errorpage.is_database_outage(exc):
            raise
        response = errorpage.text_kept_page(request, message, request.POST.get("tekst", ""))
    response["Retry-After"] = errorpage.RETRY_AFTER_SECONDS
    return response


def form_again(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The form again with everything ``request`` posted and ``message`` above it (e.g. a CSRF failure)."""
    form = MeldingForm(request.POST)
    form.is_valid()  # cleaned, so the values come back as typed and with their messages
    form.add_error(None, message)
    return _form_page(request, form, status=status)


@never_cache
def ontvangen(request: HttpRequest) -> HttpResponse:
    """The receipt with the follow-up code, shown once: the code leaves the session as it is shown.

    A reload (or the next person on a shared phone) gets a page that says the code was shown once and how
    to follow the melding with it. ``no-store`` keeps the page out of the browser's and any proxy's cache.
    """
    code = request.session.pop(SESSION_RECEIPT, None)
    return render(request, "meldingen/ontvangen.html", {"code": code, "al_getoond": not code})


def _public_session(request: HttpRequest) -> None:
    """Make a resident's session cookie last only until the browser closes (staff keep their 8 hours)."""
    if not request.user.is_authenticated:
        request.session.set_expiry(0)


def _following(request: HttpRequest) -> int | None:
    """The melding this browser follows, if the code was entered less than FOLLOWUP_MINUTES ago.

    The window slides with each use of the status page; after it the code has to be entered again.
    """
    state = request.session.get(SESSION_FOLLOW)
    if not isinstance(state, dict):
        return None
    now = timezone.now().timestamp()
    if now - float(state.get("op", 0)) > settings.FOLLOWUP_MINUTES * 60:
        request.session.pop(SESSION_FOLLOW, None)
        return None
    state["op"] = now
    request.session[SESSION_FOLLOW] = state
    return int(state["pk"])


@never_cache
@require_http_methods(["GET", "POST"])
def volgen(request: HttpRequest) -> HttpResponse:
    """Enter the follow-up code (POST only, so the code never appears in a URL or log)."""
    form = VolgcodeForm(request.POST or None)
    if request.method == "POST":
        if not hit("volgen", client_ip(request), settings.RATE_FOLLOWUP):
            return _too_many(request)
        if form.is_valid():
            melding = services.find_by_code(form.cleaned_data["code"])
            if melding is not None:
                _public_session(request)
                request.session[SESSION_FOLLOW] = {"pk": melding.pk, "op": timezone.now().timestamp()}
                return redirect("meldingen:status")
            form.add_error(
                "code", _("Deze volgcode kennen we niet. Controleer de code op uw ontvangstbevestiging.")
            )
    return render(request, "meldingen/volgen.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Status, the municipality's answers, and a form to add information (not on a closed melding)."""
    pk = _following(request)
    melding = (
        Melding.objects.select_related("categorie").filter(pk=pk, volgcode_hash__isnull=False).first()
        if pk
        else None
    )
    if melding is None:
        return redirect("meldingen:volgen")
    form = AanvullingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_information(melding.pk, form.cleaned_data["tekst"])
        except services.AdditionError as refused:
            form.add_error("tekst", str(refused))
        else:
            return redirect("meldingen:status")
    return render(
        request,
        "meldingen/status.html",
        {
            "melding": melding,
            "berichten": services.public_messages(melding),
            "historie": melding.historie.all(),
            "form": form,
            "afgesloten": services.is_closed(melding),
            "volg_minuten": settings.FOLLOWUP_MINUTES,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["POST"])
def stoppen(request: HttpRequest) -> HttpResponse:
    """Forget the follow-up code in this browser."""
    request.session.pop(SESSION_FOLLOW, None)
    return redirect("meldingen:volgen")
