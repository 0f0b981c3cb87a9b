"""The whole resident and staff journey in headless Chromium, with axe-core on every public and staff page."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from ivp.plan.yaml_io import example_path, load_plan
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen.models import Category, Contact, Melding
from ivp.web.plan import services as plan_services
from tests.web.factories import make_melding, make_team, make_user

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
        # bypass_csp: axe-core is injected as an inline script, which the Content-Security-Policy blocks;
        # test_no_csp_violations loads the pages without the bypass.
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="nl-NL", bypass_csp=True
        )  # a phone
        yield context.new_page()
        browser.close()


@pytest.fixture
def categories(transactional_db: Any) -> None:
    from importlib import import_module

    from ivp.web.meldingen.migrations import __name__ as _pkg  # noqa: F401

    defaults = import_module("ivp.web.meldingen.migrations.0002_default_categories").DEFAULTS
    for order, (slug, naam) in enumerate(defaults, start=1):
        Category.objects.get_or_create(slug=slug, defaults={"naam": naam, "volgorde": order})


def axe_violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
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
    expect(page.locator("#fouten-titel")).to_have_text("Controleer uw melding")
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
    expect(page.locator("#volgcode")).to_be_visible()  # waits for the acknowledgement page
    assert page.locator(".error-summary").count() == 0
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
    expect(page.locator("#status")).to_have_text("Gemeld")
    assert_accessible(page)

    # Staff: password, TOTP enrolment, de-identified detail, status change and answer.
    staff = page.context.browser.new_context(bypass_csp=True)  # type: ignore[union-attr]
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
    expect(sp.locator("#status")).to_have_text("In behandeling")
    assert AuditEvent.objects.filter(action="view", object_id=str(melding.pk), actor_name="lid").exists()

    # The reporter sees the new status and the answer.
    page.reload()
    expect(page.locator("#status")).to_have_text("In behandeling")
    expect(page.get_by_text("Wij sturen vanavond handhaving langs.")).to_be_visible()
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


DANGLING_IDREFS = """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')].flatMap(
    el => ['aria-describedby', 'aria-labelledby'].flatMap(a => (el.getAttribute(a) || '').split(/\\s+/))
        .filter(id => id && !document.getElementById(id)).map(id => `${el.id || el.tagName}: ${id}`))"""


# Elements sticking out past the right edge when the page scrolls sideways (WCAG 1.4.10 reflow).
OVERFLOW = """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
    [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > window.innerWidth)
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''))"""
PHONE: ViewportSize = {"width": 375, "height": 740}
# The meldingen table does not scroll in its region, and main is not capped at a phone's measure (~640 px).
TABLE_FITS = """() => { const box = document.querySelector('.table-scroll');
    return {fits: box.scrollWidth <= box.clientWidth,
            wide: document.querySelector('main').getBoundingClientRect().width >= 0.9 * window.innerWidth}; }"""
Problems = list[tuple[str, str, list[Any]]]


def page_problems(p: Page, name: str) -> Problems:
    """Axe violations, aria idrefs that point nowhere, sideways scrolling; asserts exactly one h1."""
    p.wait_for_load_state()
    assert p.locator("h1").count() == 1, f"{name}: {p.url}"
    # axe only asks for review when aria-describedby points nowhere; a form hint must be linked.
    dangling = p.evaluate(DANGLING_IDREFS)
    overflow = p.evaluate(OVERFLOW)
    return (
        axe_violations(p)
        + ([("dangling-idref", "serious", dangling)] if dangling else [])
        + ([("horizontal-overflow", "serious", overflow)] if overflow else [])
    )


def test_login_pages_are_accessible(page: Page, live_server: Any) -> None:
    """On a phone: login, refused password, second factor (enrolment, enrolled, refused code), lockout."""
    base = live_server.url
    make_user(username="lid", role="behandelaar")  # IVP_2FA_ROLES: a behandelaar needs TOTP
    found: dict[str, Problems] = {}

    def log_in(p: Page, password: str) -> None:
        p.get_by_label("Gebruikersnaam").fill("lid")
        p.get_by_label("Wachtwoord").fill(password)
        with p.expect_navigation():
            p.get_by_role("button", name="Inloggen").click()

    page.goto(f"{base}/account/inloggen/")
    found["inloggen"] = page_problems(page, "inloggen")
    log_in(page, "fout")
    expect(page.locator("#fouten-titel")).to_have_text("Inloggen is niet gelukt")
    for label in ("Gebruikersnaam", "Wachtwoord"):  # autofocus lands in a field: it carries the message
        expect(page.get_by_label(label)).to_have_accessible_description(re.compile("klopt niet"))
    found["wachtwoord geweigerd"] = page_problems(page, "wachtwoord geweigerd")
    log_in(page, "een-lang-wachtwoord-123")
    page.wait_for_url("**/tweede-factor/")
    expect(page.locator("#otp-secret")).to_be_visible()
    found["tweede factor koppelen"] = page_problems(page, "tweede factor koppelen")
    device = TOTPDevice.objects.get(user__username="lid")
    page.get_by_label("Code uit uw authenticator-app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/staf/")
    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, "een-lang-wachtwoord-123")
    page.wait_for_url("**/tweede-factor/")
    expect(page.locator("#otp-secret")).to_have_count(0)
    found["tweede factor"] = page_problems(page, "tweede factor")
    # Last: after a refused code django-otp throttles the device for a while.
    page.get_by_label("Code uit uw authenticator-app").fill(f"{(totp(device.bin_key) + 1) % 1_000_000:06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("#fouten-titel")).to_have_text("Controleer de code")
    expect(page.get_by_label("Code uit uw authenticator-app")).to_have_accessible_description(
        re.compile("Deze code klopt niet")
    )
    found["code geweigerd"] = page_problems(page, "code geweigerd")

    # django-axes: the last allowed failure answers with the lockout page (429).
    page.context.clear_cookies()
    page.goto(f"{base}/account/inloggen/")
    # The refused password and TOTP code above count as failures too (ae251d6): stop at the lockout page.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        if page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd").count():
            break
        log_in(page, "fout")
    expect(page.get_by_role("heading", name="Inloggen tijdelijk geblokkeerd")).to_be_visible()
    found["geblokkeerd"] = page_problems(page, "geblokkeerd")

    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)


def staff_context(
    browser: Browser, base: str, user: Any, viewport: ViewportSize | None = None, *, bypass_csp: bool = True
) -> BrowserContext:
    """A browser context (desktop unless ``viewport``) logged in as ``user``, past the TOTP step.

    ``bypass_csp`` (default) lets axe-core be injected; pass False to see what the policy blocks.
    """
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert session.session_key is not None
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=bypass_csp
    )
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}])
    return context


def test_staff_pages_are_accessible(page: Page, live_server: Any, categories: None) -> None:
    """Every staff page state each role sees, checked with axe; violations are collected per page."""
    base = live_server.url
    team = make_team(naam="Handhaving")
    lid = make_user(username="lid", role="behandelaar", teams=[team])
    analist = make_user(username="analist", role="analist")
    beheerder = make_user(username="beheerder", role="beheerder")
    melding = make_melding(team=team, behandelaar=lid)
    Contact.objects.create(melding=melding, naam="Jan de Vries", email="jan@example.nl")
    make_melding(team=team, status="in_behandeling")
    browser = page.context.browser
    assert browser is not None
    found: dict[str, Problems] = {}

    def check(p: Page, name: str) -> None:
        found[name] = page_problems(p, name)

    # Behandelaar: home, triage list with filters, detail with both forms, original, a refused form.
    sp = staff_context(browser, base, lid).new_page()
    sp.goto(f"{base}/staf/")
    check(sp, "home")
    sp.get_by_role("link", name="Meldingen", exact=True).click()
    expect(sp.locator("tbody tr")).to_have_count(2)
    check(sp, "lijst")
    # At 1280 px the staff layout uses the width: the meldingen table fits without scrolling sideways.
    assert sp.evaluate(TABLE_FITS) == {"fits": True, "wide": True}
    sp.get_by_label("Status").select_option("gemeld")
    sp.get_by_label("Buurt").select_option("BU05050101")
    sp.get_by_role("button", name="Filter").click()
    expect(sp.locator("tbody tr")).to_have_count(1)
    check(sp, "lijst gefilterd")
    sp.goto(f"{base}/staf/meldingen/?van=gisteren")
    expect(sp.locator(".error")).to_have_count(1)
    check(sp, "lijst met ongeldig filter")
    sp.goto(f"{base}/staf/meldingen/?van=2999-01-01")
    expect(sp.get_by_text("Geen meldingen.")).to_be_visible()
    check(sp, "lijst leeg")
    sp.goto(f"{base}/staf/meldingen/{melding.pk}/")
    check(sp, "detail")
    sp.get_by_label("Nieuwe status").select_option("in_behandeling")
    sp.get_by_label("Toelichting (intern)").fill("Opgepakt.")
    sp.get_by_role("button", name="Status opslaan").click()
    sp.get_by_label("Antwoord aan de melder").fill("Wij sturen handhaving langs.")
    sp.get_by_role("button", name="Antwoord versturen").click()
    expect(sp.locator("#status")).to_have_text("In behandeling")
    check(sp, "detail met bericht en verloop")
    sp.get_by_role("button", name="Toon origineel en contactgegevens").click()
    # is_visible() does not wait: right after the click the new page may not be parsed yet.
    expect(sp.locator("#tekst-origineel")).to_be_visible()
    check(sp, "origineel")
    sp.goto(f"{base}/staf/meldingen/{melding.pk}/")
    sp.get_by_label("Antwoord aan de melder").fill("   ")  # passes the browser's check, not the server's
    sp.get_by_role("button", name="Antwoord versturen").click()
    # The staff heading, not the one for residents ("Controleer uw melding").
    expect(sp.locator("#fouten-titel")).to_have_text("Controleer het formulier")
    check(sp, "antwoord geweigerd")

    # Analist: the list with export links, the plan before and after import, an indicator with both forms.
    ap = staff_context(browser, base, analist).new_page()
    ap.goto(f"{base}/staf/meldingen/")
    expect(ap.get_by_role("link", name="csv")).to_be_visible()
    check(ap, "lijst analist")
    ap.goto(f"{base}/staf/plan/")
    check(ap, "plan leeg")
    plan_services.import_plan(load_plan(example_path()), actor="cli:test")
    ap.reload()
    check(ap, "plan")
    ap.locator("main ul a").first.click()
    expect(ap.locator("main svg").first).to_be_visible()
    check(ap, "opgave")
    ap.goto(f"{base}/staf/plan/dordrecht-ivp-2023-2026/indicator/OND-01/")
    ap.get_by_label("Waarde", exact=True).fill("11")
    ap.get_by_label("Bewijs").fill("Voortgangsrapportage")
    ap.get_by_role("button", name="Vastleggen").click()
    expect(ap.get_by_role("cell", name="Voortgangsrapportage")).to_be_visible()
    check(ap, "indicator met realisatie")
    ap.get_by_label("Waarde", exact=True).fill("veel")
    ap.get_by_label("Bewijs").fill("Rapport")
    ap.get_by_role("button", name="Vastleggen").click()
    expect(ap.locator(".error").first).to_be_visible()
    check(ap, "realisatie geweigerd")
    ap.get_by_label("Streefwaarden").fill("twintig")
    ap.get_by_role("button", name="Definitie opslaan").click()
    expect(ap.locator(".error").first).to_be_visible()
    check(ap, "definitie geweigerd")

    # Beheerder: the audit log, all and searched.
    bp = staff_context(browser, base, beheerder).new_page()
    bp.goto(f"{base}/staf/")
    bp.get_by_role("link", name="Auditlog").click()
    expect(bp.locator("tbody tr").first).to_be_visible()
    check(bp, "auditlog")
    bp.get_by_label("Medewerker").fill("lid")
    bp.get_by_label("Actie").select_option("view_original")
    bp.get_by_role("button", name="Zoek").click()
    expect(bp.locator("tbody tr")).to_have_count(1)
    check(bp, "auditlog gezocht")

    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_staff_pages_at_phone_width(page: Page, live_server: Any, categories: None) -> None:
    """Staff pages on a phone: axe, and nothing wider than the screen (wide tables scroll in place)."""
    base = live_server.url
    team = make_team(naam="Handhaving")
    lid = make_user(username="lid", role="behandelaar", teams=[team])
    melding = make_melding(team=team, behandelaar=lid)
    make_melding(team=team, status="in_behandeling")
    browser = page.context.browser
    assert browser is not None
    sp = staff_context(browser, base, lid, viewport=PHONE).new_page()
    found: dict[str, Problems] = {}
    for name, path in [
        ("home", "/staf/"),
        ("lijst", "/staf/meldingen/"),
        ("detail", f"/staf/meldingen/{melding.pk}/"),
    ]:
        sp.goto(base + path)
        found[name] = page_problems(sp, name)
    sp.get_by_label("Antwoord aan de melder").fill("   ")
    sp.get_by_role("button", name="Antwoord versturen").click()
    found["antwoord geweigerd"] = page_problems(sp, "antwoord geweigerd")

    # The other wide tables: the plan (analist) and the audit log (beheerder).
    plan_services.import_plan(load_plan(example_path()), actor="cli:test")
    analist = make_user(username="analist", role="analist")
    ap = staff_context(browser, base, analist, viewport=PHONE).new_page()
    ap.goto(f"{base}/staf/plan/")
    found["plan"] = page_problems(ap, "plan")
    ap.goto(f"{base}/staf/plan/dordrecht-ivp-2023-2026/indicator/OND-01/")
    found["indicator"] = page_problems(ap, "indicator")
    beheerder = make_user(username="beheerder", role="beheerder")
    bp = staff_context(browser, base, beheerder, viewport=PHONE).new_page()
    bp.goto(f"{base}/staf/audit/")
    found["auditlog"] = page_problems(bp, "auditlog")
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)


# Report a Content-Security-Policy violation from the page itself (init scripts are not subject to the policy).
CSP_LISTENER = """window.__csp = []; document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));"""
SHOTS = os.environ.get("IVP_TEST_SCREENSHOTS")  # a folder: screenshots of the form with errors and the list


def test_no_csp_violations(live_server: Any, categories: None) -> None:
    """Without bypass_csp: the form (also with errors), follow-up, staff list and detail, a plan page."""
    base = live_server.url
    team = make_team(naam="Handhaving")
    lid = make_user(username="lid", role="behandelaar", teams=[team])
    analist = make_user(username="analist", role="analist")
    melding = make_melding(team=team, behandelaar=lid)
    for _ in range(3):
        make_melding(team=team)
    plan_services.import_plan(load_plan(example_path()), actor="cli:test")
    # De-identify here first (deduce loads once per process, the live server shares it): on a busy machine
    # loading it during the first staff page ran past the navigation timeout.
    from ivp.web.meldingen import services as meldingen

    for m in Melding.objects.all():
        meldingen.deidentified_text(m)
    found: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        console: list[str] = []

        def visit(p: Page, name: str, url: str | None = None) -> None:
            if url is not None:
                response = p.goto(url)
                assert response is not None
                assert "script-src 'self'" in response.headers["content-security-policy"], name
            p.wait_for_load_state()
            found[name] = p.evaluate("window.__csp") + [m for m in console if "Content Security Policy" in m]
            console.clear()

        def watched(context: BrowserContext) -> Page:
            context.add_init_script(CSP_LISTENER)
            p = context.new_page()
            p.on("console", lambda m: console.append(m.text))
            return p

        pub = watched(browser.new_context(viewport=PHONE, locale="nl-NL"))
        visit(pub, "formulier", base + "/")
        pub.get_by_label("Wat is er gebeurd?").fill("Er werd geschreeuwd.")
        pub.get_by_role("button", name="Melding versturen").click()
        expect(pub.locator("#fouten-titel")).to_be_visible()
        visit(pub, "formulier met fouten")
        # fouten.js (a file, allowed by the policy) moved focus to the summary, whose first link is the radio.
        assert pub.evaluate("document.activeElement.className") == "error-summary"
        assert pub.locator(".error-summary a").first.get_attribute("href") == "#id_categorie_0"
        if SHOTS:
            pub.screenshot(path=f"{SHOTS}/formulier-fouten-375.png", full_page=True)
        pub.get_by_label("Straatintimidatie").check()
        pub.locator('#kaart path[data-code="BU05050101"]').click()  # kaart.js runs under the policy
        pub.get_by_label("Datum en tijd (of begin van de periode)").fill("2025-05-21T22:30")
        pub.get_by_role("button", name="Melding versturen").click()
        expect(pub.locator("#volgcode")).to_be_visible()
        visit(pub, "ontvangen")
        visit(pub, "ontvangen opnieuw", base + "/ontvangen/")
        expect(pub.locator("#volgcode")).to_have_count(0)

        sp = watched(staff_context(browser, base, lid, bypass_csp=False))
        visit(sp, "staf", base + "/staf/")
        visit(sp, "lijst", base + "/staf/meldingen/")
        assert sp.evaluate(TABLE_FITS) == {"fits": True, "wide": True}
        if SHOTS:
            sp.screenshot(path=f"{SHOTS}/staf-lijst-1280.png", full_page=True)
        visit(sp, "detail", f"{base}/staf/meldingen/{melding.pk}/")
        ap = watched(staff_context(browser, base, analist, bypass_csp=False))
        visit(ap, "plan", base + "/staf/plan/")
        ap.locator("main ul a").first.click()
        expect(ap.locator("main svg").first).to_be_visible()
        visit(ap, "opgave")
        visit(ap, "indicator", f"{base}/staf/plan/dordrecht-ivp-2023-2026/indicator/OND-01/")

        # The listener works: an inline style attribute is reported (and blocked).
        ap.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        ap.wait_for_function("window.__csp.length > 0")
        assert "style-src" in ap.evaluate("window.__csp")[0]
        browser.close()
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)
