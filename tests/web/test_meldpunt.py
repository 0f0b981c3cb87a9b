"""The public form, receipt and follow-up: without JavaScript, Dutch errors, nothing typed lost, abuse limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import services, workflow
from ivp.web.meldingen.models import Category, Contact, Melding

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    data = {
        "categorie": str(Category.objects.get(slug="straatintimidatie").pk),
        "tijd_soort": "periode",
        "van": "2025-05-21T22:00",
        "tot": "2025-05-21T23:30",
        "buurt": "BU05050101",
        "straat": "Voorstraat",
        "tekst": "Een groep jongens riep mij na.",
        "naam": "",
        "email": "",
        "telefoon": "",
        "website": "",
    }
    data.update(extra)
    return data


def _submit(client: Client, **extra: str) -> tuple[Any, str]:
    response = client.post("/", _form(**extra), follow=True)
    match = re.search(r'id="volgcode">([A-Z0-9-]+)<', response.content.decode())
    return response, match.group(1) if match else ""


def test_form_page_lists_categories_and_buurten(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<html lang="nl">' in page
    for naam in (
        "Straatintimidatie",
        "Overlast door persoon met onbegrepen gedrag",
        "Vermoeden van ondermijning",
    ):
        assert naam in page
    assert "Groenmarkt en omgeving" in page
    assert 'name="buurt"' in page
    assert "<svg" in page
    assert "<path" in page
    assert "csrfmiddlewaretoken" in page


def test_anonymous_submission_gives_receipt_with_code(client: Client) -> None:
    response, code = _submit(client)
    assert response.status_code == 200
    assert code
    melding = Melding.objects.get()
    assert services.find_by_code(code) == melding
    assert (melding.buurt_code, melding.buurt_naam, melding.straat) == (
        "BU05050101",
        "Groenmarkt en omgeving",
        "Voorstraat",
    )
    assert melding.tijd_van is not None
    assert melding.tijd_tot is not None
    assert melding.tijd_tot > melding.tijd_van
    assert not Contact.objects.exists()


def test_moment_sets_from_equal_to(client: Client) -> None:
    _submit(client, tijd_soort="moment", tot="")
    melding = Melding.objects.get()
    assert melding.tijd_van == melding.tijd_tot


def test_map_click_point_sets_buurt(client: Client) -> None:
    from ivp.web.meldingen.regions import region_map

    buurt = region_map().by_code("BU05050101")
    assert buurt is not None
    point = buurt.geometry.representative_point()
    _submit(client, buurt="", straat="", lat=str(point.y), lon=str(point.x))
    assert Melding.objects.get().buurt_code == "BU05050101"


def test_validation_errors_are_dutch_per_field_and_keep_input(client: Client) -> None:
    response = client.post(
        "/", _form(categorie="", tekst="", email="geen-adres", van="gisteren", straat="Kerkplein", naam="Jan")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Kies waar uw melding over gaat." in page
    assert "Beschrijf wat er is gebeurd." in page
    assert "Vul een geldig e-mailadres in" in page
    assert "Vul een datum en tijd in" in page
    assert 'value="Kerkplein"' in page
    assert 'value="Jan"' in page
    assert 'value="geen-adres"' in page
    assert not Melding.objects.exists()


def test_period_end_before_begin_and_future(client: Client) -> None:
    page = client.post("/", _form(tot="2025-05-21T21:00")).content.decode()
    assert "Het einde ligt vóór het begin." in page
    page = client.post("/", _form(tijd_soort="moment", van="2999-01-01T10:00")).content.decode()
    assert "Dit tijdstip ligt in de toekomst." in page
    assert not Melding.objects.exists()


def test_place_is_required_in_some_form(client: Client) -> None:
    page = client.post("/", _form(buurt="", straat="")).content.decode()
    assert "Kies een buurt, klik op de kaart of vul een straat in." in page


def test_text_too_long_is_refused_but_kept(client: Client, settings: Any) -> None:
    settings.MAX_TEXT_LENGTH = 100
    response = client.post("/", _form(tekst="x" * 150))
    assert response.status_code == 400
    assert "Uw tekst is te lang" in response.content.decode()
    assert "x" * 150 in response.content.decode()


def test_request_size_limit(client: Client) -> None:
    response = client.post("/", _form(tekst="x" * 70_000))
    assert response.status_code == 413  # ivp.web.errors.bad_request: RequestDataTooBig
    assert not Melding.objects.exists()


def test_honeypot_stores_nothing(client: Client) -> None:
    response, code = _submit(client, website="http://spam.example")
    assert response.status_code == 200
    assert code == ""
    assert not Melding.objects.exists()


def test_rate_limit_per_ip(client: Client, settings: Any) -> None:
    settings.RATE_FORM = (2, 3600)
    assert _submit(client)[1]
    assert _submit(client)[1]
    response = client.post("/", _form())
    assert response.status_code == 429
    assert "Probeer het over een tijdje opnieuw" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _submit(other)[1]


def test_csrf_is_enforced() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/", _form())
    assert response.status_code == 403
    assert not Melding.objects.exists()


def test_contact_details_go_to_the_separate_table(client: Client) -> None:
    _submit(client, naam="Fatima", email="fatima@example.nl", telefoon="06 1234 5678")
    contact = Contact.objects.get()
    assert (contact.naam, contact.email, contact.telefoon) == ("Fatima", "fatima@example.nl", "06 1234 5678")
    assert "Fatima" not in Melding.objects.get().tekst


def test_follow_up_shows_status_answer_and_takes_information(client: Client, actors: dict[str, Any]) -> None:
    _response, code = _submit(client)
    melding = Melding.objects.exclude(pk=actors["melding"].pk).get()
    melding.team = actors["team_a"]
    melding.save()
    services.change_status(melding.pk, workflow.IN_BEHANDELING, actors["member"])
    services.answer(melding.pk, actors["member"], "Wij sturen vanavond handhaving langs.")
    reporter = Client()
    response = reporter.post("/volgen/", {"code": code.lower()}, follow=True)
    page = response.content.decode()
    assert "In behandeling" in page
    assert "Wij sturen vanavond handhaving langs." in page
    assert code not in response.redirect_chain[-1][0]
    reporter.post("/volgen/melding/", {"tekst": "Het waren er vijf."})
    assert melding.berichten.filter(richting="melder", tekst="Het waren er vijf.").exists()
    assert AuditEvent.objects.filter(object_type="bericht", actor_name="melder").exists()


def test_follow_up_unknown_code_and_rate_limit(client: Client, settings: Any) -> None:
    settings.RATE_FOLLOWUP = (3, 3600)
    for _ in range(3):
        response = client.post("/volgen/", {"code": "ABCD-EFGH-JKMN"})
        assert response.status_code == 400
        assert "Deze volgcode kennen we niet" in response.content.decode()
    assert client.post("/volgen/", {"code": "ABCD-EFGH-JKMN"}).status_code == 429


def test_status_page_without_code_redirects(client: Client) -> None:
    response = client.get("/volgen/melding/")
    assert response.status_code == 302
    assert response["Location"] == "/volgen/"


@pytest.mark.parametrize(
    "field",
    [
        "categorie",
        "tijd_soort",
        "buurt",
        "straat",
        "lat",
        "lon",
        "tekst",
        "naam",
        "email",
        "telefoon",
    ],
)
def test_nul_character_is_a_field_error_not_a_server_error(client: Client, field: str) -> None:
    # PostgreSQL cannot store or compare NUL; Django's form fields refuse it (ProhibitNullCharactersValidator).
    value = {"lat": "51.8", "lon": "4.6"}.get(field) or _form()[field] or "x"
    value += "\x00"
    response = client.post("/", _form(**{field: value}))
    assert response.status_code == 400
    assert response.context["form"].has_error(field)
    assert not Melding.objects.exists()


def test_nul_character_after_a_date_is_harmless(client: Client) -> None:
    # Django's date parsing stops before it; the melding stores a datetime, no text.
    response = client.post("/", _form(van="2025-05-21T22:00\x00", tot="2025-05-21T23:30\x00"))
    assert response.status_code == 302
    assert Melding.objects.get().tijd_van is not None


def test_nul_character_in_follow_up_forms(client: Client) -> None:
    _response, code = _submit(client)
    response = client.post("/volgen/", {"code": code + "\x00"})
    assert response.context["form"].has_error("code", "null_characters_not_allowed")
    assert client.post("/volgen/", {"code": code}).status_code == 302
    response = client.post("/volgen/melding/", {"tekst": "Het waren\x00 er vijf."})
    assert response.status_code == 400
    assert response.context["form"].has_error("tekst", "null_characters_not_allowed")


# Finding 8: the follow-up code is shown once; nothing a shared phone or library PC keeps shows it again.


def test_receipt_shows_the_code_once_and_is_not_stored(client: Client) -> None:
    response, code = _submit(client)
    assert code
    assert "no-store" in response["Cache-Control"]
    again = client.get("/ontvangen/")
    assert again.status_code == 200
    page = again.content.decode()
    assert code not in page
    assert "één keer getoond" in page
    assert 'href="/volgen/"' in page
    assert "no-store" in again["Cache-Control"]


def test_status_page_is_not_cached_and_forgets_the_code(client: Client, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    _response, code = _submit(client)
    response = client.post("/volgen/", {"code": code}, follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.post("/volgen/", {"code": "x"})["Cache-Control"]
    # The public session is a browser-session cookie, not one that lasts 8 hours.
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    # After a few minutes without use the status page asks for the code again.
    later = timezone.now() + dt.timedelta(minutes=settings.FOLLOWUP_MINUTES + 1)
    import unittest.mock

    with unittest.mock.patch("ivp.web.meldingen.views.timezone.now", return_value=later):
        response = client.get("/volgen/melding/")
    assert response.status_code == 302
    assert response["Location"] == "/volgen/"
    client.post("/volgen/", {"code": code})
    assert client.get("/volgen/melding/").status_code == 200
    client.post("/volgen/stoppen/")
    assert client.get("/volgen/melding/").status_code == 302


def test_staff_session_keeps_its_age(login: Any, actors: dict[str, Any], settings: Any) -> None:
    client = login(actors["owner"])
    assert client.get("/staf/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert not client.session.get_expire_at_browser_close()


# Finding 10: additions by the reporter are limited and refused on closed meldingen.


def _follow(client: Client) -> Melding:
    _response, code = _submit(client)
    client.post("/volgen/", {"code": code})
    return Melding.objects.latest("pk")


def test_addition_refused_on_a_closed_melding(client: Client, actors: dict[str, Any]) -> None:
    melding = _follow(client)
    Melding.objects.filter(pk=melding.pk).update(team=actors["team_a"])
    services.change_status(melding.pk, workflow.AFGEHANDELD, actors["member"])
    response = client.post("/volgen/melding/", {"tekst": "Nog iets."})
    assert response.status_code == 400
    assert "Deze melding is afgesloten; doe een nieuwe melding" in response.content.decode()
    assert not melding.berichten.filter(richting="melder").exists()


def test_additions_are_limited_per_melding(client: Client, settings: Any) -> None:
    settings.ADDITIONS_RATE = (2, 3600)
    melding = _follow(client)
    for n in range(2):
        assert client.post("/volgen/melding/", {"tekst": f"Aanvulling {n}."}).status_code == 302
    response = client.post("/volgen/melding/", {"tekst": "Nog een."})
    assert response.status_code == 400
    assert "Nog een." in response.content.decode()  # the text typed is kept
    assert "aanvullingen" in response.content.decode()
    assert melding.berichten.filter(richting="melder").count() == 2
    settings.ADDITIONS_RATE = (10, 3600)
    settings.ADDITIONS_MAX = 2
    response = client.post("/volgen/melding/", {"tekst": "Nog een."})
    assert response.status_code == 400
    assert melding.berichten.filter(richting="melder").count() == 2


def test_new_addition_is_marked_for_staff(login: Any, actors: dict[str, Any]) -> None:
    reporter = Client()
    melding = _follow(reporter)
    melding.team = actors["team_a"]
    melding.save()
    staff = login(actors["member"])
    assert "nieuwe aanvulling" not in staff.get("/staf/meldingen/").content.decode()
    reporter.post("/volgen/melding/", {"tekst": "Het waren er vijf."})
    assert "nieuwe aanvulling" in staff.get("/staf/meldingen/").content.decode()
    assert "nieuwe aanvulling" in staff.get(f"/staf/meldingen/{melding.pk}/").content.decode()
    services.answer(melding.pk, actors["member"], "Dank u, wij nemen het mee.")
    assert "nieuwe aanvulling" not in staff.get("/staf/meldingen/").content.decode()


# Finding 10: the form's date field, the error summary's links.


def test_date_field_is_marked_required_under_the_default_choice(client: Client) -> None:
    page = client.get("/").content.decode()
    label = re.search(r'<label for="id_van">(.*?)</label>', page, re.S)
    assert label is not None
    assert "niet verplicht" not in label.group(1)
    response = client.post("/", _form(tijd_soort="moment", van=""))
    assert "Vul in wanneer het gebeurde." in response.content.decode()
    # "Weet ik niet" needs no date; the label explains when the field is needed.
    assert client.post("/", _form(tijd_soort="onbekend", van="", tot="")).status_code == 302


def test_error_summary_links_to_the_first_radio(client: Client) -> None:
    response = client.post("/", _form(categorie="", tijd_soort=""))
    page = response.content.decode()
    assert 'href="#"' not in page
    assert 'href="#id_categorie_0"' in page
    assert 'id="id_categorie_0"' in page
    assert 'href="#id_tijd_soort_0"' in page
    assert "{#" not in page  # no template comment leaks into the page
    assert "Error summary" not in page


def test_code_in_the_session_lasts_only_until_the_browser_closes(client: Client, settings: Any) -> None:
    """The form POST already makes the session a browser-session one: the receipt page may never be loaded."""
    response = client.post("/", _form())
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert client.session.get_expire_at_browser_close()


def test_receipt_is_shown_when_the_session_cannot_be_saved(client: Client, caplog: Any) -> None:
    """The melding is stored but its code cannot go into the session: the POST answer is the receipt itself."""
    import unittest.mock

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    client.raise_request_exception = False
    failure = OperationalError("attempt to write a readonly database")
    with unittest.mock.patch.object(SessionStore, "save", side_effect=failure):
        response = client.post("/", _form())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    match = re.search(r'id="volgcode">([A-Z0-9-]+)<', response.content.decode())
    assert match
    assert services.find_by_code(match.group(1)) == Melding.objects.get()
    assert "database unavailable: POST /" in caplog.text
    # Nothing of it lingers in a session: the receipt page has no code to show.
    assert "één keer getoond" in client.get("/ontvangen/").content.decode()


def test_receipt_is_shown_when_an_existing_session_cannot_be_updated(client: Client) -> None:
    """An existing session (a follow-up code entered before) fails with UpdateError, not a DatabaseError."""
    import unittest.mock

    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore

    _submit(client)
    client.raise_request_exception = False
    with unittest.mock.patch.object(SessionStore, "save", side_effect=UpdateError):
        response = client.post("/", _form())
    assert response.status_code == 200
    assert re.search(r'id="volgcode">([A-Z0-9-]+)<', response.content.decode())
    assert Melding.objects.count() == 2


def test_behind_a_proxy_the_form_limit_is_per_client(settings: Any) -> None:
    """Review of issue 12: behind a reverse proxy every resident has the proxy's REMOTE_ADDR."""
    settings.BEHIND_PROXY = True
    settings.RATE_FORM = (2, 3600)
    busy = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert _submit(busy)[1]
    assert _submit(busy)[1]
    assert busy.post("/", _form()).status_code == 429
    # The same resident with a made-up address in front of the one the proxy appended: still counted.
    spoofing = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    assert spoofing.post("/", _form()).status_code == 429
    other = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _submit(other)[1]


def test_behind_a_proxy_the_follow_up_limit_is_per_client(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.RATE_FOLLOWUP = (2, 3600)
    busy = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert [busy.post("/volgen/", {"code": "x"}).status_code for _ in range(3)] == [400, 400, 429]
    other = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.post("/volgen/", {"code": "x"}).status_code == 400


def test_without_the_proxy_setting_the_form_limit_ignores_x_forwarded_for(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    settings.RATE_FORM = (1, 3600)
    assert _submit(Client(HTTP_X_FORWARDED_FOR="203.0.113.5"))[1]
    assert Client(HTTP_X_FORWARDED_FOR="198.51.100.7").post("/", _form()).status_code == 429
