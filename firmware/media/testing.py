"""A fake line device with its own 20 ms clock, and tone analysis, for tests and benches.

`PacedDevice` is a board.base.AudioPort the way a modem or an FXS channel is
one: a thread ticks every 20 ms (monotonic schedule) and on each tick makes one
uplink frame available (from `source(n)`, or a frame `inject()`ed ahead of it)
and plays one frame of what the engine wrote (FIFO, nothing if empty). It
records, with monotonic timestamps, when each uplink frame became available
(`produced`), when the engine wrote each frame (`written`) and when the device
played it (`played`), so a test or a bench measures cadence and latency
without sleeping. Both AudioPort calls are non-blocking and thread-safe.

`tone_frame`, `power_at` (a Goertzel single-bin power) and `tone_share` make
and check test tones.
"""

from __future__ import annotations

import math
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from board.base import FRAME_BYTES, FRAME_SAMPLES

RATE = 8000
FRAME_S = FRAME_SAMPLES / RATE
SILENT = bytes(FRAME_BYTES)

Source = Callable[[int], bytes | None]


def tone_frame(hz: float, index: int = 0, amplitude: int = 8000) -> bytes:
    """Frame number `index` of a continuous sine at `hz` (phase runs on across frames)."""
    start = index * FRAME_SAMPLES
    return struct.pack(f"<{FRAME_SAMPLES}h", *(
        round(amplitude * math.sin(2 * math.pi * hz * (start + i) / RATE))
        for i in range(FRAME_SAMPLES)))


def samples(pcm: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(pcm) // 2}h", pcm)


def power_at(pcm: bytes, hz: float) -> float:
    """Goertzel power of `pcm` at `hz`, scaled so a pure sine gives ~its mean square."""
    values = samples(pcm)
    coeff = 2 * math.cos(2 * math.pi * hz / RATE)
    s1 = s2 = 0.0
    for x in values:
        s1, s2 = x + coeff * s1 - s2, s1
    return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (len(values) ** 2)


def energy(pcm: bytes) -> float:
    """Mean square of the samples."""
    values = samples(pcm)
    return sum(x * x for x in values) / max(len(values), 1)


def tone_share(pcm: bytes, *freqs: float) -> float:
    """Which part of the signal's energy the frequencies carry (0..~1); 0 for silence."""
    total = energy(pcm)
    if total < 100.0:
        return 0.0
    return sum(power_at(pcm, hz) for hz in freqs) / total


@dataclass
class Stamp:
    t: float
    frame: bytes


class PacedDevice:
    """A fake line device (see the module docstring). start() / stop() its clock."""

    def __init__(self, name: str, source: Source | None = None, *, depth: int = 50,
                 phase: float = 0.0):
        self.name = name
        self.source = source
        self.phase = phase  # seconds the clock starts after start() (to vary alignment)
        self.produced: list[Stamp] = []
        self.written: list[Stamp] = []
        self.played: list[Stamp] = []
        self.reads = 0
        self._uplink: deque[bytes] = deque(maxlen=depth)
        self._downlink: deque[Stamp] = deque()
        self._injected: deque[bytes] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ticks = 0

    # --- AudioPort -------------------------------------------------------

    def read_frame(self) -> bytes | None:
        self.reads += 1
        try:
            return self._uplink.popleft()
        except IndexError:
            return None

    def write_frame(self, frame: bytes) -> None:
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"{self.name}: frame of {len(frame)} bytes")
        stamp = Stamp(time.monotonic(), bytes(frame))
        self.written.append(stamp)
        self._downlink.append(stamp)

    # --- test verbs ------------------------------------------------------------

    def inject(self, *frames: bytes) -> None:
        """Send these frames next, one per tick, ahead of the source."""
        self._injected.extend(frames)

    def burst(self, *frames: bytes) -> None:
        """Make these frames available at once, as a USB device sometimes does."""
        now = time.monotonic()
        for frame in frames:
            self.produced.append(Stamp(now, frame))
            self._uplink.append(frame)

    def start(self) -> PacedDevice:
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        due = time.monotonic() + self.phase
        while not self._stop.is_set():
            delay = due - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                return
            self._tick()
            due += FRAME_S
            if time.monotonic() - due > 10 * FRAME_S:  # starved for 200 ms: resync
                due = time.monotonic()

    def _tick(self) -> None:
        now = time.monotonic()
        frame = self._injected.popleft() if self._injected else None
        if frame is None and self.source is not None:
            frame = self.source(self._ticks)
        self._ticks += 1
        if frame is not None:
            self.produced.append(Stamp(now, frame))
            self._uplink.append(frame)
        if self._downlink:
            self.played.append(Stamp(now, self._downlink.popleft().frame))
