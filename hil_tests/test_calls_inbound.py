"""Calls to the company number, end to end: the running box, the emulator's
network and desk phones, real audio, and the call records the box wrote."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, heard_tone, office, wait_record
from hil_tests.pstn.testing import wait_for


@pytest.fixture
def boxes():
    started = []
    yield started
    for box in started:
        box.kill()


def _ringing(emu, port: str) -> bool:
    return any(p["port"] == port and p["ringing"] for p in emu.phones())


def test_second_phone_answers_after_the_first_rings_out(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=5))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.5)

    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: _ringing(emu, "fxs0"), 10, what="fxs0 rings")
    phone0 = wait_for(lambda: emu.get("/phones/fxs0").get("caller_id"), 10,
                      what="caller ID on fxs0")
    assert phone0["number"] == CALLER.removeprefix("+86") or phone0["number"] == CALLER
    wait_for(lambda: _ringing(emu, "fxs1"), 15, what="fxs1 rings after fxs0 rang out")
    assert not _ringing(emu, "fxs0")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")

    # audio both ways: caller -> desk phone, desk phone -> caller
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 1000, t), 10,
             what="desk phone hears the caller's tone")
    t = emu.phone_send("fxs1", tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what="caller hears the desk phone's tone")

    emu.hangup(call["id"])
    wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 450, t), 10,
             what="busy tone on the desk phone after the caller left")
    emu.phone_hook("fxs1", "on")

    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == "802"
    assert rec["direction"] == "in" and rec["line"] == "gsm0"
    assert "浙江" in rec["region"]
    assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == \
        [("801", "no_answer"), ("802", "answered")]
    assert rec["talk_s"] > 0 and rec["ring_s"] >= 5
    assert box.stop() == 0
