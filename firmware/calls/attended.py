"""Attended transfer (FEATURES T2; docs/transfer.md "Attended transfer").

`*7 <target> #` keyed by the agent holding a caller (calls/incall.py reads the keys):

1. The caller hears hold music; the agent hears ringback while the target rings
   (calls/consult.py `ring_colleague`: a desk phone shows the caller's number, T5).
   `*0` stops the ring. Busy, refused, not answered within `transfer.ring_s`, or
   unreachable: the agent is back with the caller (music stops, they talk again).
2. The target answers: the agent and the target talk; the caller still hears music.
   - The agent hangs up: the transfer is complete, the caller and the target talk
     (the target holds the caller now: the record, the dashboard, the reports).
   - `*0` (cancel): the target's leg is released, the agent is back with the caller.
   - The target hangs up (refuses): the agent is back with the caller.
   - `*2` (swap): the agent talks to the caller, the target hears music; again: back.
   - `*3` (threeway): all three talk (calls/threeway.py `Conference`).
   - The caller hangs up: the call's record ends; the agent and the target go on
     talking until one of them hangs up.
3. The agent hanging up while the target still rings hands the caller on as a blind
   transfer does: the caller hears ringback; an answer completes it, else the caller
   comes back to the agent (calls/transfer.py `back_to_agent`, then the fallback).

Every consultation is a transfer leg of the record (kind "attended"): completed,
cancelled, refused, busy, no_answer, unreachable or joined (turned three-way).
"""

from __future__ import annotations

import asyncio
import logging

from firmware.calls import consult
from firmware.calls.consult import answered_colleague, caller_left
from firmware.calls.incall import InCall, Party, register
from firmware.calls.keycodes import Act
from firmware.calls.threeway import Conference

log = logging.getLogger("switchboard.calls")

ATTENDED = "attended"


async def attended_transfer(call: InCall, keyed: str) -> None:
    """The handler of `attended_transfer` (module docstring)."""
    t0 = asyncio.get_running_loop().time()
    target, why = call.resolve(keyed)
    if target is None:
        log.info("%s: attended transfer to %s: %s", call.agent.leg.name, keyed, why)
        call.note_transfer(ATTENDED, keyed, "unreachable", t0, why)
        return
    log.info("%s: attended transfer of %s to %s", call.agent.leg.name, call.held.name, keyed)
    other = await answered_colleague(call, target, ATTENDED, t0)
    if other is not None:
        await Consultation(call, other, t0).run()


class Consultation:
    """The agent talks to `other` (answered) while the caller is on hold (module
    docstring, step 2)."""

    def __init__(self, call: InCall, other: Party, t0: float):
        self.call, self.other, self.t0 = call, other, t0
        self.by = call.agent
        self.with_caller = False  # the agent talks to the caller now (after a swap)
        self.music = consult.Music(call, other.leg)
        self.keys = consult.consult_keys(call)

    async def run(self) -> None:
        call, audio = self.call, self.call.core.audio
        audio.tone(self.by.leg, None)
        audio.talk(self.by.leg, self.other.leg)
        self._show()
        legs = [call.held, self.by.leg, self.other.leg]
        while True:
            key, gone = await consult.next_event(call, legs, self.keys.timeout_s)
            if gone is not None:
                await self._gone(gone)
                return
            step = consult.key_step(self.keys, key)
            if step.act is Act.DONE and await self._code(step.name):
                return

    async def _code(self, name: str) -> bool:
        """A code keyed while consulting; True when the consultation is over."""
        if name == "swap":
            await self._swap()
            return False
        if name == "cancel":
            await self._cancel()
            return True
        if name == "threeway":
            await self._join()
            return True
        return False

    async def _gone(self, leg: object) -> None:
        call = self.call
        if leg is call.held:
            await caller_left(call, self.by, self.other, ATTENDED, self.t0)
        elif leg is self.by.leg:
            await self._complete()
        else:
            await self._back("refused", "the target hung up")
            log.info("%s: %s hung up: back to the caller", self.by.leg.name, self.other.label)

    async def _swap(self) -> None:
        call, audio = self.call, self.call.core.audio
        if self.with_caller:
            call.hold()
            await self.music.stop()
            audio.talk(self.by.leg, self.other.leg)
        else:
            audio.part(self.by.leg, self.other.leg)
            self.music.start()
            await call.reconnect()
        self.with_caller = not self.with_caller
        log.info("%s: swap: talking to the %s", self.by.leg.name,
                 "caller" if self.with_caller else "target")
        self._show()

    async def _cancel(self) -> None:
        await self._back("cancelled", "cancelled by the agent")
        log.info("%s: cancels the attended transfer", self.by.leg.name)

    async def _back(self, outcome: str, cause: str) -> None:
        """The target goes; the agent is with the caller again."""
        call, core = self.call, self.call.core
        await self.music.stop()
        core.audio.part(self.by.leg, self.other.leg)
        call.note_transfer(ATTENDED, self.other.id, outcome, self.t0, cause, by=self.by)
        await core.release(self.other.leg, "normal")
        await call.reconnect()

    async def _complete(self) -> None:
        """The agent hung up: the caller and the target talk."""
        call, core = self.call, self.call.core
        await self.music.stop()
        core.audio.part(self.by.leg, self.other.leg)
        call.note_transfer(ATTENDED, self.other.id, "completed", self.t0, by=self.by)
        await call.release_agent()
        call.mark_transferred(self.by)
        await call.take_over(self.other)
        log.info("%s: attended transfer of %s to %s completed", self.by.leg.name,
                 call.held.name, self.other.label)

    async def _join(self) -> None:
        await self.music.stop()
        self.call.note_transfer(ATTENDED, self.other.id, "joined", self.t0,
                                "turned into a three-way call", by=self.by)
        await Conference(self.call, self.other).run()

    def _show(self) -> None:
        now = self.call.held.name if self.with_caller else self.other.label
        consult.show(self.call, f"{consult.CONSULTING} {self.other.label}, talking to {now}",
                     [self.call.held, self.by.leg, self.other.leg])


register("attended_transfer", attended_transfer)
