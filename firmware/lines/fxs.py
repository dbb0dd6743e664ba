"""The FXS line driver: one analog desk phone on one of the box's FXS ports.

Wiring: `FxsLine(port, bus, clock)` takes a board `AnalogPort` of kind "fxs"
(board/base.py), the box's EventBus and its Clock; `start()` (on the event
loop) claims the port and registers the port's callbacks. Those arrive on a
board thread and are moved onto the loop with `call_soon_threadsafe`, so every
state change, ringer command and event below happens on the loop.

What it drives:
- the ringer: `ring(number, name)` runs the cadence (China: 1 s on, 4 s off,
  HARDWARE.md 1.5) from a task on a monotonic schedule until `stop_ring()`,
  the handset going off hook (ring trip: the ringer goes off at once) or the
  port failing;
- caller ID: the Bell-202 FSK message (firmware/lines/callerid.py) is written to
  `port.audio` between the first and the second ring, starting `cid_delay`
  (0.6 s; at least 0.5 s) after ring 1 ends, one 20 ms frame per tick of a
  monotonic schedule. Writing stops the moment the handset is lifted. If a short
  cadence leaves no room, ring 2 waits for the caller ID to end.

What it reports (frozen dataclasses on the bus): FxsOffHook (with
`while_ringing`: the phone answered), FxsOnHook, FxsFlash, FxsStateChanged
(idle, ringing, offhook, fault: the port's link or channel is down).

It never reads `port.audio`: during a call the media bridge (firmware/media)
owns the audio both ways, and in-band DTMF from the phone is detected there
(firmware/lines/dsp.py). Dial tone and other tones are the caller's business.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from board.base import FRAME_BYTES, AnalogPort, BoardError, LineEvent, LineStatus
from firmware.clock import Clock
from firmware.errors import LineInUse, LineOutOfService
from firmware.events import EventBus
from firmware.lines.callerid import caller_id_audio
from firmware.lines.model import DeskFlash, DeskOffHook, DeskOnHook, DeskStateChanged

log = logging.getLogger(__name__)

IDLE, RINGING, OFFHOOK, FAULT = "idle", "ringing", "offhook", "fault"
CHINA_CADENCE = (1.0, 4.0)
CID_DELAY_S = 0.6  # after ring 1 ends (at least 0.5 s: HARDWARE.md 1.5)
CID_GUARD_S = 0.2  # quiet between an overlong caller ID and ring 2
FRAME_S = 0.02


# A desk phone's events are the line model's (firmware/lines/model.py), whatever the
# kind of phone; these are their names in this driver.
FxsOffHook = DeskOffHook  # `while_ringing`: the handset answered a ring
FxsOnHook = DeskOnHook
FxsFlash = DeskFlash  # a 300-1100 ms tap while off hook: transfer, call waiting
FxsStateChanged = DeskStateChanged


@dataclass(frozen=True)
class FxsStatus:
    port: str
    state: str
    hook: str  # "on" | "off"
    ok: bool
    reason: str
    rings: int  # rings started in the current (or last) ringing
    caller: str | None  # the number being announced while ringing


class FxsLine:
    """One FXS port's phone: hook events in, ringer and caller ID out (a DeskPhone)."""

    kind = "fxs"

    def __init__(self, port: AnalogPort, bus: EventBus, clock: Clock, *,
                 owner: str | None = None, cid_delay: float = CID_DELAY_S,
                 cid_encoding: str = "utf-8"):
        if port.kind != "fxs":
            raise ValueError(f"port {port.name} is an {port.kind.upper()} port, not FXS")
        self.port = port
        self.name = port.name
        self._bus = bus
        self._clock = clock
        self._owner = owner or f"fxs-line:{port.name}"
        self._cid_delay = cid_delay
        self._cid_encoding = cid_encoding
        self._loop: asyncio.AbstractEventLoop | None = None
        self._state = IDLE
        self._hook = "on"
        self._ring_task: asyncio.Task | None = None
        self._cid_task: asyncio.Task | None = None
        self._rings = 0
        self._caller: str | None = None

    @property
    def audio(self) -> Any:
        """The port's PCM (board.base.AudioPort): the media bridge's while a call is up."""
        return self.port.audio

    # --- lifecycle (on the loop) ---------------------------------------------

    def start(self) -> None:
        """Claim the port (PortInUse names a holder) and follow its events."""
        self._loop = asyncio.get_running_loop()
        self.port.claim(self._owner)
        self.port.on_event(self._from_board_event)
        self.port.on_status(self._from_board_status)
        self._hook = self.port.hook_state()
        self._set_state(self._resting_state())

    def close(self) -> None:
        """Stop ringing, stop following the port and give it back."""
        self._end_ringing()
        self.port.on_event(_ignore)
        self.port.on_status(_ignore)
        with contextlib.suppress(BoardError):
            self.port.release(self._owner)
        self._loop = None

    # --- what the call core asks ------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    def ring(self, number: str | None, name: str | None = None,
             cadence: tuple[float, float] = CHINA_CADENCE, *, withheld: bool = False,
             caller_id: bool = True) -> None:
        """Start ringing with caller ID (`number` None: unavailable; withheld: private;
        caller_id False: none at all).

        LineInUse if the handset is off hook or the phone already rings;
        LineOutOfService if the port is down.
        """
        on_s, off_s = cadence
        if not (on_s > 0 and off_s > 0):
            raise ValueError(f"port {self.name}: ring cadence needs on and off > 0 s, "
                             f"not {cadence!r}")
        self._check_can_ring()
        pcm = self._caller_id(number, name, withheld) if caller_id else b""
        self._rings = 0
        self._caller = None if withheld else number
        self._set_state(RINGING)
        self._ring_task = asyncio.get_running_loop().create_task(
            self._ring_loop(on_s, off_s, pcm), name=f"ring-{self.name}")

    def stop_ring(self) -> None:
        """Stop ringing now (ringer off, caller ID cut); nothing happens if not ringing."""
        if self._state == RINGING:
            self._end_ringing()
            self._set_state(self._resting_state())

    def status(self) -> FxsStatus:
        link = self.port.status()
        return FxsStatus(self.name, self._state, self._hook, link.ok, link.reason,
                         self._rings, self._caller if self._state == RINGING else None)

    # --- ringing -------------------------------------------------------------------

    def _check_can_ring(self) -> None:
        if self._loop is None:
            raise RuntimeError(f"port {self.name}: FxsLine.start() was not called")
        if self._state == FAULT:
            raise LineOutOfService(f"port {self.name} is out of service: "
                                   f"{self.port.status().reason or 'link down'}")
        if self._state == OFFHOOK:
            raise LineInUse(self.name, "a handset off hook")
        if self._state == RINGING:
            raise LineInUse(self.name, "a ringing call")

    def _caller_id(self, number: str | None, name: str | None, withheld: bool) -> bytes:
        when = self._clock.now()
        try:
            return caller_id_audio(when, number, name, withheld=withheld,
                                   encoding=self._cid_encoding)
        except (ValueError, LookupError) as exc:
            log.warning("port %s: caller ID %r not sendable (%s); announcing it unavailable",
                        self.name, number, exc)
            return caller_id_audio(when, None)

    async def _ring_loop(self, on_s: float, off_s: float, pcm: bytes) -> None:
        period = on_s + off_s
        start = self._clock.monotonic()
        ring = 0
        while True:
            if not self._ringer(True):
                return
            self._rings += 1
            await self._sleep_until(start + ring * period + on_s)
            self._ringer(False)
            if ring == 0 and pcm:
                at = max(start + on_s, self._clock.monotonic()) + self._cid_delay
                self._cid_task = asyncio.get_running_loop().create_task(
                    self._play_cid(pcm, at), name=f"cid-{self.name}")
            ring += 1
            await self._sleep_until(start + ring * period)
            if self._cid_task is not None and not self._cid_task.done():
                await asyncio.wait({self._cid_task})  # a short cadence: ring 2 waits
                await asyncio.sleep(CID_GUARD_S)
                start = self._clock.monotonic() - ring * period

    async def _play_cid(self, pcm: bytes, at: float) -> None:
        """Write the caller ID frames on a 20 ms monotonic schedule starting at `at`."""
        for i in range(0, len(pcm), FRAME_BYTES):
            await self._sleep_until(at + i // FRAME_BYTES * FRAME_S)
            if self._state != RINGING or self.port.hook_state() != "on":
                return  # answered: the phone must not hear the rest
            try:
                self.port.audio.write_frame(pcm[i:i + FRAME_BYTES])
            except (BoardError, OSError) as exc:
                log.warning("port %s: caller ID not sent: %s", self.name, exc)
                return

    async def _sleep_until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - self._clock.monotonic()))

    def _ringer(self, on: bool) -> bool:
        try:
            self.port.set_ringer(on)
        except (BoardError, OSError) as exc:
            log.warning("port %s: ringer %s failed: %s", self.name, "on" if on else "off", exc)
            if on:
                self._end_ringing(task_ends=True)
                self._set_state(self._resting_state())
            return False
        return True

    def _end_ringing(self, task_ends: bool = False) -> None:
        """Cancel the cadence and the caller ID, ringer off (also when the port is down)."""
        ring, self._ring_task = self._ring_task, None
        cid, self._cid_task = self._cid_task, None
        for task in (cid, None if task_ends else ring):
            if task is not None:
                task.cancel()
        if ring is not None and not task_ends:
            with contextlib.suppress(BoardError, OSError):
                self.port.set_ringer(False)

    # --- what the board reports -------------------------------------------------------

    def _from_board_event(self, event: LineEvent) -> None:
        self._to_loop(self._on_line_event, event)

    def _from_board_status(self, status: LineStatus) -> None:
        self._to_loop(self._on_status, status)

    def _to_loop(self, fn: Callable[[Any], None], arg: object) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing
            loop.call_soon_threadsafe(fn, arg)

    def _on_line_event(self, event: LineEvent) -> None:
        if event.kind == "offhook" and self._hook != "off":
            ringing = self._state == RINGING
            if ringing:
                self._end_ringing()  # ring trip: the bell stops before anything else
            self._hook = "off"
            self._bus.publish(FxsOffHook(self.name, event.t, ringing))
            self._set_state(self._resting_state())
        elif event.kind == "onhook" and self._hook != "on":
            self._hook = "on"
            self._bus.publish(FxsOnHook(self.name, event.t))
            self._set_state(self._resting_state())
        elif event.kind == "flash" and self._hook == "off":
            self._bus.publish(FxsFlash(self.name, event.t))

    def _on_status(self, status: LineStatus) -> None:
        if not status.ok:
            self._end_ringing()
            self._set_state(FAULT)
        elif self._state != RINGING:
            self._hook = self.port.hook_state()
            self._set_state(self._resting_state())

    def _resting_state(self) -> str:
        """The state when not ringing: fault, offhook or idle."""
        if not self.port.status().ok:
            return FAULT
        return OFFHOOK if self._hook == "off" else IDLE

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self._bus.publish(FxsStateChanged(self.name, state))


def _ignore(_: object) -> None:
    """The callback a closed line leaves on its port."""
