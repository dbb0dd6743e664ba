"""The live dashboard (A4) and agent availability from the page and the API (R12),
in-process: the facade reaches a "box" (a status function and an availability
setter) on an event loop in a thread, as in the box's own process."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui import pages
from web_ui.app import make_app
from web_ui.i18n import translator
from web_ui.openapi import document

RINGING = {"id": 1, "what": "inbound 13588888888 on gsm0", "direction": "in", "line": "gsm0",
           "caller": "13588888888", "region": "浙江 杭州", "state": "ringing",
           "ringing": ["802 王芳"], "talking_with": "", "legs": ["gsm0", "fxs1"],
           "duration_s": 7.4, "started_at": "2025-06-02T10:00:00+08:00"}


class FakeBox:
    def __init__(self) -> None:
        self.available = {"801": True, "802": True, "803": True, "804": True,
                          "zhang": True, "wang": True, "david": True}
        self.calls = [RINGING]
        self.since: dict[str, str] = {}
        self.ports = {"fxs0": "idle", "fxs1": "ringing"}
        self.audio: dict | None = None

    def status(self) -> dict:
        return {"system": "ready", "gsm": {"gsm0": {"state": "ready", "sim": "ready",
                                                    "registration": 5, "csq": 20}},
                "ports": dict(self.ports), "calls": self.calls,
                "leds": {"PWR": "solid"}, "forwarding": {}, "agents": dict(self.available),
                "unavailable_since": dict(self.since),
                **({"audio": self.audio} if self.audio else {})}

    def set_available(self, agent: str, available: bool) -> None:
        self.available[agent] = available


@pytest.fixture
def box(tmp_path: Path):
    store = ConfigStore(tmp_path)
    store.replace(example())
    fake, loop = FakeBox(), LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=fake.status,
                         set_available=fake.set_available)
    app = make_app(service, kdf_n=FAST_KDF)
    client = Client(app)
    set_up_owner(client)
    yield fake, client, app
    loop.close()


def test_a_ringing_call_shows_caller_region_who_and_duration_in_chinese(box):
    _, client, _ = box
    page = client.get("/").text
    assert "13588888888" in page and "浙江 杭州" in page and "802 王芳" in page
    assert 'data-duration="7.4"' in page and ">0:07<" in page
    assert "振铃中" in page and "漫游" in page  # call state, registration 5
    assert "ringing<" not in page


def test_state_words_in_english(box):
    _, client, _ = box
    client.get("/lang/en")
    page = client.get("/").text
    assert ">ringing<" in page and ">roaming<" in page and ">ready<" in page
    assert "set unavailable" in page and "Takes calls" in page


def test_the_live_words_cover_the_states_the_script_draws():
    words = json.loads(pages._live_words())
    for key in ("live_call_ringing", "live_line_ready", "live_port_in_use", "live_reg_1",
                "live_sim_pin", "live_set_available", "live_withheld", "agent_idle"):
        assert key in words
    _ = translator("en")
    assert pages.live_word(_, "line", "no_sim") == "no SIM"
    assert pages.live_word(_, "line", "something_new") == "something_new"
    assert pages.live_word(_, "sim", None) == "-"
    assert [pages.duration_text(s) for s in (None, 7.9, 750, 3723)] == [
        "-", "0:07", "12:30", "1:02:03"]


def test_the_status_api_gives_each_agent_its_id_and_availability(box):
    fake, client, _ = box
    fake.available["803"] = False
    agents = {a["id"]: a for a in client.get("/api/status").json()["agents"]}
    assert agents["803"]["available"] is False and agents["801"]["available"] is True
    assert agents["zhang"]["name"] == "张伟" and agents["zhang"]["available"] is True
    assert client.get("/api/status").json()["calls"][0]["region"] == "浙江 杭州"


def test_the_switch_on_the_page_sets_an_agent_unavailable_and_back(box):
    fake, client, _ = box
    client.get("/lang/en")
    page = client.get("/").text
    assert 'name="agent" value="802"' in page
    reply = client.post("/agents/availability", {"agent": "802", "available": "0"})
    assert reply.status == 303 and reply.location.endswith("/")
    assert fake.available["802"] is False
    page = client.get("/").text
    assert "passed over from the next call" in page
    assert "set available" in page
    assert client.post("/agents/availability", {"agent": "802", "available": "1"}).status == 303
    assert fake.available["802"] is True


def test_the_switch_needs_csrf_a_known_agent_and_a_good_value(box):
    fake, client, _ = box
    client.get("/")
    before = dict(fake.available)
    assert client.post("/agents/availability", {"agent": "802", "available": "0"},
                       csrf=False).status == 403
    assert client.post("/agents/availability", {"agent": "802", "available": "0"},
                       origin="http://evil.example").status == 403
    assert client.post("/agents/availability", {"agent": "999", "available": "0"}).status == 404
    assert client.post("/agents/availability", {"agent": "802", "available": "x"}).status == 400
    assert fake.available == before


def test_the_api_sets_availability(box):
    fake, client, app = box
    token = app.config["switchboard.web"].owner.add_token("script")
    path = "/api/agents/zhang/availability"
    reply = client.api("POST", path, {"available": False}, token=token)
    assert reply.status == 200 and reply.json() == {"agent": "zhang", "available": False}
    assert fake.available["zhang"] is False
    for bad in ({}, {"available": "no"}, {"available": True, "more": 1}, [True]):
        reply = client.api("POST", path, bad, token=token)
        assert reply.status == 400 and reply.json()["errors"][0]["field"] == "available"
    reply = client.request("POST", path, body=b"{nope", headers={
        "Authorization": f"Bearer {token}"}, content_type="application/json")
    assert reply.status == 400
    reply = client.api("POST", "/api/agents/999/availability", {"available": True}, token=token)
    assert reply.status == 404 and "999" in reply.json()["error"]
    assert fake.available["zhang"] is False
    assert client.api("POST", path, {"available": True}).status == 403  # session: no CSRF


def test_the_api_document_describes_availability():
    op = document()["paths"]["/api/agents/{agent}/availability"]["post"]
    assert {"200", "400", "404"} <= set(op["responses"])
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Availability"}


def test_without_a_box_availability_is_a_503(tmp_path: Path):
    store = ConfigStore(tmp_path)
    store.replace(example())
    app = make_app(BoxService(tmp_path, store=store), kdf_n=FAST_KDF)
    client = Client(app)
    set_up_owner(client)
    token = app.config["switchboard.web"].owner.add_token("script")
    reply = client.api("POST", "/api/agents/801/availability", {"available": False},
                       token=token)
    assert reply.status == 503


def _today_at(hhmm: str) -> str:
    hour, minute = (int(n) for n in hhmm.split(":"))
    now = datetime.now(ZoneInfo(example()["settings"]["timezone"]))
    return now.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def test_unavailable_by_choice_is_a_state_of_its_own_in_both_languages(box):
    fake, client, _ = box
    fake.available.update({"803": False, "802": False, "zhang": False, "804": False})
    fake.since.update({"803": _today_at("09:15"), "804": "2020-01-01T08:00:00+08:00"})
    fake.ports["fxs2"] = "idle"
    fake.ports["fxs0"] = "fault"
    agents = {a["id"]: a for a in client.get("/api/status").json()["agents"]}
    assert agents["803"]["state"] == "unavailable"
    assert agents["803"]["unavailable_since"] == _today_at("09:15")
    assert agents["zhang"]["state"] == "unavailable"
    assert agents["zhang"]["unavailable_since"] is None
    assert agents["802"]["state"] == "ringing"  # ringing now, though passed over next time
    assert agents["801"]["state"] == "out_of_service" and agents["801"]["available"] is True
    assert agents["wang"]["state"] == "mobile" and agents["wang"]["unavailable_since"] is None
    zh = client.get("/").text
    assert "09:15 起暂停接听" in zh and "2020-01-01 08:00 起暂停接听" in zh
    assert '<td class="state-unavailable">已暂停接听</td>' in zh  # zhang: since unknown
    assert '<td class="state-out_of_service">不可用</td>' in zh
    client.get("/lang/en")
    en = client.get("/").text
    assert "unavailable by choice since 09:15" in en and ">out of service<" in en
    assert '<td class="state-unavailable">unavailable by choice</td>' in en
    words = json.loads(pages._live_words())
    assert "{time}" in words["agent_unavailable_since"] and "agent_out_of_service" in words


def test_the_staff_page_shows_who_takes_calls_with_the_same_switch(box):
    fake, client, _ = box
    fake.available["803"] = False
    fake.since["803"] = _today_at("14:05")
    client.get("/lang/en")
    page = client.get("/staff").text
    section = page[page.index('id="availability"'):page.index("</table>",
                                                              page.index('id="availability"'))]
    assert "Who takes calls" in section and "*62" in section
    assert 'data-agent="803"' in section and "unavailable by choice since 14:05" in section
    assert 'data-agent="zhang"' in section and "张伟" in section
    assert section.count('action="/agents/availability"') == 7
    assert section.count('name="back" value="/staff"') == 7
    reply = client.post("/agents/availability", {"agent": "803", "available": "1",
                                                  "back": "/staff"})
    assert reply.status == 303 and reply.location.endswith("/staff")
    assert fake.available["803"] is True
    assert "takes calls again from the next call" in client.get("/staff").text
    reply = client.post("/agents/availability", {"agent": "804", "available": "0",
                                                  "back": "//evil.example/"})
    assert reply.status == 303 and reply.location.endswith("/") and "evil" not in reply.location
    assert fake.available["804"] is False
    zh = client.get("/staff", headers={"Accept-Language": "zh-CN"})
    assert "Who takes calls" in zh.text  # the language switch (a cookie) still says English
    client.get("/lang/zh-CN")
    assert "接听状态" in client.get("/staff").text


def test_the_staff_page_without_a_box_says_it_cannot_show_availability(owner):
    owner.get("/lang/en")
    page = owner.get("/staff")
    assert page.status == 200
    assert "The box is not running: who takes calls cannot be shown" in page.text
    assert 'action="/agents/availability"' not in page.text


def test_the_system_page_shows_the_call_audio_health(box):
    fake, client, _ = box
    assert 'id="audio"' not in client.get("/system").text  # a box that does not say
    counters = {"frames_out": 5000, "underruns": 3, "late_ticks": 1, "cushions": 1,
                "max_tick_gap_ms": 61.5}
    now = dict(counters, frames_out=200, underruns=1, late_ticks=0, max_tick_gap_ms=21.0)
    fake.audio = {"ended": counters, "slots": {"gsm0": now}}
    page = client.get("/system").text
    card = page[page.index('id="audio"'):page.index("</section>", page.index('id="audio"'))]
    assert "通话音频" in card
    assert ">5200<" in card and ">4<" in card and ">1<" in card and "61.5 ms" in card
    client.get("/lang/en")
    assert "Frames a line delivered too late" in client.get("/system").text
