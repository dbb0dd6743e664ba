"""Three-way calls (FEATURES T4; docs/transfer.md "Three-way calls").

`*3 <target> #` keyed by the agent holding a caller (calls/incall.py reads the keys),
or `*3` alone while an attended transfer consults (calls/attended.py):

1. The caller hears hold music; the agent hears ringback while the target rings (a
   colleague's desk phone with the caller's number, a bound mobile or an outside
   number through a free outside line the caps allow). `*0` stops the ring; busy,
   refused, not answered or unreachable: the agent is back with the caller.
   The agent hanging up while it rings hands the caller on (calls/attended.py
   `hand_on`).
2. The target answers: all three talk. Every pair of legs is connected both ways in
   the conference bridge, which mixes what two legs send to the third.
3. Any one may leave; the other two stay connected:
   - the agent hangs up: the caller and the target talk on (the target holds the
     caller now, may key codes, and counts as who finished the call);
   - the target hangs up, or the agent keys `*0` (the target is let go): the agent
     and the caller talk on;
   - the caller hangs up: the call's record ends; the agent and the target talk on.

Records: a transfer leg of kind "threeway" when the target joins (outcome `joined`,
or how the ring ended), and one when a party leaves (`left`, target: who left).
"""

from __future__ import annotations

import asyncio
import logging

from firmware.calls import consult
from firmware.calls.consult import answered_colleague, caller_left
from firmware.calls.incall import InCall, Party, register
from firmware.calls.keycodes import Act
from firmware.calls.legs import Leg

log = logging.getLogger("switchboard.calls")

THREEWAY = "threeway"


async def threeway(call: InCall, keyed: str) -> None:
    """The handler of `threeway` from a plain call (module docstring)."""
    t0 = asyncio.get_running_loop().time()
    target, why = call.resolve(keyed)
    if target is None:
        log.info("%s: three-way call with %s: %s", call.agent.leg.name, keyed, why)
        call.note_transfer(THREEWAY, keyed, "unreachable", t0, why)
        return
    log.info("%s: three-way call of %s with %s", call.agent.leg.name, call.held.name, keyed)
    other = await answered_colleague(call, target, THREEWAY, t0)
    if other is None:
        return
    call.note_transfer(THREEWAY, other.id, "joined", t0)
    await Conference(call, other).run()


class Conference:
    """The caller, the agent and `other` talk together (module docstring, 2 and 3)."""

    def __init__(self, call: InCall, other: Party):
        self.call, self.other = call, other
        self.by = call.agent
        self.t0 = asyncio.get_running_loop().time()
        self.keys = consult.consult_keys(call, ("cancel",))

    @property
    def legs(self) -> list[Leg]:
        return [self.call.held, self.by.leg, self.other.leg]

    async def run(self) -> None:
        call = self.call
        await call.reconnect()  # the caller's music stops, caller <-> agent
        consult.mix(call.core.audio, self.legs)
        if call.recorder is not None:  # a recorded call: all three are heard in the file
            call.recorder.follow(*self.legs)
        log.info("%s: three-way call: %s, %s, %s", call.held.name, call.held.number,
                 self.by.label, self.other.label)
        consult.show(call, "", self.legs, f"{self.by.label} + {self.other.label}")
        while True:
            key, gone = await consult.next_event(call, self.legs, self.keys.timeout_s)
            if gone is not None:
                await self._left(gone)
                return
            step = consult.key_step(self.keys, key)
            if step.act is Act.DONE and step.name == "cancel":
                log.info("%s: lets %s go", self.by.leg.name, self.other.label)
                await self._target_left("let go by the agent")
                return

    async def _left(self, leg: Leg) -> None:
        call = self.call
        if leg is call.held:
            consult.unmix(call.core.audio, leg, self.legs)
            await caller_left(call, self.by, self.other, THREEWAY, self.t0, "left")
        elif leg is self.by.leg:
            await self._agent_left()
        else:
            await self._target_left("hung up")

    async def _agent_left(self) -> None:
        """The agent hung up: the caller and the target talk on; the target holds it."""
        call, by = self.call, self.by
        consult.unmix(call.core.audio, by.leg, self.legs)
        call.note_transfer(THREEWAY, by.id or by.leg.name, "left", self.t0, "hung up", by=by)
        await call.release_agent()
        call.mark_transferred(by)
        await call.take_over(self.other)
        log.info("%s: %s left the three-way call", call.held.name, by.label)

    async def _target_left(self, why: str) -> None:
        """The target hung up (or was let go): the agent and the caller talk on."""
        call, other = self.call, self.other
        consult.unmix(call.core.audio, other.leg, self.legs)
        call.note_transfer(THREEWAY, other.id, "left", self.t0, why, by=self.by)
        await call.core.release(other.leg, "normal")
        await call.reconnect()
        log.info("%s: %s left the three-way call", call.held.name, other.label)


register(THREEWAY, threeway)
