"""A fake FXO port and a rig that runs an FxoLine on it with a fake clock, 20 ms a step.

`FakeFxoPort` offers the board's FXO port surface (board/base.py) and records
what the driver did: hook changes with their times (`hooks`), frames it sent
(`up`). The test plays the exchange: it queues frames the line will hear
(`play(pcm)`), a tone looped while nothing is queued (`tone`), and line events
(`emit`). `FxoRig.run(seconds)` / `run_until(cond)` advance the fake clock one
frame at a time, hand the port one received frame and call the line's `tick()`,
so nothing depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from board.base import LineEvent, LineStatus, PortInUse
from firmware.clock import FakeClock
from firmware.config.schema import FxoLineConfig
from firmware.events import EventBus
from firmware.lines.dsp import DtmfDetector
from firmware.lines.fxo import FxoLine
from tests.lines import signals as sig

FRAME = 320
SILENCE = bytes(FRAME)


class FakeAudio:
    def __init__(self) -> None:
        self.inbound: deque[bytes] = deque(maxlen=25)
        self.written: list[tuple[float, bytes]] = []
        self.clock: FakeClock | None = None

    def read_frame(self) -> bytes | None:
        return self.inbound.popleft() if self.inbound else None

    def write_frame(self, frame: bytes) -> None:
        assert len(frame) == FRAME
        self.written.append((self.clock.monotonic(), frame))


class FakeFxoPort:
    kind = "fxo"

    def __init__(self, clock: FakeClock, name: str = "fxo0", *, ring_edges: bool = True,
                 caller_id: str = "audio"):
        self.name, self.clock = name, clock
        self.ring_edges, self.caller_id = ring_edges, caller_id
        self.audio = FakeAudio()
        self.audio.clock = clock
        self.owner: str | None = None
        self.hook = "on"
        self.hooks: list[tuple[float, bool]] = []
        self.battery: bool | None = True
        self.polarity = "normal"
        self.ok = True
        self._event: Callable[[LineEvent], None] = lambda e: None
        self._status: Callable[[LineStatus], None] = lambda s: None

    def claim(self, owner: str) -> None:
        if self.owner not in (None, owner):
            raise PortInUse(f"port {self.name} is in use by {self.owner}")
        self.owner = owner

    def release(self, owner: str) -> None:
        self.owner = None

    def on_event(self, cb: Callable[[LineEvent], None]) -> None:
        self._event = cb

    def on_status(self, cb: Callable[[LineStatus], None]) -> None:
        self._status = cb

    def status(self) -> LineStatus:
        return LineStatus(self.name, self.ok, "" if self.ok else "no battery on the line")

    def hook_state(self) -> str:
        return self.hook

    def set_hook(self, offhook: bool) -> None:
        self.hook = "off" if offhook else "on"
        self.hooks.append((self.clock.monotonic(), offhook))

    def line_state(self) -> dict:
        return {"battery": self.battery, "polarity": self.polarity, "hook": self.hook}

    def emit(self, kind: str, detail: dict | None = None) -> None:
        """A line event now (on the test's thread, as a board thread would call it)."""
        if kind == "battery_lost":
            self.battery, self.ok = False, False
        elif kind == "battery_restored":
            self.battery, self.ok = True, True
        elif kind == "polarity":
            self.polarity = "reversed" if self.polarity == "normal" else "normal"
        self._event(LineEvent(kind, self.clock.monotonic(), self.name,
                              json.dumps(detail) if detail is not None else ""))
        if kind.startswith("battery"):
            self._status(self.status())

    def sent_digits(self, since: float = 0.0) -> str:
        detector = DtmfDetector()
        digits = []
        for t, frame in self.audio.written:
            if t >= since:
                digits += [d for d, _ in detector.feed(frame, t)]
        return "".join(digits)


class FxoRig:
    """An FxoLine on a FakeFxoPort, with its bus events recorded."""

    def __init__(self, profile: str = "cn", disconnect: str | None = None, **port_options):
        self.clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
        self.bus = EventBus()
        self.events: list = []
        self.bus.subscribe(self.events.append)
        self.port = FakeFxoPort(self.clock, **port_options)
        settings = FxoLineConfig("fxo0", number="01062345678", profile=profile,
                                 disconnect=disconnect)
        self.line = FxoLine(self.port, self.bus, self.clock, settings=settings, autopump=False)
        self.down: deque[bytes] = deque()
        self.tone: Iterator[bytes] | None = None
        self.stop_tone_on_digit = False

    async def __aenter__(self) -> FxoRig:
        await self.line.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.line.stop()

    @property
    def now(self) -> float:
        return self.clock.monotonic()

    def play(self, pcm: bytes) -> None:
        self.down.extend(pcm[i:i + FRAME] for i in range(0, len(pcm), FRAME))

    def loop_tone(self, pcm: bytes | None, until_digit: bool = False) -> None:
        """Loop `pcm` while nothing else is queued (None: silence); `until_digit`: stop
        it when the box sends its first non-silent frame (an exchange's dial tone)."""
        frames = [pcm[i:i + FRAME] for i in range(0, len(pcm), FRAME)] if pcm else None
        self.tone = itertools.cycle(frames) if frames else None
        self.stop_tone_on_digit = until_digit

    async def step(self) -> None:
        if self.stop_tone_on_digit and any(f != SILENCE for _, f in self.port.audio.written[-2:]):
            self.tone, self.stop_tone_on_digit = None, False
        frame = self.down.popleft() if self.down else next(self.tone) if self.tone else SILENCE
        self.port.audio.inbound.append(frame)
        self.clock.advance(0.02)
        self.line.tick()
        for _ in range(3):
            await asyncio.sleep(0)

    async def run(self, seconds: float) -> None:
        for _ in range(round(seconds / 0.02)):
            await self.step()

    async def run_until(self, condition: Callable[[], object], limit: float = 30.0) -> object:
        for _ in range(round(limit / 0.02)):
            value = condition()
            if value:
                return value
            await self.step()
        raise AssertionError(f"not within {limit} s of line time")

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    async def ring(self, on_s: float = 1.0) -> None:
        self.port.emit("ring_begin")
        await self.run(on_s)
        self.port.emit("ring_end")


def tone_pcm(freqs: tuple[float, ...], cadence: tuple[float, ...] = (), seconds: float = 1.0,
             dbm0: float = -15.0) -> bytes:
    parts = [(hz, sig.amplitude(dbm0)) for hz in freqs]
    if not cadence:
        return sig.pcm(sig.sines(parts, seconds))
    return sig.pcm(sig.cadence(parts, cadence, seconds))
