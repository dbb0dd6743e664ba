"""The front door built on the owner's page in a real browser (headless Chromium,
Playwright), then called through the emulator: the owner uploads a greeting, makes the
menu's prompt from Chinese text, builds a plan on the Rules page's plan form (a
greeting, a menu: 1 sales, 2 support) without touching JSON, routes calls to it, and a
caller on the GSM line hears the greeting (the emulator's `heard` speech, prompt_match
against the uploaded file), keys 2 and reaches support's desk phone (803 on fxs2).
On the same box, the whole front door (a greeting, a menu: 1 a hold queue for sales,
2 voicemail for support) is built on the plan form alone and read back from
`GET /api/config`. Screenshots in test-artifacts/browser/ (menu-*.png)."""

from __future__ import annotations

import subprocess

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing, wait_record
from hil_tests.prompt_match import find_heard
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.hil
GREETING = "您好，欢迎致电青木贸易，我们很高兴为您服务。"
MENU = "销售请按一，技术支持请按二。"


def _office() -> dict:
    config = office(members=("801",), ring_time=10)
    config["schema_version"] = 2
    config["ring_groups"] += [
        {"name": "sales", "members": ["802"], "ring_time": 15, "total_ring_time": 15},
        {"name": "support", "members": ["803"], "ring_time": 15, "total_ring_time": 15}]
    return config


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    """One box for the module's tests (a box start is seconds of the suite's budget)."""
    box = box_with(tmp_path_factory.mktemp("menu"), _office())
    yield box
    box.kill()


def _log_in(page, base: str) -> None:
    """Set the password on the first visit, else log in (the module shares its box)."""
    page.goto(base + "/setup")
    page.fill("input[name=password]", PASSWORD)
    if page.url.endswith("/setup"):
        page.fill("input[name=again]", PASSWORD)
    page.click("main button")
    page.wait_for_url("**/")


def _prompts(page, base: str, recording) -> None:
    page.goto(base + "/prompts")
    upload = page.locator("#upload form")
    upload.locator("input[name=name]").fill("hello")
    upload.locator("input[name=file]").set_input_files(str(recording))
    upload.locator("button").click()
    page.wait_for_url("**/prompts#list")
    speak = page.locator("#speak form")
    speak.locator("input[name=name]").fill("menu_front")
    speak.locator("textarea[name=text]").fill(MENU)
    speak.locator("button").click()
    page.wait_for_url("**/prompts#list")
    settings = page.locator("#settings form")
    settings.locator("select[name=greeting_open]").select_option("hello")
    settings.locator("button").click()
    page.wait_for_url("**/prompts#settings")


def _step(form, n: int, step_id: str, does: str) -> None:
    form.locator(f"input[name='steps[{n}].id']").fill(step_id)
    form.locator(f"select[name='steps[{n}].do']").select_option(does)


def _add_step(page) -> None:
    with page.expect_navigation():
        page.locator("#plan-form button[value=add]").click()


def _build_plan(page, base: str) -> None:
    page.goto(base + "/rules#plan-form")
    form = page.locator("#plan-form")
    form.locator("input[name=name]").fill("front")
    _step(form, 0, "hello", "greeting")
    _add_step(page)
    _step(form, 1, "main", "menu")
    _add_step(page)  # the menu's own fields come up with the new row
    _step(form, 2, "sales", "ring_group:sales")
    _add_step(page)
    _step(form, 3, "support", "ring_group:support")
    form.locator("select[name='steps[1].menu.prompt']").select_option("menu_front")
    form.locator("input[name='steps[1].menu.timeout_s']").fill("8")
    form.locator("select[name='steps[1].menu.key.1']").select_option("2")
    form.locator("select[name='steps[1].menu.key.2']").select_option("3")
    form.locator("select[name='steps[1].on.timeout']").select_option("2")
    page.screenshot(path=str(ARTIFACTS / "menu-plan-form.png"), full_page=True)
    form.locator(".buttons button[value=save]").click()
    page.wait_for_url("**/rules?plan=front#plans")
    route = page.locator("#route-form")
    route.locator("input[name=name]").fill("front door")
    route.locator("select[name=to]").select_option("plan:front")
    route.locator(".buttons button[value=save]").click()
    page.wait_for_url("**/rules**")
    page.screenshot(path=str(ARTIFACTS / "menu-rules.png"), full_page=True)


