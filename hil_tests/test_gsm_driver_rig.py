"""The GSM driver wired to a running PSTN emulator, for the test_gsm_driver* tests.

`GsmRig(emu)` runs a real `GsmLine` on its own event loop in a background
thread (as the box does), pointed at the emulator's first modem through the
board's modem-directory scan, so an unplug and replug is seen exactly as on
the Pi. Tests stay synchronous: `rig.run(coro)` runs a driver call on the
loop, `rig.wait_event(kind, **fields)` and `rig.wait_status(state)` poll what
the line published, and the emulator's control client is `rig.client`.
This module holds no tests itself.
"""

from __future__ import annotations

import asyncio
import cmath
import math
import threading
from typing import Any

from board.modems import modem_from_dir
from firmware.events import EventBus
from firmware.lines.gsm import GsmLine, GsmStatusChanged
from hil_tests.pstn.testing import FAST, wait_for

CALLER = "+8613911112222"
# Emulator timings for driver tests: fast rings and setup, quick resets.
TIMINGS = {**FAST, "ring_period_s": 0.3}
LINE_OPTIONS = {"poll_interval": 0.5, "ring_gap": 1.5}


class GsmRig:
    """One GsmLine on its own loop thread, attached to `emu`'s first modem."""

    def __init__(self, emu: Any, **line_options: Any):
        self.emu, self.client = emu, emu.client
        self.mid = emu.modems[0]
        self.number = self.client.modem(self.mid)["number"]
        self.events: list[Any] = []
        self.bus = EventBus()
        self.bus.subscribe(self.events.append)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="gsm-rig-loop")
        self._thread.start()
        options = {**LINE_OPTIONS, **line_options}
        self.line: GsmLine = self.run(self._make_line(options))

    async def _make_line(self, options: dict) -> GsmLine:
        return GsmLine("gsm0", self.ports, self.bus, **options)

    def ports(self):
        """The modem's ports as the board sees them now (None while unplugged)."""
        return modem_from_dir(self.emu.modem_dir(), "huawei_e1550")

    def run(self, coro: Any, timeout: float = 30.0) -> Any:
        """Run a coroutine on the line's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> GsmRig:
        self.run(self.line.start())
        return self

    def close(self) -> None:
        try:
            self.run(self.line.stop())
        except TimeoutError:
            _dump_stacks(self.loop)
            raise
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()

    def __enter__(self) -> GsmRig:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- waiting -------------------------------------------------------------

    def mark(self) -> int:
        """Where the event list ends now: pass as `since` to look at newer events."""
        return len(self.events)

    def wait_event(self, kind: type, timeout: float = 10.0, since: int = 0, **fields: Any) -> Any:
        """The first event of `kind` (from index `since`) whose fields equal `fields`."""

        def found():
            for event in self.events[since:]:
                if isinstance(event, kind) and all(
                        getattr(event, k) == v for k, v in fields.items()):
                    return event
            return None

        return wait_for(found, timeout, what=f"{kind.__name__} {fields}")

    def wait_status(self, state: str, timeout: float = 10.0, since: int = 0, **fields: Any):
        """The first published status in `state` (with `fields`) from index `since`."""
        return self.wait_event(GsmStatusChanged, timeout, since,
                               status=_Matches(state=state, **fields)).status

    def states(self, since: int = 0) -> list[str]:
        """The states published from index `since`, repeats folded."""
        out: list[str] = []
        for e in self.events[since:]:
            if isinstance(e, GsmStatusChanged) and (not out or out[-1] != e.status.state):
                out.append(e.status.state)
        return out

    def ready(self, timeout: float = 10.0) -> None:
        wait_for(lambda: self.line.status.state == "ready", timeout, what="line ready")

    def emulator_call(self, direction: str, timeout: float = 5.0) -> dict:
        """The live emulator call of `direction` ("to_box" / "from_box")."""
        return wait_for(lambda: next((c for c in self.client.calls()
                                      if c["direction"] == direction and c["state"] != "ended"),
                                     None), timeout, what=f"a {direction} call")


def _dump_stacks(loop: asyncio.AbstractEventLoop) -> None:
    """Print where every task and thread is (a stop that hangs is a bug to locate)."""
    import faulthandler
    import sys

    for task in asyncio.all_tasks(loop):
        task.print_stack(file=sys.stderr)
    faulthandler.dump_traceback(file=sys.stderr)


class _Matches:
    """Equal to any object whose named attributes have these values."""

    def __init__(self, **fields: Any):
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        return all(getattr(other, k, None) == v for k, v in self.fields.items())

    __hash__ = None  # type: ignore[assignment]


# --- audio helpers ---------------------------------------------------------


def tone_frames(hz: float, ms: int, amplitude: int = 8000) -> list[bytes]:
    """A sine tone as 20 ms s16le frames."""
    frames = []
    for f in range(ms // 20):
        samples = (int(amplitude * math.sin(2 * math.pi * hz * (f * 160 + i) / 8000))
                   for i in range(160))
        frames.append(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return frames


def tone_share(frame: bytes, hz: float) -> float:
    """The share of the frame's energy at `hz` (single-bin DFT): ~1 for a pure tone."""
    samples = [int.from_bytes(frame[i:i + 2], "little", signed=True)
               for i in range(0, len(frame), 2)]
    energy = sum(s * s for s in samples)
    if energy < len(samples) * 100:
        return 0.0
    w = -2j * math.pi * hz / 8000
    x = sum(s * cmath.exp(w * n) for n, s in enumerate(samples))
    return 2 * abs(x) ** 2 / (len(samples) * energy)
