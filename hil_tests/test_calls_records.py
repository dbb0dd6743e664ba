"""What the records say, end to end (docs/records.md "Words"): busy when every target was
busy, why an answered call ended (the caller, the desk phone, a lost modem, a box killed
mid-call), a single-line box's network forwarding as a record and in status, and a
desk phone's outside call refused over the outbound cap; on the running box against
the emulator."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from firmware.cdr.records import CallEnd, CallStart, LegRecord
from firmware.cdr.store import CdrStore, records_path
from hil_tests.boxrig import start_box, wait_gsm_state
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

OUTSIDE = "+8613700000009"


def _answered(box, port: str = "fxs0") -> dict:
    """A call from CALLER that the desk phone on `port` answers."""
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 20, what="caller connected")
    wait_for(lambda: box.status()["calls"] and box.status()["calls"][0]["state"] == "talking",
             10, what="the box bridges the call")
    return call


def _idle(box, port: str = "fxs0") -> None:
    wait_for(lambda: box.status()["ports"][port] == "idle" and not box.status()["calls"], 15,
             what=f"{port} idle, no call")


def test_every_desk_busy_is_recorded_busy(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802"), forward_chain=()))
    boxes.append(box)
    emu = box.emulator
    for port in ("fxs0", "fxs1"):
        emu.phone_hook(port, "off")
    wait_for(lambda: box.status()["ports"]["fxs1"] == "in_use", 10, what="desks in use")
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "ended", 20, what="the caller refused")
    rec = wait_record(box, caller=CALLER)
    assert rec["result"] == "busy", rec
    assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == [
        ("801", "busy"), ("802", "busy")]
    assert box.stop() == 0


def test_the_caller_ending_is_far_end_and_the_desk_ending_is_normal(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801",)))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.3)

    first = _answered(box)
    emu.hangup(first["id"])  # the caller hangs up
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450), 10, what="busy tone on 801")
    emu.phone_hook("fxs0", "on")
    _idle(box)
    rec = wait_record(box, caller=CALLER)
    assert (rec["result"], rec["end_reason"], rec["answered_by"]) == ("answered", "far_end",
                                                                      "801")

    second = _answered(box)
    emu.phone_hook("fxs0", "on")  # the desk phone hangs up: the box releases the caller
    ended = wait_for(lambda: (c := emu.call(second["id"]))["state"] == "ended" and c, 10,
                     what="the caller released")
    assert ended["ended_by"] == "box"
    _idle(box)
    recs = [r for r in records(box) if r["result"] != "in_progress"]
    assert [r["end_reason"] for r in recs] == ["far_end", "normal"]
    assert box.stop() == 0


def test_a_modem_unplugged_mid_call_ends_the_record_modem_lost(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801",)))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.3)
    _answered(box)
    modem = emu.modems()[0]["id"]
    emu.modem_fault(modem, "unplug")
    rec = wait_record(box, caller=CALLER)
    assert (rec["result"], rec["end_reason"]) == ("answered", "modem_lost"), rec
    emu.phone_hook("fxs0", "on")
    emu.modem_fault(modem, "replug")
    wait_gsm_state(box, "ready", timeout=30)
    assert box.stop() == 0


def test_the_network_dropping_the_call_is_dropped_not_a_hang_up(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801",)))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs0", 0.3)
    call = _answered(box)
    modem = emu.modems()[0]["id"]
    emu.modem_registration(modem, 0)  # the network is gone: the call is cleared, cause 41
    assert wait_for(lambda: emu.call(call["id"])["state"] == "ended", 10)
    rec = wait_record(box, caller=CALLER)
    assert (rec["result"], rec["end_reason"]) == ("answered", "dropped"), rec
    assert "cause 41" in rec["cause"]
    emu.phone_hook("fxs0", "on")
    emu.modem_registration(modem, 1)
    assert box.stop() == 0


def test_a_box_killed_mid_call_keeps_who_answered_and_says_box_restart(tmp_path, boxes):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=5))
    boxes.append(box)
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 0.3)  # 801 rings out, 802 answers
    _answered(box)
    box.kill()  # kill -9: no chance to write the end
    before = records(box)
    assert before[0]["result"] == "in_progress" and before[0]["answered_by"] == "802"

    again = start_box(box.data, "sim")
    boxes.append(again)
    rec = wait_record(again, caller=CALLER)
    assert (rec["result"], rec["end_reason"], rec["answered_by"]) == (
        "answered", "box_restart", "802")
    assert rec["answered_at"] is not None and rec["ring_s"] >= 5
    assert "stopped" in rec["cause"]
    assert again.stop() == 0


def test_network_forwarding_is_a_record_and_a_status_of_the_line(tmp_path, boxes):
    box = box_with(tmp_path, office(open_now=False, lines=1, duty="david"))
    boxes.append(box)
    emu = box.emulator
    line = wait_for(lambda: box.status()["gsm"]["gsm0"].get("forwarding"), 20,
                    what="the line forwarded, in status")
    assert line["to"] == MOBILES["david"] and line["since"] and "duty" in line["reason"]
    period = wait_record(box, result="forwarded")
    assert period["route"] == f"network forwarding > {MOBILES['david']}"
    assert period["ended_at"] is None and period["line"] == "gsm0" and period["caller"] == ""
    assert period["started_at"][:19] == line["since"][:19]

    # a caller is forwarded by the network: the box never hears of it
    emu.add_subscriber(MOBILES["david"], "answer", answer_after_s=0.3)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"]).get("forwarded_to") == MOBILES["david"], 10,
             what="call forwarded by the network")
    assert len(records(box)) == 1

    path = tmp_path / "open.json"  # the office opens: forwarding off, the period ends
    path.write_text(json.dumps(office(open_now=True, lines=1)))
    assert box.switchboard("config", "import", str(path)).returncode == 0
    wait_for(lambda: box.status()["gsm"]["gsm0"].get("forwarding") is None, 20,
             what="forwarding off, in status")
    (rec,) = records(box)
    assert rec["result"] == "forwarded" and rec["ended_at"] is not None
    assert "switched off" in rec["cause"]
    done = box.switchboard("records", "--result", "forwarded")
    assert done.returncode == 0 and "forwarded" in done.stdout
    assert box.stop() == 0


def _outbound_used(data: Path, line: str, minutes: float) -> None:
    """This month the box talked `minutes` on `line` to a mobile (records seeded before
    the box starts: a real minute of talk would make a slow test)."""
    at = datetime.now().astimezone() - timedelta(seconds=1)
    with CdrStore(records_path(data), preload_regions=False) as store:
        call = store.begin_call(CallStart("in", "gsm9", "+8613700000001", SIM[0], at))
        store.add_leg(call, LegRecord(MOBILES["wang"], "mobile", at, at, "answered",
                                      answered_at=at, line=line))
        store.connection.execute("UPDATE legs SET talk_s = ? WHERE call_id = ?",
                                 (minutes * 60, call))
        store.end_call(call, CallEnd(at, "answered", talk_s=minutes * 60))


def _capped_office(lines: int) -> dict:
    config = office(lines=lines)
    config["schema_version"] = 2
    config["caps"] = [{"line": "gsm0", "limits": [{"counter": "outbound_minutes", "max": 1,
                                                   "action": "no_mobiles"}],
                       "notify": ["zhang"]}]
    return config


def _dial_out(box, port: str = "fxs1") -> float:
    emu = box.emulator
    t = emu.phone_hook(port, "off").get("t") or 0.0
    wait_for(lambda: heard_tone(emu.phone_heard(port), 450, t - 0.5), 10, what="dial tone")
    return emu.phone_dial(port, "0" + OUTSIDE.removeprefix("+86"))


def test_a_desk_phone_cannot_dial_out_on_a_line_over_its_outbound_cap(tmp_path, boxes):
    _outbound_used(tmp_path / "data", "gsm0", 2.0)
    box = box_with(tmp_path, _capped_office(lines=1))
    boxes.append(box)
    emu = box.emulator
    t = _dial_out(box)

    def congestion() -> dict | None:  # 450 Hz, 0.7 s on
        return next((tone for tone in emu.phone_heard("fxs1").get("tones", [])
                     if abs(tone["hz"] - 450) < 15 and tone["t_start"] > t
                     and 0.5 < tone["t_end"] - tone["t_start"] < 0.9), None)

    wait_for(congestion, 15, what="the desk phone hears congestion tone")
    rec = wait_record(box, direction="out")
    assert rec["result"] == "blocked" and "outbound minutes cap reached" in rec["cause"]
    assert not any(c["direction"] == "from_box" and c["to"] == OUTSIDE for c in emu.calls())
    modem = emu.modems()[0]["id"]
    emu.phone_hook("fxs1", "on")
    sent = wait_for(lambda: emu.modem_sms(modem)["sent"], 20, what="the owner's SMS")
    assert "outbound minutes cap reached" in sent[0]["text"]
    assert box.stop() == 0


def test_a_desk_phone_dials_out_on_the_next_line_under_its_cap(tmp_path, boxes):
    _outbound_used(tmp_path / "data", "gsm0", 2.0)
    box = box_with(tmp_path, _capped_office(lines=2), board="sim-2gsm")
    boxes.append(box)
    emu = box.emulator
    emu.add_subscriber(OUTSIDE, "answer", answer_after_s=0.5)
    _dial_out(box)
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == OUTSIDE and c["state"] == "active"), None),
                   20, what="the call out, answered")
    assert out["from"] == SIM[1]  # gsm1's SIM: gsm0 is over its cap
    wait_for(lambda: box.status()["calls"] and box.status()["calls"][0]["state"] == "talking",
             10, what="the box bridges the call")
    emu.hangup(out["id"])  # the far end hangs up
    rec = wait_record(box, direction="out")
    assert (rec["result"], rec["end_reason"]) == ("answered", "far_end")
    assert rec["legs"][0]["line"] == "gsm1"
    emu.phone_hook("fxs1", "on")
    assert box.stop() == 0