def test_owner_builds_a_menu_and_a_caller_keys_2_for_support(box, browser, tmp_path  # noqa: F811
                                                              ):
    recording = tmp_path / "greeting.wav"
    subprocess.run(["espeak-ng", "-v", "cmn", "-w", str(recording), GREETING], check=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20000)
    _log_in(page, box.web_url)
    _prompts(page, box.web_url, recording)
    _build_plan(page, box.web_url)
    plan = next(p for p in _config(box)["plans"] if p["name"] == "front")
    assert [s["do"] for s in plan["steps"]] == ["greeting", "menu", "ring_group:sales",
                                                "ring_group:support"]
    context.close()

    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="the box answered")
    greeting = box.data / "prompts" / "zh" / "hello.wav"

    def greeting_heard():
        return find_heard(emu.call_recording(call["id"]), greeting)

    heard = wait_for(greeting_heard, 40, interval=0.5, what="the caller heard the greeting")
    speech = emu.call_heard(call["id"])["speech"]
    assert any(abs(s["t_start"] - heard.t) < 0.5 for s in speech), (speech, heard)
    emu.send_to_call(call["id"], dtmf="2")
    wait_for(lambda: ringing(emu, "fxs2"), 20, what="support's desk phone (803) rings")
    assert not ringing(emu, "fxs1"), "not sales"
    emu.phone_hook("fxs2", "off")
    wait_for(lambda: any(c["state"] == "talking" for c in box.status()["calls"]), 10,
             what="803 answered in the box")  # before the caller hangs up
    emu.hangup(call["id"])
    emu.phone_hook("fxs2", "on")
    rec = wait_record(box, route="route front door > greeting hello:open > menu main:2 > "
                                 "support")
    assert rec["answered_by"] == "803"


def _config(box) -> dict:
    import json

    done = box.switchboard("config", "export")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _pick(form, name: str, value: str) -> None:
    form.locator(f"select[name='{name}']").select_option(value)


def _front_door_on_the_form(page, base: str) -> None:
    """greeting -> menu (1: queue for sales, 2: voicemail for support); the queue
    leaves by key 1 for sales' voicemail. Each new row's fields come up with the row."""
    page.goto(base + "/rules#plan-form")
    form = page.locator("#plan-form")
    form.locator("input[name=name]").fill("door")
    rows = [("hi", "greeting"), ("choose", "menu"), ("sales_q", "queue"),
            ("sales_vm", "voicemail"), ("support_vm", "voicemail")]
    for n, (step_id, does) in enumerate(rows):
        if n:
            _add_step(page)
        _step(form, n, step_id, does)
    _add_step(page)  # the last row's fields, then the spare row goes again
    with page.expect_navigation():
        form.locator("button[value='remove:5']").click()
    _pick(form, "steps[1].menu.prompt", "welcome")
    _pick(form, "steps[1].menu.key.1", "2")
    _pick(form, "steps[1].menu.key.2", "4")
    _pick(form, "steps[2].queue.group", "sales")
    form.locator("input[name='steps[2].queue.max_wait_s']").fill("300")
    _pick(form, "steps[2].queue.leave_key", "1")
    _pick(form, "steps[2].queue.callback_key", "2")
    _pick(form, "steps[2].on.left", "3")
    _pick(form, "steps[3].voicemail.box", "sales")
    _pick(form, "steps[4].voicemail.box", "support")
    form.locator("input[name='steps[4].voicemail.max_s']").fill("60")
    page.screenshot(path=str(ARTIFACTS / "menu-front-door-form.png"), full_page=True)
    form.locator(".buttons button[value=save]").click()
    page.wait_for_url("**/rules?plan=door#plans")


def test_owner_builds_the_front_door_with_a_queue_and_voicemail_on_the_form(
        box, browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20000)
    _log_in(page, box.web_url)
    _front_door_on_the_form(page, box.web_url)
    reply = page.request.get(box.web_url + "/api/config")
    assert reply.ok, reply.text()
    config = reply.json()
    context.close()
    plan = next(p for p in config["plans"] if p["name"] == "door")
    steps = {s["id"]: s for s in plan["steps"]}
    assert [s["do"] for s in plan["steps"]] == ["greeting", "menu", "queue", "voicemail",
                                                "voicemail"]
    assert steps["choose"]["menu"]["choices"] == [{"digit": "1", "to": "sales_q"},
                                                  {"digit": "2", "to": "support_vm"}]
    queue = steps["sales_q"]
    assert queue["queue"]["group"] == "sales" and queue["queue"]["max_wait_s"] == 300
    assert (queue["queue"]["leave_key"], queue["queue"]["callback_key"]) == ("1", "2")
    assert queue["on"]["left"] == "sales_vm"
    assert steps["sales_vm"]["voicemail"]["box"] == "sales"
    assert steps["support_vm"]["voicemail"] == {"box": "support", "greeting": None,
                                                "max_s": 60, "silence_s": 5}
