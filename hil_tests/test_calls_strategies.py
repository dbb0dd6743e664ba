"""Ring-group strategies end to end (R3-R5, R7, R8, R12): the running box, the emulator's
desk phones answering, and the call records. Desk phones auto-answer, so no test waits
for a phone to ring out; each call is short (the desk phone hangs up once connected)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from hil_tests.boxrig import start_box, wait_gsm_state
from hil_tests.calls_rig import (
    CALLER,
    SIM,
    box_with,
    heard_tone,
    office,
    records,
    wait_done_with,
    wait_record,
)
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page

OTHER = "+8613677777777"
VIP = "+8613966666666"


def _auto_answer(emu, ports=("fxs0", "fxs1", "fxs2", "fxs3"), after_s: float = 0.3) -> None:
    for port in ports:
        emu.phone_auto_answer(port, after_s)


def _call(box, caller: str = CALLER, held: tuple[str, ...] = ()) -> dict:
    """Place a call, wait until a desk phone takes it, hang that phone up; the record.
    `held`: ports a test holds off hook (busy), not the one that answered."""
    emu = box.emulator
    before = {r["id"] for r in records(box)}
    call = emu.place_call(caller, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    port = wait_for(lambda: next((p["port"] for p in emu.phones()
                                  if p["hook"] == "off" and p["port"] not in held), None),
                    5, what="the desk phone that answered")
    emu.phone_hook(port, "on")
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10, what="caller released")
    wait_done_with(box, port)
    return wait_for(lambda: next((r for r in records(box) if r["id"] not in before
                                  and r["result"] != "in_progress"), None),
                    10, interval=0.1, what="the call's record")


def _restart(box, boxes):
    assert box.stop() == 0
    again = start_box(box.data, "sim")
    boxes.append(again)
    wait_gsm_state(again, "ready")
    return again


def test_rotating_starts_one_further_each_call_and_across_a_restart(tmp_path, boxes):
    config = office(members=("801", "802", "803"))
    config["ring_groups"][0]["strategy"] = "rotating"
    box = box_with(tmp_path, config)
    boxes.append(box)
    _auto_answer(box.emulator)
    got = [_call(box)["answered_by"], _call(box)["answered_by"]]
    box = _restart(box, boxes)
    _auto_answer(box.emulator)
    got += [_call(box)["answered_by"], _call(box)["answered_by"]]
    assert got == ["801", "802", "803", "801"]
    assert box.stop() == 0


def test_percentage_split_gives_each_desk_its_share(tmp_path, boxes):
    config = office()
    config["ring_groups"][0].update(strategy="percentage", members=[
        {"target": "801", "share": 50}, {"target": "802", "share": 25},
        {"target": "803", "share": 25}])
    box = box_with(tmp_path, config)
    boxes.append(box)
    _auto_answer(box.emulator)
    got = [_call(box)["answered_by"] for _ in range(4)]
    assert sorted(got) == ["801", "801", "802", "803"]
    for n in range(1, 5):  # within one call of the exact share after every call
        assert abs(got[:n].count("801") - n * 0.5) <= 1
        assert abs(got[:n].count("802") - n * 0.25) <= 1
    assert box.stop() == 0


def test_vip_caller_rings_the_dedicated_desk_first(tmp_path, boxes):
    config = office(members=("801", "802"))
    config["vip"] = {"numbers": [VIP], "targets": ["803"], "ring_time": 10}
    box = box_with(tmp_path, config)
    boxes.append(box)
    _auto_answer(box.emulator)
    vip = _call(box, VIP)
    assert vip["answered_by"] == "803" and vip["route"].startswith("preferred")
    other = _call(box, OTHER)
    assert other["answered_by"] == "801" and [leg["target"] for leg in other["legs"]] == ["801"]
    assert box.stop() == 0


def _cid_number(e: dict) -> str:
    """The E.164 number of a phone_caller_id event (the box may send it national)."""
    number = e.get("number") or ""
    return "+86" + number if number.startswith("1") else number


def test_vip_takes_a_desk_ringing_for_another_caller_who_goes_on_to_the_next(tmp_path, boxes):
    """R7 with no queue yet: 801 rings for OTHER; a VIP's call takes 801 (caller ID of the
    VIP) and is answered there; OTHER's call goes on to 802, its 801 leg "preempted"."""
    config = office(lines=2, members=("801", "802"), ring_time=30)
    config["vip"] = {"numbers": [VIP], "targets": ["801"], "ring_time": 10}
    box = box_with(tmp_path, config, board="sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.3)  # 802 answers whoever comes to it
    mark = emu.mark()
    first = emu.place_call(OTHER, SIM[0])
    emu.wait_event(kind="phone_caller_id", since=mark, port="fxs0", timeout=10,
                   predicate=lambda e: _cid_number(e) == OTHER)
    mark = emu.mark()
    vip = emu.place_call(VIP, SIM[1])
    emu.wait_event(kind="phone_caller_id", since=mark, port="fxs0", timeout=10,
                   predicate=lambda e: _cid_number(e) == VIP)  # 801 rings for the VIP now
    emu.phone_auto_answer("fxs0", 0.0)
    for call in (first, vip):
        wait_for(lambda c=call: emu.call(c["id"])["state"] == "active", 10,
                 what="both callers connected")
    assert {p["port"]: p["hook"] for p in emu.phones()}["fxs1"] == "off"  # 802: the first
    for port in ("fxs0", "fxs1"):
        emu.phone_hook(port, "on")
    got_vip = wait_record(box, caller=VIP)
    got_first = wait_record(box, caller=OTHER)
    assert got_vip["answered_by"] == "801" and got_vip["result"] == "answered"
    assert [(leg["target"], leg["outcome"]) for leg in got_vip["legs"]] == [("801", "answered")]
    assert got_first["answered_by"] == "802" and got_first["result"] == "answered"
    assert [(leg["target"], leg["outcome"], leg["cause"]) for leg in got_first["legs"]] == \
        [("801", "preempted", "taken by a VIP call"), ("802", "answered", "")]
    assert box.stop() == 0


def test_returning_caller_reaches_the_agent_who_answered_last_even_after_a_restart(
        tmp_path, boxes):
    config = office(members=("801", "802"))
    config["returning_caller_days"] = 7
    box = box_with(tmp_path, config)
    boxes.append(box)
    emu = box.emulator
    emu.phone_hook("fxs0", "off")  # 801 is busy: 802 answers the first call
    wait_for(lambda: box.status()["ports"]["fxs0"] == "in_use", 10, what="801 busy")
    _auto_answer(emu, ("fxs1",))
    first = _call(box, held=("fxs0",))
    assert first["answered_by"] == "802"
    emu.phone_hook("fxs0", "on")
    box = _restart(box, boxes)  # rebuilt from the call records
    _auto_answer(box.emulator)
    again = _call(box)
    assert again["answered_by"] == "802"
    assert [leg["target"] for leg in again["legs"]] == ["802"]
    stranger = _call(box, OTHER)
    assert stranger["answered_by"] == "801"
    assert box.stop() == 0


def test_ring_all_rings_every_desk_and_the_first_to_answer_wins(tmp_path, boxes):
    config = office(members=("801", "802", "803"), ring_time=10)
    config["ring_groups"][0]["strategy"] = "ring_all"
    box = box_with(tmp_path, config)
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 1.0)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: all(p["ringing"] for p in emu.phones() if p["port"] in ("fxs0", "fxs2")),
             10, what="801 and 803 ring together")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")
    wait_for(lambda: not any(p["ringing"] for p in emu.phones()), 3,
             what="the other desks stop ringing")
    emu.phone_hook("fxs1", "on")
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10, what="caller released")
    rec = wait_for(lambda: next((r for r in records(box) if r["result"] == "answered"), None),
                   10, interval=0.1, what="the call record")
    assert rec["answered_by"] == "802"
    legs = {leg["target"]: (leg["outcome"], leg["cause"]) for leg in rec["legs"]}
    assert legs == {"801": ("cancelled", "answered elsewhere"), "802": ("answered", ""),
                    "803": ("cancelled", "answered elsewhere")}
    assert box.stop() == 0


