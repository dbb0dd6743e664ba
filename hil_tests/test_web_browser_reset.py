"""In Debian's headless Chromium against the running box: the dashboard's "calls now" card
(the office open, the one-SIM box's warning, an error drawn live when nobody is left to
answer), and the factory reset as an owner does it (the backup offered first, a wrong
word refused, RESET, then a first run and a box that says every call is refused).
Screenshots go to test-artifacts/browser/ like the main walk's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from hil_tests.boxrig import REPO
from hil_tests.calls_rig import box_with, office

pytestmark = pytest.mark.hil
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SB_ARTIFACTS", REPO / "test-artifacts")) / "browser"
PASSWORD = "Gr33n-tea-pot!"


@pytest.fixture
def box(tmp_path):
    box = box_with(tmp_path, office(members=("801", "802")))
    yield box
    box.kill()


@pytest.fixture
def chromium():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/setup.sh"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"])
        yield browser
        browser.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _first_run(page: Page, base: str) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/setup")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")


def test_calls_now_card_and_factory_reset_in_a_browser(box, chromium):
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    base = box.web_url
    _first_run(page, base)
    card = page.locator("#diagnosis")
    assert "Office open" in card.text_content()  # the test office is open around the clock
    assert "need a second line" in card.text_content()
    _shot(page, "20-calls-now")

    # nobody left to answer: the card turns to an error by itself (diagnosis.js)
    for agent in ("801", "802"):
        page.request.post(base + f"/api/agents/{agent}/availability",
                          data={"available": False},
                          headers={"Origin": base, "X-CSRF-Token": _csrf(page)})
    page.wait_for_selector("#findings li.finding-error")  # the next refresh, within 10 s
    assert page.locator("#findings .finding-error").count() == 1
    assert "no extension answers calls" in page.text_content("#findings .finding-error")
    _shot(page, "21-calls-now-nobody")

    # the reset: the backup is offered first; a wrong word changes nothing
    page.goto(base + "/system")
    zone = page.locator(".danger-zone")
    assert "Download a backup of the config first" in zone.text_content()
    with page.expect_download() as download:
        zone.locator("a[href='/system/backup']").click()
    assert download.value.suggested_filename.startswith("switchboard-config-")
    zone.locator("input[name=confirm]").fill("reset")
    zone.locator("button.danger").click()
    assert "type RESET to confirm" in page.text_content(".errors")
    _shot(page, "22-reset-refused")
    page.locator(".danger-zone input[name=confirm]").fill("RESET")
    page.locator(".danger-zone button.danger").click()
    page.wait_for_url(base + "/setup")

    # a first run again, and the factory-fresh box says why calls are refused
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    # the dashboard, or the first-run setup at its first screen (/welcome/company)
    page.wait_for_url(lambda url: url.endswith("/") or "/welcome" in url)
    page.goto(base + "/")
    text = page.locator("#diagnosis").text_content()
    assert "every call is refused: no open hours" in text and "Office closed" in text
    _shot(page, "23-after-reset")
    assert box.status()["agents"] == {}
    context.close()


def _csrf(page: Page) -> str:
    return page.get_attribute("#dashboard", "data-csrf") or ""
