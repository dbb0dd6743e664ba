"""Which plan a call gets, end to end: a region route, a blocked caller, a reached cap
(with the owner's SMS through the modem), on the running box against the emulator."""

from __future__ import annotations

import json

import pytest

from hil_tests.calls_rig import (
    CALLER,
    MOBILES,
    SIM,
    box_with,
    heard_tone,
    office,
    records,
    wait_record,
)
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page

OTHER_CALLER = "+8613800000000"  # 北京, China Mobile


def _rang(emu, port: str) -> bool:
    return any(r["on"] for r in emu.phone_heard(port)["ringer"])


def with_rules(**sections) -> dict:
    config = office(members=("801",), ring_time=5, forward_chain=())
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "zhejiang", "members": ["802"], "ring_time": 5,
                                  "total_ring_time": 20})
    config.update(sections)
    return config


def test_a_zhejiang_caller_rings_the_zhejiang_desk(tmp_path, boxes):
    box = box_with(tmp_path, with_rules(routes=[
        {"name": "zhejiang", "callers": {"provinces": ["浙江"]}, "to": "ring_group:zhejiang"}]))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.3)
    explained = box.switchboard("route", "explain", "--line", "gsm0", "--caller", CALLER,
                                "--json")
    assert explained.returncode == 0, explained.stderr
    assert json.loads(explained.stdout)["targets"] == ["802"]

    call = emu.place_call(CALLER, SIM[0])  # 浙江杭州
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")
    assert not _rang(emu, "fxs0")
    emu.hangup(call["id"])
    emu.phone_hook("fxs1", "on")
    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == "802"
    assert rec["route"].startswith("route zhejiang > ring_group:zhejiang")
    assert box.stop() == 0


def test_a_blacklisted_caller_is_refused_and_recorded_as_blocked(tmp_path, boxes):
    box = box_with(tmp_path, with_rules(blocking={"blacklist": ["+86138*"],
                                                  "treatment": "busy"}))
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(OTHER_CALLER, SIM[0])
    ended = wait_for(lambda: (c := emu.call(call["id"]))["state"] == "ended" and c, 15,
                     what="the blocked call refused")
    assert ended["ended_by"] == "box"
    rec = wait_record(box, caller=OTHER_CALLER)
    assert rec["result"] == "blocked" and "blacklisted (+86138*)" in rec["cause"]
    assert rec["legs"] == [] and not _rang(emu, "fxs0")
    assert box.stop() == 0


def test_a_withheld_caller_hears_the_announcement_then_the_box_hangs_up(tmp_path, boxes):
    box = box_with(tmp_path, with_rules(blocking={"block_withheld": True,
                                                  "treatment": "announcement"}))
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0], withheld=True)
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="answered by the box")
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 450), 10,
             what="the caller hears the information tone")
    ended = wait_for(lambda: (c := emu.call(call["id"]))["state"] == "ended" and c, 15,
                     what="the box hangs up after the announcement")
    assert ended["ended_by"] == "box" and not _rang(emu, "fxs0")
    rec = wait_record(box, result="blocked")
    assert rec["caller"] == "" and "withheld numbers are blocked" in rec["cause"]
    assert box.stop() == 0


def test_a_reached_cap_refuses_the_next_call_and_tells_the_owner(tmp_path, boxes):
    box = box_with(tmp_path, with_rules(caps=[{
        "line": "gsm0", "limits": [{"counter": "inbound_calls", "max": 1, "action": "reject"}],
        "notify": ["zhang"]}]))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.3)
    first = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(first["id"])["state"] == "active", 15, what="first call connected")
    emu.hangup(first["id"])
    emu.phone_hook("fxs0", "on")
    wait_record(box, caller=CALLER)
    # the record is written before the legs are released: wait until gsm0 is free
    wait_for(lambda: box.status()["calls"] == [], 10, what="the first call released")

    second = emu.place_call(OTHER_CALLER, SIM[0])
    wait_for(lambda: emu.call(second["id"])["state"] == "ended", 15, what="second call refused")
    rec = wait_record(box, caller=OTHER_CALLER)
    assert rec["result"] == "blocked" and rec["cause"] == "cap_reached" and rec["legs"] == []
    modem = emu.modems()[0]["id"]
    sent = wait_for(lambda: emu.modem_sms(modem)["sent"], 20, what="the owner's SMS")
    (sms,) = sent  # one SMS: the notice is short ASCII
    assert sms["to"] in (MOBILES["zhang"], MOBILES["zhang"].lstrip("+"))
    assert "gsm0: inbound calls cap reached (1 of 1 calls" in sms["text"]
    assert len(records(box)) == 2
    assert box.stop() == 0
