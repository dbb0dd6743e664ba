"""Network call forwarding for a box with a single outside line (FEATURES.md D5).

One line cannot hold a caller and a call to the duty mobile at once, so after hours
such a box asks the network to forward every call to the duty person through the
line's "forwarding" feature (firmware/lines/model.py: a GSM line by `AT+CCFC`, an
analog line by the telco's service codes `*57*N#`) and switches it off when the
office opens. `ForwardingKeeper` applies what `routing.network_forwarding`
says for its line now (the routes' time decision, the office hours with the holiday
calendar, the roster with holiday duty), then waits until the answer next changes
(an opening or closing minute, a roster hand-over, midnight into a holiday or an
adjusted working day), the config changes, or the line comes back into service (a
new SIM or a reset modem is checked again). It reads the wall clock every `TICK_S`,
so a change is applied within that even when the clock was stepped (NTP on a Pi with
no RTC), and looks again at least every `RECHECK_S`.
A box with two or more lines bridges forwards itself and keeps network
forwarding off. `state()` is what `switchboard status` shows; `forwarding()` the
line's `{"to", "since", "reason"}` while the network forwards it. Each forwarding
period is a call record, result "forwarded" (calls/forward_record.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from firmware.calls.forward_record import ForwardingRecord
from firmware.config.schema import Config
from firmware.events import EventBus
from firmware.lines.model import LineStateChanged, OutsideLine
from firmware.routing import network_forwarding

log = logging.getLogger("switchboard.forwarding")

RETRY_S = 30.0  # after a failed switch
RECHECK_S = 3600.0  # at least this often, whatever the schedule says
TICK_S = 20.0  # how often the wall clock is read while waiting
STEP_S = 5.0  # the wall clock moved this much more (or less) than the monotonic one


class ForwardingKeeper:
    def __init__(self, line: OutsideLine, bus: EventBus, config: Any, clock: Any,
                 single_line: bool, cdr: Any = None, tick_s: float = TICK_S):
        self.line, self.bus, self.config, self.clock = line, bus, config, clock
        self.single_line, self.tick_s = single_line, tick_s
        own = config().lines.number_of(line.name)
        self.record = ForwardingRecord(cdr, line.name, own)  # the periods in the records
        self._due_mono = 0.0  # look again at this monotonic time at the latest
        self._looked: tuple[datetime, float] | None = None  # (wall, monotonic) at the look
        self.wanted: str | None = None  # the number the network should forward to
        self.applied: str | bool | None = False  # False: not known yet
        self.reason = "not checked yet"
        self.next_change: datetime | None = None
        self._wake = asyncio.Event()
        if getattr(line, "FORWARDING_REMEMBERED", False) and cdr is not None:
            # a line that cannot be asked (analog): what the records say the box set last
            self.applied = self.record.open.to if self.record.open is not None else None
            line.remember_forwarding(self.applied)
        self._in_service = self._line_in_service()
        self._task: asyncio.Task | None = None
        self._unsubscribe = bus.subscribe(self._on_state, LineStateChanged)

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def config_changed(self) -> None:
        self._wake.set()

    def state(self) -> dict:
        period = self.record.open
        return {"line": self.line.name, "enabled": bool(self.applied),
                "number": self.applied or None, "wanted": self.wanted, "reason": self.reason,
                "in_step": self.applied is not False and self.applied == self.wanted,
                "next_change": self.next_change.isoformat() if self.next_change else None,
                "since": period.since.isoformat() if period else None}

    def forwarding(self) -> dict | None:
        """The line's `forwarding` in status: {"to", "since", "reason"} while the network
        forwards its calls (as far as the box knows), else None."""
        period = self.record.open
        return period.as_status() if period is not None else None

    def _line_in_service(self) -> bool:
        return self.line.status_dict().get("state") != "fault"

    def _on_state(self, event: LineStateChanged) -> None:
        if event.line != self.line.name:
            return
        back = event.state != "fault" and not self._in_service
        self._in_service = event.state != "fault"
        if back:  # (a call's start and end changes the state too: those are not)
            self.applied = False  # check again: the modem, the SIM or the wire may be new
            self._wake.set()

    async def _run(self) -> None:
        while True:
            delay = await self._step()
            self._due_mono = self.clock.monotonic() + delay
            self._looked = (self.clock.now(), self.clock.monotonic())
            self._wake.clear()
            while not self._wake.is_set() and not self._due():
                # wake at the due time itself (a change at 09:00 acts at 09:00, not up to
                # a tick later), and at least every tick to notice a stepped wall clock
                left = self._due_mono - self.clock.monotonic()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(self.tick_s, max(0.05, left))):
                        await self._wake.wait()

    def _due(self) -> bool:
        """Time to look again: the change is here by the wall clock, the wait is over,
        or the wall clock was stepped."""
        now, mono = self.clock.now(), self.clock.monotonic()
        if mono >= self._due_mono or (self.next_change and now >= self.next_change):
            return True
        wall, then = self._looked or (now, mono)
        return abs((now - wall).total_seconds() - (mono - then)) > STEP_S

    async def _step(self) -> float:
        """Bring the network in line with the plan; seconds until the next look."""
        config: Config = self.config()
        now = self.clock.now()
        if self.single_line:
            want = network_forwarding(config, now, self.line.name)
            self.wanted, self.reason, self.next_change = want.number if want.enabled else None, \
                want.reason, want.next_change
        else:
            self.wanted, self.next_change = None, None
            self.reason = "two or more lines: the box forwards calls itself"
        if not self._line_in_service():
            return RECHECK_S  # a state event wakes us when it is back
        if self.applied != self.wanted and not await self._apply():
            return RETRY_S
        return self._until(now)

    async def _apply(self) -> bool:
        try:
            await self.line.set_forwarding(self.wanted)
        except Exception as exc:
            log.warning("%s: cannot switch network forwarding %s: %s", self.line.name,
                        f"to {self.wanted}" if self.wanted else "off", exc)
            return False
        self.applied = self.wanted
        self.record.switched(self.wanted, self.reason, self.clock.now())
        if self.wanted:
            log.info("%s: network forwarding on, to %s (%s)", self.line.name, self.wanted,
                     self.reason)
        else:
            log.info("%s: network forwarding off (%s)", self.line.name, self.reason)
        return True

    def _until(self, now: datetime) -> float:
        if self.next_change is None:
            return RECHECK_S
        return min(RECHECK_S, max(0.5, (self.next_change - now).total_seconds() + 0.5))
