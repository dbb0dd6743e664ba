"""A factory-fresh box set up through its page alone, in a real browser (Debian's headless
Chromium, Playwright), in Chinese, then a call to the company number answered on a desk
phone: the README's `switchboard run` on an empty data dir, the password, the first-run
setup's screens (company, SIM, office hours, desk phones, after hours), and the
emulator's caller put through to the extension set up on fxs0.

Screenshots go to test-artifacts/browser/ (`SB_ARTIFACTS` moves them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from hil_tests.boxrig import REPO, start_box, wait_gsm_state
from hil_tests.calls_rig import CALLER, SIM, wait_record
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.hil
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("SB_ARTIFACTS", REPO / "test-artifacts")) / "browser"
PASSWORD = "Gr33n-tea-pot!"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def box(tmp_path):
    box = start_box(tmp_path / "data")  # nothing imported: a factory-fresh box
    wait_gsm_state(box, "ready")
    yield box
    box.kill()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _next(page: Page, base: str, step: str) -> None:
    page.click(".buttons button[value=next]")
    page.wait_for_url(f"{base}/welcome/{step}")


def test_a_fresh_box_is_set_up_on_the_page_and_answers_a_call(box):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/setup.sh"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    status = box.status()  # the box knows its board's lines before any config
    assert status["hardware"] == {"board": "sim", "lines": {
        "fxs": ["fxs0", "fxs1", "fxs2", "fxs3"], "gsm": ["gsm0"]}}
    exported = box.switchboard("config", "export")
    assert '"fxs3"' in exported.stdout and '"gsm0"' in exported.stdout
    explained = box.switchboard("route", "explain", "--line", "gsm0", "--caller", CALLER)
    assert explained.returncode == 0, explained.stderr  # the stored config has the lines
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox"])
        try:
            page = chromium.new_context(locale="zh-CN",
                                        viewport={"width": 420, "height": 900}).new_page()
            page.set_default_timeout(15000)
            _walk(page, box.web_url)
        finally:
            chromium.close()

    assert box.status()["system"] == "ready"
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.5)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    emu.hangup(call["id"])
    record = wait_record(box, caller=CALLER)
    assert record["result"] == "answered"
    assert record["answered_by"] == "801"


def _walk(page: Page, base: str) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/setup")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/welcome/company")
    assert "设置本机" in page.text_content("h1")
    _shot(page, "20-welcome-company")
    page.fill("input[name=company_name]", "杭州小茶馆")
    _next(page, base, "line")
    page.fill("input[name=gsm0_number]", "139 0000 0001")
    page.fill("input[name=gsm0_pin]", "12")  # too short: refused beside the field
    page.click(".buttons button[value=next]")
    errors = page.locator(".errors")
    assert "SIM 卡 PIN 码" in errors.text_content()  # the field as the form calls it
    assert errors.locator('[data-field="lines.gsm[0].sim_pin"]').count() == 1
    assert page.input_value("input[name=gsm0_number]") == "139 0000 0001"
    _shot(page, "21-welcome-pin-refused")
    page.fill("input[name=gsm0_pin]", "")
    _next(page, base, "hours")
    for day in DAYS:  # open around the clock, so the test's call finds the office open
        page.fill(f"input[name={day}]", "00:00-24:00")
    _next(page, base, "phones")
    page.fill("input[name=ext_fxs0]", "801")
    page.fill("input[name=name_fxs0]", "前台")
    page.fill("input[name=ext_fxs1]", "802")
    _shot(page, "22-welcome-phones")
    _next(page, base, "after_hours")
    page.check("input[name=who][value=new]")
    page.fill("input[name=name]", "张伟")
    page.fill("input[name=number]", "138 0013 8000")
    _next(page, base, "done")
    summary = page.text_content("ul.summary")
    assert "801 前台" in summary and "+8613900000001" in summary
    _shot(page, "23-welcome-done")
    page.click("text=前往总览")
    page.wait_for_url(base + "/")
    page.click("nav >> text=设置")  # the Settings page: the board's ports, the SIM's number
    page.wait_for_url(base + "/settings")
    assert page.locator("#lines input[name=fxs]:checked").count() == 4
    assert page.input_value("input[name=gsm0_number]") == "+8613900000001"
    _shot(page, "24-settings")
