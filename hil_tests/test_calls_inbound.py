"""Calls to the company number, end to end: the running box, the emulator's
network and desk phones, real audio, and the call records the box wrote."""

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
    ringing,
    wait_record,
)
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page


def test_second_phone_answers_after_the_first_rings_out(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=5))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.5)

    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
    phone0 = wait_for(lambda: emu.get("/phones/fxs0").get("caller_id"), 10,
                      what="caller ID on fxs0")
    assert phone0["number"] == CALLER.removeprefix("+86") or phone0["number"] == CALLER
    wait_for(lambda: ringing(emu, "fxs1"), 15, what="fxs1 rings after fxs0 rang out")
    assert not ringing(emu, "fxs0")
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


def test_all_desks_busy_then_the_forward_chain_reaches_the_third_mobile(tmp_path, boxes):
    box = box_with(tmp_path, office(lines=2, members=("801", "802")), board="sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["zhang"], "busy")
    emu.add_subscriber(MOBILES["wang"], "reject", answer_after_s=0.5)
    emu.add_subscriber(MOBILES["david"], "answer", answer_after_s=0.5)
    for port in ("fxs0", "fxs1"):  # both desk phones off hook: busy
        emu.phone_hook(port, "off")
    wait_for(lambda: box.status()["ports"]["fxs1"] == "in_use", 10, what="desks busy")

    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 30, what="caller connected")
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == MOBILES["david"] and c["state"] == "active"),
                                None), 10, what="the box's call to the 3rd mobile")
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1000, t), 10,
             what="the mobile hears the caller")
    t = emu.send_to_call(out["id"], tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what="the caller hears the mobile")
    emu.hangup(out["id"])  # the mobile hangs up: the box releases the caller
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10, what="caller released")

    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == MOBILES["david"]
    assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == [
        ("801", "busy"), ("802", "busy"), (MOBILES["zhang"], "busy"),
        (MOBILES["wang"], "rejected"), (MOBILES["david"], "answered")]
    assert rec["legs"][-1]["line"] == "gsm1"
    assert box.stop() == 0


def test_caller_who_gives_up_stops_the_ringing_at_once(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=20))
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
    emu.hangup(call["id"])
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 5, what="call ended")
    t_end = emu.call(call["id"])["t_end"]
    heard = wait_for(lambda: [r for r in emu.phone_heard("fxs0")["ringer"] if not r["on"]
                              and r["t"] >= t_end - 0.5], 10, what="ringer off")
    assert heard[0]["t"] - t_end < 2.0  # the next ring never starts
    wait_for(lambda: not ringing(emu, "fxs0"), 5, what="fxs0 quiet")
    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "abandoned" and rec["answered_by"] == ""
    assert rec["legs"][0]["target"] == "801" and rec["legs"][0]["outcome"] == "cancelled"
    assert box.stop() == 0


def test_after_hours_two_lines_bridge_the_duty_mobile(tmp_path, boxes):
    box = box_with(tmp_path, office(open_now=False, lines=2, duty="wang"), board="sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["wang"], "answer", answer_after_s=0.5)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    assert not any(p["ringing"] for p in emu.phones())  # desks are closed
    out = next(c for c in emu.calls() if c["direction"] == "from_box")
    assert out["to"] == MOBILES["wang"] and out["state"] == "active"
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1000, t), 10,
             what="the duty mobile hears the caller")
    emu.hangup(call["id"])
    wait_for(lambda: emu.call(out["id"])["state"] == "ended", 10, what="duty leg released")
    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == MOBILES["wang"]
    assert "duty" in rec["route"]
    status = box.status()
    assert all(not f["enabled"] for f in status["forwarding"].values())
    assert box.stop() == 0


def test_after_hours_one_line_switches_network_forwarding(tmp_path, boxes):
    box = box_with(tmp_path, office(open_now=False, lines=1, duty="david"))
    boxes.append(box)
    emu = box.emulator
    modem = emu.modems()[0]["id"]

    def unconditional():
        return emu.modem(modem)["forwarding"]["unconditional"]

    fwd = wait_for(lambda: unconditional()["active"] and unconditional(), 20,
                   what="network forwarding switched on")
    assert fwd["number"] in (MOBILES["david"], MOBILES["david"].removeprefix("+"))
    # the box marks it on once the modem's OK arrives, just after the network has it
    status = wait_for(lambda: box.status()["forwarding"]["gsm0"]["enabled"]
                      and box.status()["forwarding"]["gsm0"], 10, what="status says so")
    assert status["number"] == MOBILES["david"]

    # the network now forwards a caller straight to the duty mobile
    emu.add_subscriber(MOBILES["david"], "answer", answer_after_s=0.3)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"]).get("forwarded_to") == MOBILES["david"], 10,
             what="call forwarded by the network")

    # the office opens (a new schedule): forwarding goes off
    path = tmp_path / "open.json"
    path.write_text(json.dumps(office(open_now=True, lines=1)))
    done = box.switchboard("config", "import", str(path))
    assert done.returncode == 0, done.stderr
    wait_for(lambda: not unconditional()["active"], 20, what="network forwarding off")
    assert box.stop() == 0


def test_a_config_change_keeps_the_call_up_and_applies_to_the_next_call(tmp_path, boxes):
    """W1, and the line LEDs: ringing blinks, in a call is solid, idle is dark."""
    box = box_with(tmp_path, office(members=("801",), ring_time=10))
    boxes.append(box)
    emu = box.emulator

    def leds(*names: str) -> list[str]:
        status = box.status()["leds"]
        return [status[name] for name in names]

    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
    wait_for(lambda: leds("LINE-gsm0", "LINE-fxs0") == ["blink 200/200 ms"] * 2, 10,
             what="both lines blink while ringing")
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 10, what="caller connected")
    wait_for(lambda: leds("LINE-gsm0", "LINE-fxs0") == ["solid"] * 2, 10,
             what="both lines solid in the call")

    # the owner moves the group to 802 while the call is up
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(office(members=("802",), ring_time=10), ensure_ascii=False))
    done = box.switchboard("config", "import", str(path))
    assert done.returncode == 0, done.stderr
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 1000, t), 10,
             what="the call in progress still carries audio")
    assert emu.call(call["id"])["state"] == "active"
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    wait_for(lambda: leds("LINE-gsm0", "LINE-fxs0") == ["off"] * 2, 10, what="lines dark")

    second = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs1"), 10, what="the next call rings 802 on fxs1")
    assert not ringing(emu, "fxs0")
    emu.hangup(second["id"])
    first = wait_record(box, caller=CALLER, result="answered")
    assert first["answered_by"] == "801" and first["talk_s"] > 0
    moved = wait_record(box, caller=CALLER, result="abandoned")
    assert [leg["target"] for leg in moved["legs"]] == ["802"]
    assert box.stop() == 0
