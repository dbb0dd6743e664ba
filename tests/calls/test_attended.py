"""Attended transfer (calls/attended.py) and three-way calls (calls/threeway.py) on the
call core with fake lines: who talks to whom (the audio's connected pairs), every way a
consultation ends (completed, refused, busy, no answer, cancelled while ringing and
while talking, swapped, turned three-way), a party leaving a three-way call, and the
transfer legs of the record."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from firmware.calls.incall import InCall
from firmware.calls.keycodes import CodeCollector
from firmware.calls.legs import DeskLeg, OutsideLeg
from firmware.calls.record import CallLog, Who
from firmware.calls.transfer import agent_call
from firmware.events import EventBus
from firmware.lines.model import DeskOffHook, DeskOnHook, LineDtmf
from tests.calls.incall_rig import FAST, scenario
from tests.calls.rig import CALLER, MOBILES, SIM, FakeAudio, Rig, office, until


class MixAudio(FakeAudio):
    """Fake audio that knows which legs are connected (both ways) now."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: set[frozenset[str]] = set()

    def talk(self, a: Any, b: Any) -> bool:
        self.pairs.add(frozenset((a.name, b.name)))
        return True

    def part(self, a: Any, b: Any) -> None:
        self.pairs.discard(frozenset((a.name, b.name)))

    def detach(self, leg: Any) -> None:
        self.pairs = {p for p in self.pairs if leg.name not in p}

    def talking(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.pairs


@pytest.fixture
def rig(tmp_path) -> Iterator[Rig]:
    config = office(lines=2, members=("801", "803"))
    made = Rig(tmp_path, dataclasses.replace(config, transfer=FAST), lines=2)
    made.core.bus = EventBus()
    made.core.audio = made.audio = MixAudio()
    yield made
    made.close()


async def _call(rig: Rig, agent: str = "801") -> tuple[InCall, OutsideLeg]:
    """An inbound call on gsm0 answered by `agent` (801 at fxs0, or the mobile "zhang"
    on gsm1), running as an InCall."""
    core = rig.core
    line = rig.gsm["gsm0"]
    caller = OutsideLeg(line, line.ring(CALLER))
    core.owners["gsm0"] = caller
    await caller.answer()
    if agent == "801":
        leg = DeskLeg(rig.fxs["fxs0"], "801", offhook=True)
        core._own(leg)
        target, kind = "801", "extension"
    else:
        leg = await core.dial(rig.gsm["gsm1"], MOBILES[agent])
        target, kind = MOBILES[agent], "mobile"
    record = CallLog(core, "in", "gsm0", CALLER, SIM)
    record.tried(target, kind, leg.name, "answered", t0=leg.t_start, leg=leg,
                 agent=agent, group="desk", who=Who(agent, "desk"))
    call = agent_call(core, record, caller, leg, agent)
    call.collector = CodeCollector(rig.config.feature_codes.in_call(), inter_digit_s=0.5)
    core.spawn("test call", call.run(), caller)
    await until(lambda: call.connected, "caller and agent talk")
    return call, caller


def _key(rig: Rig, keys: str, port: str = "fxs0") -> None:
    for key in keys:
        rig.core.digit_queue(port).put_nowait(key)


def _answer(rig: Rig, port: str) -> None:
    rig.core._on_offhook(DeskOffHook(port, 0.0, True))


def _hang_up(rig: Rig, port: str) -> None:
    rig.core._on_onhook(DeskOnHook(port, 0.0))


def _ringing(rig: Rig, port: str) -> bool:
    return rig.fxs[port].state == "ringing"


def _talks(rig: Rig, a: str, b: str) -> bool:
    return rig.audio.talking(a, b)


async def _consulting(rig: Rig, call: InCall, code: str = "*7802#") -> None:
    """801 keys `code`; 802 rings (the caller on hold) and answers: 801 talks to 802."""
    _key(rig, code)
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    assert not call.connected and not _talks(rig, "gsm0", "fxs0")
    assert ("fxs0", "ringback") in rig.audio.tones
    _answer(rig, "fxs1")
    await until(lambda: _talks(rig, "fxs0", "fxs1"), "801 talks to 802")


async def _record(rig: Rig) -> dict:
    rig.gsm["gsm0"].end("normal", 16)
    await until(lambda: rig.calls() and rig.calls()[0]["result"] != "in_progress",
                "the call's record ends")
    return rig.calls()[0]


def _transfers(rec: dict) -> list[tuple[str, str, str]]:
    return [(leg["target"], leg["outcome"], leg["cause"].split(" ")[0]) for leg in rec["legs"]
            if leg["target_kind"] == "transfer"]


async def _back_with_caller(rig: Rig, call: InCall) -> None:
    await until(lambda: call.connected and _talks(rig, "gsm0", "fxs0"), "801 back with the caller")
    assert call.agent.id == "801"


@scenario
async def test_the_agent_hanging_up_completes_the_attended_transfer(rig):
    call, caller = await _consulting_call(rig)
    assert not _talks(rig, "gsm0", "fxs1")  # the caller hears music, not the consultation
    assert rig.core.status()[0]["state"] == "consulting"
    _hang_up(rig, "fxs0")
    await until(lambda: call.agent.id == "802" and _talks(rig, "gsm0", "fxs1"),
                "the caller talks to 802")
    assert not caller.ended.done() and "fxs0" not in rig.core.owners
    live = rig.core.status()[0]
    assert (live["held_by"], live["transferred_by"]) == ("802 Desk 2", "801 Desk 1")
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "completed", "attended")]
    assert rec["answered_by"] == "802" and rec["agent_id"] == "802"
    assert [(leg["target"], leg["cause"]) for leg in rec["legs"]
            if leg["outcome"] == "answered"] == [("801", "transferred"), ("802", "")]


