"""The Rules page's plan form edits the steps that answer the call (keypad_forms.py):
a menu, a PIN, a verification and a greeting, through WSGI as a browser without
JavaScript would post them; refusals name the field, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import example_office
from tests.web.test_rule_editors import fields, post, selected


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    return example_office(data)


def _new_plan(client: Client, rows: list[tuple[str, str]]) -> dict:
    """The new-plan form with `rows` (id, does) added on the page, nothing saved."""
    form = fields(client.get("/rules").text, "plan-form")
    form.update({"name": "front", "steps[0].id": rows[0][0], "steps[0].do": rows[0][1]})
    for n, (step_id, do) in enumerate(rows[1:], start=1):
        form = fields(post(client, "/rules/plan", form, op="add").text, "plan-form")
        form.update({f"steps[{n}].id": step_id, f"steps[{n}].do": do})
    return form


def test_building_a_menu_on_the_form(box) -> None:
    client, service = box
    form = _new_plan(client, [("main", "duty"), ("sales", "ring_group:sales"),
                              ("reception", "duty")])
    form["steps[0].do"] = "menu"
    first = post(client, "/rules/plan", form)  # a menu chosen: its fields come up first
    assert first.status == 422 and 'data-field="steps[0].do"' in first.text
    assert "请先填写下面此步骤的设置" in first.text
    assert all(p["name"] != "front" for p in service.config()["plans"])
    form = fields(first.text, "plan-form")
    assert form["steps[0].settings_for"] == "menu" and "steps[0].menu.key.1" in form
    form.update({"steps[0].menu.prompt": "welcome", "steps[0].menu.timeout_s": "4",
                 "steps[0].menu.max_tries": "2", "steps[0].menu.direct_dial": "on",
                 "steps[0].menu.key.1": "1", "steps[0].menu.key.0": "2",
                 "steps[0].on.timeout": "2", "steps[0].on.invalid": "2"})
    saved = post(client, "/rules/plan", form)
    assert saved.status == 303, saved.text
    plan = next(p for p in service.config()["plans"] if p["name"] == "front")
    main = plan["steps"][0]
    assert main["menu"]["prompt"] == "welcome" and main["menu"]["timeout_s"] == 4
    assert main["menu"]["max_tries"] == 2 and main["menu"]["direct_dial"] is True
    assert main["menu"]["choices"] == [{"digit": "0", "to": "reception"},
                                       {"digit": "1", "to": "sales"}]
    assert main["on"]["timeout"] == "reception" and main["on"]["invalid"] == "reception"
    page = client.get("/rules?plan=front").text  # shown as saved
    assert selected(page, "steps[0].menu.key.1") == "1"
    assert selected(page, "steps[0].menu.prompt") == "welcome"
    assert selected(page, "steps[0].on.timeout") == "2"


@pytest.mark.parametrize(("lang", "field", "value", "words"), [
    ("zh", "steps[0].menu.timeout_s", "abc", "“abc”不是整数"),
    ("en", "steps[0].menu.timeout_s", "abc", "is not a whole number"),
    ("en", "steps[0].menu.timeout_s", "600", "60"),
    ("zh", "steps[0].menu.prompt", "", "提示音名称"),
])
def test_a_bad_menu_field_is_refused_at_the_field(box, lang: str, field: str, value: str,
                                                   words: str) -> None:
    client, service = box
    client.get(f"/lang/{lang}?back=/rules")
    before = service.config()
    form = _new_plan(client, [("main", "menu"), ("sales", "ring_group:sales")])
    form = fields(post(client, "/rules/plan", form).text, "plan-form")
    form.update({"steps[0].menu.prompt": "welcome", "steps[0].menu.key.1": "1", field: value})
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422
    assert f'data-field="{field}"' in reply.text and words in reply.text
    assert fields(reply.text, "plan-form")["steps[0].id"] == "main", "what was typed stays"
    assert service.config() == before


def test_a_pin_step_never_shows_its_pins_and_keeps_them_when_left_blank(box) -> None:
    client, service = box
    form = _new_plan(client, [("check", "pin"), ("sales", "ring_group:sales")])
    form = fields(post(client, "/rules/plan", form).text, "plan-form")
    form.update({"steps[0].pin.pins": "24680, 13579", "steps[0].pin.tries": "2",
                 "steps[0].on.ok": "1"})
    assert post(client, "/rules/plan", form).status == 303
    pin = service.config()["plans"][-1]["steps"][0]
    assert pin["pin"]["pins"] == ["24680", "13579"] and pin["pin"]["tries"] == 2
    assert pin["on"]["ok"] == "sales"
    page = client.get("/rules?plan=front").text
    assert "24680" not in page and "13579" not in page
    assert 'type="password"' in page and "已保存 2 个密码" in page
    form = fields(page, "plan-form")
    form["steps[0].pin.tries"] = "3"  # PINs left blank: kept
    assert post(client, "/rules/plan", form).status == 303
    pin = service.config()["plans"][-1]["steps"][0]
    assert pin["pin"]["pins"] == ["24680", "13579"] and pin["pin"]["tries"] == 3
    form["steps[0].pin.pins"] = "1x"
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422 and 'data-field="steps[0].pin.pins' in reply.text
    assert "1x" not in reply.text.split('id="plan-form"')[1].split("</form>")[0].replace(
        'value=""', ""), "a refused PIN is not written back into the form"


def test_a_verification_step_with_its_hook(box) -> None:
    client, service = box
    form = _new_plan(client, [("acct", "verify"), ("sales", "ring_group:sales")])
    form = fields(post(client, "/rules/plan", form).text, "plan-form")
    form.update({"steps[0].verify.numbers": "123456, 654321",
                 "steps[0].verify.hook.url": "http://192.168.1.20/check",
                 "steps[0].verify.hook.timeout_s": "2", "steps[0].verify.hook.retries": "0",
                 "steps[0].verify.hook.when_down": "ok", "steps[0].on.ok": "1"})
    assert post(client, "/rules/plan", form).status == 303
    verify = service.config()["plans"][-1]["steps"][0]["verify"]
    assert verify["numbers"] == ["123456", "654321"]
    assert verify["hook"] == {"url": "http://192.168.1.20/check", "timeout_s": 2,
                              "retries": 0, "when_down": "ok"}
    form = fields(client.get("/rules?plan=front").text, "plan-form")
    form["steps[0].verify.hook.url"] = "ftp://nowhere"
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422 and 'data-field="steps[0].verify.hook.url"' in reply.text
    form["steps[0].verify.hook.url"] = ""  # no hook: the list alone
    assert post(client, "/rules/plan", form).status == 303
    assert service.config()["plans"][-1]["steps"][0]["verify"]["hook"] is None


def test_a_greeting_step_by_schedule_or_its_own_prompt(box) -> None:
    client, service = box
    form = _new_plan(client, [("hello", "greeting"), ("sales", "ring_group:sales")])
    assert post(client, "/rules/plan", form).status == 303, "no settings needed"
    hello = service.config()["plans"][-1]["steps"][0]
    assert hello["do"] == "greeting" and "greeting" not in hello
    page = client.get("/rules?plan=front").text
    assert "按来电时间播放" in page
    form = fields(page, "plan-form")
    form.update({"steps[0].greeting.prompt": "welcome", "steps[0].on.next": "1"})
    assert post(client, "/rules/plan", form).status == 303
    hello = service.config()["plans"][-1]["steps"][0]
    assert hello["greeting"] == {"prompt": "welcome"} and hello["on"]["next"] == "sales"
    form["steps[0].greeting.prompt"] = ""  # back to the greeting of the time of the call
    assert post(client, "/rules/plan", form).status == 303
    assert "greeting" not in service.config()["plans"][-1]["steps"][0]


def test_a_forged_menu_key_is_refused_at_the_field(box) -> None:
    client, service = box
    before = service.config()
    form = _new_plan(client, [("main", "menu"), ("sales", "ring_group:sales")])
    form = fields(post(client, "/rules/plan", form).text, "plan-form")
    form.update({"steps[0].menu.prompt": "welcome", "steps[0].menu.key.1": "9"})
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422 and 'data-field="steps[0].menu.key.1"' in reply.text
    assert service.config() == before


@pytest.mark.parametrize(("lang", "head", "route"), [
    ("en", "greeting: closed, prompt closed; a key skips it into the menu",
     "Route front > greeting hello: closed > menu main: key 1 > sales"),
    ("zh", "欢迎语：下班时间，提示音 closed；按键可跳过并进入菜单",
     "路由 front > 欢迎语 hello：下班时间 > 菜单 main：按 1 > sales"),
])
def test_test_a_call_and_the_records_say_the_greeting(lang: str, head: str, route: str) -> None:
    from firmware.routing.answer import route_answer
    from tests.routing.helpers import check_config, example_dict, sh
    from web_ui.explain_text import route_words, step_lines
    from web_ui.i18n import translator

    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": [
        {"id": "hello", "do": "greeting", "on": {"next": "main"}},
        {"id": "main", "do": "menu", "on": {"timeout": "sales"},
         "menu": {"prompt": "main_menu", "choices": [{"digit": "1", "to": "sales"}]}},
        {"id": "sales", "do": "ring_group:sales"}]}],
        routes=[{"name": "all", "to": "plan:p"}])
    answer = route_answer(check_config(raw), "gsm0", "+8613588888888", sh(3, 23), 2)
    _ = translator(lang)
    hello = next(d for d in answer.to_json()["step_details"] if d["id"] == "hello")
    assert head in step_lines(lang, _, hello)["head"]
    assert route_words(lang, "route front > greeting hello:closed > menu main:1 > sales") \
        == route
