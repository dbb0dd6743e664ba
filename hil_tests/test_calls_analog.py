"""The company's analog line end to end: the running box on `sim-analog` (fxo0 and four
desk phones) or `sim-mixed` (fxo0, a GSM modem, four desk phones), the emulator's
telephone exchange giving only what a copper pair gives, real audio, and the records.

The exchange (docs/emulator.md, "The telephone exchange") rings fxo0 with its
profile's cadence and caller ID; the box decodes it, rings the desk phones with the
caller's number, answers the line when a desk phone answers, and knows the far end
hung up only from the line's disconnect signal (China: busy tone).
"""

from __future__ import annotations

import time

import pytest

from hil_tests.calls_rig import ANALOG_LINE as LINE
from hil_tests.calls_rig import (
    CALLER,
    MOBILES,
    analog_office,
    box_with,
    heard_tone,
    ringing,
    wait_line_state,
    wait_record,
)
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.no_web_page  # none of these tests opens the page

NATIONAL = CALLER.removeprefix("+86")  # how a Chinese exchange presents a mobile caller


def _desk_answers(emu, port: str, call: dict) -> None:
    wait_for(lambda: ringing(emu, port), 20, what=f"{port} rings")
    emu.phone_hook(port, "off")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 10, what="line answered")


def _audio_both_ways(emu, call: dict, port: str) -> None:
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard(port), 1000, t), 10,
             what="the desk phone hears the caller")
    t = emu.phone_send(port, tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what="the caller hears the desk phone")


def _released_after(emu, since: int) -> float:
    """Seconds from the far end's disconnect signal to the box going on hook."""
    gone = emu.wait_event("line_disconnect", since=since, timeout=10)
    hook = emu.wait_event("line_hook", since=since, timeout=10, hook="on")
    return hook["t"] - gone["t"]


def test_a_call_on_the_analog_line_reaches_a_desk_phone_with_caller_id_and_audio(
        tmp_path, boxes):
    box = box_with(tmp_path, analog_office(members=("801",)), "sim-analog")
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, LINE)
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="fxs0 rings")
    shown = wait_for(lambda: emu.get("/phones/fxs0").get("caller_id"), 10,
                     what="caller ID on fxs0")
    assert shown["number"] in (NATIONAL, CALLER)
    assert box.status()["lines"]["fxo0"]["state"] == "ringing"
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 10, what="line answered")
    _audio_both_ways(emu, call, "fxs0")

    mark = emu.mark()
    emu.hangup(call["id"])  # the far end hangs up: the exchange gives busy tone
    released = _released_after(emu, mark)
    assert released <= 2.0, f"released {released:.2f} s after the busy tone began"
    emu.phone_hook("fxs0", "on")
    rec = wait_record(box, e164=CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == "801"
    assert rec["line"] == "fxo0" and rec["direction"] == "in"
    assert "浙江" in rec["region"]
    wait_line_state(box, "idle")
    assert box.stop() == 0


def test_a_us_line_with_its_caller_id_and_loop_current_disconnect(tmp_path, boxes):
    config = analog_office(profile="us", members=("801",))
    config["settings"].update(country="US", timezone="America/New_York")
    box = box_with(tmp_path, config, "sim-analog")
    boxes.append(box)
    emu = box.emulator
    emu.line_config("fxo0", profile="us")
    caller = "+12025550143"
    call = emu.place_call(caller, LINE)
    wait_for(lambda: ringing(emu, "fxs0"), 25, what="fxs0 rings")
    shown = wait_for(lambda: emu.get("/phones/fxs0").get("caller_id"), 10,
                     what="caller ID on fxs0")
    assert shown["number"].endswith("2025550143")
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 10, what="line answered")
    _audio_both_ways(emu, call, "fxs0")
    mark = emu.mark()
    emu.hangup(call["id"])
    assert _released_after(emu, mark) <= 2.0
    emu.phone_hook("fxs0", "on")
    rec = wait_record(box, line="fxo0")
    assert rec["result"] == "answered" and rec["e164"] == caller
    assert box.stop() == 0


def test_a_withheld_caller_and_a_caller_who_gives_up(tmp_path, boxes):
    box = box_with(tmp_path, analog_office(members=("801",), ring_time=30), "sim-analog")
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, LINE, withheld=True)
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="fxs0 rings for the withheld caller")
    shown = wait_for(lambda: emu.get("/phones/fxs0").get("caller_id"), 10, what="caller ID")
    assert not shown.get("number")  # nothing to show but "private"
    emu.hangup(call["id"])  # gives up while it rings
    wait_for(lambda: not ringing(emu, "fxs0"), 15, what="the desk phone stops ringing")
    rec = wait_record(box, line="fxo0")
    assert rec["result"] == "abandoned" and rec["caller"] in (None, "")
    wait_line_state(box, "idle")
    assert box.stop() == 0


