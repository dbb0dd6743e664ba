"""What the call core reports per call in progress (`CallController.status`, the
dashboard's calls, A4): direction, caller, the region the call's record looked up,
the line, who rings or talks, and how long the call has lasted."""

from __future__ import annotations

import asyncio
import json

import pytest

from firmware.calls.controller import CallController
from firmware.calls.legs import Leg
from firmware.calls.record import CallLog
from firmware.errors import SwitchboardError, UnknownAgent
from firmware.lines.model import Lines
from tests.routing.helpers import example, sh

CALLER = "13588888888"  # a Hangzhou mobile, in national format


class FakeClock:
    def __init__(self) -> None:
        self.mono = 100.0

    def monotonic(self) -> float:
        return self.mono

    def now(self):
        return sh(2, 10)


class FakeAudio:
    def detach(self, leg) -> None:
        pass

    def talk(self, a, b) -> None:
        pass

    def part(self, a, b) -> None:
        pass


class FakeLeg(Leg):
    async def release(self, cause: str = "normal") -> None:
        self._gone(cause)


class CountingCdr:
    """A records store that remembers what began; it looks nothing up itself."""

    def __init__(self) -> None:
        self.starts = []

    def begin_call(self, start):
        self.starts.append(start)
        return "c1"

    def __getattr__(self, name):
        return lambda *args: None


def _core() -> tuple[CallController, FakeClock, CountingCdr]:
    clock, cdr = FakeClock(), CountingCdr()
    config = example()
    core = CallController(None, None, Lines(), lambda: config, cdr, clock)
    core.audio = FakeAudio()
    return core, clock, cdr


def test_a_ringing_then_answered_call_reports_caller_region_who_and_duration():
    async def scenario() -> None:
        core, clock, cdr = _core()
        seen: dict[str, list] = {}

        async def call(caller: Leg) -> None:
            record = CallLog(core, "in", "gsm0", CALLER, "+8613900000000")
            phone, mobile = FakeLeg("fxs1", "802"), FakeLeg("gsm1", None)
            core.note_ringing(caller, phone, "802 王芳")
            core.note_ringing(caller, mobile, "张伟")
            clock.mono += 7.5
            seen["ringing"] = core.status()
            await core.release(mobile, "cancelled")  # the mobile stops ringing
            seen["one ringing"] = core.status()
            core._note(caller, phone)
            clock.mono += 60
            seen["talking"] = core.status()
            await record.finish("answered")

        caller = FakeLeg("gsm0", CALLER)
        core.spawn("inbound on gsm0", call(caller), caller)
        await asyncio.gather(*core._tasks)

        ringing = seen["ringing"][0]
        json.dumps(ringing)
        assert ringing["direction"] == "in" and ringing["line"] == "gsm0"
        assert ringing["caller"] == CALLER
        assert "浙江" in ringing["region"] and "杭州" in ringing["region"]
        assert ringing["state"] == "ringing"
        assert ringing["ringing"] == ["802 王芳", "张伟"]
        assert ringing["duration_s"] is None and ringing["waiting_s"] == 7.5  # not answered
        assert ringing["started_at"] == sh(2, 10).isoformat()
        assert seen["one ringing"][0]["ringing"] == ["802 王芳"]
        talking = seen["talking"][0]
        assert talking["state"] == "talking" and talking["talking_with"] == "802 王芳"
        assert talking["ringing"] == [] and talking["legs"] == ["gsm0", "fxs1"]
        assert talking["duration_s"] == 60  # from the answer
        assert talking["waiting_s"] == 67.5
        assert core.status() == []
        # the record got the region the status shows: looked up once, not by the store
        assert cdr.starts[0].region.region_text == ringing["region"]

    asyncio.run(asyncio.wait_for(scenario(), 5))


def test_internal_and_withheld_calls_have_no_region_to_look_up():
    async def scenario() -> None:
        core, _, cdr = _core()
        CallLog(core, "internal", "fxs0", "801", "802")
        CallLog(core, "in", "gsm0", None, "+8613900000000")
        assert cdr.starts[0].region.kind == "extension"
        assert cdr.starts[1].region.kind == "withheld"

    asyncio.run(scenario())


def test_availability_op_checks_the_agent_and_the_body():
    core, _, _ = _core()
    assert core.availability_op({"agent": "zhang", "available": False}) == {
        "agent": "zhang", "available": False}
    assert core.availability()["zhang"] is False
    with pytest.raises(UnknownAgent):
        core.availability_op({"agent": "999", "available": False})
    for bad in ({"agent": "801"}, {"agent": "801", "available": "no"}, {"available": True}):
        with pytest.raises(SwitchboardError):
            core.availability_op(bad)
    assert core.availability()["801"] is True
