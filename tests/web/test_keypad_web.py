"""Keypad steps (menu, PIN, verification) on the page in both languages: "test a call"'s
steps from `step_details`, and a record's route ("menu main:1 > sales")."""

from __future__ import annotations

import pytest

from firmware.routing.answer import route_answer
from tests.routing.helpers import check_config, example_dict, sh
from web_ui.explain_text import route_words, step_lines
from web_ui.i18n import translator

STEPS = [
    {"id": "main", "do": "menu", "on": {"timeout": "sales"},
     "menu": {"prompt": "main_menu", "direct_dial": True,
              "choices": [{"digit": "1", "to": "sales"}, {"digit": "2", "to": "check"}]}},
    {"id": "check", "do": "pin", "pin": {"pins": ["8642"]}, "on": {"ok": "acct"}},
    {"id": "acct", "do": "verify", "on": {"ok": "sales"},
     "verify": {"numbers": ["123456"], "hook": {"url": "http://127.0.0.1:9/v"},
                "exits": [{"name": "vip", "to": "sales"}]}},
    {"id": "sales", "do": "ring_group:sales"},
]


def _details() -> list[dict]:
    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": STEPS}], routes=[{"name": "all", "to": "plan:p"}])
    answer = route_answer(check_config(raw), "gsm0", "+8613588888888", sh(3, 10), 2)
    return answer.to_json()["step_details"]


@pytest.mark.parametrize(("lang", "menu", "pin", "exits"), [
    ("en", "voice menu, prompt main_menu, 5 s for a key, 3 plays; an extension number",
     "PIN: 1 right PIN(s) (not shown)", "key 1, no key → sales"),
    ("zh", "语音菜单，提示音 main_menu，等待按键 5 秒，最多播放 3 次；可直接拨分机号",
     "密码验证：1 个正确密码（不显示）", "按 1、未按键 → sales"),
])
def test_keypad_steps_in_words(lang: str, menu: str, pin: str, exits: str) -> None:
    _ = translator(lang)
    lines = {d["id"]: step_lines(lang, _, d) for d in _details()}
    assert menu in lines["main"]["head"]
    assert exits in lines["main"]["exits"]
    assert pin in lines["check"]["head"]
    assert "8642" not in str(lines)
    assert "http://127.0.0.1:9/v" in lines["acct"]["head"]
    assert "vip" in lines["acct"]["exits"]


def test_a_records_route_with_keypad_steps_in_words() -> None:
    route = "route front > menu main:2 > menu support:803 > pin check:failed > refused"
    assert route_words("zh", route) == ("路由 front > 菜单 main：按 2 > 菜单 support：分机 803 > "
                                        "密码验证 check：未通过 > 验证未通过")
    assert route_words("en", "route front > menu main:timeout > verify acct:vip > sales") == \
        "Route front > menu main: no key > verification acct: vip > sales"


# --- the Rules page's plan editor keeps keypad steps ---------------------------------------


def test_saving_a_plan_with_keypad_steps_on_the_rules_page_keeps_them(data) -> None:
    import json as _json
    from pathlib import Path

    from tests.web.conftest import example_office
    from tests.web.test_rule_editors import fields, post

    client, service = example_office(data)
    front = _json.loads((Path(__file__).resolve().parents[2] / "docs" /
                         "example-config-frontdoor.json").read_text("utf-8"))
    config = service.config()
    config.update(ring_groups=front["ring_groups"], inbound=front["inbound"], routes=[],
                  plans=[*config["plans"], *front["plans"]])
    service.replace_config(config)
    before = service.config()["plans"][-1]
    form = fields(client.get("/rules?plan=front").text, "plan-form")
    form["name"] = "front-door"  # renamed on the page
    reply = post(client, "/rules/plan", form)
    assert reply.status == 303, reply.text
    after = service.config()["plans"][-1]
    assert after["name"] == "front-door"
    assert after["steps"] == before["steps"], "menu settings and exits kept"
