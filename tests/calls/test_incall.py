"""A call in progress (calls/incall.py) and the blind transfer (calls/transfer.py) on the
call core with fake lines: the agent's keys (DTMF, a GSM line's reported digits, hook
flash), the caller's keys ignored, giving up, and every way a transfer ends."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest

from firmware.calls.incall import InCall
from firmware.calls.keycodes import CodeCollector
from firmware.calls.legs import DeskLeg, OutsideLeg
from firmware.calls.record import CallLog, Who
from firmware.calls.transfer import agent_call, desk_agent_call, fallback_plan, party_of
from firmware.cdr.records import CallEnd, CallStart, LegRecord
from firmware.config.transfer_schema import TransferConfig
from firmware.events import EventBus
from firmware.lines.model import DeskFlash, DeskOffHook, DeskOnHook, LineDtmf
from firmware.routing.queue_step import QueueStep
from firmware.routing.voicemail_steps import Voicemail
from tests.calls.incall_rig import FAST, scenario
from tests.calls.rig import CALLER, MOBILES, SIM, Rig, office, until
from tests.routing.helpers import sh


@pytest.fixture
def rig(tmp_path) -> Iterator[Rig]:
    config = office(lines=2, members=("801", "803"))
    made = Rig(tmp_path, dataclasses.replace(config, transfer=FAST), lines=2)
    made.core.bus = EventBus()
    yield made
    made.close()


async def _call(rig: Rig, agent: str = "801") -> tuple[InCall, OutsideLeg]:
    """An inbound call on gsm0 answered by `agent` (an extension at fxs0, or "zhang" on
    gsm1), running as an InCall in the call core's task."""
    core = rig.core
    line = rig.gsm["gsm0"]
    caller = OutsideLeg(line, line.ring(CALLER))
    core.owners["gsm0"] = caller
    await caller.answer()
    if agent == "801":
        leg = DeskLeg(rig.fxs["fxs0"], "801", offhook=True)
        core._own(leg)
        kind, group = "extension", "desk"
    else:
        leg = await core.dial(rig.gsm["gsm1"], MOBILES[agent])
        kind, group = "mobile", ""
    record = CallLog(core, "in", "gsm0", CALLER, SIM)
    record.set_route("desk")
    record.tried(agent if kind == "extension" else MOBILES[agent], kind, leg.name, "answered",
                 t0=leg.t_start, leg=leg, agent=agent, group=group, who=Who(agent, group))
    call = agent_call(core, record, caller, leg, agent)
    call.collector = CodeCollector(rig.config.feature_codes.in_call(), inter_digit_s=0.2)
    core.spawn("test call", call.run(), caller)
    await until(lambda: call.connected, "caller and agent talk")
    return call, caller


def _key(rig: Rig, port: str, keys: str) -> None:
    for key in keys:
        rig.core.digit_queue(port).put_nowait(key)


def _answer(rig: Rig, port: str) -> None:
    rig.core._on_offhook(DeskOffHook(port, 0.0, True))


def _hang_up(rig: Rig, port: str) -> None:
    rig.core._on_onhook(DeskOnHook(port, 0.0))


def _ringing(rig: Rig, port: str) -> bool:
    return rig.fxs[port].state == "ringing"


async def _record(rig: Rig, caller: OutsideLeg) -> dict:
    rig.gsm["gsm0"].end("normal", 16)
    await until(lambda: rig.calls() and rig.calls()[-1]["result"] != "in_progress",
                "the call's record ends")
    return rig.calls()[-1]


def _transfers(rec: dict) -> list[tuple[str, str, str]]:
    return [(leg["target"], leg["outcome"], leg["agent_id"]) for leg in rec["legs"]
            if leg["target_kind"] == "transfer"]


