"""Attended transfer (*7 target #) and three-way calls (*3) end to end: the running box
on two GSM lines, the emulator's caller, desk phones 801-803 and a mobile, real audio
(who hears whom, by tones) and the records.

One box for the module: every test places its own call from its own caller number and
leaves the phones on hook. The caller's call stays active from the answer until the test
hangs it up: an attended transfer or a three-way call never drops the caller.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from firmware.prompts.defaults import music_pcm
from hil_tests.calls_rig import MOBILES, heard_tone, ringing, wait_record
from hil_tests.prompt_match import MATCH_SCORE, find_prompts
from hil_tests.pstn.testing import wait_for
from hil_tests.transfer_rig import answered_by_desk as _answered_by_desk
from hil_tests.transfer_rig import idle_after, start_box

MUSIC_START = music_pcm(1)[:2 * 8000 * 12 // 10]  # the hold music's first 1.2 s (a chord)
# Each tone sent differs from the one before (two alike in a row would read as one).
TONES_HZ = itertools.cycle((1000, 1400, 1800, 2200, 2600, 3000))



@pytest.fixture(scope="module")
def box(tmp_path_factory) -> Iterator:
    yield from start_box(tmp_path_factory, "attend", ring_s=8)


@pytest.fixture
def emu(box) -> Iterator:
    yield from idle_after(box)


def _caller(n: int) -> str:
    return f"+86135888881{n:02d}"




def _keys(box, emu, port: str, digits: str, log_words: str) -> None:
    """`port` keys `digits`; back once the box logged `log_words` once more."""
    before = box.output().count(log_words)
    emu.phone_dial(port, digits)
    wait_for(lambda: box.output().count(log_words) > before, 10,
             what=f"the box takes {digits}")


def _hook(box, emu, port: str, state: str, log_words: str) -> None:
    """`port` goes on or off hook; back once the box logged `log_words` once more."""
    before = box.output().count(log_words)
    emu.phone_hook(port, state)
    wait_for(lambda: box.output().count(log_words) > before, 10,
             what=f"the box follows {port} {state} hook")


def _send(emu, who, hz: float) -> float:
    if isinstance(who, dict):
        return emu.send_to_call(who["id"], tone_hz=hz, ms=400)
    return emu.phone_send(who, tone_hz=hz, ms=400)


def _heard(emu, who) -> dict:
    return emu.call_heard(who["id"]) if isinstance(who, dict) else emu.phone_heard(who)


def _name(who) -> str:
    return f"call {who['to'] if who.get('direction') == 'from_box' else who['from']}" \
        if isinstance(who, dict) else who


def _hears(emu, speaker, *listeners) -> tuple[float, float]:
    """`speaker` sends a tone; each of `listeners` hears it. (send time, frequency)."""
    hz = next(TONES_HZ)
    t = _send(emu, speaker, hz)
    for listener in listeners:
        wait_for(lambda listener=listener: heard_tone(_heard(emu, listener), hz, t), 10,
                 what=f"{_name(listener)} hears {_name(speaker)}")
    return t, hz


def _talk_both_ways(emu, a, b) -> None:
    _hears(emu, a, b)
    _hears(emu, b, a)


def _active(emu, call: dict) -> bool:
    return emu.call(call["id"])["state"] == "active"


def _consult(box, emu, caller: str, code: str = "*7802#") -> dict:
    """A call answered on 801, which keys `code`: 802 rings with the caller's number,
    answers, and 801 and 802 talk while the caller does not hear them."""
    call = _answered_by_desk(emu, caller)
    words = "attended transfer of" if code.startswith("*7") else "three-way call of"
    _keys(box, emu, "fxs0", code, words)
    wait_for(lambda: ringing(emu, "fxs1"), 15, what="802 rings")
    shown = wait_for(lambda: emu.get("/phones/fxs1").get("caller_id"), 10, what="caller ID")
    assert shown["number"] in (caller, caller.removeprefix("+86"))
    emu.phone_hook("fxs1", "off")
    return call


def _consulting(emu, call: dict) -> None:
    _talk_both_ways(emu, "fxs0", "fxs1")
    t, hz = _hears(emu, "fxs1", "fxs0")
    assert not heard_tone(_heard(emu, call), hz, t)  # the caller is on hold
    assert _active(emu, call)


def _transfer_legs(rec: dict) -> list[tuple[str, str, str]]:
    return [(leg["target"], leg["outcome"], leg["cause"].split(" ")[0]) for leg in rec["legs"]
            if leg["target_kind"] == "transfer"]


def _hang_up_and_record(box, emu, call: dict, caller: str) -> dict:
    assert _active(emu, call)  # never dropped
    emu.hangup(call["id"])
    return wait_record(box, caller=caller)


def test_attended_transfer_completed(box, emu):
    caller = _caller(1)
    call = _consult(box, emu, caller)
    _consulting(emu, call)
    assert find_prompts(emu.call_recording(call["id"]), MUSIC_START, MATCH_SCORE)  # music on hold
    live = next(c for c in box.status()["calls"] if c["caller"] == caller)
    assert live["state"] == "consulting"
    _hook(box, emu, "fxs0", "on", "completed")  # the agent hangs up: done
    _talk_both_ways(emu, call, "fxs1")
    live = next(c for c in box.status()["calls"] if c["caller"] == caller)
    assert live["held_by"] == "802 Desk 2" and live["transferred_by"] == "801 Desk 1"
    rec = _hang_up_and_record(box, emu, call, caller)
    assert rec["result"] == "answered" and rec["answered_by"] == "802"
    assert _transfer_legs(rec) == [("802", "completed", "attended")]
    answered = [(leg["target"], leg["cause"]) for leg in rec["legs"]
                if leg["outcome"] == "answered"]
    assert answered == [("801", "transferred"), ("802", "")]


def test_attended_transfer_refused(box, emu):
    caller = _caller(2)
    call = _consult(box, emu, caller)
    _consulting(emu, call)
    _hook(box, emu, "fxs1", "on", "hung up: back to the caller")  # 802 will not take it
    _talk_both_ways(emu, call, "fxs0")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "refused", "attended")]
    assert rec["answered_by"] == "801"


def test_attended_transfer_cancelled_with_star_0(box, emu):
    caller = _caller(3)
    call = _consult(box, emu, caller)
    _consulting(emu, call)
    _keys(box, emu, "fxs0", "*0", "cancels the attended transfer")
    _talk_both_ways(emu, call, "fxs0")
    wait_for(lambda: heard_tone(emu.phone_heard("fxs1"), 450), 10, what="802 let go")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "cancelled", "attended")]


def test_attended_transfer_swapped_twice_then_completed(box, emu):
    caller = _caller(4)
    call = _consult(box, emu, caller)
    _consulting(emu, call)
    _keys(box, emu, "fxs0", "*2", "swap: talking to the caller")
    _talk_both_ways(emu, call, "fxs0")
    t, hz = _hears(emu, call, "fxs0")
    assert not heard_tone(emu.phone_heard("fxs1"), hz, t)  # 802 is on hold now
    wait_for(lambda: find_prompts(emu.phone_recording("fxs1"), MUSIC_START, MATCH_SCORE), 10,
             interval=0.5, what="802 hears hold music")
    _keys(box, emu, "fxs0", "*2", "swap: talking to the target")
    _consulting(emu, call)
    _hook(box, emu, "fxs0", "on", "completed")
    _talk_both_ways(emu, call, "fxs1")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "completed", "attended")]


def test_attended_transfer_turned_three_way(box, emu):
    caller = _caller(5)
    call = _consult(box, emu, caller)
    _consulting(emu, call)
    _keys(box, emu, "fxs0", "*3", "three-way call:")
    _hears(emu, call, "fxs0", "fxs1")
    _hears(emu, "fxs0", call, "fxs1")
    _hears(emu, "fxs1", call, "fxs0")
    _hook(box, emu, "fxs0", "on", "left the three-way call")  # the caller and 802 talk on
    _talk_both_ways(emu, call, "fxs1")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "joined", "attended"), ("801", "left", "threeway")]
    assert rec["answered_by"] == "802"


def test_three_way_call_the_target_leaves(box, emu):
    caller = _caller(6)
    call = _consult(box, emu, caller, "*3802#")
    _hears(emu, call, "fxs0", "fxs1")
    _hears(emu, "fxs0", call, "fxs1")
    _hears(emu, "fxs1", call, "fxs0")
    _hook(box, emu, "fxs1", "on", "left the three-way call")
    _talk_both_ways(emu, call, "fxs0")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "joined", "threeway"), ("802", "left", "threeway")]
    assert rec["answered_by"] == "801"


def test_three_way_with_a_mobile_the_agent_leaves(box, emu):
    caller = _caller(7)
    emu.add_subscriber(MOBILES["zhang"], "answer", answer_after_s=0.5)
    call = _answered_by_desk(emu, caller)
    _keys(box, emu, "fxs0", "*30" + MOBILES["zhang"].removeprefix("+86") + "#", "three-way")
    out = wait_for(lambda: next((c for c in emu.calls() if c["direction"] == "from_box"
                                 and c["to"] == MOBILES["zhang"] and c["state"] == "active"),
                                None), 20, what="the mobile answers")
    _hears(emu, call, "fxs0", out)
    _hears(emu, out, call, "fxs0")
    _hook(box, emu, "fxs0", "on", "left the three-way call")
    _talk_both_ways(emu, call, out)
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("zhang", "joined", "threeway"), ("801", "left", "threeway")]
    assert rec["agent_id"] == "zhang"


def test_attended_transfer_cancelled_while_ringing_and_to_a_busy_desk(box, emu):
    caller = _caller(8)
    call = _answered_by_desk(emu, caller)
    _keys(box, emu, "fxs0", "*7802#", "attended transfer of")
    wait_for(lambda: ringing(emu, "fxs1"), 15, what="802 rings")
    _keys(box, emu, "fxs0", "*0", "attended 802: cancelled, back to the caller")
    wait_for(lambda: not ringing(emu, "fxs1"), 10, what="802 stops ringing")
    _talk_both_ways(emu, call, "fxs0")
    emu.phone_hook("fxs2", "off")  # 803 is busy
    _keys(box, emu, "fxs0", "*7803#", "attended 803: busy, back to the caller")
    _talk_both_ways(emu, call, "fxs0")
    rec = _hang_up_and_record(box, emu, call, caller)
    assert _transfer_legs(rec) == [("802", "cancelled", "attended"), ("803", "busy", "attended")]