def test_ring_all_caller_who_gives_up_stops_every_desk(tmp_path, boxes):
    config = office(members=("801", "802"), ring_time=20)
    config["ring_groups"][0]["strategy"] = "ring_all"
    box = box_with(tmp_path, config)
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: all(p["ringing"] for p in emu.phones() if p["port"] in ("fxs0", "fxs1")),
             10, what="801 and 802 ring together")
    emu.hangup(call["id"])
    wait_for(lambda: not any(p["ringing"] for p in emu.phones()), 3, what="both desks quiet")
    rec = wait_for(lambda: next((r for r in records(box) if r["result"] == "abandoned"), None),
                   10, interval=0.1, what="the call record")
    assert sorted((leg["target"], leg["outcome"]) for leg in rec["legs"]) == \
        [("801", "cancelled"), ("802", "cancelled")]
    assert box.stop() == 0


def test_feature_codes_set_a_desk_unavailable_and_available_again(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802")))
    boxes.append(box)
    emu = box.emulator

    def dial_code(code: str) -> None:
        t = emu.phone_hook("fxs0", "off").get("t") or 0.0
        wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450, t - 0.5), 10,
                 what="dial tone")
        t = emu.phone_dial("fxs0", code)
        wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1400, t), 10,
                 what=f"confirmation tone for {code}")
        emu.phone_hook("fxs0", "on")
        wait_for(lambda: box.status()["ports"]["fxs0"] == "idle", 10, what="fxs0 idle")

    dial_code("*62")
    status = box.status()
    assert status["agents"]["801"] is False
    since = status["unavailable_since"]["801"]  # "unavailable by choice" since now
    assert abs(datetime.fromisoformat(since).timestamp() - time.time()) < 60
    assert "802" not in status["unavailable_since"]
    _auto_answer(emu)
    rec = _call(box)
    assert rec["answered_by"] == "802" and [leg["target"] for leg in rec["legs"]] == ["802"]
    box = _restart(box, boxes)  # availability survives a restart, and its time
    assert box.status()["agents"]["801"] is False
    assert box.status()["unavailable_since"] == {"801": since}
    emu = box.emulator
    dial_code("*61")
    assert box.status()["agents"]["801"] is True
    assert box.status()["unavailable_since"] == {}
    _auto_answer(emu)
    assert _call(box)["answered_by"] == "801"
    assert box.stop() == 0
