"""The hold queue end to end (Q1, Q2, R7) through the emulator on two GSM lines: two
callers wait with music and hear their position announcements (matched against the
default prompt files), a VIP who calls later overtakes, the member who becomes free
takes the first caller in the queue, a caller leaves by key, and the max wait."""

from __future__ import annotations

import re

from firmware.prompts.store import DEFAULTS_DIR
from hil_tests.calls_rig import CALLER, SIM, box_with, office, wait_record
from hil_tests.prompt_match import MATCH_SCORE, find_prompts
from hil_tests.pstn.testing import wait_for

VIP = "+8613777777777"
POSITION = DEFAULTS_DIR / "zh" / "queue_position.wav"


def queue_office(**queue) -> dict:
    config = office(lines=2, members=("801",), ring_time=8, forward_chain=())
    config["schema_version"] = 2
    config["ring_groups"].append({"name": "sales", "members": ["802"], "ring_time": 8,
                                  "total_ring_time": 20})
    config["vip"] = {"numbers": [VIP]}
    config["plans"] = [{"name": "hold", "steps": [
        {"id": "q", "do": "queue",
         "queue": {"group": "sales", "announce_every_s": 10, "max_wait_s": 120,
                   "leave_key": "1", **queue},
         "on": {"left": "reception", "timeout": "reception"}},
        {"id": "reception", "do": "ring_group:desk"}]}]
    config["routes"] = [{"name": "all", "to": "plan:hold"}]
    return config


def _waiting(box) -> list[str]:
    queues = box.status().get("queues") or []
    return [w["caller"] for q in queues for w in q["waiting"]]


def _announcements(emu, call: dict) -> int:
    rec = emu.call_recording(call["id"])
    return len(find_prompts(rec, POSITION, MATCH_SCORE))


def _talking_with(box, caller: str) -> bool:
    return any(c.get("state") == "talking" and c.get("caller") == caller
               for c in box.status().get("calls", []))


def test_two_callers_wait_a_vip_overtakes_and_the_first_gets_the_free_member(tmp_path, boxes):
    box = box_with(tmp_path, queue_office(), "sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.phone_hook("fxs1", "off")  # 802 is on the phone: nobody free
    first = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: _waiting(box) == [CALLER], 20, what="the first caller waits")
    vip = emu.place_call(VIP, SIM[1])
    wait_for(lambda: _waiting(box) == [VIP, CALLER], 20, what="the VIP waits ahead")
    wait_for(lambda: _announcements(emu, vip) >= 1, 20, interval=1.0,
             what="the VIP hears its position")
    wait_for(lambda: _announcements(emu, first) >= 2, 60, interval=1.0,
             what="the first caller hears its position again")
    assert emu.call(first["id"])["state"] == "active", "the queue answered the call"

    emu.phone_hook("fxs1", "on")  # 802 is free: the head of the queue (the VIP) gets it
    emu.phone_auto_answer("fxs1", 0.3)
    wait_for(lambda: _talking_with(box, VIP), 30, what="802 talks with the VIP")
    assert _waiting(box) == [CALLER]

    emu.phone_auto_answer("fxs0", 0.3)
    emu.send_to_call(first["id"], dtmf="1")  # leave the queue: to reception (801)
    wait_for(lambda: _talking_with(box, CALLER), 30, what="801 talks with the first caller")
    assert _waiting(box) == []
    emu.hangup(first["id"])
    emu.hangup(vip["id"])
    left = wait_record(box, 30, caller=CALLER)
    assert re.fullmatch(r"route all > queue sales: waited \d+ s, position 1 on entry, "
                        r"left > reception", left["route"]), left["route"]
    assert left["result"] == "answered" and left["answered_by"] == "801"
    served = wait_record(box, 30, caller=VIP)
    assert re.fullmatch(r"route all > queue sales: waited \d+ s, position 1 on entry",
                        served["route"]), served["route"]
    assert served["answered_by"] == "802"
    assert box.stop() == 0


def test_the_max_wait_leaves_by_timeout(tmp_path, boxes):
    box = box_with(tmp_path, queue_office(max_wait_s=10), "sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.phone_hook("fxs1", "off")
    emu.phone_auto_answer("fxs0", 0.3)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: _talking_with(box, CALLER), 40, what="reception takes the call")
    emu.hangup(call["id"])
    rec = wait_record(box, 30, caller=CALLER)
    assert re.fullmatch(r"route all > queue sales: waited 1\d s, position 1 on entry, "
                        r"timeout > reception", rec["route"]), rec["route"]
    assert box.stop() == 0


def test_three_callers_hear_their_own_positions(tmp_path, boxes):
    """Three lines (sim-3gsm): each caller's announcement names its own place (zh: the
    callers before it: 0, 1, 2), matched against the default number prompts."""
    box = box_with(tmp_path, queue_office(), "sim-3gsm")
    boxes.append(box)
    emu = box.emulator
    emu.phone_hook("fxs1", "off")
    callers = [CALLER, "+8613588880002", "+8613588880003"]
    calls = []
    for i, number in enumerate(callers):
        calls.append(emu.place_call(number, SIM[i]))
        wait_for(lambda n=i + 1: len(_waiting(box)) == n, 20, what=f"{i + 1} callers wait")
    assert _waiting(box) == callers
    for i, call in enumerate(calls):
        said = wait_for(lambda c=call: _number_said(emu, c), 40, interval=1.0,
                        what=f"caller {i + 1} hears a number after queue_position")
        assert said == f"n{i}", f"caller {i + 1} heard {said}, not n{i}"
    for call in calls:
        emu.hangup(call["id"])
    wait_for(lambda: _waiting(box) == [], 20, what="the queue empties")
    assert box.stop() == 0


def _number_said(emu, call: dict) -> str | None:
    """Which number prompt (n0..n4) fits best right after the first queue_position."""
    rec = emu.call_recording(call["id"])
    positions = find_prompts(rec, POSITION, MATCH_SCORE)
    if not positions:
        return None
    best: dict[str, float] = {}
    for n in range(5):
        fits = find_prompts(rec, DEFAULTS_DIR / "zh" / f"n{n}.wav", -1.0, limit=40)
        best[f"n{n}"] = max((m.score for m in fits
                             if abs(m.offset_s - positions[0].end_s) < 0.3), default=-1.0)
    name, score = max(best.items(), key=lambda kv: kv[1])
    return name if score >= MATCH_SCORE else None
