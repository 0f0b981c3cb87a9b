"""Headless Chromium: nothing overflows the viewport, every image has a text alternative."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.reports.conftest import Demo

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-wrap') && !e.closest('svg'))
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .map(e => e.tagName + '.' + e.className);
}"""

ALT_JS = """() => [
  ...[...document.querySelectorAll('img')].filter(e => !e.getAttribute('alt')).map(e => 'img'),
  ...[...document.querySelectorAll('svg[role=img]')].filter(e => !e.getAttribute('aria-label')).map(e => 'svg'),
  ...[...document.querySelectorAll('svg:not([role])')].map(e => 'svg zonder role'),
]"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_overflow_and_alt_texts(demo: Demo, width: int) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(demo.compare["html"].as_uri())
            assert page.evaluate(OVERFLOW_JS) == []
            assert page.evaluate(ALT_JS) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert page.locator("svg[role=img]").count() >= 4
        finally:
            browser.close()
