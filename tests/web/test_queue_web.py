"""The hold queue on the page (issue 12): the live queue card on the dashboard, the
callback list in the JSON API and its "mark done", in-process through WSGI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.calls.callbacks import FILE, CallbackList, read_callbacks
from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example
from tests.web.client import ORIGIN, Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui.app import make_app

QUEUES = [{"queue": "sales", "handle_s": 120.0, "waiting": [
    {"caller": "+8613588880001", "region": "浙江省杭州市", "line": "gsm0", "vip": True,
     "position": 1, "state": "ringing", "ringing": "802 Desk 2", "waiting_s": 45.0,
     "expected_wait_s": 120, "entered_at": "2026-12-02T10:00:00+08:00"},
    {"caller": "+8613588880002", "region": "上海市", "line": "gsm1", "vip": False,
     "position": 2, "state": "waiting", "ringing": "", "waiting_s": 12.0,
     "expected_wait_s": 120, "entered_at": "2026-12-02T10:00:33+08:00"}]}]
AT = datetime(2026, 12, 2, 10, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def box(tmp_path: Path):
    store = ConfigStore(tmp_path)
    store.replace(example())
    loop = LoopThread()

    def status() -> dict:
        return {"system": "ready", "gsm": {}, "ports": {}, "calls": [], "leds": {},
                "forwarding": {}, "agents": {}, "queues": QUEUES}

    service = BoxService(tmp_path, store=store, loop=loop.loop, status=status)
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    yield tmp_path, client
    loop.close()


def _post(client: Client, path: str):
    """An API POST from the page's own script (its CSRF token and origin)."""
    return client.api("POST", path, headers={"X-CSRF-Token": client.csrf, "Origin": ORIGIN})


def _callback(data: Path, caller: str = "+8613588880003") -> dict:
    return CallbackList(data / FILE).add(caller=caller, region="北京市", line="gsm0",
                                         queue="sales", call_id="20261202-100100-abcdef", at=AT)


def test_the_dashboard_shows_who_waits_in_which_queue_in_chinese_and_english(box):
    _data, client = box
    page = client.get("/").text
    assert "排队等候" in page and "+8613588880001" in page and "上海市" in page
    assert "正在振铃坐席" in page and "等待中" in page and 'data-duration="45.0"' in page
    assert page.index("+8613588880001") < page.index("+8613588880002")
    client.get("/lang/en")
    page = client.get("/").text
    assert "Waiting in queues" in page and "ringing a member" in page and "VIP" in page
    status = client.get("/api/status").json()
    assert status["queues"][0]["waiting"][1]["position"] == 2


def test_callback_requests_are_listed_and_marked_done(box):
    data, client = box
    entry = _callback(data)
    assert "+8613588880003" in client.get("/").text
    listed = client.api("GET", "/api/callbacks").json()["callbacks"]
    assert [(e["id"], e["caller"], e["queue"], e["line"], e["state"]) for e in listed] == [
        (entry["id"], "+8613588880003", "sales", "gsm0", "open")]
    reply = _post(client, f"/api/callbacks/{entry['id']}/done")
    assert reply.status == 200 and reply.json()["state"] == "done"
    assert read_callbacks(data / FILE)[0]["state"] == "done"
    assert client.api("GET", "/api/callbacks?state=open").json() == {"callbacks": []}
    assert len(client.api("GET", "/api/callbacks?state=done").json()["callbacks"]) == 1


def test_the_page_button_marks_a_request_done(box):
    data, client = box
    entry = _callback(data)
    reply = client.post(f"/callbacks/{entry['id']}/done", {})
    assert reply.status == 303
    assert read_callbacks(data / FILE)[0]["state"] == "done"
    assert "+8613588880003" not in client.get("/").text


def test_bad_callback_requests_are_named_errors(box):
    data, client = box
    _callback(data)
    reply = _post(client, "/api/callbacks/99/done")
    assert reply.status == 404 and "99" in reply.json()["error"]
    reply = _post(client, "/api/callbacks/abc/done")
    assert reply.status == 400 and reply.json()["errors"][0]["field"] == "id"
    reply = client.api("GET", "/api/callbacks?state=maybe")
    assert reply.status == 400 and reply.json()["errors"][0]["field"] == "state"
    reply = client.api("GET", "/api/callbacks?sate=open")
    assert reply.status == 400
    assert read_callbacks(data / FILE)[0]["state"] == "open", "nothing was changed"


# --- the queue step in words: "test a call" and a record's route ----------------------------


def _queue_details() -> list[dict]:
    from firmware.routing.answer import route_answer
    from tests.routing.helpers import check_config, example_dict, sh

    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": [
        {"id": "q", "do": "queue", "on": {"left": "sales"},
         "queue": {"group": "sales", "leave_key": "1", "callback_key": "2"}},
        {"id": "sales", "do": "ring_group:sales"}]}], routes=[{"name": "all", "to": "plan:p"}])
    answer = route_answer(check_config(raw), "gsm0", "+8613588888888", sh(3, 10), 2)
    return answer.to_json()["step_details"]


@pytest.mark.parametrize(("lang", "head", "exits"), [
    ("en", "hold queue sales: members", "left by key"),
    ("zh", "排队 sales：坐席", "按键离开"),
])
def test_a_queue_step_in_words(lang: str, head: str, exits: str) -> None:
    from web_ui.explain_text import step_lines
    from web_ui.i18n import translator

    _ = translator(lang)
    lines = {d["id"]: step_lines(lang, _, d) for d in _queue_details()}
    assert head in lines["q"]["head"] and exits in lines["q"]["exits"]


def test_a_records_queue_route_in_words() -> None:
    from web_ui.explain_text import route_words

    route = "route all > queue sales: waited 45 s, position 2 on entry, left > reception"
    assert route_words("zh", route) == ("路由 all > 排队 sales：等待 45 秒，进入时排第 2 位；"
                                        "按键离开 > reception")
    assert route_words("en", "queue sales: full: 3 waiting > reception") == \
        "queue sales: full (3 waiting) > reception"


def test_the_rules_page_shows_and_keeps_a_queue_step(data) -> None:
    from tests.web.conftest import example_office
    from tests.web.test_rule_editors import fields, post

    client, service = example_office(data)
    config = service.config()
    group = config["ring_groups"][0]["name"]
    config["plans"] = [*config["plans"], {"name": "hold", "steps": [
        {"id": "q", "do": "queue", "on": {"left": "after", "full": "after"},
         "queue": {"group": group, "leave_key": "1", "callback_key": "2", "max_length": 3}},
        {"id": "after", "do": f"ring_group:{group}"}]}]
    service.replace_config(config)
    before = service.config()["plans"][-1]
    page = client.get("/rules?plan=hold")
    assert page.status == 200
    form = fields(page.text, "plan-form")
    form["name"] = "hold-2"
    reply = post(client, "/rules/plan", form)
    assert reply.status == 303, reply.text
    after = service.config()["plans"][-1]
    assert after["name"] == "hold-2"
    assert after["steps"] == before["steps"], "the queue's settings and exits kept"


def test_the_callback_api_is_in_the_openapi_document() -> None:
    from web_ui.openapi import document

    paths = document()["paths"]
    assert "get" in paths["/api/callbacks"] and "post" in paths["/api/callbacks/{id}/done"]
