"""The dashboard in a real browser (Debian's headless Chromium): at 1920 px the cards use
the screen's width and no table is cut; at phone width nothing runs off the page; the GSM
signal is bars, a ringing desk phone's agent reads "ringing", and a caller's wait then
the talk time count on the page. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401

pytestmark = pytest.mark.hil


@pytest.fixture
def box(tmp_path):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=30))
    yield box
    box.kill()


def _layout(page) -> dict:
    """Each shown card's width (a card with nothing to say, the warnings, is hidden), the
    main column's, and which tables are wider than their card."""
    return page.evaluate("""() => ({
      main: document.querySelector('main').getBoundingClientRect().width,
      cards: [...document.querySelectorAll('#dashboard .card')].filter(c => !c.hidden).map(c => ({
        title: c.querySelector('h2').textContent,
        width: c.getBoundingClientRect().width,
        cut: [...c.querySelectorAll('table')].some(t => t.scrollWidth > c.clientWidth + 1)})),
      page: document.documentElement.scrollWidth})""")


def test_the_dashboard_uses_the_width_and_shows_signal_bars(box, browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = box.web_url
    page.goto(base + "/setup")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")

    # +CSQ 20 from the emulator's modem: four bars, said in words, and no raw number
    bars = page.locator("#lines .bars").first
    assert bars.get_attribute("data-bars") == "4"
    assert bars.get_attribute("aria-label") == "信号 4/4 格"
    lit = page.eval_on_selector_all("#lines .bars i", "els => els.map(e => "
                                    "getComputedStyle(e).backgroundColor)")
    assert len(set(lit[:4])) == 1 and lit[0] != "rgb(217, 222, 227)"  # all four lit

    # a call rings desk 801 for 30 s: its agent reads ringing, the caller's wait counts
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
    page.wait_for_function("() => document.querySelector('#calls td.duration.waiting')",
                           timeout=10000)
    page.wait_for_function("() => [...document.querySelectorAll('#agents tr')].some(r => "
                           "r.textContent.includes('801') && r.textContent.includes('振铃中'))",
                           timeout=10000)
    assert page.text_content("#calls td.duration").startswith("等待 ")
    # the live redraw (live.js) says the same things as the server's page
    assert page.get_attribute("#lines .bars", "data-bars") == "4"
    leds = page.text_content("#leds")
    assert "电源" in leds and "常亮" in leds and "solid" not in leds and "PWR" not in leds
    layout = _layout(page)
    page.screenshot(path=str(ARTIFACTS / "dashboard-1920-zh.png"), full_page=True)
    assert layout["main"] >= 1500, layout  # not a 1100 px column in the middle
    for card in layout["cards"]:
        assert card["width"] >= 450 and not card["cut"], layout
    assert layout["page"] <= 1920, layout

    # answered: the time counts from the answer, not from the first ring
    emu.phone_hook("fxs0", "off")
    page.wait_for_function("() => { const td = document.querySelector('#calls td.duration');"
                           " return td && !td.classList.contains('waiting'); }",
                           timeout=10000)
    talk = page.text_content("#calls td.duration")
    assert talk.startswith("0:0"), talk
    emu.hangup(call["id"])

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(ARTIFACTS / "dashboard-390-zh.png"), full_page=True)
    assert _layout(page)["page"] <= 390  # the cards scroll inside, the page does not
    context.close()
