"""The Prompts page in a real browser (Debian's headless Chromium, Playwright) against
the running box: upload a recording, make one from Chinese text, hear both in the
page's players (the browser decodes the WAV the box serves), choose the greeting.
Screenshots in test-artifacts/browser/ (prompts-*.png)."""

from __future__ import annotations

import subprocess

import pytest

from hil_tests.calls_rig import box_with, office
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.hil


@pytest.fixture
def box(tmp_path):
    box = box_with(tmp_path, office())
    yield box
    box.kill()


def _duration(page, row: str) -> float:
    """The length the browser's own decoder finds in a row's player, in seconds."""
    return page.evaluate("""(sel) => new Promise((ok, fail) => {
        const audio = document.querySelector(sel + ' audio');
        audio.preload = 'auto';
        audio.addEventListener('loadedmetadata', () => ok(audio.duration));
        audio.addEventListener('error', () => fail('the browser cannot play it'));
        audio.load();
    })""", row)


def test_owner_uploads_speaks_and_listens(box, browser, tmp_path):  # noqa: F811
    recording = tmp_path / "营业时间.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(recording), "synth", "2.5",
                    "sine", "440"], check=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    base = box.web_url
    page.goto(base + "/setup")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url("**/")

    page.click("nav >> text=提示音")
    page.wait_for_url(base + "/prompts")
    assert page.text_content("h1") == "提示音"
    assert _duration(page, "#prompt-zh-welcome") > 0.5  # a built-in prompt plays

    upload = page.locator("#upload form")
    upload.locator("input[name=name]").fill("hours")
    upload.locator("input[name=file]").set_input_files(str(recording))
    upload.locator("button").click()
    page.wait_for_url("**/prompts#list")
    assert "提示音已保存" in page.text_content(".flash")
    assert "营业时间.wav" in page.text_content("#prompt-zh-hours")
    assert abs(_duration(page, "#prompt-zh-hours") - 2.5) < 0.1

    speak = page.locator("#speak form")
    speak.locator("input[name=name]").fill("greeting")
    speak.locator("textarea[name=text]").fill("您好，欢迎致电华强贸易，我们将竭诚为您服务。")
    speak.locator("button").click()
    page.wait_for_url("**/prompts#list")
    assert "欢迎致电华强贸易" in page.text_content("#prompt-zh-greeting")
    assert _duration(page, "#prompt-zh-greeting") > 2.0

    settings = page.locator("#settings form")
    settings.locator("select[name=greeting_open]").select_option("greeting")
    settings.locator("button").click()
    page.wait_for_url("**/prompts#settings")
    assert "使用中" in page.text_content("#prompt-zh-greeting")
    page.screenshot(path=str(ARTIFACTS / "prompts-zh.png"), full_page=True)

    page.locator("#prompt-zh-greeting button").click()  # used by the config: refused
    assert "prompts.greeting_open" in page.text_content(".errors") \
        or "营业时间欢迎语" in page.text_content(".errors")
    context.close()
