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
import json
import logging
import math
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from board.base import BoardError, LineEvent, LineStatus
from firmware.clock import Clock
from firmware.config.schema import FxoLineConfig
from firmware.errors import LineInUse, LineOutOfService
from firmware.events import EventBus
from firmware.lines.analog_profiles import profile as find_profile
from firmware.lines.cid_decode import CallerId
from firmware.lines.fxo_call import FxoAudio, FxoCall
from firmware.lines.fxo_dial import Dialler, DialStep, dialable
from firmware.lines.fxo_forward import ForwardingMixin
from firmware.lines.fxo_incoming import FxoIncoming, Gone, Offer
from firmware.lines.line_battery import LineBattery
from firmware.lines.line_battery import LineStatus as BatteryStatus
from firmware.lines.model import (
    IncomingCall,
    LineCallAnswered,
    LineCallEnded,
    LineStateChanged,
)
from firmware.lines.ring_cadence import RingEvent
from firmware.lines.supervision import FarEndGone, Supervisor
from firmware.lines.tonegen import check_digits, dtmf_pcm, frames_of

log = logging.getLogger(__name__)

FRAME_S = 0.02
RESYNC_S = 0.1  # frame times follow the sample clock unless it drifts this far from now
NO_BATTERY = ("no battery on the line (cut, or unplugged at the exchange)", "fxo_no_battery")
PORT_DOWN = "fxo_port_down"


