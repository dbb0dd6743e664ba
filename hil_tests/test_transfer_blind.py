"""Blind transfer (*8 target #) end to end: the running box on two GSM lines, the
emulator's caller, desk phones and mobiles, real audio and the records.

One box for the module (a box start is the slow part): every test places its own
call from its own caller number and leaves the phones on hook. The caller's call must
stay active from the answer until the test itself hangs it up: never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hil_tests.calls_rig import MOBILES, SIM, heard_tone, ringing, wait_record
from hil_tests.pstn.testing import wait_for
from hil_tests.transfer_rig import answered_by_desk as _answered_by_desk
from hil_tests.transfer_rig import idle_after, start_box
from hil_tests.transfer_rig import offhook as _offhook


@pytest.fixture(scope="module")
def box(tmp_path_factory) -> Iterator:
    yield from start_box(tmp_path_factory, "xfer", ring_s=5)


@pytest.fixture
def emu(box) -> Iterator:
    yield from idle_after(box)


def _caller(n: int) -> str:
    return f"+86135888880{n:02d}"


def _transfer(box, emu, port: str, digits: str) -> float:
    """`port` keys `digits` (*8 target #); back once the box took the transfer, with the
    time the keys began (the emulator's clock)."""
    before = box.output().count("blind transfer of")
    t = emu.phone_dial(port, digits)
    wait_for(lambda: box.output().count("blind transfer of") > before, 10,
             what=f"the box takes {digits}")
    return t


def _ringback(heard: dict, after: float) -> dict | None:
    """A ringback tone (450 Hz, 1 s on) heard after `after`."""
    return next((t for t in heard.get("tones", []) if abs(t["hz"] - 450) < 14
                 and t["t_start"] >= after and 0.8 <= t["t_end"] - t["t_start"] <= 1.3),
                None)


def _speech(heard: dict, after: float) -> dict | None:
    """Speech-like audio that went on for a second past `after` (the prompt; music on
    hold before it stops at the transfer and may run into it as one stretch)."""
    return next((s for s in heard.get("speech", []) if s["t_end"] >= after + 1.0), None)



def _active(emu, call: dict) -> bool:
    return emu.call(call["id"])["state"] == "active"


def _talk_both_ways(emu, call: dict, port: str) -> None:
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.phone_heard(port), 1000, t), 10,
             what=f"{port} hears the caller")
    t = emu.phone_send(port, tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what=f"the caller hears {port}")


def _rings_with_caller_id(emu, port: str, caller: str, call: dict) -> None:
    wait_for(lambda: ringing(emu, port), 15, what=f"{port} rings")
    assert _active(emu, call)
    shown = wait_for(lambda: emu.get(f"/phones/{port}").get("caller_id"), 10,
                     what=f"caller ID on {port}")
    assert shown["number"] in (caller, caller.removeprefix("+86"))


def _transfer_legs(rec: dict) -> list[tuple[str, str, str]]:
    return [(leg["target"], leg["outcome"], leg["agent_id"]) for leg in rec["legs"]
            if leg["target_kind"] == "transfer"]


def _hang_up_and_record(box, emu, call: dict, caller: str) -> dict:
    assert _active(emu, call)  # never dropped
    emu.hangup(call["id"])
    return wait_record(box, caller=caller)


def test_blind_transfer_to_a_desk_phone(box, emu):
    caller = _caller(1)
    call = _answered_by_desk(emu, caller)
    t = _transfer(box, emu, "fxs0", "*8802#")
    _rings_with_caller_id(emu, "fxs1", caller, call)
    emu.phone_hook("fxs0", "on")  # the agent is free at once
    wait_for(lambda: _ringback(emu.call_heard(call["id"]), t), 10,
             what="the caller hears ringback while 802 rings")
    emu.phone_hook("fxs1", "off")
    _talk_both_ways(emu, call, "fxs1")
    live = next(c for c in box.status()["calls"] if c["caller"] == caller)
    assert live["held_by"] == "802 Desk 2" and live["transferred_by"] == "801 Desk 1"
    rec = _hang_up_and_record(box, emu, call, caller)
    assert rec["result"] == "answered" and rec["answered_by"] == "802"
    assert _transfer_legs(rec) == [("802", "completed", "801")]
    answered = [(leg["target"], leg["cause"]) for leg in rec["legs"]
                if leg["outcome"] == "answered"]
    assert answered == [("801", "transferred"), ("802", "")]


