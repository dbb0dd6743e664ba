"""The box's side of an analog line in tests: the sim board's FXO port, and ears.

`FxoRig(rundir)` opens the simulated board's FXO port (board/sim_fxo.py) on a
running emulator's exchange, exactly as the box does, and pumps its audio at
20 ms: every frame from the line goes to `onhook_ear` and `cid` (an on-hook
port: DTMF and Bell 202 caller ID, decoded by hil_tests/pstn/dsp.py) or to
`ear` (off hook: tones and DTMF), and one frame from `mouth` goes back. Line
events are kept with their times (`events`, `times(kind)`).
"""

from __future__ import annotations

import math
import operator
import threading
import time
from array import array
from pathlib import Path

from board.base import LineEvent
from board.sim_fxo import SimFxoPort
from hil_tests.pstn.dsp import (
    FRAME_S,
    Analyzer,
    AudioSource,
    CallerIdReceiver,
    dtmf_tones,
    silence,
    tone,
)
from hil_tests.pstn.testing import wait_for


class FxoRig:
    def __init__(self, rundir: Path, name: str = "fxo0"):
        self.port = SimFxoPort(name, Path(rundir) / f"{name}.sock", backoff=(0.02, 0.2))
        self.events: list[LineEvent] = []
        self.port.on_event(self.events.append)
        self.ear = Analyzer("box-ear")
        self.onhook_ear = Analyzer("box-onhook")
        self.cid = CallerIdReceiver()
        self.caller_ids: list[dict] = []
        self.mouth = AudioSource()
        self.levels: list[tuple[float, float]] = []  # (t, RMS) of every frame heard
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fxo-rig")

    def __enter__(self) -> FxoRig:
        self.port.start()
        assert self.port.wait_ready(5), f"no link: {self.port.link.last_error}"
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.port.stop()

    # --- what the box does -----------------------------------------------------

    def seize(self) -> None:
        self.ear.reset()
        self.port.set_hook(True)

    def release(self) -> None:
        self.port.set_hook(False)

    def dial(self, digits: str) -> float:
        return self.mouth.queue(dtmf_tones(digits, on_ms=80, off_ms=80) + silence(20))

    def say(self, hz: float, ms: int) -> float:
        return self.mouth.queue(tone(hz, ms))

    # --- what it saw -------------------------------------------------------------

    def times(self, kind: str) -> list[float]:
        return [e.t for e in list(self.events) if e.kind == kind]

    def wait_event(self, kind: str, count: int = 1, timeout: float = 10.0) -> list[float]:
        return wait_for(lambda: len(self.times(kind)) >= count and self.times(kind), timeout,
                        what=f"{count} x {kind}")

    def tones(self, hz: float | None = None) -> list[dict]:
        return [t for t in self.ear.heard()["tones"] if hz is None or t["hz"] == hz]

    def wait_tone(self, hz: float, count: int = 1, timeout: float = 10.0,
                  since: float = 0.0) -> list[dict]:
        def heard() -> list[dict]:
            found = [t for t in self.tones(hz) if t["t_start"] >= since]
            return found if len(found) >= count else []

        return wait_for(heard, timeout, what=f"{count} x {hz} Hz heard by the box")

    def rms_since(self, t0: float) -> float:
        levels = [rms for t, rms in list(self.levels) if t >= t0]
        return sum(levels) / len(levels) if levels else 0.0

    # --- the pump ----------------------------------------------------------------

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            while (frame := self.port.audio.read_frame()) is not None:
                self._hear(frame, time.monotonic())
            self.port.audio.write_frame(self.mouth.next_frame(due))
            due += FRAME_S
            self._stop.wait(max(0.0, due - time.monotonic()))

    def _hear(self, frame: bytes, t: float) -> None:
        samples = array("h", frame)
        self.levels.append((t, math.sqrt(sum(map(operator.mul, samples, samples)) / 160)))
        if self.port.hook_state() == "off":
            self.ear.feed(frame, t)
            return
        self.onhook_ear.feed(frame, t)
        self.caller_ids += self.cid.feed(frame, t)
