"""The whole resident and staff journey in headless Chromium, with axe-core on every public page."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, sync_playwright

from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen.models import Category, Melding
from tests.web.factories import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain sync code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def page() -> Iterator[Page]:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} missing: scripts/check installs axe-core from npm")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")  # a phone
        yield context.new_page()
        browser.close()


@pytest.fixture
def categories(transactional_db: Any) -> None:
    from importlib import import_module

    from ivp.web.meldingen.migrations import __name__ as _pkg  # noqa: F401

    defaults = import_module("ivp.web.meldingen.migrations.0002_default_categories").DEFAULTS
    for order, (slug, naam) in enumerate(defaults, start=1):
        Category.objects.get_or_create(slug=slug, defaults={"naam": naam, "volgorde": order})


def assert_accessible(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], json.dumps(violations, indent=1)


def test_report_follow_up_and_staff_answer(page: Page, live_server: Any, categories: None) -> None:
    base = live_server.url
    team = make_team(naam="Handhaving")
    make_user(username="lid", role="behandelaar", teams=[team])

    # The form, first with errors: every public page state is checked with axe.
    page.goto(base + "/")
    assert_accessible(page)
    page.get_by_label("Wat is er gebeurd?").fill("Jan de Vries riep mij na, bel 06-12345678.")
    page.get_by_role("button", name="Melding versturen").click()
    assert page.locator(".error-summary").is_visible()
    assert (
        page.get_by_label("Wat is er gebeurd?").input_value() == "Jan de Vries riep mij na, bel 06-12345678."
    )
    assert_accessible(page)

    # The map (JavaScript enhancement) chooses the buurt.
    page.get_by_label("Straatintimidatie").check()
    page.get_by_label("Op een bepaald moment").check()
    page.get_by_label("Datum en tijd (of begin van de periode)").fill("2025-05-21T22:30")
    page.locator('#kaart path[data-code="BU05050101"]').click()
    assert page.get_by_label("In welke buurt?").input_value() == "BU05050101"
    page.get_by_role("button", name="Melding versturen").click()
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    code = page.locator("#volgcode").inner_text()
    assert len(code) == 14
    assert_accessible(page)
    melding = Melding.objects.get()
    assert melding.buurt_code == "BU05050101"
    assert melding.lat is not None
    melding.team = team
    melding.save()

    page.goto(base + "/volgen/")
    assert_accessible(page)
    page.get_by_label("Uw volgcode").fill(code)
    page.get_by_role("button", name="Bekijk mijn melding").click()
    assert page.locator("#status").inner_text() == "Gemeld"
    assert_accessible(page)

    # Staff: password, TOTP enrolment, de-identified detail, status change and answer.
    staff = page.context.browser.new_context()  # type: ignore[union-attr]
    sp = staff.new_page()
    sp.goto(base + "/account/inloggen/")
    sp.get_by_label("Gebruikersnaam").fill("lid")
    sp.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-123")
    sp.get_by_role("button", name="Inloggen").click()
    sp.wait_for_url("**/tweede-factor/")
    device = TOTPDevice.objects.get(user__username="lid")
    sp.get_by_label("Code uit uw authenticator-app").fill(f"{totp(device.bin_key):06d}")
    sp.get_by_role("button", name="Bevestigen").click()
    sp.goto(f"{base}/staf/meldingen/{melding.pk}/")
    text = sp.locator("#tekst-deid").inner_text()
    assert "Jan de Vries" not in text
    assert "06-12345678" not in text
    assert "[PERSOON-1]" in text
    sp.get_by_label("Nieuwe status").select_option("in_behandeling")
    sp.get_by_role("button", name="Status opslaan").click()
    sp.get_by_label("Antwoord aan de melder").fill("Wij sturen vanavond handhaving langs.")
    sp.get_by_role("button", name="Antwoord versturen").click()
    assert sp.locator("#status").inner_text() == "In behandeling"
    assert AuditEvent.objects.filter(action="view", object_id=str(melding.pk), actor_name="lid").exists()

    # The reporter sees the new status and the answer.
    page.reload()
    assert page.locator("#status").inner_text() == "In behandeling"
    assert page.get_by_text("Wij sturen vanavond handhaving langs.").is_visible()
    assert_accessible(page)


def test_form_works_without_javascript(live_server: Any, categories: None) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(live_server.url + "/")
        assert page.locator("#kaart").is_hidden()
        page.get_by_label("Overlast jeugd").check()
        page.get_by_label("Weet ik niet").check()
        page.get_by_label("In welke buurt?").select_option("BU05050101")
        page.get_by_label("Wat is er gebeurd?").fill("Vuurwerk bij de speeltuin.")
        page.get_by_role("button", name="Melding versturen").click()
        assert len(page.locator("#volgcode").inner_text()) == 14
        browser.close()
    assert Melding.objects.get().tijd_van is None
