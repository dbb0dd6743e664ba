"""What the line tells the FXO driver: rings and caller ID, hook signals, its battery.

The part of `FxoLine` (fxo.py) that follows the board's FXO port. Its callbacks
come on a board thread and are moved onto the event loop here
(`call_soon_threadsafe`); then, on the loop:

- ring edges (or a voice modem's one "ring" per burst, taken as a ring of the
  profile's length that the modem already validated) and caller ID (decoded
  from the audio by `FxoIncoming`, or the port's own "caller_id" event with its
  JSON detail) become one `IncomingCall` per call; the rings stopping before
  the answer end it "abandoned";
- polarity reversals and loop current go to the dialler (answer supervision)
  or to the call's disconnect `Supervisor`;
- the battery (`LineBattery`, DAHDI's timings): lost for 64 ms ends a call on
  the line ("failed"), lost for 1 s puts the line out of service ("fault",
  reason_code "no_battery"); a port that is down for another reason is a
  fault too ("port_fault"). `LineStateChanged` tells the bus.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from board.base import LineEvent, LineStatus
from firmware.lines.cid_decode import CallerId
from firmware.lines.fxo_call import FxoCall
from firmware.lines.fxo_incoming import FxoIncoming, Gone, Offer
from firmware.lines.line_battery import LineStatus as BatteryStatus
from firmware.lines.model import IncomingCall, LineStateChanged
from firmware.lines.ring_cadence import RingEvent

log = logging.getLogger("firmware.lines.fxo")

NO_BATTERY = ("no battery on the line (cut, or unplugged at the exchange)", "no_battery")
PORT_DOWN = "port_fault"


class FxoSignals:
    """Board events, incoming calls and line health for FxoLine (fxo.py)."""

    name: str
    port: Any
    profile: Any
    _bus: Any
    _clock: Any
    _loop: Any
    _battery: Any
    _incoming: Any
    _call: FxoCall | None
    _supervisor: Any
    _dialler: Any
    _offhook: bool
    _service: bool
    _releasing: bool
    _rings_seen: bool
    _refused: bool
    _ring_off_due: float | None
    _last_ring: Any
    _state: str
    _reason: str
    _reason_code: str

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
        waiting = self._call
        if waiting is not None and waiting.direction == "out" and not self._offhook:
            # a call placed by the box still waits for the line's release: the caller
            # ringing in is first (seizing now would answer them anyway)
            self._end(waiting, "failed", "a call rang in first")
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
        if self._incoming.profile is not self.profile:  # the settings changed meanwhile
            self._incoming = FxoIncoming(self.profile)
        call = self._call
        if call is not None and call.direction == "in" and call.state == "ringing":
            self._end(call, "abandoned", "the rings stopped")
        self._update_state()

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
        self._releasing = False  # the exchange dropped the line itself
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
        elif call is not None or self._offhook or self._service or self._releasing:
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
