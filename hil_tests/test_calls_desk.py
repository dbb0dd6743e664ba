"""Calls desk phones make: dial tone, in-band DTMF digits, an extension, a line out."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import MOBILES, box_with, heard_tone, office, ringing, wait_record
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page


def _lift_and_wait_dial_tone(emu, port: str) -> float:
    t = emu.phone_hook(port, "off").get("t") or 0.0
    wait_for(lambda: heard_tone(emu.phone_heard(port), 450, t - 0.5), 10,
             what=f"dial tone on {port}")
    return t


def test_internal_call_rings_the_extension_with_caller_id_and_talks(tmp_path, boxes):
    box = box_with(tmp_path, office())
    boxes.append(box)
    emu = box.emulator
    _lift_and_wait_dial_tone(emu, "fxs0")
    emu.phone_dial("fxs0", "803")
    for digit in "803":
        box.wait_output(rf"fxs0: DTMF {digit}")  # the box hears the digits in-band
    wait_for(lambda: ringing(emu, "fxs2"), 10, what="extension 803 rings")
    cid = wait_for(lambda: emu.get("/phones/fxs2").get("caller_id"), 10, what="caller ID")
    assert cid["number"] == "801"
    t = emu.phone_hook("fxs2", "off").get("t") or 0.0
    wait_for(lambda: not ringing(emu, "fxs2"), 5, what="ringing stops on answer")

    t = emu.phone_send("fxs0", tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs2"), 1000, t), 10, what="803 hears 801")
    t = emu.phone_send("fxs2", tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1400, t), 10, what="801 hears 803")

    emu.phone_hook("fxs2", "on")
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450, t), 10,
             what="busy tone for 801 after 803 hung up")
    emu.phone_hook("fxs0", "on")
    wait_for(lambda: box.status()["ports"]["fxs0"] == "idle", 10, what="fxs0 idle")
    rec = wait_record(box, direction="internal")
    assert rec["result"] == "answered" and rec["answered_by"] == "803"
    assert rec["caller"] == "801" and rec["callee"] == "803"
    assert box.stop() == 0


def test_outside_call_busy_then_answered(tmp_path, boxes):
    box = box_with(tmp_path, office())
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["zhang"], "busy")
    emu.add_subscriber(MOBILES["wang"], "answer", answer_after_s=1.0)

    # busy: the desk phone hears busy tone (450 Hz 0.35/0.35)
    _lift_and_wait_dial_tone(emu, "fxs1")
    t = emu.phone_dial("fxs1", "0" + MOBILES["zhang"].removeprefix("+86"))
    wait_for(lambda: any(c["to"] == MOBILES["zhang"] and c["state"] == "ended"
                         for c in emu.calls()), 15, what="the busy call")
    busy = wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 450, t + 0.5), 10,
                    what="busy tone")
    assert busy["t_end"] - busy["t_start"] < 0.6  # cadenced, not a steady dial tone
    emu.phone_hook("fxs1", "on")
    rec = wait_record(box, direction="out", result="busy")
    assert rec["legs"][0]["outcome"] == "busy" and rec["line"] == "fxs1"

    # answered: ringback first, then both ways of audio
    wait_for(lambda: box.status()["ports"]["fxs1"] == "idle", 10, what="fxs1 idle")
    _lift_and_wait_dial_tone(emu, "fxs1")
    t = emu.phone_dial("fxs1", "0" + MOBILES["wang"].removeprefix("+86"))
    out = wait_for(lambda: next((c for c in emu.calls() if c["to"] == MOBILES["wang"]
                                 and c["state"] == "active"), None), 20, what="answered")
    ringback = heard_tone(emu.phone_heard("fxs1"), 450, t + 0.5)
    assert ringback is not None and ringback["t_start"] < out["t_answer"]
    assert ringback["t_end"] - ringback["t_start"] < 1.2  # 1 s on, 4 s off
    t = emu.send_to_call(out["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 1000, t), 10, what="desk hears")
    t = emu.phone_send("fxs1", tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1400, t), 10, what="far end hears")
    emu.phone_hook("fxs1", "on")
    wait_for(lambda: emu.call(out["id"])["state"] == "ended", 10, what="AT+CHUP")
    rec = wait_record(box, direction="out", result="answered")
    assert rec["answered_by"] == MOBILES["wang"] and rec["callee"] == MOBILES["wang"]
    assert box.stop() == 0
