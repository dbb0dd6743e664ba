"""R7 in the call core: a VIP's call takes a desk phone that is only ringing for a
non-VIP inbound call; nothing else is ever taken (calls/controller.py `desk_leg_for`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from firmware.calls.controller import CallController
from firmware.calls.legs import DeskLeg
from firmware.config.schema import Config
from firmware.lines.model import Lines


class FakeFxs:
    """The surface of lines.fxs.FxsLine the legs and the controller use."""

    kind = "fxs"
    audio = None

    def __init__(self, name: str):
        self.name, self.state, self.caller = name, "idle", None
        self.rings: list[str | None] = []

    def ring(self, number: str | None, name: str | None = None, *, withheld: bool = False
             ) -> None:
        assert self.state == "idle", f"{self.name} rung while {self.state}"
        self.state, self.caller = "ringing", number
        self.rings.append(number)

    def stop_ring(self) -> None:
        if self.state == "ringing":
            self.state, self.caller = "idle", None


class FakeAudio:
    def detach(self, leg) -> None:
        pass

    def tone(self, leg, name) -> None:
        pass


def _core() -> tuple[CallController, FakeFxs]:
    phone = FakeFxs("fxs0")
    lines = Lines()
    lines.add_desk(phone)
    core = CallController(None, None, lines, lambda: Config(), None, None)
    core.audio = FakeAudio()
    return core, phone


def _run(scenario: Callable[[], object]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 5))


def _ring(core: CallController, caller: str, *, vip: bool) -> DeskLeg | None:
    leg = core.desk_leg_for("fxs0", "801", vip=vip, yields=not vip)
    if leg is not None:
        leg.ring(caller)
    return leg


def test_a_vip_takes_a_phone_ringing_for_another_caller_and_it_rings_for_the_vip():
    async def scenario() -> None:
        core, phone = _core()
        first = _ring(core, "+8613700000001", vip=False)
        assert first is not None and phone.caller == "+8613700000001"
        vip = _ring(core, "+8613900000009", vip=True)
        assert vip is not None and vip is not first
        assert first.outcome.done() and first.outcome.result() == "preempted"
        assert first.ended.done() and first.preempted
        assert core.owners["fxs0"] is vip
        assert phone.state == "ringing" and phone.caller == "+8613900000009"
        await core.release(first, "cancelled")  # the other call stops its ring late:
        assert phone.state == "ringing" and core.owners["fxs0"] is vip  # the VIP keeps it
        assert phone.rings == ["+8613700000001", "+8613900000009"]

    _run(scenario)


def test_a_vip_never_takes_a_vip_ring_an_answered_phone_or_a_desk_call_ring():
    async def scenario() -> None:
        core, phone = _core()
        vip = _ring(core, "+8613900000009", vip=True)
        assert _ring(core, "+8613900000008", vip=True) is None  # VIP vs VIP: busy
        assert not vip.outcome.done() and core.owners["fxs0"] is vip
        await core.release(vip, "cancelled")

        other = _ring(core, "+8613700000001", vip=False)
        phone.state = "offhook"
        other.on_offhook()  # picked up: a conversation now
        assert _ring(core, "+8613900000009", vip=True) is None
        assert other.outcome.result() == "answered" and core.owners["fxs0"] is other
        other.on_onhook()
        phone.state = "idle"
        await core.release(other, "normal")

        internal = core.desk_leg_for("fxs0", "801")  # a colleague's desk call: no next target
        internal.ring("802")
        assert _ring(core, "+8613900000009", vip=True) is None
        assert not internal.outcome.done()

    _run(scenario)


def test_a_non_vip_never_takes_a_ringing_phone():
    async def scenario() -> None:
        core, phone = _core()
        first = _ring(core, "+8613700000001", vip=False)
        assert _ring(core, "+8613700000002", vip=False) is None
        assert not first.outcome.done() and phone.caller == "+8613700000001"
        assert core.desk_refusal("fxs0") == "busy"

    _run(scenario)