def test_a_busy_target_returns_the_caller_to_the_agent(box, emu):
    caller = _caller(2)
    emu.phone_hook("fxs1", "off")  # 802 is busy
    call = _answered_by_desk(emu, caller)
    keyed = _transfer(box, emu, "fxs0", "*8802#") + 6 * 0.16  # the dial tone is over
    busy = wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450, keyed), 10,
                    what="agent released: busy tone")
    emu.phone_hook("fxs0", "on")
    wait_for(lambda: _speech(emu.call_heard(call["id"]), busy["t_start"]), 10,
             what="the caller hears 'connecting your call'")
    _rings_with_caller_id(emu, "fxs0", caller, call)
    emu.phone_hook("fxs0", "off")
    _talk_both_ways(emu, call, "fxs0")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "busy", "801"), ("801", "returned", "801")]
    assert rec["answered_by"] == "801"


def test_no_answer_then_the_agent_does_not_answer_either_the_group_takes_it(box, emu):
    caller = _caller(3)
    call = _answered_by_desk(emu, caller)
    _transfer(box, emu, "fxs0", "*8804#")
    emu.phone_hook("fxs0", "on")
    wait_for(lambda: ringing(emu, "fxs3"), 10, what="804 rings")
    wait_for(lambda: ringing(emu, "fxs0"), 20, what="the agent's phone rings again")
    assert _active(emu, call)
    emu.phone_auto_answer("fxs2", 0.3)  # 803, the agent's ring group
    wait_for(lambda: _offhook(emu, "fxs2"), 30, what="the group's 803 answers")
    _talk_both_ways(emu, call, "fxs2")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("804", "no_answer", "801"), ("801", "fallback", "801")]
    assert rec["answered_by"] == "803"


def test_an_unreachable_number_returns_the_caller(box, emu):
    caller = _caller(4)
    call = _answered_by_desk(emu, caller)
    _transfer(box, emu, "fxs0", "*8999#")  # no such extension
    emu.phone_hook("fxs0", "on")
    _rings_with_caller_id(emu, "fxs0", caller, call)
    emu.phone_hook("fxs0", "off")
    _talk_both_ways(emu, call, "fxs0")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert [leg[:2] for leg in _transfer_legs(rec)] == [("999", "unreachable"),
                                                        ("801", "returned")]


def test_hook_flash_then_digits_transfers_to_a_mobile_on_the_second_line(box, emu):
    caller = _caller(5)
    emu.add_subscriber(MOBILES["zhang"], "answer", answer_after_s=0.5)
    call = _answered_by_desk(emu, caller)
    emu.phone_hook("fxs0", "flash")
    _transfer(box, emu, "fxs0", "*8" + "0" + MOBILES["zhang"].removeprefix("+86") + "#")
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == MOBILES["zhang"] and c["state"] == "active"),
                                None), 20, what="the mobile answers the transfer")
    emu.phone_hook("fxs0", "on")
    t = emu.send_to_call(call["id"], tone_hz=1000, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(out["id"]), 1000, t), 10,
             what="the mobile hears the caller")
    t = emu.send_to_call(out["id"], tone_hz=1400, ms=400)
    wait_for(lambda: heard_tone(emu.call_heard(call["id"]), 1400, t), 10,
             what="the caller hears the mobile")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("zhang", "completed", "801")]
    assert rec["agent_id"] == "zhang"


def test_a_mobile_agent_transfers_by_dtmf(box, emu):
    caller = _caller(6)
    emu.add_subscriber(MOBILES["zhang"], "answer", answer_after_s=0.5)
    for port in ("fxs0", "fxs2"):  # the group's desks are busy: the forward chain's zhang
        emu.phone_hook(port, "off")
    call = emu.place_call(caller, SIM[0])
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == MOBILES["zhang"] and c["state"] == "active"),
                                None), 30, what="the mobile agent answers")
    emu.send_to_call(out["id"], dtmf="*8802#")
    _rings_with_caller_id(emu, "fxs1", caller, call)
    wait_for(lambda: emu.call(out["id"])["state"] == "ended", 10, what="the mobile is free")
    emu.phone_hook("fxs1", "off")
    _talk_both_ways(emu, call, "fxs1")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "completed", "zhang")]
