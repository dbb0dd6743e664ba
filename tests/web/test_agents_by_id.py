"""Issue 9 §3 on the page: the dashboard counts agents by id, and "test a call" reads the
running box's agent state (in the box's process and over the control socket)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware import paths
from firmware.cdr.records import CallEnd, CallStart, LegRecord
from firmware.cdr.store import CdrStore, records_path
from firmware.clock import FakeClock
from firmware.config.cli import control_handlers
from firmware.config.store import ConfigStore
from firmware.routing.stats import AgentStats, stats_to_json
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example, running_server
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui.app import make_app

NOW = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday
ASK = "caller=13588888888&line=gsm0&at=2026-06-02T10:00"  # route "zhejiang customers"
STATE = AgentStats(unavailable=frozenset({"801"}), rotation={"sales": 1})


def _status() -> dict:
    return {"system": "ready", "gsm": {}, "ports": {"fxs0": "idle", "fxs1": "idle"},
            "calls": [], "leds": {}, "forwarding": {},
            "agents": {a: a != "801" for a in ("801", "802", "803", "804", "zhang", "wang",
                                               "david")},
            "unavailable_since": {}}


@pytest.fixture
def page(tmp_path: Path):
    """The example office on a page in the box's process, whose box knows `STATE`."""
    store = ConfigStore(tmp_path)
    store.replace(example())
    asked: list[dict] = []

    def agent_state(args: dict) -> dict:
        asked.append(args)
        return {"at": args.get("at"), "stats": stats_to_json(STATE)}

    loop = LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=_status,
                         set_available=lambda a, v: None, clock=FakeClock(NOW),
                         agent_state=agent_state)
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    yield client, service, asked, tmp_path
    loop.close()


def _answered(store: CdrStore, at: datetime, target: str, agent: str, agent_id: str) -> None:
    call = store.begin_call(CallStart("in", "gsm0", "13588888888", "+8613800138000", at))
    store.add_leg(call, LegRecord(target, "extension", at, at + timedelta(minutes=2),
                                  "answered", answered_at=at + timedelta(seconds=5),
                                  agent=agent, agent_id=agent_id, group="sales"))
    store.end_call(call, CallEnd(at + timedelta(minutes=2), "answered", target,
                                 agent_id=agent_id))


def test_a_mobile_that_never_rang_shows_no_answer_and_a_rename_keeps_counts(page) -> None:
    client, service, _, data = page
    with CdrStore(records_path(data), preload_regions=False) as store:
        _answered(store, NOW - timedelta(hours=1), "802", "王芳", "802")  # 802 and wang: 王芳
    agents = {a["id"]: a for a in client.api("GET", "/api/status").json()["agents"]}
    assert agents["802"]["answered"] == 1
    assert agents["wang"]["answered"] == 0 and agents["wang"]["missed"] == 0
    renamed = service.config()
    renamed["extensions"][1]["name"] = "王芳芳"
    service.replace_config(renamed)
    agents = {a["id"]: a for a in client.api("GET", "/api/status").json()["agents"]}
    assert agents["802"]["answered"] == 1 and agents["802"]["name"] == "802 王芳芳"
    report = client.api("GET", "/api/reports?since=2026-06-02&until=2026-06-02").json()
    assert [(r["key"], r["name"], r["answered"]) for r in report["by_agent"]] == \
        [("802", "王芳", 1)]
    found = client.api("GET", "/api/records?agent=802").json()
    assert found["total"] == 1 and found["calls"][0]["agent_id"] == "802"
    assert client.api("GET", "/api/records?agent=wang").json()["total"] == 0


def test_test_a_call_reads_the_running_boxs_state(page) -> None:
    client, _, asked, _ = page
    doc = client.api("GET", f"/api/explain?{ASK}").json()
    assert doc["targets"][:2] == ["802", "804"]  # 801 is unavailable (*62)
    assert doc["agent_state"]["source"] == "box"
    assert doc["agent_state"]["unavailable"] == ["801"]
    assert "801 is unavailable" in doc["answer"]
    assert asked and asked[-1] == {"at": "2026-06-02T10:00:00+08:00"}
    text = client.get(f"/rules?{ASK}").text
    assert "取自正在运行的主机" in text and "暂停接听：801" in text and "首先振铃: 802" in text
    client.get("/lang/en")
    text = client.get(f"/rules?{ASK}").text
    assert "Agent state: the running box" in text and "Rings first: 802" in text


def test_without_a_box_test_a_call_says_it_used_a_fresh_state(owner: Client,
                                                               service: BoxService) -> None:
    service.replace_config(example())
    doc = owner.api("GET", f"/api/explain?{ASK}").json()
    assert doc["agent_state"]["source"] == "fresh" and doc["targets"][0] == "801"
    assert "主机未运行，按初始状态计算" in owner.get(f"/rules?{ASK}").text


def test_over_the_socket_the_box_is_asked_and_nothing_changes() -> None:
    with tempfile.TemporaryDirectory(prefix="sba") as tmp:
        data = Path(tmp)
        store = ConfigStore(data)
        store.replace(example())
        asked: list[dict] = []

        def state(args: dict) -> dict:
            asked.append(args)
            return {"at": args["at"], "stats": stats_to_json(STATE)}

        handlers = {"agents.state": state, **control_handlers(store)}
        with running_server(paths.control_socket(data), handlers):
            service = BoxService.of_running_box(data)
            first = service.explain_call("13588888888", "gsm0", NOW)
            again = service.explain_call("13588888888", "gsm0", NOW)
        assert first["targets"] == again["targets"] and first["targets"][0] == "802"
        assert first["agent_state"]["source"] == "box" and len(asked) == 2
        with running_server(paths.control_socket(data), control_handlers(store)):
            old_box = BoxService.of_running_box(data)  # a box without the op: fresh
            assert old_box.explain_call("13588888888", "gsm0", NOW)["agent_state"][
                "source"] == "fresh"
