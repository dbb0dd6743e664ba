"""The FXO line driver: the company's analog telephone line on one of the board's FXO ports.

Wiring: `FxoLine(port, bus, clock, settings=FxoLineConfig)` takes a board
`AnalogPort` of kind "fxo" (board/base.py: a HAT's port, the sim board's port on
the emulator's exchange, or a V.253 voice modem), the box's EventBus and Clock.
It is an outside line of the line model (firmware/lines/model.py, kind "fxo",
feature "forwarding"). `await start()` (on the event loop) claims the port,
follows its events and starts the pump; `await stop()` hangs up, stops the pump
and gives the port back.

Threads: the port's callbacks come on a board thread and are moved onto the loop
with `call_soon_threadsafe`. The pump (a task on the loop) reads the port's audio
every 20 ms (`tick()`), so every decision below happens on the loop, from the
analog DSP modules (firmware/lines/analog_dsp.py):

- on hook: ring edges (or a voice modem's one "ring" per burst) and the audio go
  to `FxoIncoming`: a real ring by cadence (never a spike), caller ID (FSK or
  DTMF, or the port's own "caller_id" event) -> one `IncomingCall` per call and
  the line "ringing"; the rings stopping before the answer -> the call ends
  "abandoned". The FSK demodulator only runs when caller ID can arrive.
- `answer()`: off hook; the call's audio is the port's (fxo_call.FxoAudio).
- `dial(number)`: seize, dial tone, DTMF, call progress, answer decided by
  polarity reversal / voice after ringback / ringback stopping / a timeout
  (fxo_dial.py says how and its limits).
- in a call: far-end disconnect by the line's method (settings.disconnect, or
  the profile's: China busy tone) through `Supervisor` -> on hook, cause "normal".
- the line's battery (`LineBattery`): cut -> "fault" (a call up ends "failed"),
  back -> idle.
- `set_forwarding(number|None)`: the telco's service codes (fxo_forward.py).

After going on hook the line stays released `profile.release_s` (1.3 s) before
it is seized again: the exchange takes a shorter on-hook for a hook flash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from board.base import BoardError
from firmware.clock import Clock
from firmware.config.schema import FxoLineConfig
from firmware.errors import LineOutOfService
from firmware.events import EventBus
from firmware.lines.analog_profiles import DISCONNECT_METHODS
from firmware.lines.analog_profiles import profile as find_profile
from firmware.lines.fxo_call import CallStateError, FxoAudio, FxoCall
from firmware.lines.fxo_dial import Dialler, DialStep, dialable
from firmware.lines.fxo_forward import ForwardingMixin
from firmware.lines.fxo_incoming import FxoIncoming
from firmware.lines.fxo_outbound import FxoOutbound
from firmware.lines.fxo_signals import FxoSignals
from firmware.lines.line_battery import LineBattery
from firmware.lines.model import (
    LineCallAnswered,
    LineCallEnded,
)
from firmware.lines.progress import CallProgress
from firmware.lines.supervision import FarEndGone, Supervisor
from firmware.lines.tonegen import check_digits, dtmf_pcm, frames_of

log = logging.getLogger(__name__)

FRAME_S = 0.02
RESYNC_S = 0.1  # frame times follow the sample clock unless it drifts this far from now
MAX_CATCH_UP_S = 0.1  # frames towards the line that a late tick still sends
# after answering a call: dial tone in this time means the caller had gone just before
# (the box seized an idle line); nothing in a conversation is a steady dial tone
ANSWER_CHECK_S = 3.0


class FxoLine(FxoSignals, FxoOutbound, ForwardingMixin):
    """One analog telephone line (an FXO port) as an outside line of the box."""

    kind = "fxo"
    features = frozenset({"forwarding"})
    LOST = ("dropped", "line lost")  # a call's record when the line is cut under it
    # the exchange cannot be asked what it forwards to: the box's own records of what it
    # last set are the truth (calls/forwarding.py), so a restart dials no service code
    FORWARDING_REMEMBERED = True

    def __init__(self, port: Any, bus: EventBus, clock: Clock, *, settings: FxoLineConfig,
                 owner: str | None = None, autopump: bool = True):
        if getattr(port, "kind", None) != "fxo":
            raise ValueError(f"port {port.name} is not an FXO port")
        self.port, self.name = port, settings.name or port.name
        self._bus, self._clock = bus, clock
        self._owner = owner or f"fxo-line:{self.name}"
        self._autopump = autopump
        self.configure(settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pump: asyncio.Task | None = None
        self._battery = LineBattery()
        self._call: FxoCall | None = None
        self._state, self._reason, self._reason_code = "fault", "not started", "fxo_stopped"
        self._supervisor: Supervisor | None = None
        self._dialler: Dialler | None = None
        self._dial_done: Callable[[list[DialStep]], None] | None = None
        self._dtmf_out: deque[bytes] = deque()
        self._dtmf_done: asyncio.Future | None = None
        self._offhook = False
        self._onhook_t = -math.inf
        self._rings_seen = False  # a call rings the line (offered or not yet)
        self._refused = False  # the box refused the ringing call: it rings out unanswered
        self._ring_off_due: float | None = None  # a voice modem's ring: its burst ends then
        self._last_ring: datetime | None = None
        self._frame_t: float | None = None
        self._tx_t: float | None = None  # when the next frame towards the line is due
        self._releasing = False  # on hook, but not yet for the exchange's release time
        self._answer_check: tuple[CallProgress, float] | None = None
        self._waiters: list[tuple[float, asyncio.Future]] = []
        self._forwarding: str | None = None

    def configure(self, settings: FxoLineConfig) -> None:
        """New settings (profile, disconnect method, number), e.g. after the owner changed
        them: used from the next call on (a call up keeps its supervision, a ringing
        call its ring detection). ValueError names an unknown profile or method."""
        profile = find_profile(settings.profile)
        method = settings.disconnect or profile.disconnect
        if method not in DISCONNECT_METHODS:
            raise ValueError(f"{settings.name}: disconnect method {method!r} is not one of "
                             f"{', '.join(DISCONNECT_METHODS)}")
        self.settings, self.profile, self.disconnect = settings, profile, method
        incoming = getattr(self, "_incoming", None)
        if incoming is None or not (incoming.offered or getattr(self, "_rings_seen", False)):
            self._incoming = FxoIncoming(profile)

    # --- lifecycle (on the loop) ------------------------------------------------------

    async def start(self) -> None:
        """Claim the port (PortInUse names the holder), follow it and start the pump."""
        self._loop = asyncio.get_running_loop()
        self.port.claim(self._owner)
        self.port.on_event(self._from_board_event)
        self.port.on_status(self._from_board_status)
        if self.port.hook_state() == "off":
            self._set_hook(False)  # a line left seized by an earlier run
        # an earlier run may have released the line just now: the first seizure waits
        self._onhook_t = self._clock.monotonic()
        self._initial_battery()
        self._update_state()
        if self._autopump:
            self._pump = self._loop.create_task(self._pump_loop(), name=f"pump-{self.name}")

    async def stop(self) -> None:
        """Hang up any call, stop the pump and give the port back."""
        if self._call is not None or self._offhook or self._dialler is not None:
            await self._release_call("normal", "line stopping")
        self._wake_waiters(math.inf)  # a dial waiting for the release: it ends now
        await asyncio.sleep(0)
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        self.port.on_event(_ignore)
        self.port.on_status(_ignore)
        with contextlib.suppress(BoardError):
            self.port.release(self._owner)
        self._set_state("fault", "stopped", "fxo_stopped")
        self._loop = None

    async def _pump_loop(self) -> None:
        due = self._clock.monotonic()
        errors = 0
        while True:
            try:
                self.tick()
            except Exception:  # a bug must not stop the line's audio: log it, go on
                errors += 1
                if errors == 1 or errors % 500 == 0:  # not 50 log lines a second
                    log.exception("%s: pump error (%d so far)", self.name, errors)
            due += FRAME_S
            now = self._clock.monotonic()
            if due < now - 5 * FRAME_S:
                due = now  # the loop was stalled: do not race to catch up
            await asyncio.sleep(max(0.0, due - now))

    # --- what the call core asks ---------------------------------------------------------

    @property
    def call(self) -> FxoCall | None:
        return self._call

    def available(self) -> bool:
        """In service, on hook, no call and no ringing: a call may be placed now (while
        the exchange releases the line after a call, the state says "in_use" for 1.3 s
        but the line is available: a dial waits that out)."""
        return (self._state in ("idle", "in_use") and self._call is None and not self._offhook
                and not self._rings_seen and self._dialler is None and not self._service)

    async def answer(self) -> FxoCall:
        """Answer the ringing call: off hook; returns once connected with audio."""
        call = self._call
        if call is None or call.direction != "in" or call.state != "ringing":
            raise CallStateError(f"{self.name}: no incoming call is ringing")
        self._incoming.answered()
        self._rings_seen = False
        if not self._set_hook(True):
            self._end(call, "failed", "the port refused to go off hook")
            raise LineOutOfService(f"{self.name}: the port could not answer")
        self._connect(call, self._clock.monotonic(), "answered by the box")
        return call

    async def dial(self, number: str) -> FxoCall:
        """Call `number`; `await call.wait_answer()` says "answered" or the cause."""
        digits = dialable(number, self.profile)
        self._check_free()
        call = FxoCall(self.name, "out", number, False, self._clock.monotonic())
        call.early(FxoAudio(self.port.audio, f"{self.name}-audio"))
        self._call = call
        self._update_state()
        log.info("%s: dialling %s", self.name, digits)
        self._spawn(self._run_dial(call, digits), f"dial-{self.name}")
        return call

    async def hangup(self) -> None:
        """Hang up the call. A ringing call cannot be refused on an analog line: the box
        stops presenting it (cause "rejected") and lets it ring out."""
        call = self._call
        if call is None:
            if self._offhook and self._dialler is None:
                self._set_hook(False)
            return
        if call.direction == "in" and call.state == "ringing":
            self._refused = True
            self._end(call, "rejected", "refused by the box (left to ring out)")
            return
        await self._release_call("normal", "hung up by the box")

    async def send_dtmf(self, digits: str) -> None:
        """Play DTMF `digits` into the connected call (100 ms on / 100 ms off each)."""
        check_digits(digits)
        call = self._call
        if call is None or call.state != "active" or call.audio is None:
            raise CallStateError(f"{self.name}: DTMF needs a connected call")
        self._dtmf_out.extend(frames_of(dtmf_pcm(digits)))
        call.audio.injecting = True
        if self._dtmf_done is None or self._dtmf_done.done():
            self._dtmf_done = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._dtmf_done)

    def status_dict(self) -> dict[str, Any]:
        """The line in `status` ("lines"): state, why, and the line's health (W5)."""
        try:
            wire = dict(self.port.line_state())
        except Exception:  # a port that cannot tell now: its health is unknown
            wire = {}
        battery, polarity = wire.get("battery"), wire.get("polarity")
        return {
            "kind": self.kind, "state": self._state, "reason": self._reason,
            "reason_code": self._reason_code, "number": self.settings.number,
            "profile": self.profile.name, "disconnect": self.disconnect,
            "battery": battery if isinstance(battery, bool) else None,
            "polarity": polarity if polarity in ("normal", "reversed") else None,
            "last_ring": self._last_ring.isoformat(timespec="seconds")
            if self._last_ring else None,
            "in_call": self._call is not None,
        }

    # --- the pump: one 20 ms step (tests call it with a fake clock) -------------------

    def tick(self) -> None:
        now = self._clock.monotonic()
        frames = []
        while (frame := self.port.audio.read_frame()) is not None:
            frames.append(frame)
        for i, frame in enumerate(frames):
            self._frame(frame, self._frame_time(now - (len(frames) - 1 - i) * FRAME_S))
        self._poll(now)
        self._send(now)
        self._wake_waiters(now)

    def _frame_time(self, arrived: float) -> float:
        expected = None if self._frame_t is None else self._frame_t + FRAME_S
        # the sample clock, unless it drifted off: never later than the frame arrived
        on_time = expected is not None and arrived - RESYNC_S <= expected <= arrived
        t = expected if on_time else arrived
        self._frame_t = t
        return t

    def _frame(self, frame: bytes, t: float) -> None:
        call = self._call
        if self._dialler is not None:
            if call is not None and call.audio is not None:
                call.audio.received(frame)  # early media: the line's own progress
            self._dial_steps(self._dialler.frame(frame, t))
        elif call is not None and call.state == "active" and self._supervisor is not None:
            audio = call.audio
            sent = audio.take_sent() if audio is not None else None
            gone = self._supervisor.frame(frame, t, sent)
            if audio is not None:
                audio.received(frame)
            if gone is not None:
                self._far_end_gone(gone)
            elif self._answer_check is not None:
                self._check_answer(call, frame, t)
        elif not self._offhook:
            if getattr(self.port, "caller_id", "audio") == "port":
                self._incoming_events(self._incoming.poll(t))
            else:
                self._incoming_events(self._incoming.frame(frame, t))

    def _poll(self, now: float) -> None:
        for status in self._battery.poll(now):
            self._battery_status(status)
        if self._releasing and now >= self._onhook_t + self.profile.release_s:
            self._releasing = False
            self._update_state()
        if self._ring_off_due is not None and now >= self._ring_off_due:
            due, self._ring_off_due = self._ring_off_due, None
            self._incoming_events(self._incoming.ring_edge(False, due))
        if not self._offhook:
            self._incoming_events(self._incoming.poll(now))
        if self._dialler is not None:
            self._dial_steps(self._dialler.poll(now))
        if self._supervisor is not None:
            gone = self._supervisor.poll(now)
            if gone is not None:
                self._far_end_gone(gone)

    def _send(self, now: float) -> None:
        """The frames due towards the line (digits, silence while dialling), one per 20 ms
        of the line's time: after a late tick the missed ones go too, so a digit's tone
        is never cut in two (the exchange would hear two presses)."""
        if self._dialler is None and not self._dtmf_out:
            self._tx_t = None
            return
        if self._tx_t is None or self._tx_t < now - MAX_CATCH_UP_S:
            self._tx_t = now
        while self._tx_t <= now + 1e-6:
            self._tx_t += FRAME_S
            frame = self._next_tx(now)
            if frame is None:
                return
            try:
                self.port.audio.write_frame(frame)
            except (BoardError, OSError, ValueError) as exc:
                log.warning("%s: audio not sent: %s", self.name, exc)

    def _next_tx(self, now: float) -> bytes | None:
        if self._dialler is not None:
            return self._dialler.tx_frame(now)
        if not self._dtmf_out:
            return None
        frame = self._dtmf_out.popleft()
        if not self._dtmf_out:
            self._dtmf_finished()
        return frame

    def _dtmf_finished(self) -> None:
        self._dtmf_out.clear()
        call = self._call
        if call is not None and call.audio is not None:
            call.audio.injecting = False
        if self._dtmf_done is not None and not self._dtmf_done.done():
            self._dtmf_done.set_result(None)

    # --- waiting on the line's clock (the pump wakes these) --------------------------

    async def _until(self, deadline: float) -> None:
        if self._clock.monotonic() >= deadline:
            return
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((deadline, future))
        await future

    def _wake_waiters(self, now: float) -> None:
        due = [w for w in self._waiters if w[0] <= now]
        if due:
            self._waiters = [w for w in self._waiters if w[0] > now]
            for _, future in due:
                if not future.done():
                    future.set_result(None)

    # --- answered calls and their end ----------------------------------------------------

    def _connect(self, call: FxoCall, t: float, how: str) -> None:
        self._supervisor = Supervisor(self.profile, self.disconnect)
        if call.direction == "out":  # only an outbound answer reverses the line itself
            self._supervisor.answered(t)
        self._answer_check = (CallProgress(self.profile), t + ANSWER_CHECK_S) \
            if call.direction == "in" else None
        audio = None if call.audio is not None else FxoAudio(self.port.audio,
                                                              f"{self.name}-audio")
        call.connect(audio, t, how)
        log.info("%s: call with %s connected (%s)", self.name, call.number or "unknown number",
                 how)
        self._bus.publish(LineCallAnswered(self.name))
        self._update_state()

    def _check_answer(self, call: FxoCall, frame: bytes, t: float) -> None:
        """Dial tone just after answering: the caller hung up before the answer (the
        rings had stopped but the box had not decided yet): it seized an idle line."""
        progress, until = self._answer_check
        if t >= until:
            self._answer_check = None
            return
        if any(e.kind == "dial_tone" for e in progress.feed(frame, t)):
            self._answer_check = None
            self._set_hook(False)
            self._end(call, "abandoned", "dial tone after the answer: the caller had gone")

    def _far_end_gone(self, gone: FarEndGone) -> None:
        call = self._call
        log.info("%s: far end hung up (%s, %.2f s to detect)", self.name, gone.method,
                 gone.t_detected - gone.t)
        self._set_hook(False)
        if call is not None:
            self._end(call, "normal", f"far end hung up ({gone.method.replace('_', ' ')})")

    async def _release_call(self, cause: str, how: str) -> None:
        self._abort_dial(cause, how)
        self._set_hook(False)
        if self._call is not None:
            self._end(self._call, cause, how)

    def _end(self, call: FxoCall, cause: str, how: str) -> None:
        if not call.end(cause, self._clock.monotonic(), how):
            return
        if self._call is call:
            self._call = None
            self._supervisor = None
            self._dialler = None
            self._dtmf_finished()
        log.info("%s: call %s ended: %s (%s)", self.name, call.number or "-", cause, how)
        self._bus.publish(LineCallEnded(self.name, cause))
        self._update_state()

    def _set_hook(self, offhook: bool) -> bool:
        """Seize or release the line; False (logged) if the port refused."""
        if not offhook and self._offhook:
            self._onhook_t = self._clock.monotonic()
            self._releasing = True  # "in_use" until the exchange has released the line
        self._offhook = offhook
        if offhook:
            self._incoming.reset()
            self._frame_t = None
        try:
            self.port.set_hook(offhook)
        except (BoardError, OSError) as exc:
            log.warning("%s: %s failed: %s", self.name, "seize" if offhook else "release", exc)
            if offhook:
                self._offhook = False
            return False
        return True

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: task %s failed: %r", self.name, task.get_name(), task.exception())


def _ignore(_: object) -> None:
    """The callback a stopped line leaves on its port."""
