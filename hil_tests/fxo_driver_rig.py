"""The box's FXO line driver on the emulator's exchange, without the rest of the box.

`DriverRig(rundir, settings)` opens the simulated board's FXO port (board/sim_fxo.py)
on a running emulator, exactly as the box does, and runs `FxoLine` on it on its own
event loop in a thread (the driver's pump reads the port every 20 ms). The test
thread calls the line's coroutines through `call(coro_fn, ...)`, reads the bus
events it published (`events`, `wait_event(kind)`), and plays the media bridge of a
connected call with `bridge()`: what the box hears from the line goes to `ear`
(tones and DTMF, hil_tests/pstn/dsp.py), and `mouth` is what it says.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from board.sim_fxo import SimFxoPort
from firmware.clock import SystemClock
from firmware.config.schema import FxoLineConfig
from firmware.events import EventBus
from firmware.lines.fxo import FxoLine
from hil_tests.pstn.dsp import FRAME_S, Analyzer, AudioSource
from hil_tests.pstn.testing import wait_for


class DriverRig:
    def __init__(self, rundir: Path, settings: FxoLineConfig | None = None,
                 name: str = "fxo0", port: Any = None):
        """`port`: the board port to run the line on (default: the sim board's FXO port on
        the exchange; a V.253 voice modem port for `sim-v253`)."""
        self.port = port or SimFxoPort(name, Path(rundir) / f"{name}.sock",
                                       backoff=(0.02, 0.2))
        self.bus = EventBus()
        self.events: list[Any] = []
        self.bus.subscribe(self._record)
        self.settings = settings or FxoLineConfig(name, number="+861062345678")
        self.loop = asyncio.new_event_loop()
        self.line: FxoLine | None = None
        self.ear = Analyzer("box-bridge")
        self.mouth = AudioSource()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="fxo-driver-loop")
        self._bridge: threading.Thread | None = None
        self._stop_bridge = threading.Event()

    def _record(self, event: Any) -> None:
        self.events.append((time.monotonic(), event))

    def __enter__(self) -> DriverRig:
        self.port.start()
        assert self.port.wait_ready(8), f"port not ready: {self.port.status().reason}"
        self._thread.start()
        self.line = FxoLine(self.port, self.bus, SystemClock(), settings=self.settings)
        self.call(self.line.start)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop_bridge.set()
        if self._bridge is not None:
            self._bridge.join(2)
        if self.line is not None:
            self.call(self.line.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(2)
        self.loop.close()
        self.port.stop()

    # --- the line, from the test's thread --------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float = 20.0) -> Any:
        """Run the coroutine `fn(*args)` on the driver's loop; its result."""
        future = asyncio.run_coroutine_threadsafe(fn(*args), self.loop)
        return future.result(timeout)

    def of(self, kind: type) -> list[Any]:
        return [e for _, e in list(self.events) if isinstance(e, kind)]

    def wait_event(self, kind: type, count: int = 1, timeout: float = 10.0,
                   where: Callable[[Any], bool] = lambda e: True) -> list[Any]:
        def found() -> list[Any]:
            hits = [e for e in self.of(kind) if where(e)]
            return hits if len(hits) >= count else []
        return wait_for(found, timeout, what=f"{count} x {kind.__name__}")

    def time_of(self, kind: type, where: Callable[[Any], bool] = lambda e: True) -> float:
        return next(t for t, e in list(self.events) if isinstance(e, kind) and where(e))

    # --- the media bridge of the connected call -----------------------------------

    def bridge(self) -> None:
        """Pump the connected call's audio as the media engine would, every 20 ms."""
        self._stop_bridge.clear()
        self._bridge = threading.Thread(target=self._pump, daemon=True, name="fxo-bridge")
        self._bridge.start()

    def say(self, hz: float, ms: int) -> float:
        from hil_tests.pstn.dsp import tone
        return self.mouth.queue(tone(hz, ms))

    def _pump(self) -> None:
        due = time.monotonic()
        while not self._stop_bridge.is_set():
            call = self.line.call if self.line is not None else None
            audio = call.audio if call is not None else None
            if audio is not None:
                while (frame := audio.read_frame()) is not None:
                    self.ear.feed(frame, time.monotonic())
                audio.write_frame(self.mouth.next_frame(due))
            due += FRAME_S
            self._stop_bridge.wait(max(0.0, due - time.monotonic()))