@scenario
async def test_dtmf_code_target_and_hash_transfer_to_a_desk_phone(rig):
    call, caller = await _call(rig)
    _key(rig, "fxs0", "*8802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    assert rig.core.owners.get("fxs0") is not None  # the agent's phone is still off hook
    _hang_up(rig, "fxs0")
    await until(lambda: "fxs0" not in rig.core.owners, "the agent is free")
    _answer(rig, "fxs1")
    await until(lambda: call.agent.id == "802" and call.connected, "802 holds the caller")
    live = rig.core.status()[0]
    assert (live["held_by"], live["transferred_by"]) == ("802 Desk 2", "801 Desk 1")
    assert not caller.ended.done()
    rec = await _record(rig, caller)
    assert rec["answered_by"] == "802" and rec["agent_id"] == "802"
    assert _transfers(rec) == [("802", "completed", "801")]
    assert [(leg["target"], leg["cause"]) for leg in rec["legs"]
            if leg["outcome"] == "answered"] == [("801", "transferred"), ("802", "")]


@scenario
async def test_the_callers_own_digits_are_no_codes(rig):
    call, _caller = await _call(rig)
    _key(rig, "gsm0", "*8802#")
    await asyncio.sleep(0.1)
    assert not _ringing(rig, "fxs1") and call.connected and call.agent.id == "801"


@scenario
async def test_digits_that_are_no_code_keep_the_call_as_it_is(rig):
    call, _caller = await _call(rig)
    _key(rig, "fxs0", "12#*5")
    await asyncio.sleep(0.1)
    assert call.connected and not any(_ringing(rig, p) for p in rig.fxs)


@scenario
async def test_a_pause_while_keying_the_target_reconnects_the_caller(rig):
    call, _caller = await _call(rig)
    _key(rig, "fxs0", "*80")
    await until(lambda: not call.connected, "the caller on hold")
    assert ("fxs0", "dial") in rig.audio.tones
    await until(lambda: call.connected, "back with the agent after the pause")
    assert not any(_ringing(rig, p) for p in rig.fxs)


@scenario
async def test_hook_flash_holds_then_code_and_target(rig):
    call, _caller = await _call(rig)
    rig.core.bus.publish(DeskFlash("fxs0", 0.0))
    await until(lambda: not call.connected, "a flash holds the caller")
    _key(rig, "fxs0", "*8802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")


@scenario
async def test_a_second_flash_gives_up(rig):
    call, _caller = await _call(rig)
    rig.core.bus.publish(DeskFlash("fxs0", 0.0))
    await until(lambda: not call.connected, "on hold")
    rig.core.bus.publish(DeskFlash("fxs0", 0.0))
    await until(lambda: call.connected, "a second flash: back to the caller")


@scenario
async def test_a_mobile_agent_transfers_by_the_digits_its_line_reports(rig):
    call, caller = await _call(rig, "zhang")
    for digit in "*8802#":
        rig.core._on_line_dtmf(LineDtmf("gsm1", digit))
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    assert rig.gsm["gsm1"].call is None  # the mobile agent's line is free at once
    _answer(rig, "fxs1")
    await until(lambda: call.agent.id == "802", "802 holds the caller")
    rec = await _record(rig, caller)
    assert _transfers(rec) == [("802", "completed", "zhang")]


@scenario
async def test_a_busy_target_returns_the_caller_to_the_agent(rig):
    rig.core._own(DeskLeg(rig.fxs["fxs1"], "802", offhook=True))  # 802 is on a call
    call, caller = await _call(rig)
    _key(rig, "fxs0", "*8802#")
    await until(lambda: ("fxs0", "busy") in rig.audio.tones, "the agent released")
    _hang_up(rig, "fxs0")
    await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again")
    _answer(rig, "fxs0")
    await until(lambda: call.connected, "the caller is back with the agent")
    rec = await _record(rig, caller)
    assert _transfers(rec) == [("802", "busy", "801"), ("801", "returned", "801")]
    assert rec["answered_by"] == "801"


@scenario
async def test_an_unreachable_outside_number_returns_the_caller(rig):
    rig.gsm["gsm1"].dial_result = "unreachable"
    call, caller = await _call(rig)
    _key(rig, "fxs0", "*8013800009999#")
    _hang_up(rig, "fxs0")
    await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again")
    _answer(rig, "fxs0")
    await until(lambda: call.connected, "back with the agent")
    rec = await _record(rig, caller)
    assert [t[:2] for t in _transfers(rec)] == [("+8613800009999", "unreachable"),
                                               ("801", "returned")]


@scenario
async def test_no_free_line_is_unreachable(rig):
    rig.gsm["gsm1"].status = dataclasses.replace(rig.gsm["gsm1"].status, state="fault")
    call, caller = await _call(rig)
    _key(rig, "fxs0", "*8013800009999#")
    _hang_up(rig, "fxs0")
    await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again")
    _answer(rig, "fxs0")
    await until(lambda: call.connected, "back with the agent")
    rec = await _record(rig, caller)
    legs = [leg for leg in rec["legs"] if leg["target_kind"] == "transfer"]
    assert legs[0]["outcome"] == "unreachable" and "no free outside line" in legs[0]["cause"]


@scenario
async def test_no_answer_anywhere_goes_to_the_agents_group(rig):
    _incall, caller = await _call(rig)
    _key(rig, "fxs0", "*8804#")
    _hang_up(rig, "fxs0")
    await until(lambda: _ringing(rig, "fxs3"), "804 rings")
    await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again", timeout=5)
    await until(lambda: _ringing(rig, "fxs2"), "the group's 803 rings", timeout=5)
    assert not caller.ended.done()
    _answer(rig, "fxs2")
    await until(lambda: rig.core.status()[0]["held_by"] == "803 Desk 3", "803 holds the caller")
    live = rig.core.status()[0]
    assert (live["state"], live["ringing"], live["transferred_by"]) == \
        ("talking", [], "801 Desk 1")
    rec = await _record(rig, caller)
    assert _transfers(rec) == [("804", "no_answer", "801"), ("801", "fallback", "801")]
    assert rec["answered_by"] == "803"


@scenario
async def test_the_agent_hanging_up_mid_target_transfers_what_was_keyed(rig):
    call, _caller = await _call(rig)
    _key(rig, "fxs0", "*8802")
    await until(lambda: not call.connected, "on hold")
    await asyncio.sleep(0.02)
    _hang_up(rig, "fxs0")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")


@scenario
async def test_the_caller_leaving_during_the_transfer_ends_the_call(rig):
    _incall, caller = await _call(rig)
    _key(rig, "fxs0", "*8802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    rec = await _record(rig, caller)
    assert not _ringing(rig, "fxs1")
    assert _transfers(rec) == [("802", "cancelled", "801")]
    assert rec["result"] == "answered" and rec["end_reason"] == "far_end"


def test_the_fallback_plans(rig):
    config = rig.config
    agent = party_of(config, None, "801", "desk")
    plan = fallback_plan(config, agent, None)
    group = plan.step(plan.start)
    assert [t.id for t in group.targets] == ["803"]
    assert isinstance(plan.step(group.next("no_answer")), Voicemail)
    queued = dataclasses.replace(config, transfer=TransferConfig(fallback="queue"))
    assert isinstance(fallback_plan(queued, agent, None).step("transfer-queue"), QueueStep)
    voicemail = dataclasses.replace(config, transfer=TransferConfig(fallback="voicemail"))
    plan = fallback_plan(voicemail, agent, None)
    assert plan.step(plan.start).box == "801"


@scenario
async def test_a_desk_phone_transfers_the_number_it_dialled(rig):
    core = rig.core
    desk = DeskLeg(rig.fxs["fxs0"], "801", offhook=True)
    core._own(desk)
    far = await core.dial(rig.gsm["gsm0"], "+8613912345678")
    record = CallLog(core, "out", "fxs0", "801", "+8613912345678")
    record.tried("+8613912345678", "number", "gsm0", "answered", t0=far.t_start, leg=far)
    call = desk_agent_call(core, record, far, desk, "801")
    core.spawn("desk call", call.run(), desk)
    await until(lambda: call.connected, "talking")
    _key(rig, "fxs0", "*8802#")
    await until(lambda: _ringing(rig, "fxs1"), "802 rings")
    assert rig.fxs["fxs1"].shown == "+8613912345678"  # the outside party's number (T5)
    _hang_up(rig, "fxs0")
    _answer(rig, "fxs1")
    await until(lambda: call.agent.id == "802" and call.connected, "802 talks with them")
    rig.gsm["gsm0"].end("normal", 16)
    await until(lambda: rig.calls() and rig.calls()[0]["result"] != "in_progress", "ended")
    rec = rig.calls()[0]
    assert rec["answered_by"] == "802" and _transfers(rec) == [("802", "completed", "801")]
    assert [(leg["target"], leg["cause"]) for leg in rec["legs"]
            if leg["outcome"] == "answered"] == [("+8613912345678", ""), ("802", "")]


@scenario
async def test_the_dashboard_says_the_caller_is_on_hold(rig):
    _incall, _caller = await _call(rig)
    _key(rig, "fxs0", "*8")
    await until(lambda: rig.core.status()[0]["state"] == "held", "on hold")
    _key(rig, "fxs0", "*")
    await until(lambda: rig.core.status()[0]["state"] == "talking", "talking again")


@scenario
async def test_an_agent_hanging_up_at_once_just_ends_the_call(rig):
    _incall, caller = await _call(rig)
    _hang_up(rig, "fxs0")
    await until(lambda: caller.ended.done(), "the caller is released")
    assert not any(_ringing(rig, p) for p in rig.fxs)


def test_a_line_over_its_outbound_cap_is_not_dialled_for_a_transfer(tmp_path):
    """G7: gsm1 is the only free line and its outbound minutes are used up this month:
    the transfer to a mobile is unreachable and the caller comes back to the agent."""
    caps = [{"line": "gsm1", "limits": [{"counter": "outbound_minutes", "max": 1,
                                         "action": "no_mobiles"}]}]
    config = office(lines=2, members=("801", "803"), caps=caps)
    capped = Rig(tmp_path, dataclasses.replace(config, transfer=FAST), lines=2)
    capped.core.bus = EventBus()
    _used_two_minutes_out(capped, "gsm1")

    @scenario
    async def run(rig: Rig) -> None:
        call, caller = await _call(rig)
        _key(rig, "fxs0", "*8" + MOBILES["zhang"][3:] + "#")  # the mobile's own number
        _hang_up(rig, "fxs0")
        await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again")
        assert rig.gsm["gsm1"].dialled == []
        _answer(rig, "fxs0")
        await until(lambda: call.connected, "back with the agent")
        rec = await _record(rig, caller)
        legs = [leg for leg in rec["legs"] if leg["target_kind"] == "transfer"]
        assert (legs[0]["target"], legs[0]["outcome"]) == ("zhang", "unreachable")
        assert "outbound cap" in legs[0]["cause"]

    try:
        run(capped)
    finally:
        capped.close()


def _used_two_minutes_out(rig: Rig, line: str) -> None:
    """Earlier this month: a call to a mobile on `line` talked 2 minutes."""
    at = sh(1, 9)
    call_id = rig.cdr.begin_call(CallStart("in", "gsm0", "+8613700000001", SIM, at))
    rig.cdr.add_leg(call_id, LegRecord(MOBILES["wang"], "mobile", at, at + timedelta(
        seconds=130), "answered", answered_at=at + timedelta(seconds=10), line=line))
    rig.cdr.end_call(call_id, CallEnd(at + timedelta(seconds=130), "answered", talk_s=120.0))


def test_nobody_answers_and_the_queue_fallback_takes_the_caller(tmp_path):
    queued = Rig(tmp_path, dataclasses.replace(
        office(lines=2, members=("801", "803")),
        transfer=TransferConfig(ring_s=1, return_ring_s=1, fallback="queue")), lines=2)
    queued.core.bus = EventBus()

    @scenario
    async def run(rig: Rig) -> None:
        _incall, caller = await _call(rig)
        _key(rig, "fxs0", "*8804#")
        _hang_up(rig, "fxs0")
        await until(lambda: _ringing(rig, "fxs0"), "the agent's phone rings again", timeout=5)
        await until(lambda: rig.core.status()[0]["state"] in ("queue", "ringing")
                    and _ringing(rig, "fxs2"), "the queue rings the group's 803", timeout=5)
        _answer(rig, "fxs2")
        await until(lambda: rig.core.status()[0]["held_by"] == "803 Desk 3", "803 has them")
        rec = await _record(rig, caller)
        assert _transfers(rec)[-1][1] == "fallback" and rec["answered_by"] == "803"
        assert rec["route"].startswith("desk > queue desk")  # on from the call's route

    try:
        run(queued)
    finally:
        queued.close()
