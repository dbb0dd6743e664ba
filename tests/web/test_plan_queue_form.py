"""The Rules page's plan form edits hold queue, voicemail and "SMS to the caller" steps
(web_ui/queue_forms.py) through WSGI as a browser without JavaScript posts them: built
on the form, edited, refused at the field in Chinese and English with what was typed
kept and nothing saved, and a stored front-door plan shown and saved back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import example_office
from tests.web.test_plan_steps_form import _new_plan
from tests.web.test_rule_editors import fields, post, selected

FRONT = json.loads((Path(__file__).resolve().parents[2] / "docs" /
                    "example-config-frontdoor.json").read_text("utf-8"))


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    return example_office(data)


def _queue_plan(client: Client) -> dict:
    """A plan "front": a queue, a voicemail, reception (the queue's timeout); the
    queue's and the voicemail's fields up on the form with their defaults, nothing
    saved."""
    form = _new_plan(client, [("sales_q", "queue"), ("sales_vm", "voicemail"),
                              ("reception", "ring_group:sales")])
    form = fields(post(client, "/rules/plan", form, op="add").text, "plan-form")
    form = fields(post(client, "/rules/plan", form, op="remove:3").text, "plan-form")
    form["steps[0].on.timeout"] = "2"  # so reception is reached
    return form


def _plan(service: BoxService, name: str = "front") -> dict:
    return next(p for p in service.config()["plans"] if p["name"] == name)


def test_building_a_queue_and_a_voicemail_on_the_form(box) -> None:
    client, service = box
    form = _new_plan(client, [("sales_q", "ring_group:sales"), ("sales_vm", "hangup")])
    form.update({"steps[0].do": "queue", "steps[1].do": "voicemail"})
    first = post(client, "/rules/plan", form)  # kinds just chosen: their fields come up
    assert first.status == 422 and 'data-field="steps[0].do"' in first.text
    assert "请先填写下面此步骤的设置" in first.text
    assert all(p["name"] != "front" for p in service.config()["plans"])
    form = _queue_plan(client)
    assert form["steps[0].settings_for"] == "queue"
    assert form["steps[0].queue.max_wait_s"] == "600", "the config's defaults shown"
    assert form["steps[0].queue.after_hours"] == "on"
    assert form["steps[1].settings_for"] == "voicemail" and form["steps[1].voicemail.box"] == ""
    assert "steps[1].on.busy" not in form, "a voicemail ends the call: no exits"
    form.update({"steps[0].queue.group": "sales", "steps[0].queue.max_wait_s": "300",
                 "steps[0].queue.max_length": "8", "steps[0].queue.announce_every_s": "45",
                 "steps[0].queue.entry_prompt": "", "steps[0].queue.leave_key": "1",
                 "steps[0].queue.callback_key": "2", "steps[0].on.left": "1",
                 "steps[0].on.timeout": "2", "steps[0].on.full": "2",
                 "steps[1].voicemail.box": "803", "steps[1].voicemail.max_s": "60",
                 "steps[1].voicemail.silence_s": "0"})
    del form["steps[0].queue.after_hours"]  # the box unticked
    saved = post(client, "/rules/plan", form)
    assert saved.status == 303, saved.text
    queue, vm, _reception = _plan(service)["steps"]
    assert queue["queue"] == {"group": "sales", "music": "music", "announce_every_s": 45,
                              "max_wait_s": 300, "max_length": 8, "leave_key": "1",
                              "callback_key": "2", "after_hours": False,
                              "entry_prompt": None}
    assert queue["on"]["left"] == "sales_vm" and queue["on"]["timeout"] == "reception"
    assert queue["on"]["full"] == "reception"
    assert vm["voicemail"] == {"box": "803", "greeting": None, "max_s": 60, "silence_s": 0}
    page = client.get("/rules?plan=front").text  # shown as saved
    assert selected(page, "steps[0].queue.group") == "sales"
    assert selected(page, "steps[0].queue.leave_key") == "1"
    assert selected(page, "steps[0].on.left") == "1"
    assert selected(page, "steps[1].voicemail.box") == "803"
    assert "等待超时（或下班离开）时" in page and "队列已满时" in page


def test_a_queue_step_with_only_its_group_takes_the_defaults(box) -> None:
    client, service = box
    form = _queue_plan(client)
    form.update({"steps[0].queue.group": "sales", "steps[1].voicemail.box": "sales"})
    for name in ("announce_every_s", "max_wait_s", "max_length"):
        form[f"steps[0].queue.{name}"] = ""  # blank: the default
    assert post(client, "/rules/plan", form).status == 303
    queue, vm, _ = _plan(service)["steps"]
    assert queue["queue"] == {"group": "sales", "music": "music", "announce_every_s": 30,
                              "max_wait_s": 600, "max_length": 10, "leave_key": None,
                              "callback_key": None, "after_hours": True,
                              "entry_prompt": "queue_hold"}
    assert vm["voicemail"]["box"] == "sales" and vm["voicemail"]["max_s"] == 120


def test_editing_a_stored_queue_and_voicemail(box) -> None:
    client, service = box
    form = _queue_plan(client)
    form.update({"steps[0].queue.group": "sales", "steps[1].voicemail.box": "803"})
    assert post(client, "/rules/plan", form).status == 303
    form = fields(client.get("/rules?plan=front").text, "plan-form")
    form.update({"steps[0].queue.max_length": "3", "steps[0].queue.music": "welcome",
                 "steps[1].voicemail.greeting": "goodbye", "steps[1].voicemail.box": "804"})
    assert post(client, "/rules/plan", form).status == 303
    queue, vm, _ = _plan(service)["steps"]
    assert queue["queue"]["max_length"] == 3 and queue["queue"]["music"] == "welcome"
    assert vm["voicemail"]["greeting"] == "goodbye" and vm["voicemail"]["box"] == "804"


BAD = [
    ("zh", "steps[0].queue.max_wait_s", "abc", "“abc”不是整数"),
    ("en", "steps[0].queue.max_wait_s", "abc", "is not a whole number"),
    ("en", "steps[0].queue.max_wait_s", "5", "10"),
    ("zh", "steps[0].queue.announce_every_s", "5", "播报间隔至少 10 秒"),
    ("en", "steps[0].queue.max_length", "0", "1"),
    ("zh", "steps[0].queue.group", "", "请选择接听排队来电的振铃组"),
    ("en", "steps[0].queue.group", "", "pick the ring group"),
    ("en", "steps[0].queue.group", "nosuch", "nosuch"),
    ("en", "steps[0].queue.music", "Bad Name!", "Bad Name!"),
    ("en", "steps[0].queue.leave_key", "x", "x"),
    ("zh", "steps[1].voicemail.box", "", "请选择留言所属的分机或振铃组"),
    ("en", "steps[1].voicemail.box", "999", "999"),
    ("zh", "steps[1].voicemail.max_s", "9999", "600"),
    ("en", "steps[1].voicemail.silence_s", "x", "is not a whole number"),
]


@pytest.mark.parametrize(("lang", "field", "value", "words"), BAD)
def test_a_bad_field_is_refused_at_the_field_and_what_was_typed_stays(
        box, lang: str, field: str, value: str, words: str) -> None:
    client, service = box
    client.get(f"/lang/{lang}?back=/rules")
    before = service.config()
    form = _queue_plan(client)
    form.update({"steps[0].queue.group": "sales", "steps[2].id": "desk",
                 "steps[1].voicemail.box": "803", field: value})
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422, reply.text
    assert f'data-field="{field}"' in reply.text and words in reply.text
    again = fields(reply.text, "plan-form")
    assert again["steps[2].id"] == "desk", "what was typed stays"
    assert again[field] == value, "the refused value is shown as typed"
    assert service.config() == before


def test_the_same_key_to_leave_and_for_a_callback_is_refused(box) -> None:
    client, service = box
    before = service.config()
    form = _queue_plan(client)
    form.update({"steps[0].queue.group": "sales", "steps[1].voicemail.box": "803",
                 "steps[0].queue.leave_key": "1", "steps[0].queue.callback_key": "1"})
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422
    assert 'data-field="steps[0].queue.callback_key"' in reply.text
    assert "离开键和回电键都是“1”" in reply.text
    assert service.config() == before


def test_an_sms_to_the_caller_with_its_own_text_and_prompt(box) -> None:
    client, service = box
    form = _new_plan(client, [("sales", "ring_group:sales"), ("sms", "sms_caller")])
    form = fields(post(client, "/rules/plan", form, op="add").text, "plan-form")
    form = fields(post(client, "/rules/plan", form, op="remove:2").text, "plan-form")
    assert form["steps[1].sms_caller.text"] == ""
    form.update({"steps[0].on.no_answer": "1"})
    assert post(client, "/rules/plan", form).status == 303, "no settings needed"
    sms = _plan(service)["steps"][1]
    assert sms["do"] == "sms_caller" and "sms_caller" not in sms
    page = client.get("/rules?plan=front").text
    assert "您好，您刚才的来电暂时无人接听" in page, "the owner's default text as placeholder"
    form = fields(page, "plan-form")
    form.update({"steps[1].sms_caller.text": "销售部稍后回电。",
                 "steps[1].sms_caller.prompt": "goodbye"})
    assert post(client, "/rules/plan", form).status == 303
    assert _plan(service)["steps"][1]["sms_caller"] == {"text": "销售部稍后回电。",
                                                        "prompt": "goodbye"}
    before = service.config()
    form["steps[1].sms_caller.text"] = "长" * 301
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422 and 'data-field="steps[1].sms_caller.text"' in reply.text
    assert "超过 300 个字符" in reply.text and "长" * 301 in reply.text
    assert service.config() == before


def test_the_front_door_plan_is_shown_and_saved_back_unchanged(box) -> None:
    client, service = box
    config = service.config()
    config.update(ring_groups=FRONT["ring_groups"], routes=[], plans=FRONT["plans"])
    config["plans"][0]["steps"].append({"id": "text_me", "do": "sms_caller",
                                        "sms_caller": {"text": "稍后回电", "prompt": None}})
    config["plans"][0]["steps"][-2]["on"] = {"busy": "text_me"}  # reception
    service.replace_config(config)
    before = _plan(service)
    page = client.get("/rules?plan=front").text
    assert "设置见方案的 JSON" not in page and "plans' JSON" not in page
    assert selected(page, "steps[2].queue.group") == "sales"
    assert selected(page, "steps[2].queue.callback_key") == "2"
    assert selected(page, "steps[2].on.left") == "4"  # sales_vm
    assert selected(page, "steps[5].voicemail.box") == "support"
    reply = post(client, "/rules/plan", fields(page, "plan-form"))
    assert reply.status == 303, reply.text
    assert _plan(service) == before


def test_a_post_made_by_hand_without_the_forms_hidden_fields(box) -> None:
    """A script posting the fields it means (no `settings_for`) saves them."""
    client, service = box
    form = {"name": "scripted", "steps[0].id": "q", "steps[0].do": "queue",
            "steps[0].queue.group": "sales", "steps[0].queue.max_wait_s": "120",
            "steps[0].queue.music": "music", "steps[0].queue.after_hours": "on",
            "steps[0].on.timeout": "1",
            "steps[1].id": "vm", "steps[1].do": "voicemail", "steps[1].voicemail.box": "801",
            "csrf": client.csrf}
    reply = post(client, "/rules/plan", form)
    assert reply.status == 303, reply.text
    queue, vm = _plan(service, "scripted")["steps"]
    assert queue["queue"]["max_wait_s"] == 120 and queue["queue"]["after_hours"] is True
    assert queue["on"]["timeout"] == "vm" and vm["voicemail"]["box"] == "801"
