"""What an inbound call's record says (docs/records.md "Words"): `busy` when every
target was busy, `blocked` when a cap refuses the call, and why an answered call ended
(normal, far_end, dropped, modem_lost, box_restart), on the call core with fake lines
and the real records store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from firmware.calls.inbound import inbound_call
from firmware.calls.legs import DeskLeg, OutsideLeg
from firmware.cdr.records import CallEnd, CallStart
from tests.calls.rig import CALLER, SIM, Rig, office, until
from tests.routing.helpers import sh


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def _ring_in(rig: Rig, line: str = "gsm0", caller: str = CALLER) -> OutsideLeg:
    gsm = rig.gsm[line]
    leg = OutsideLeg(gsm, gsm.ring(caller))
    rig.core.owners[line] = leg
    rig.core.spawn(f"inbound {caller}", inbound_call(rig.core, leg), leg)
    return leg


def _ringing_desk(rig: Rig, port: str) -> DeskLeg | None:
    leg = rig.core.owners.get(port)
    return leg if isinstance(leg, DeskLeg) and rig.fxs[port].state == "ringing" else None


async def _answered_call(rig: Rig) -> tuple[OutsideLeg, DeskLeg]:
    """A call that rings 801 and is answered there."""
    caller = _ring_in(rig)
    await until(lambda: _ringing_desk(rig, "fxs0"), "801 rings")
    desk = _ringing_desk(rig, "fxs0")
    rig.fxs["fxs0"].state = "offhook"
    desk.on_offhook()
    await until(lambda: rig.core.calls and next(iter(rig.core.calls.values())).talking,
                "the call is bridged")
    return caller, desk


async def _hang_up_desk(rig: Rig, desk: DeskLeg) -> None:
    rig.fxs[desk.name].state = "idle"
    desk.on_onhook()
    await until(lambda: desk.name not in rig.core.owners, f"{desk.name} free")


def _last(rig: Rig) -> dict:
    return rig.calls()[-1]


def test_every_target_busy_is_recorded_busy(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        for port in ("fxs0", "fxs1"):
            rig.fxs[port].state = "offhook"  # both desk phones in use
        caller = _ring_in(rig)
        await until(lambda: not rig.core.calls, "the call ends")
        rec = _last(rig)
        assert rec["result"] == "busy", rec
        assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == [
            ("801", "busy"), ("802", "busy")]
        assert rec["end_reason"] == "normal"
        assert caller.ended.done()
        rig.close()

    _run(scenario)


def test_busy_and_a_target_that_could_not_be_rung_is_missed_not_busy(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(members=("801", "802")))
        rig.fxs["fxs0"].state = "offhook"
        rig.fxs["fxs1"].state = "fault"  # out of service: not busy
        _ring_in(rig)
        await until(lambda: not rig.core.calls, "the call ends")
        rec = _last(rig)
        assert rec["result"] == "missed"
        assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]] == [
            ("801", "busy"), ("802", "failed")]
        rig.close()

    _run(scenario)


def test_a_cap_refusal_is_recorded_blocked(tmp_path: Path) -> None:
    async def scenario() -> None:
        caps = [{"line": "gsm0", "limits": [{"counter": "inbound_calls", "max": 1,
                                             "action": "reject"}]}]
        rig = Rig(tmp_path, office(caps=caps))
        earlier = rig.cdr.begin_call(CallStart("in", "gsm0", "+8613700000001", SIM,
                                               sh(2, 9)))
        rig.cdr.end_call(earlier, CallEnd(sh(2, 9, 5), "answered", talk_s=60.0))
        _ring_in(rig)
        await until(lambda: not rig.core.calls, "the call ends")
        rec = _last(rig)
        assert rec["result"] == "blocked" and rec["cause"] == "cap_reached"
        assert rec["legs"] == []
        rig.close()

    _run(scenario)


def test_the_caller_hanging_up_is_far_end_and_the_desk_hanging_up_is_normal(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office())
        _, desk = await _answered_call(rig)
        rig.gsm["gsm0"].end("normal", 16)  # the caller hangs up
        await until(lambda: not rig.core.calls, "the first call ends")
        first = _last(rig)
        await _hang_up_desk(rig, desk)

        _, desk = await _answered_call(rig)
        await _hang_up_desk(rig, desk)  # the desk phone hangs up
        await until(lambda: len(rig.calls()) == 2 and not rig.core.calls, "the second ends")
        second = _last(rig)
        for rec in (first, second):
            assert rec["result"] == "answered" and rec["answered_by"] == "801"
            assert rec["answered_at"] is not None
        assert first["end_reason"] == "far_end" and second["end_reason"] == "normal"
        rig.close()

    _run(scenario)


def test_a_lost_modem_and_a_network_drop_are_told_apart(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office())
        _, desk = await _answered_call(rig)
        rig.gsm["gsm0"].end("failed")  # the driver drops the call: "modem lost"
        await until(lambda: not rig.core.calls, "the first call ends")
        lost = _last(rig)
        await _hang_up_desk(rig, desk)

        await _answered_call(rig)
        rig.gsm["gsm0"].end("normal", 41)  # registration lost mid-call
        await until(lambda: len(rig.calls()) == 2 and not rig.core.calls, "the second ends")
        dropped = _last(rig)
        assert (lost["result"], lost["end_reason"]) == ("answered", "modem_lost")
        assert (dropped["result"], dropped["end_reason"]) == ("answered", "dropped")
        assert "41" in dropped["cause"]
        rig.close()

    _run(scenario)


def test_a_modem_lost_while_ringing_is_a_failed_call_not_an_abandoned_one(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office())
        _ring_in(rig)
        await until(lambda: _ringing_desk(rig, "fxs0"), "801 rings")
        rig.gsm["gsm0"].end("failed")
        await until(lambda: not rig.core.calls, "the call ends")
        rec = _last(rig)
        assert (rec["result"], rec["end_reason"], rec["cause"]) == (
            "failed", "modem_lost", "modem lost")
        assert rig.fxs["fxs0"].state == "idle"

        _ring_in(rig)
        await until(lambda: _ringing_desk(rig, "fxs0"), "801 rings again")
        rig.gsm["gsm0"].end("abandoned", 16)  # this caller gives up
        await until(lambda: len(rig.calls()) == 2 and not rig.core.calls, "it ends")
        rec = _last(rig)
        assert (rec["result"], rec["end_reason"]) == ("abandoned", "far_end")
        rig.close()

    _run(scenario)


def test_a_box_that_stops_mid_call_ends_the_record_with_box_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office())
        _, desk = await _answered_call(rig)
        rig.clock.advance(30)
        await rig.core.stop()
        await _hang_up_desk(rig, desk)
        rec = _last(rig)
        assert (rec["result"], rec["end_reason"], rec["answered_by"]) == (
            "answered", "box_restart", "801")
        assert rec["ended_at"] is not None and rec["talk_s"] == 30.0
        assert [leg["outcome"] for leg in rec["legs"]] == ["answered"]

        _ring_in(rig)  # and one still ringing when the box stops
        await until(lambda: _ringing_desk(rig, "fxs0"), "801 rings")
        await rig.core.stop()
        rec = _last(rig)
        assert (rec["result"], rec["end_reason"]) == ("interrupted", "box_restart")
        rig.close()

    _run(scenario)
