"""The dashboard's warnings in a real browser (Debian's headless Chromium), on the running
box: a missed-call e-mail the owner's SMTP server refuses appears on the open dashboard
without a reload (static/warnings.js from /api/status), in Chinese, with the link to the
System page's outbox, which it opens."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing, wait_record
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401

pytestmark = pytest.mark.hil


@pytest.fixture
def box(tmp_path):
    config = office(members=("801",), ring_time=30)
    config["schema_version"] = 2
    config["notifications"] = {  # port 9: nobody listens, so the e-mail fails and waits
        "smtp": {"host": "127.0.0.1", "port": 9, "security": "none",
                 "from_address": "box@example.cn"},
        "emails": ["boss@example.cn"], "missed_calls": {"email": True}, "batch_seconds": 0}
    box = box_with(tmp_path, config)
    yield box
    box.kill()


def test_a_failed_notice_appears_live_and_links_to_the_outbox(box, browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = box.web_url
    page.goto(base + "/setup")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")
    assert page.locator("#warnings-card").is_hidden()

    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
    emu.hangup(call["id"])  # the caller gives up: a missed call, told by e-mail
    wait_record(box, caller=CALLER, result="abandoned")
    page.wait_for_function("() => !document.querySelector('#warnings-card').hidden",
                           timeout=30000)
    text = page.text_content("#warnings")
    assert "有 1 条通知未能发出，仍在发件箱中（1 条等待重试，0 条已放弃）" in text
    page.screenshot(path=str(ARTIFACTS / "dashboard-warnings-zh.png"), full_page=True)
    page.click("#warnings a[href='/system#notifications']")
    page.wait_for_url(base + "/system#notifications")
    assert page.locator("#ntf-pending tr[data-id]").count() == 1  # the e-mail, waiting
    context.close()
