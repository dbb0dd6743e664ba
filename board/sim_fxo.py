"""The simulated board's FXO port: the box's end of an analog line in the PSTN emulator.

The port is a client of `RUNDIR/<name>.sock` (docs/sim-link.md, "FXO port
socket") and gives the firmware what a real FXO port (a DAA behind its driver)
gives, and nothing more:

- line events (`LineEvent`): "ring_begin" / "ring_end" (ring voltage edges),
  "polarity" (the loop's polarity reversed), "battery_lost" / "battery_restored"
  (the line cut and back), "loop_on" / "loop_off" (loop current started or
  stopped while off hook: the seizure holds, or an open-loop disconnect);
- the line's electrical state (`line_state()`: battery, polarity, loop current,
  ring voltage, the last ring's time) for health on the dashboard;
- audio both ways: frames from the line wait in a bounded queue behind
  `audio.read_frame()`, whatever the hook (an on-hook port still hears caller
  ID); `audio.write_frame()` puts a frame on the line (the exchange drops what
  arrives while the port is on hook);
- `set_hook(offhook)` seizes or releases the line, `flash(ms)` goes on hook for
  `ms` milliseconds and back.

The port is in service (`status().ok`) while its link is up and the line has
battery; a cut line reports "no battery on the line".
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from board.base import BoardUnavailable, WrongPortKind
from board.sim import SimLinkedPort
from board.simlink import COMMAND, FrameError, encode_json

log = logging.getLogger(__name__)

LINE_EVENTS = ("ring_begin", "ring_end", "polarity", "battery_lost", "battery_restored",
               "loop_current")
NO_BATTERY = "no battery on the line (cut, or unplugged at the exchange)"


class SimFxoPort(SimLinkedPort):
    """An FXO port whose telco line is the emulator's exchange (RUNDIR/<name>.sock)."""

    PEER = "the exchange"
    ring_edges = True  # the exchange's ring voltage comes and goes: ring_begin/ring_end
    caller_id = "audio"  # FSK or DTMF on the line while on hook; the firmware decodes it

    def __init__(self, name: str, socket_path: Path, backoff: tuple[float, float] = (0.05, 2.0)):
        self._state_lock = threading.Lock()
        self._line: dict[str, Any] = {"battery": False, "polarity": "normal", "loop_ma": 0,
                                      "ringing": False, "last_ring_t": None, "profile": None}
        super().__init__(name, "fxo", socket_path, backoff)

    def line_state(self) -> dict[str, Any]:
        """Battery, polarity, loop current (mA), ring voltage on, last ring (monotonic)."""
        with self._state_lock:
            return dict(self._line, hook=self._hook)

    # --- commands ------------------------------------------------------------

    def set_hook(self, offhook: bool) -> None:
        """Seize (True) or release (False) the line."""
        self._command({"cmd": "hook", "off": bool(offhook)})
        self._hook = "off" if offhook else "on"

    def flash(self, ms: int = 600) -> None:
        """A hook flash: on hook for `ms` milliseconds, then off hook again."""
        if self._hook != "off":
            raise BoardUnavailable(f"port {self.name}: a flash needs the line seized")
        if not 1 <= int(ms) <= 5000:
            raise ValueError(f"port {self.name}: a flash lasts 1..5000 ms, not {ms}")
        self._command({"cmd": "flash", "ms": int(ms)})

    def set_ringer(self, on: bool) -> None:
        raise WrongPortKind(f"port {self.name} is an FXO port: it cannot ring a phone")

    def _command(self, obj: dict) -> None:
        if not self._ready.is_set():
            raise BoardUnavailable(f"port {self.name}: no link to the emulator's exchange")
        self.link.send(encode_json(COMMAND, obj))

    # --- link callbacks (reader thread) ------------------------------------

    def _on_event_frame(self, obj: dict) -> None:
        self._on_line_event(obj)

    def _on_status_frame(self, obj: dict) -> None:
        battery, polarity = obj.get("battery"), obj.get("polarity")
        if not isinstance(battery, bool) or polarity not in ("normal", "reversed"):
            raise FrameError(f"bad line state {obj!r}")
        with self._state_lock:
            self._line.update(battery=battery, polarity=polarity,
                              loop_ma=_number(obj.get("loop_ma")),
                              ringing=bool(obj.get("ringing")), profile=obj.get("profile"))
        hook = obj.get("hook")
        if hook in ("on", "off") and hook != self._hook:  # the link dropped: say it again
            self.link.send(encode_json(COMMAND, {"cmd": "hook", "off": self._hook == "off"}))
        self._ready.set()
        self._set_status(battery, "" if battery else NO_BATTERY)

    def _on_line_event(self, obj: dict) -> None:
        kind, t = obj.get("kind"), obj.get("t")
        if kind not in LINE_EVENTS:
            raise FrameError(f"unknown line event {kind!r}")
        t = t if isinstance(t, int | float) and not isinstance(t, bool) else time.monotonic()
        emit = self._track(kind, obj, t)
        if emit is not None:
            self._emit(emit, t)
        if kind == "battery_lost":
            self._set_status(False, NO_BATTERY)
        elif kind == "battery_restored":
            self._set_status(True)

    def _track(self, kind: str, obj: dict, t: float) -> str | None:
        """Follow the line's state; the LineEvent kind to report, if any."""
        with self._state_lock:
            line = self._line
            if kind == "ring_begin":
                line.update(ringing=True, last_ring_t=t)
            elif kind == "ring_end":
                line["ringing"] = False
            elif kind == "polarity":
                if obj.get("polarity") not in ("normal", "reversed"):
                    raise FrameError(f"polarity must be normal or reversed: {obj!r}")
                line["polarity"] = obj["polarity"]
            elif kind in ("battery_lost", "battery_restored"):
                line.update(battery=kind == "battery_restored", ringing=False)
                if kind == "battery_lost":
                    line["loop_ma"] = 0
            else:
                ma, before = _number(obj.get("ma")), line["loop_ma"]
                line["loop_ma"] = ma
                if (before > 0) == (ma > 0):
                    return None
                return "loop_on" if ma > 0 else "loop_off"
        return kind


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
