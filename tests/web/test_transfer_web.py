"""Transfers on the page (issue 13): the dashboard says who holds the caller now and who
transferred them; the records say a call was transferred and by whom; the report counts
transfers per agent. Every word in both languages."""

from __future__ import annotations

import json
from datetime import timedelta

from firmware.cdr.records import LegRecord
from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, end, leg, start
from tests.web.client import Client
from tests.web.test_dashboard import RINGING, box  # noqa: F401  (the fixture)

TRANSFERRED = {**RINGING, "id": 3, "state": "talking", "ringing": [], "talking_with": "802 王芳",
               "held_by": "802 王芳", "transferred_by": "801 张伟", "duration_s": 30.0,
               "waiting_s": 40.0}


def test_the_dashboard_says_who_transferred_the_caller(box):  # noqa: F811
    fake, client, _ = box
    fake.calls = [TRANSFERRED]
    page = client.get("/").text
    assert "802 王芳 (由 801 张伟 转接)" in page
    assert client.get("/api/status").json()["calls"][0]["transferred_by"] == "801 张伟"
    client.get("/lang/en")
    assert "802 王芳 (transferred by 801 张伟)" in client.get("/").text
    assert "live_transferred_by" in client.get("/").text  # live.js has the words too


def test_records_and_report_show_transfers(owner: Client, data) -> None:
    with CdrStore(records_path(data), preload_regions=False) as store:
        call = store.begin_call(start("13588888888", T0, call_id="x1"))
        store.add_leg(call, leg("801", T0, ring=2, talk=30, agent="张伟", agent_id="801",
                                cause="transferred"))
        store.add_leg(call, LegRecord(target="802", target_kind="transfer",
                                      started_at=T0 + timedelta(seconds=32),
                                      ended_at=T0 + timedelta(seconds=35),
                                      outcome="completed", agent="801 张伟", agent_id="801",
                                      cause="blind transfer"))
        store.add_leg(call, leg("802", T0 + timedelta(seconds=32), ring=3, talk=60,
                                agent="王芳", agent_id="802"))
        store.end_call(call, end(T0 + timedelta(seconds=95), answered_by="802",
                                 agent_id="802", talk_s=93, ring_s=2))
    page = owner.get("/records?since=2024-05-01&until=2024-05-02").text
    assert '<small class="transfer">由 801 张伟 转接</small>' in page
    one = owner.api("GET", "/api/records/x1").json()
    assert [x["outcome"] for x in one["legs"] if x["target_kind"] == "transfer"] == ["completed"]
    report = owner.api("GET", "/api/reports?since=2024-05-01&until=2024-05-02").json()
    agents = {a["key"]: a for a in report["by_agent"]}
    assert (agents["801"]["answered"], agents["801"]["transfers"]) == (0, 1)
    assert (agents["802"]["answered"], agents["802"]["transfers"]) == (1, 0)
    reports = owner.get("/reports?since=2024-05-01&until=2024-05-02").text
    assert "<th>转接次数</th>" in reports


def test_the_transfer_section_on_the_page_and_through_the_api(owner: Client, service) -> None:
    page = owner.get("/config/transfer").text
    assert '"fallback": "group"' in page or "&quot;fallback&quot;: &quot;group&quot;" in page
    value = json.dumps({"ring_s": 25, "return_ring_s": 10, "fallback": "queue"})
    assert owner.post("/config/transfer", {"value": value}).status == 303
    assert service.config()["transfer"] == {"ring_s": 25, "return_ring_s": 10,
                                            "fallback": "queue"}
    bad = owner.post("/config/transfer", {"value": '{"fallback": "hang up", "ring_s": 900}'})
    assert bad.status == 422 and "transfer.fallback" in bad.text and "transfer.ring_s" in bad.text
    assert service.config()["transfer"]["fallback"] == "queue"  # nothing lost
    token = owner.app.config["switchboard.web"].owner.add_token("script")
    doc = owner.api("GET", "/api/config", token=token).json()
    refused = owner.api("PUT", "/api/config", {**doc, "transfer": {"ring_s": "soon"}},
                        token=token)
    assert refused.status == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["transfer.ring_s"]
    old = {k: v for k, v in doc.items() if k != "transfer"}  # a file from before the section
    assert owner.api("PUT", "/api/config", old, token=token).status == 200
    assert service.config()["transfer"]["fallback"] == "group"