async def _consulting_call(rig: Rig) -> tuple[InCall, OutsideLeg]:
    call, caller = await _call(rig)
    await _consulting(rig, call)
    return call, caller


@scenario
async def test_the_target_hanging_up_refuses_and_the_agent_is_back(rig):
    call, _caller = await _consulting_call(rig)
    _hang_up(rig, "fxs1")
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "refused", "attended")]
    assert rec["answered_by"] == "801"


@scenario
async def test_a_busy_target_returns_the_agent_to_the_caller(rig):
    rig.core._own(DeskLeg(rig.fxs["fxs1"], "802", offhook=True))  # 802 is on a call
    call, _caller = await _call(rig)
    _key(rig, "*7802#")
    await until(lambda: ("fxs0", "ringback") in rig.audio.tones, "the agent waits")
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "busy", "attended")]


@scenario
async def test_no_answer_within_the_ring_time_returns_the_agent(rig):
    call, _caller = await _call(rig)
    _key(rig, "*7802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    await until(lambda: not _ringing(rig, "fxs1"), "802 stops ringing", timeout=5)
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "no_answer", "attended")]


@scenario
async def test_cancel_while_the_target_rings(rig):
    call, _caller = await _call(rig)
    _key(rig, "*7802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    _key(rig, "*0")
    await until(lambda: not _ringing(rig, "fxs1"), "802 stops ringing")
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "cancelled", "attended")]


@scenario
async def test_cancel_while_consulting_lets_the_target_go(rig):
    call, _caller = await _consulting_call(rig)
    _key(rig, "*0")
    await _back_with_caller(rig, call)
    assert not _talks(rig, "fxs0", "fxs1")
    await until(lambda: ("fxs1", "busy") in rig.audio.tones, "802 is let go (busy tone)")
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "cancelled", "attended")]


@scenario
async def test_swap_twice_then_complete(rig):
    call, _caller = await _consulting_call(rig)
    _key(rig, "*2")
    await until(lambda: _talks(rig, "gsm0", "fxs0") and not _talks(rig, "fxs0", "fxs1"),
                "swapped to the caller")
    assert ("fxs1", "ringback") in rig.audio.tones  # the target on hold (music's stand-in)
    _key(rig, "*2")
    await until(lambda: _talks(rig, "fxs0", "fxs1") and not _talks(rig, "gsm0", "fxs0"),
                "swapped back to the target")
    _hang_up(rig, "fxs0")
    await until(lambda: call.agent.id == "802" and _talks(rig, "gsm0", "fxs1"),
                "the caller talks to 802")
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "completed", "attended")]


@scenario
async def test_threeway_during_the_consultation_then_the_agent_leaves(rig):
    call, caller = await _consulting_call(rig)
    _key(rig, "*3")
    await until(lambda: all(_talks(rig, a, b) for a, b in
                            (("gsm0", "fxs0"), ("gsm0", "fxs1"), ("fxs0", "fxs1"))),
                "all three talk")
    _hang_up(rig, "fxs0")
    await until(lambda: call.agent.id == "802", "802 holds the caller")
    assert _talks(rig, "gsm0", "fxs1") and not caller.ended.done()
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "joined", "attended"), ("801", "left", "threeway")]
    assert rec["answered_by"] == "802"


@scenario
async def test_threeway_from_a_plain_call_the_target_leaves(rig):
    call, _caller = await _call(rig)
    _key(rig, "*3802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    _answer(rig, "fxs1")
    await until(lambda: _talks(rig, "gsm0", "fxs1") and _talks(rig, "fxs0", "fxs1")
                and _talks(rig, "gsm0", "fxs0"), "all three talk")
    live = rig.core.status()[0]
    assert (live["state"], live["talking_with"]) == ("talking", "801 Desk 1 + 802 Desk 2")
    _hang_up(rig, "fxs1")
    await until(lambda: not _talks(rig, "gsm0", "fxs1"), "802 left")
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "joined", "threeway"), ("802", "left", "threeway")]
    assert rec["answered_by"] == "801"


