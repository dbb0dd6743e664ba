"""Legs: one party of a call on one line, whatever the line is.

A leg is what the call core rings, answers, bridges and releases. `OutsideLeg`
wraps a call on an outside line of any kind (firmware/lines/model.py: the company
number ringing in, or a call the box places to a mobile or landline); `DeskLeg`
wraps a desk phone. Both give the same surface:

  outcome   a future: "answered", or why not (busy, no_answer, rejected,
            unreachable, failed, cancelled, abandoned, preempted)
  ended     a future: the cause once the party is gone (normal, abandoned, ...)
  audio     the leg's PCM port (board.base.AudioPort) once it is connected
  release() end the leg from the box's side (the line hangs up; a desk phone off
            hook hears busy tone until it hangs up)

Legs run on the event loop. The controller feeds desk phones' hook events to the
leg that owns the port (`on_offhook`, `on_onhook`); outside legs follow their
LineCall themselves. A leg's `kind` is its line's ("gsm", "fxo", "fxs"), for the
records; the call core never branches on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from firmware.lines.model import DeskPhone, LineCall, OutsideLine

log = logging.getLogger("switchboard.calls")

NOT_ANSWERED = ("busy", "no_answer", "rejected", "unreachable", "failed", "cancelled",
                "abandoned", "preempted")


def _settle(future: asyncio.Future, value: str) -> None:
    if not future.done():
        future.set_result(value)


class Leg:
    kind = "leg"

    def __init__(self, name: str, number: str | None):
        loop = asyncio.get_running_loop()
        self.name = name  # the line or port: "gsm0", "fxs1"
        self.number = number  # the party's number or extension, when known
        self.outcome: asyncio.Future[str] = loop.create_future()
        self.ended: asyncio.Future[str] = loop.create_future()
        self.t_start = loop.time()
        self.t_answer: float | None = None
        self.slot: Any = None  # the media slot while bridged

    @property
    def answered(self) -> bool:
        return self.t_answer is not None

    @property
    def audio(self) -> Any:
        return None

    def _answered(self) -> None:
        if not self.outcome.done():
            self.t_answer = asyncio.get_running_loop().time()
            self.outcome.set_result("answered")

    def _gone(self, cause: str) -> None:
        _settle(self.outcome, cause)
        _settle(self.ended, cause)

    async def release(self, cause: str = "normal") -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.number or '-'}>"


class OutsideLeg(Leg):
    """A call on an outside line: inbound (ringing) or placed by the box."""

    def __init__(self, line: OutsideLine, call: LineCall):
        super().__init__(line.name, call.number)
        self.line, self.call = line, call
        self.kind = line.kind
        self.withheld = call.withheld
        self._follow = asyncio.ensure_future(self._track())

    @classmethod
    async def dial(cls, line: OutsideLine, number: str) -> OutsideLeg:
        """Place a call; the leg's `outcome` says how it went."""
        call = await line.dial(number)
        return cls(line, call)

    async def _track(self) -> None:
        if self.call.direction == "out":
            result = await self.call.wait_answer()
            if result == "answered":
                self._answered()
        cause = await self.call.wait_end()
        self._gone(cause)

    async def answer(self) -> bool:
        """Answer the ringing inbound call; False when the caller left first. A call
        answered already (a plan's menu answered it) stays so: True while it lasts."""
        if self.answered:
            return not self.ended.done()
        try:
            await self.line.answer()
        except Exception as exc:  # the line is the judge; log why
            log.info("%s: answer failed: %s", self.name, exc)
            self._gone(self.call.cause or "abandoned")
            return False
        self._answered()
        return True

    @property
    def audio(self) -> Any:
        return self.call.audio

    async def release(self, cause: str = "normal") -> None:
        if self.line.call is self.call:
            try:
                await self.line.hangup()
            except Exception as exc:  # a line gone mid-hangup still ends the leg
                log.warning("%s: hang-up failed: %s", self.name, exc)
        self._gone(self.call.cause or cause)
        self._follow.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._follow


class DeskLeg(Leg):
    """A desk phone: rung by the box, or lifted by its user."""

    def __init__(self, phone: DeskPhone, extension: str | None, offhook: bool = False, *,
                 yields: bool = False):
        super().__init__(phone.name, extension)
        self.phone = phone
        self.kind = phone.kind
        self.offhook = offhook
        self.yields = yields  # rung for a non-VIP inbound call: a VIP's call may take it
        self.preempted = False
        self.pickup: Any = None  # calls/pickup.py: answered on another phone (who, when)
        self.on_release_tone: Any = None  # set by the controller: play busy tone to this leg
        if offhook:
            self._answered()

    def ring(self, caller: str | None, name: str | None = None, withheld: bool = False) -> None:
        """Ring with caller ID; a phone that cannot ring now ends the leg as busy."""
        try:
            self.phone.ring(caller, name, withheld=withheld)
        except Exception as exc:  # LineInUse, LineOutOfService: lifted or down just now
            log.info("%s: cannot ring: %s", self.name, exc)
            self._gone("busy")

    def preempt(self) -> None:
        """A VIP's call takes the phone (R7): the ring stops, the outcome is "preempted".
        The port is no longer this leg's: a later `release` leaves the phone alone."""
        self.phone.stop_ring()
        self.preempted = True
        self._gone("preempted")

    def on_offhook(self) -> None:
        self.offhook = True
        self.phone.stop_ring()
        self._answered()

    def on_onhook(self) -> None:
        self.offhook = False
        self._gone("normal" if self.answered else "abandoned")

    @property
    def audio(self) -> Any:
        return self.phone.audio if self.offhook else None

    async def release(self, cause: str = "normal") -> None:
        """Stop ringing; a handset still off hook gets busy tone until it goes down."""
        if self.preempted:
            return  # the phone rings for the VIP's call now
        self.phone.stop_ring()
        if not self.offhook:
            self._gone(cause)
            return
        _settle(self.outcome, cause)
        if self.on_release_tone is not None:
            self.on_release_tone(self)
        await asyncio.shield(self.ended)

    def take_phone(self, phone: DeskPhone, extension: str | None, slot: Any) -> None:
        """Call pickup (calls/pickup.py): this ringing leg is answered on `phone`, lifted
        elsewhere, with that phone's bridge slot; the ringing phone stops. From now on
        the leg is that phone's (its port, its extension)."""
        self.phone.stop_ring()
        self.phone, self.name, self.number, self.kind = phone, phone.name, extension, phone.kind
        self.slot, self.offhook = slot, True
        self._answered()