def test_a_desk_phone_dials_out_on_the_analog_line(tmp_path, boxes):
    box = box_with(tmp_path, analog_office(), "sim-analog")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["wang"], "answer", answer_after_s=1.0)
    emu.phone_hook("fxs2", "off")
    time.sleep(0.5)
    emu.phone_dial("fxs2", "0" + MOBILES["wang"].removeprefix("+86"))
    out = wait_for(lambda: next((c for c in emu.calls() if c.get("line") == "fxo0"
                                 and c["state"] == "active"), None), 30,
                   what="the exchange connects the box's call")
    assert out["to"] in (MOBILES["wang"], MOBILES["wang"].removeprefix("+86"))
    t = emu.send_to_call(out["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs2"), 1000, t), 10,
             what="the desk phone hears the mobile")
    t = emu.phone_send("fxs2", tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1400, t), 10,
             what="the mobile hears the desk phone")
    emu.phone_hook("fxs2", "on")
    wait_for(lambda: emu.call(out["id"])["state"] == "ended", 10, what="the call ends")
    rec = wait_record(box, direction="out")
    assert rec["line"] == "fxs2" and rec["legs"][-1]["line"] == "fxo0"
    assert rec["result"] == "answered"
    wait_line_state(box, "idle")
    assert box.stop() == 0


def test_after_hours_a_one_line_analog_box_forwards_at_the_exchange(tmp_path, boxes):
    box = box_with(tmp_path, analog_office(open_now=False, duty="wang"), "sim-analog")
    boxes.append(box)
    emu = box.emulator
    national = MOBILES["wang"].removeprefix("+86")
    wait_for(lambda: emu.line("fxo0")["forwarding"]["unconditional"]["active"], 30,
             what="the box dials *57*<duty mobile># on the line")
    assert emu.line("fxo0")["forwarding"]["unconditional"]["number"] in (national,
                                                                        MOBILES["wang"])
    emu.add_subscriber(MOBILES["wang"], "answer", answer_after_s=0.5)
    call = emu.place_call(CALLER, LINE)
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20,
             what="the exchange forwards the call to the duty mobile")
    assert not ringing(emu, "fxs0")
    assert box.status()["lines"]["fxo0"]["forwarding"]["to"] in (national, MOBILES["wang"])
    assert box.stop() == 0


def test_a_line_cut_mid_call_ends_the_call_with_a_record_and_the_line_comes_back(
        tmp_path, boxes):
    box = box_with(tmp_path, analog_office(members=("801",)), "sim-analog")
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, LINE)
    _desk_answers(emu, "fxs0", call)
    emu.line_fault("fxo0", "cut")
    wait_line_state(box, "fault", timeout=10)
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450), 10,
             what="the desk phone hears that the call is over")
    emu.phone_hook("fxs0", "on")
    rec = wait_record(box, e164=CALLER)
    assert rec["result"] == "answered" and rec["end_reason"] == "dropped"
    led = box.status()["leds"]
    assert any(name.startswith("ERR") and p != "off" for name, p in led.items())
    emu.line_fault("fxo0", "restore")
    wait_line_state(box, "idle", timeout=10)
    call = emu.place_call(CALLER, LINE)
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="calls ring again after the repair")
    emu.hangup(call["id"])
    assert box.stop() == 0


def test_the_analog_line_follows_the_same_caps_as_a_gsm_line(tmp_path, boxes):
    config = analog_office(members=("801",), ring_time=5)
    config["schema_version"] = 2
    config["caps"] = [{"line": "fxo0", "limits": [
        {"counter": "inbound_calls", "max": 1, "action": "reject"}]}]
    box = box_with(tmp_path, config, "sim-analog")
    boxes.append(box)
    emu = box.emulator
    first = emu.place_call(CALLER, LINE)
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="the first call rings")
    emu.hangup(first["id"])
    wait_record(box, line="fxo0")
    wait_line_state(box, "idle")
    emu.place_call("+8613700000002", LINE)
    rec = wait_record(box, e164="+8613700000002", timeout=30)
    assert rec["result"] == "blocked"
    assert not any(p["ringing"] for p in emu.phones())
    assert box.stop() == 0


def test_on_a_mixed_box_an_analog_call_reaches_a_mobile_on_the_gsm_line(tmp_path, boxes):
    box = box_with(tmp_path, analog_office(open_now=False, duty="wang", mixed=True),
                   "sim-mixed")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(MOBILES["wang"], "answer", answer_after_s=0.5)
    call = emu.place_call(CALLER, LINE)
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 30, what="line answered")
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == MOBILES["wang"]), None), 10,
                   what="the box's call to the duty mobile")
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1000, t), 10,
             what="the mobile hears the analog caller")
    emu.hangup(out["id"])
    rec = wait_record(box, e164=CALLER)
    assert rec["line"] == "fxo0" and rec["legs"][-1]["line"] == "gsm0"
    assert rec["answered_by"] == MOBILES["wang"]
    assert box.stop() == 0