@scenario
async def test_threeway_the_caller_leaves_and_the_colleagues_talk_on(rig):
    await _call(rig)
    _key(rig, "*3802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    _answer(rig, "fxs1")
    await until(lambda: _talks(rig, "fxs0", "fxs1"), "all three talk")
    rig.gsm["gsm0"].end("normal", 16)
    await until(lambda: rig.calls()[0]["result"] == "answered", "the record ends")
    assert _talks(rig, "fxs0", "fxs1") and "fxs0" in rig.core.owners
    assert _transfers(rig.calls()[0])[-1] == (CALLER, "left", "threeway")
    _hang_up(rig, "fxs1")
    await until(lambda: "fxs1" not in rig.core.owners, "802 is free")
    await until(lambda: ("fxs0", "busy") in rig.audio.tones, "801 hears busy tone")


@scenario
async def test_threeway_with_a_mobile_on_the_second_line(rig):
    call, _caller = await _call(rig)
    _key(rig, "*30" + MOBILES["zhang"].removeprefix("+86") + "#")  # the outside prefix 0
    await until(lambda: _talks(rig, "gsm0", "gsm1") and _talks(rig, "fxs0", "gsm1"),
                "the mobile joins")
    assert rig.gsm["gsm1"].dialled == [MOBILES["zhang"]]
    _hang_up(rig, "fxs0")
    await until(lambda: call.agent.id == "zhang", "the mobile holds the caller")
    rec = await _record(rig)
    assert _transfers(rec) == [("zhang", "joined", "threeway"), ("801", "left", "threeway")]
    assert rec["agent_id"] == "zhang"


@scenario
async def test_the_agent_hanging_up_while_it_rings_hands_the_caller_on(rig):
    call, _caller = await _call(rig)
    _key(rig, "*7802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    _hang_up(rig, "fxs0")
    await until(lambda: ("gsm0", "ringback") in rig.audio.tones, "the caller hears ringback")
    _answer(rig, "fxs1")
    await until(lambda: call.agent.id == "802" and _talks(rig, "gsm0", "fxs1"),
                "802 holds the caller")
    rec = await _record(rig)
    assert _transfers(rec) == [("802", "completed", "attended")]


@scenario
async def test_an_unknown_target_keeps_the_agent_with_the_caller(rig):
    call, _caller = await _call(rig)
    _key(rig, "*7999#")
    await asyncio.sleep(0.05)
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("999", "unreachable", "attended")]


@scenario
async def test_a_mobile_agent_consults_by_its_lines_digits_and_hangs_up_to_complete(rig):
    call, _caller = await _call(rig, "zhang")
    for digit in "*7802#":
        rig.core._on_line_dtmf(LineDtmf("gsm1", digit))
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    assert rig.gsm["gsm1"].call is not None  # the mobile agent stays on the line
    _answer(rig, "fxs1")
    await until(lambda: _talks(rig, "gsm1", "fxs1"), "the mobile talks to 802")
    rig.gsm["gsm1"].end("normal", 16)
    await until(lambda: call.agent.id == "802" and _talks(rig, "gsm0", "fxs1"),
                "the caller talks to 802")
    rec = await _record(rig)
    assert [leg["agent_id"] for leg in rec["legs"] if leg["target_kind"] == "transfer"] == \
        ["zhang"]
    assert _transfers(rec) == [("802", "completed", "attended")]


@scenario
async def test_a_mobile_rejecting_the_ring_refuses(rig):
    rig.gsm["gsm1"].dial_result = "rejected"
    call, _caller = await _call(rig)
    _key(rig, "*70" + MOBILES["wang"].removeprefix("+86") + "#")
    await until(lambda: rig.gsm["gsm1"].dialled, "the mobile is dialled")
    await _back_with_caller(rig, call)
    rec = await _record(rig)
    assert _transfers(rec) == [("wang", "refused", "attended")]


@scenario
async def test_the_caller_leaving_during_the_consultation(rig):
    await _consulting_call(rig)
    rig.gsm["gsm0"].end("normal", 16)
    await until(lambda: rig.calls()[0]["result"] == "answered", "the record ends")
    rec = rig.calls()[0]
    assert rec["end_reason"] == "far_end"
    assert _transfers(rec) == [("802", "cancelled", "attended")]
    assert _talks(rig, "fxs0", "fxs1")  # the colleagues go on
    _hang_up(rig, "fxs0")
    await until(lambda: "fxs0" not in rig.core.owners, "801 is free")
    await until(lambda: ("fxs1", "busy") in rig.audio.tones, "802 hears busy tone")
