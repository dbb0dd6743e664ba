"""G7 for desk phones: a line whose outbound-minutes cap is reached this month is not
dialled out on by a desk phone either; the next free line under its cap is used, and
when there is none the call is refused (congestion tone, record "blocked")."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from firmware.calls.desk import _outside
from firmware.calls.legs import DeskLeg
from firmware.cdr.records import CallEnd, CallStart, LegRecord
from tests.calls.rig import MOBILES, SIM, Rig, office, until
from tests.routing.helpers import sh

NUMBER = "+8613700000009"


def _caps(line: str = "gsm0") -> list[dict]:
    return [{"line": line, "limits": [{"counter": "outbound_minutes", "max": 1,
                                       "action": "no_mobiles"}]}]


def _used_two_minutes_out(rig: Rig, line: str = "gsm0") -> None:
    """Earlier this month: a call forwarded to a mobile on `line` talked 2 minutes."""
    at = sh(1, 9)
    call_id = rig.cdr.begin_call(CallStart("in", "gsm1" if line == "gsm0" else "gsm0",
                                           "+8613700000001", SIM, at))
    rig.cdr.add_leg(call_id, LegRecord(MOBILES["zhang"], "mobile", at, at + timedelta(
        seconds=130), "answered", answered_at=at + timedelta(seconds=10), line=line))
    rig.cdr.end_call(call_id, CallEnd(at + timedelta(seconds=130), "answered", talk_s=120.0))


def _desk_dials(rig: Rig, number: str = NUMBER) -> DeskLeg:
    desk = DeskLeg(rig.fxs["fxs0"], "801", offhook=True)
    rig.fxs["fxs0"].state = "offhook"
    rig.core.owners["fxs0"] = desk
    rig.core.spawn("desk call from fxs0", _outside(rig.core, desk, number), desk)
    return desk


def test_the_next_line_under_its_cap_is_used(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(lines=2, caps=_caps("gsm0")), lines=2)
        _used_two_minutes_out(rig, "gsm0")
        desk = _desk_dials(rig)
        await until(lambda: rig.gsm["gsm1"].dialled, "dialled on gsm1")
        assert rig.gsm["gsm0"].dialled == []
        desk.on_onhook()
        await until(lambda: not rig.core.calls, "the call ends")
        rec = rig.calls()[-1]
        assert (rec["direction"], rec["line"], rec["result"]) == ("out", "fxs0", "answered")
        assert rec["legs"][0]["line"] == "gsm1" and rec["end_reason"] == "normal"
        rig.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_every_free_line_over_its_cap_refuses_the_call_as_blocked(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(lines=1, caps=_caps("gsm0")), lines=1)
        _used_two_minutes_out(rig, "gsm0")
        desk = _desk_dials(rig)
        await until(lambda: len(rig.calls()) == 2 and rig.calls()[-1]["result"] != "in_progress",
                    "the call is refused")
        rec = rig.calls()[-1]
        assert rec["result"] == "blocked" and "outbound minutes cap reached" in rec["cause"]
        assert rig.gsm["gsm0"].dialled == [] and ("fxs0", "congestion") in rig.audio.tones
        desk.on_onhook()
        await until(lambda: not rig.core.calls, "the desk phone hangs up")
        rig.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_a_capped_line_that_is_busy_anyway_is_no_free_line_not_a_refusal(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(lines=1, caps=_caps("gsm0")), lines=1)
        _used_two_minutes_out(rig, "gsm0")
        rig.gsm["gsm0"].ring("+8613700000002")  # a call rings in on it
        desk = _desk_dials(rig)
        await until(lambda: len(rig.calls()) == 2 and rig.calls()[-1]["result"] != "in_progress",
                    "the call ends")
        rec = rig.calls()[-1]
        assert (rec["result"], rec["cause"]) == ("failed", "no free line")
        desk.on_onhook()
        await until(lambda: not rig.core.calls, "the desk phone hangs up")
        rig.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_under_the_cap_the_first_line_is_used(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, office(lines=2, caps=_caps("gsm0")), lines=2)
        rig.gsm["gsm0"].dial_result = "busy"
        desk = _desk_dials(rig)
        await until(lambda: rig.calls() and rig.calls()[-1]["result"] != "in_progress",
                    "the call ends")
        assert rig.gsm["gsm0"].dialled == [NUMBER] and rig.calls()[-1]["result"] == "busy"
        desk.on_onhook()
        await until(lambda: not rig.core.calls, "the desk phone hangs up")
        rig.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