class FxoLine(ForwardingMixin):
    """One analog telephone line (an FXO port) as an outside line of the box."""

    kind = "fxo"
    features = frozenset({"forwarding"})

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
        self._waiters: list[tuple[float, asyncio.Future]] = []
        self._forwarding: str | None = None

    def configure(self, settings: FxoLineConfig) -> None:
        """New settings (profile, disconnect method, number); a call up keeps its own."""
        self.settings = settings
        self.profile = find_profile(settings.profile)
        self.disconnect = settings.disconnect or self.profile.disconnect
        self._incoming = FxoIncoming(self.profile)

    # --- lifecycle (on the loop) ------------------------------------------------------

    async def start(self) -> None:
        """Claim the port (PortInUse names the holder), follow it and start the pump."""
        self._loop = asyncio.get_running_loop()
        self.port.claim(self._owner)
        self.port.on_event(self._from_board_event)
        self.port.on_status(self._from_board_status)
        if self.port.hook_state() == "off":
            self._set_hook(False)  # a line left seized by an earlier run
        self._initial_battery()
        self._update_state()
        if self._autopump:
            self._pump = self._loop.create_task(self._pump_loop(), name=f"pump-{self.name}")

    async def stop(self) -> None:
        """Hang up any call, stop the pump and give the port back."""
        if self._call is not None or self._offhook or self._dialler is not None:
            await self._release_call("normal", "line stopping")
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
        while True:
            try:
                self.tick()
            except Exception:  # a bug must not stop the line's audio: log it, go on
                log.exception("%s: pump error", self.name)
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
        """In service, on hook, no call and no ringing: a call may be placed now."""
        return (self._state == "idle" and self._call is None and not self._offhook
                and not self._rings_seen and self._dialler is None and not self._service)

    async def answer(self) -> FxoCall:
        """Answer the ringing call: off hook; returns once connected with audio."""
        call = self._call
        if call is None or call.direction != "in" or call.state != "ringing":
            raise LineInUse(self.name, "no call ringing") if call else \
                LineOutOfService(f"{self.name}: no incoming call is ringing")
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
            raise LineOutOfService(f"{self.name}: DTMF needs a connected call")
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
        t = arrived if expected is None or abs(expected - arrived) > RESYNC_S else expected
        self._frame_t = t
        return t

    def _frame(self, frame: bytes, t: float) -> None:
        call = self._call
        if self._dialler is not None:
            self._dial_steps(self._dialler.frame(frame, t))
        elif call is not None and call.state == "active" and self._supervisor is not None:
            audio = call.audio
            sent = audio.take_sent() if audio is not None else None
            gone = self._supervisor.frame(frame, t, sent)
            if audio is not None:
                audio.received(frame)
            if gone is not None:
                self._far_end_gone(gone)
        elif not self._offhook:
            if getattr(self.port, "caller_id", "audio") == "port":
                self._incoming_events(self._incoming.poll(t))
            else:
                self._incoming_events(self._incoming.frame(frame, t))

    def _poll(self, now: float) -> None:
        for status in self._battery.poll(now):
            self._battery_status(status)
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
        frame = None
        if self._dialler is not None:
            frame = self._dialler.tx_frame(now)
        elif self._dtmf_out:
            frame = self._dtmf_out.popleft()
            if not self._dtmf_out:
                self._dtmf_finished()
        if frame is not None:
            try:
                self.port.audio.write_frame(frame)
            except (BoardError, OSError, ValueError) as exc:
                log.warning("%s: audio not sent: %s", self.name, exc)

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

    # --- incoming calls ------------------------------------------------------------------

    def _incoming_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, RingEvent):
                self._ring_event(event)
            elif isinstance(event, Offer):
                self._offer(event)
            elif isinstance(event, Gone):
                self._gone(event)

    def _ring_event(self, event: RingEvent) -> None:
        if event.kind == "ring":
            self._rings_seen = True
            self._last_ring = self._clock.now()
        elif event.kind == "rejected":
            log.debug("%s: ring voltage for %.2f s ignored (no ring)", self.name, event.on_s)

    def _offer(self, offer: Offer) -> None:
        if self._refused or self._call is not None or self._state == "fault":
            return
        caller: CallerId | None = offer.caller
        number = caller.number if caller is not None and caller.ok else None
        withheld = caller is not None and caller.absent == "withheld"
        call = FxoCall(self.name, "in", number, withheld, offer.t,
                       name=caller.name if caller is not None else None)
        if caller is not None and not caller.ok:
            call.caller_error = caller.error
        self._call = call
        who = number or ("withheld number" if withheld else "unknown number")
        log.info("%s: incoming call from %s (ring %d)", self.name, who, offer.rings)
        self._bus.publish(IncomingCall(self.name, number, withheld))
        self._update_state()

    def _gone(self, gone: Gone) -> None:
        self._rings_seen = self._refused = False
        call = self._call
        if call is not None and call.direction == "in" and call.state == "ringing":
            self._end(call, "abandoned", "the rings stopped")
        self._update_state()

    # --- answered calls and their end ----------------------------------------------------

    def _connect(self, call: FxoCall, t: float, how: str) -> None:
        self._supervisor = Supervisor(self.profile, self.disconnect)
        if call.direction == "out":  # only an outbound answer reverses the line itself
            self._supervisor.answered(t)
        call.connect(FxoAudio(self.port.audio, f"{self.name}-audio"), t, how)
        log.info("%s: call with %s connected (%s)", self.name, call.number or "unknown number",
                 how)
        self._bus.publish(LineCallAnswered(self.name))
        self._update_state()

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

    # --- the board's events (board thread -> loop) ----------------------------------------

    def _from_board_event(self, event: LineEvent) -> None:
        self._to_loop(self._on_event, event)

    def _from_board_status(self, status: LineStatus) -> None:
        self._to_loop(self._on_status, status)

    def _to_loop(self, fn: Callable[[Any], None], arg: object) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing
            loop.call_soon_threadsafe(fn, arg)

    def _on_event(self, event: LineEvent) -> None:
        kind, t = event.kind, event.t
        if kind in ("ring_begin", "ring_end"):
            if not self._offhook:
                self._incoming_events(self._incoming.ring_edge(kind == "ring_begin", t))
        elif kind == "ring":
            self._modem_ring(t)
        elif kind == "caller_id":
            self._port_caller_id(event)
        elif kind == "polarity":
            self._polarity(t)
        elif kind in ("loop_on", "loop_off") and self._supervisor is not None:
            gone = self._supervisor.loop_current(kind == "loop_on", t)
            if gone is not None:
                self._far_end_gone(gone)
        elif kind in ("battery_lost", "battery_restored"):
            for status in self._battery.battery(kind == "battery_restored", t):
                self._battery_status(status)
        else:
            log.debug("%s: line event %s ignored", self.name, kind)

    def _modem_ring(self, t: float) -> None:
        """A port that reports one "ring" per burst (a voice modem) validated the burst
        itself: it counts as a ring of the profile's length that began `min_on_s` ago."""
        if self._offhook:
            return
        ring = self.profile.ring
        start = t - ring.min_on_s
        self._incoming_events(self._incoming.ring_edge(True, start))
        self._incoming_events(self._incoming.poll(t))
        self._ring_off_due = start + ring.on_s

    def _port_caller_id(self, event: LineEvent) -> None:
        try:
            detail = json.loads(event.detail or "{}")
            number, name, why = detail.get("number"), detail.get("name"), detail.get("reason")
            cid = CallerId(number if isinstance(number, str) and number else None,
                           name if isinstance(name, str) else None,
                           absent=why if why in ("withheld", "unavailable") else None,
                           method="port", format="port", t_start=event.t, t_end=event.t)
        except (ValueError, AttributeError) as exc:
            cid = CallerId(None, method="port", format="port", error=f"unreadable: {exc}")
        if not self._offhook:
            self._incoming_events(self._incoming.caller_id(cid, event.t))

    def _polarity(self, t: float) -> None:
        if self._dialler is not None:
            self._dial_steps(self._dialler.polarity(t))
        elif self._supervisor is not None:
            gone = self._supervisor.polarity(t)
            if gone is not None:
                self._far_end_gone(gone)

    # --- the line's health ----------------------------------------------------------------

    def _initial_battery(self) -> None:
        try:
            battery = self.port.line_state().get("battery")
        except Exception:
            battery = None
        if battery is False:
            now = self._clock.monotonic()
            self._battery.battery(False, now - 2.0)
            self._battery.poll(now)

    def _battery_status(self, status: BatteryStatus) -> None:
        if status.kind == "battery_lost":
            log.warning("%s: no battery on the line", self.name)
            self._line_lost()
        elif status.kind == "in_service":
            log.info("%s: battery back on the line", self.name)
        self._update_state()

    def _line_lost(self) -> None:
        """The line was cut (or the exchange dropped it): a call on it is over."""
        self._incoming.reset()
        self._rings_seen = self._refused = False
        call = self._call
        self._abort_dial("failed", "line cut")
        if self._offhook:
            self._set_hook(False)
        if call is not None:
            self._end(call, "failed", "line cut")

    def _on_status(self, status: LineStatus) -> None:
        self._update_state()

    def _update_state(self) -> None:
        """The line model's state from what is known: fault, ringing, in_use or idle."""
        port = self.port.status()
        call = self._call
        if not self._battery.in_service:
            state, reason, code = "fault", *NO_BATTERY
        elif not port.ok and not self._battery_says_why():
            state, reason, code = "fault", port.reason or "port out of service", PORT_DOWN
        elif call is not None and call.direction == "in" and call.state == "ringing":
            state, reason, code = "ringing", "", ""
        elif call is not None or self._offhook or self._service:
            state, reason, code = "in_use", "", ""
        else:
            state, reason, code = "idle", "", ""
        self._set_state(state, reason, code)

    def _battery_says_why(self) -> bool:
        """The port is down because the line has no battery: LineBattery decides (1 s)."""
        try:
            return self.port.line_state().get("battery") is False
        except Exception:
            return False

    def _set_state(self, state: str, reason: str, code: str) -> None:
        if (state, reason) == (self._state, self._reason):
            return
        self._state, self._reason, self._reason_code = state, reason, code
        log.info("%s: %s%s", self.name, state, f" ({reason})" if reason else "")
        self._bus.publish(LineStateChanged(self.name, state, reason))
        if state == "fault" and self._call is not None:
            self._line_lost()

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("%s: task %s failed: %r", self.name, task.get_name(), task.exception())


def _ignore(_: object) -> None:
    """The callback a stopped line leaves on its port."""
