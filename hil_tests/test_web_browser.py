"""The owner's page in a real browser: Debian's headless Chromium, driven by Playwright,
against the running box and the PSTN emulator.

One walk, as an owner would do it: set the password on the first visit, log out and in
again, reorder the ring group, watch the next emulator call follow the new order,
search the call records and export them, open the report. A screenshot of every page
is kept in test-artifacts/browser/ (phone-sized and laptop-sized).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from hil_tests.boxrig import REPO
from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing, wait_record
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.hil
CHROMIUM = "/usr/bin/chromium"  # from Debian (scripts/setup.sh installs it)
ARTIFACTS = Path(os.environ.get("SB_ARTIFACTS", REPO / "test-artifacts")) / "browser"
PASSWORD = "Gr33n-tea-pot!"


@pytest.fixture
def box(tmp_path):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=5))
    yield box
    box.kill()


@pytest.fixture
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/setup.sh"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_owner_walks_the_page(box, browser):
    context = browser.new_context(locale="en-US", accept_downloads=True,
                                  viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = box.web_url

    # first run: every page leads to the password form
    page.goto(base + "/records")
    assert page.url.endswith("/setup")
    _shot(page, "01-setup")
    page.fill("input[name=password]", "lowercase12")
    page.fill("input[name=again]", "lowercase12")
    page.click("main button")
    assert "Mix at least three" in page.text_content(".errors")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")
    assert page.text_content("h1").startswith("Dashboard")
    page.wait_for_function("document.querySelector('#lines').textContent.includes('ready')")
    _shot(page, "02-dashboard")

    # log out and in again
    page.click("text=Log out")
    page.wait_for_url(base + "/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")

    # reorder the ring group: 802 first
    page.click("nav >> text=Staff and numbers")
    group = page.locator("form[data-group=desk]")
    group.locator("textarea[name=members]").fill("802\n801")
    group.locator("button", has_text="Save").click()
    page.wait_for_url(base + "/staff")
    assert "Saved" in page.text_content(".flash")
    _shot(page, "03-staff-saved")

    # the percentage editor shows a wrong total before the box refuses it
    group = page.locator("form[data-group=desk]")
    group.locator("select[name=strategy]").select_option("percentage")
    group.locator("textarea[name=members]").fill("802 60\n801 30")
    assert group.locator(".split .total").text_content() == "90%"
    group.locator("button", has_text="Save").click()
    assert "not 100" in page.text_content(".errors")
    _shot(page, "04-staff-split-refused")

    # the next call follows the new order
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.5)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs1"), 10, what="fxs1 (802) rings first")
    assert not ringing(emu, "fxs0")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")
    page.click("nav >> text=Dashboard")
    page.wait_for_function("document.querySelector('#calls').textContent.includes('802 Desk 2')")
    _shot(page, "05-dashboard-call")
    counted = page.text_content("#calls td.duration")
    page.wait_for_function("t => document.querySelector('#calls td.duration').textContent !== t",
                           arg=counted)  # the duration counts on
    page.click("#agents tr:has-text('803') button")  # R12: the switch on 803's row
    page.wait_for_selector(".flash")
    assert "passed over" in page.text_content(".flash")
    assert "set available" in page.text_content("#agents tr:has-text('803')")
    emu.hangup(call["id"])
    wait_record(box, caller=CALLER)

    # search the records and export them
    page.click("nav >> text=Call records")
    page.fill("input[name=number]", "135 8888 8888")
    page.click("form.filters button")
    page.wait_for_url("**/records?*")
    assert page.text_content("#found") == "1 calls"
    assert "answered" in page.text_content("table.records tbody")
    _shot(page, "06-records")
    with page.expect_download() as download:
        page.click("text=Export CSV")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][5] in (CALLER, CALLER.removeprefix("+86"))

    # the report
    page.click("nav >> text=Reports")
    assert page.locator("svg.chart").count() >= 3
    assert page.text_content("dl.totals").count("1") >= 1
    _shot(page, "07-reports")

    # Chinese, on a phone
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                storage_state=context.storage_state())
    mobile = phone.new_page()
    mobile.goto(base + "/")
    assert "总览" in mobile.text_content("h1")
    _shot(mobile, "08-phone-dashboard-zh")
    mobile.goto(base + "/records")
    _shot(mobile, "09-phone-records-zh")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # the rules page's forms and "test a call", and the holiday calendar, on the phone
    mobile.goto(base + "/rules")
    mobile.fill("#test input[name=caller]", "13588888888")
    mobile.click("#test button")
    assert "13588888888" in mobile.text_content("#explanation")
    _shot(mobile, "10-phone-rules-zh")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # a route and a two-step plan made with the forms, on the phone (the calls are done)
    mobile.fill("#route-form input[name=name]", "夜间路由")
    mobile.select_option("#route-form select[name=to]", "busy")
    mobile.click("#route-form button[value=save]")
    assert "夜间路由" in mobile.text_content("#routes ol.rows")
    mobile.fill("#plan-form input[name=name]", "night")
    mobile.fill("#plan-form input[name='steps[0].id']", "first")
    mobile.click("#plan-form button[value=add]")  # the form comes back with a second row
    mobile.fill("#plan-form input[name='steps[1].id']", "bye")
    mobile.select_option("#plan-form select[name='steps[1].do']", "hangup")
    mobile.select_option("#plan-form select[name='steps[0].on.busy']", "1")
    mobile.click("#plan-form .buttons button[value=save]")
    assert "first → bye" in mobile.text_content("#plans ol.rows")
    _shot(mobile, "10b-phone-rule-forms-zh")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    mobile.goto(base + "/schedule?day=2026-02-01")
    assert "春节" in mobile.text_content("#holidays")
    _shot(mobile, "11-phone-schedule-zh")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # a holiday of the company's own, added on the phone, shows in the year's table
    mobile.select_option("#own_form select[name=kind]", "holiday")
    mobile.fill("#own_form input[name=first]", "2026-03-02")
    mobile.fill("#own_form input[name=name]", "盘点")
    mobile.click("#own_form button")
    assert "公司假日：盘点" in mobile.text_content("#holidays")
    assert "盘点" in mobile.text_content("#company_days")
    _shot(mobile, "12-phone-company-days-zh")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.close()
    context.close()
