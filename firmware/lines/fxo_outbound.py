"""Seizing the analog line to dial: a call out, or a telco service code.

The part of `FxoLine` (fxo.py) that dials. `_seize(digits, service)` waits until
the line has been on hook `profile.release_s` (the exchange takes a shorter
on-hook for a hook flash, so a dial right after a hang-up waits), seizes it and
runs a `Dialler` (fxo_dial.py) from the pump until its outcome: answered,
confirmed (a service code) or ended with a cause. A call that rings in first, a
hang-up meanwhile or a line cut ends the seizure early.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from firmware.errors import LineInUse, LineOutOfService
from firmware.lines.fxo_call import FxoCall
from firmware.lines.fxo_dial import Dialler, DialStep

log = logging.getLogger("firmware.lines.fxo")


class FxoOutbound:
    """Dialling for FxoLine (fxo.py)."""

    name: str
    profile: Any
    _clock: Any
    _call: FxoCall | None
    _state: str
    _reason: str
    _rings_seen: bool
    _offhook: bool
    _service: bool
    _onhook_t: float
    _dialler: Dialler | None
    _dial_done: Callable[[list[DialStep]], None] | None

    # --- dialling out --------------------------------------------------------------------

    def _check_free(self) -> None:
        if self._state == "fault":
            raise LineOutOfService(f"{self.name} is out of service: {self._reason}")
        if self._call is not None:
            raise LineInUse(self.name, f"a call ({self._call.direction})")
        if self._rings_seen:
            raise LineInUse(self.name, "a call ringing in")
        if self._dialler is not None or self._offhook or self._service:
            raise LineInUse(self.name, "the line seized")

    async def _seize(self, digits: str, service: bool, call: FxoCall | None = None
                     ) -> list[DialStep]:
        """Wait out the release time, seize, dial; the steps up to the outcome."""
        await self._until(self._onhook_t + self.profile.release_s)
        if call is not None and call.ended:
            return [DialStep("ended", self._clock.monotonic(), call.cause, "hung up")]
        if self._state == "fault":
            return [DialStep("ended", self._clock.monotonic(), "failed", "line cut")]
        if self._rings_seen:  # a call rang in meanwhile: seizing now would answer it
            return [DialStep("ended", self._clock.monotonic(), "failed", "a call rang in")]
        if not self._set_hook(True):
            return [DialStep("ended", self._clock.monotonic(), "failed", "seize refused")]
        future: asyncio.Future[list[DialStep]] = asyncio.get_running_loop().create_future()
        seen: list[DialStep] = []

        def steps(new: list[DialStep]) -> None:
            seen.extend(new)
            if any(s.kind in ("answered", "ended", "confirmed") for s in new) \
                    and not future.done():
                future.set_result(seen)
        self._dial_done = steps
        self._dialler = Dialler(self.profile, digits, self._clock.monotonic(), service=service)
        try:
            return await future
        finally:
            self._dialler, self._dial_done = None, None

    def _abort_dial(self, cause: str, how: str) -> None:
        """The seizure is over before its outcome (hung up, line cut, stopping)."""
        done = self._dial_done
        self._dialler = None
        if done is not None:
            done([DialStep("ended", self._clock.monotonic(), cause, how)])

    def _dial_steps(self, steps: list[DialStep]) -> None:
        if not steps:
            return
        for step in steps:
            log.debug("%s: %s at %.2f %s %s", self.name, step.kind, step.t, step.cause or "",
                      step.how)
            if step.kind == "alerting" and self._call is not None:
                self._call.state = "alerting"
        if self._dial_done is not None:
            self._dial_done(steps)

    async def _run_dial(self, call: FxoCall, digits: str) -> None:
        try:
            steps = await self._seize(digits, service=False, call=call)
        except asyncio.CancelledError:
            return
        last = steps[-1] if steps else DialStep("ended", self._clock.monotonic(), "failed")
        if call.ended:
            return  # hung up meanwhile
        if last.kind == "answered":
            self._connect(call, last.t, last.how)
        else:
            self._set_hook(False)
            self._end(call, last.cause or "failed", last.how)
