"""Conference-bridge ports the engine creates: a line's audio port, a PCM source.

How the bridge drives them (pjmedia conference.c, pjsua2 media.cpp, checked by
tests/media): the null sound device's clock thread, named "clock", ticks every
20 ms. Each tick it (1) applies queued connect/disconnect/remove operations,
(2) asks every port that has listeners for one frame (`onFrameRequested`),
(3) mixes, and (4) hands every port its mix (`onFrameReceived`; a NONE frame of
size 0 when nothing transmits to the port). A frame read from port A in step 2
reaches port B in step 4 of the same tick: the bridge itself adds no frame of
buffering between ports that run at its own rate and frame size (8 kHz,
20 ms), which is why every port here is created at exactly that format.

Downlink (bridge -> device): while something transmits to the slot its
device gets one frame per tick (the mix); while nothing does it gets nothing,
and plays its own silence (the GSM serial port's pacer, a voice modem, the emulator
all do).

So every callback below runs on the clock thread, not the event loop. They
touch only thread-safe things (the AudioPort's non-blocking calls, deque and
int counters, one small lock) and never raise: a Python exception escaping a
SWIG director callback terminates the process. Failures are counted in
`SlotCounters.errors` and the first of each kind is logged.

Uplink timing (device -> bridge) in `LinePort`: the device keeps its own
20 ms clock, the bridge another. Whatever the device queued is pulled on every
tick, also while nobody listens (then it is thrown away as `unheard`, so no
stale audio waits in the device queue for the next connection). While the slot
is a source, one frame goes to the bridge per tick and the rest wait in a small
backlog; a backlog that never emptied during a whole second is standing
delay (drift, or a burst that never drained), and is dropped (`dropped`).

Jitter: with no backlog a frame waits 0-20 ms for its tick, depending on the
phase between the two clocks, and a device frame that comes a few ms late
(a USB transfer, a busy CPU) misses its tick: the bridge gets silence (an
underrun, a click in the call) and the late frame then waits for the next
tick, so the stream runs one frame later from there on. A port that never
had an underrun keeps no cushion (the lowest delay); after an underrun in the
middle of a stream the port keeps that one frame of backlog as a cushion (the
trim leaves it), so jitter up to 20 ms no longer breaks the audio. A cushion
not touched for CUSHION_DECAY_S is given back (one frame dropped).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

import pjsua2 as pj

from board.base import FRAME_BYTES, AudioPort
from board.realtime import audio_thread
from firmware.media._pj import NONE, FrameBuffers

log = logging.getLogger(__name__)

SILENCE = bytes(FRAME_BYTES)
TICK_S = 0.02  # the bridge's clock
TRIM_WINDOW_TICKS = 50  # 1 s: a backlog that never emptied this long is dropped
MAX_BACKLOG = 10  # 200 ms: hard cap on uplink frames waiting for the bridge
MAX_PULL = 50  # frames read from a device in one tick (guards a runaway device)
MAX_CUSHION = 1  # frames kept against jitter after an underrun (20 ms more delay)
CUSHION_DECAY_S = 60  # a cushion the device never needed this long is given back
LATE_S = 0.05  # 2.5 frames between ticks: a frame came too late for the device to play
STALLS_KEPT = 50  # the last stalls of each port, for `status` and the benchmarks

FrameTap = Callable[[bytes, float], None]


@dataclass
class SlotCounters:
    """What one slot's port did; written on the clock thread, read anywhere."""

    frames_in: int = 0  # frames read from the device (each one seen by on_frame)
    frames_out: int = 0  # frames written to the device
    underruns: int = 0  # the bridge wanted a frame and the device had none: silence sent
    dropped: int = 0  # uplink frames dropped to cut a standing backlog
    unheard: int = 0  # uplink frames read while nothing listened to the slot
    errors: int = 0  # device, tap or callback failures (the first of each kind is logged)
    cushions: int = 0  # times an underrun mid-stream made the port keep a frame of cushion
    late_ticks: int = 0  # bridge ticks more than LATE_S after the one before: audio stalled
    max_tick_gap_ms: float = 0.0  # the longest time between two bridge ticks to this port

    def snapshot(self) -> SlotCounters:
        return replace(self)


@dataclass(frozen=True)
class Stall:
    """Audio this port's device missed: the bridge's clock ticked late (`late`: no
    frame for `ms`), or the slot was a source and its device had no frame for
    `ms` of consecutive ticks (`underrun`: silence went into the call instead).
    `t` is time.monotonic() when it ended (one clock for every process here)."""

    t: float
    kind: str
    ms: float


def audio_format(clock_rate: int, ptime_ms: int) -> pj.MediaFormatAudio:
    """16-bit mono PCM at the bridge's own rate and frame time (no buffering)."""
    fmt = pj.MediaFormatAudio()
    fmt.init(pj.PJMEDIA_FORMAT_PCM, clock_rate, 1, ptime_ms * 1000, 16)
    return fmt


class _Guarded:
    """Counting and logging-once for callbacks that must never raise into C."""

    name: str
    counters: SlotCounters

    def _init_guard(self) -> None:
        self._logged: set[str] = set()

    def _fault(self, what: str) -> None:
        self.counters.errors += 1
        if what not in self._logged:
            self._logged.add(what)
            # the traceback as text: a record holding the exception would hold its
            # frames, and with them this port, past the engine's stop
            log.error("media port %s: %s failed (counted from now on, not logged)\n%s",
                      self.name, what, traceback.format_exc().rstrip())


class LinePort(pj.AudioMediaPort, _Guarded):
    """A board AudioPort (GSM serial audio, an FXS/FXO channel) in the bridge."""

    def __init__(self, name: str, audio: AudioPort, on_frame: FrameTap | None,
                 buffers: FrameBuffers):
        pj.AudioMediaPort.__init__(self)
        self._init_guard()
        self.name = name
        self.counters = SlotCounters()
        self.closed = False
        self._audio = audio
        self._on_frame = on_frame
        self._buffers = buffers
        self._backlog: deque[bytes] = deque()
        self._requested = False
        self._window_ticks = 0
        self._window_min = MAX_BACKLOG
        self._last_tick: float | None = None
        self._underrun_since: float | None = None
        self._asked_realtime = False  # asked for the clock thread's real-time priority
        self._flowing = False  # the last tick had a device frame for the bridge
        self.cushion = 0  # frames of backlog the trim keeps (see the module docstring)
        self._cushion_idle = 0  # whole trim windows in which the cushion was not needed
        self.stalls: deque[Stall] = deque(maxlen=STALLS_KEPT)

    # --- bridge callbacks (clock thread) ----------------------------------

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        try:
            if not self._asked_realtime:
                self._asked_realtime = True
                audio_thread("the bridge's clock")
            self._requested = True
            self._buffers.fill(frame, SILENCE if self.closed else self._uplink())
        except BaseException:  # never into C: see the module docstring
            self._fault("uplink")
            try:
                self._buffers.fill(frame, SILENCE)
            except BaseException:
                pass

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        try:
            if self.closed:
                return
            self._clock(time.monotonic())
            if frame.type != NONE and frame.size == FRAME_BYTES:
                self._write(self._buffers.read(frame))
            if not self._requested:
                self._drain()
            self._requested = False
        except BaseException:  # never into C
            self._fault("downlink")

    def _clock(self, now: float) -> None:
        """Every tick reaches every port: a long wait between two is a stall of the
        bridge's clock thread (it is late, or waits for the GIL)."""
        last, self._last_tick = self._last_tick, now
        if last is None:
            return
        gap = now - last
        if gap > self.counters.max_tick_gap_ms / 1000:
            self.counters.max_tick_gap_ms = round(gap * 1000, 1)
        if gap > LATE_S:
            self.counters.late_ticks += 1
            self.stalls.append(Stall(now, "late", round(gap * 1000, 1)))

    # --- uplink: device -> bridge -------------------------------------------

    def _uplink(self) -> bytes:
        self._pull()
        now = time.monotonic()
        if self._backlog:
            pcm = self._backlog.popleft()
            self._flowing = True
            if self._underrun_since is not None:
                ms = round((now - self._underrun_since) * 1000, 1)
                self.stalls.append(Stall(now, "underrun", ms))
                self._underrun_since = None
        else:
            self.counters.underruns += 1
            if self._flowing and self.cushion < MAX_CUSHION:
                self.cushion += 1
                self.counters.cushions += 1
            self._flowing = False
            if self._underrun_since is None:
                self._underrun_since = now
            pcm = SILENCE
        self._trim()
        return pcm

    def _pull(self) -> None:
        now = time.monotonic()
        for _ in range(MAX_PULL):
            try:
                frame = self._audio.read_frame()
            except Exception:
                self._fault("read_frame")
                return
            if frame is None:
                return
            if len(frame) != FRAME_BYTES:
                self._fault(f"read_frame gave {len(frame)} bytes, not {FRAME_BYTES}")
                continue
            frame = bytes(frame)  # a bytearray or memoryview would change under us
            self.counters.frames_in += 1
            self._tap(frame, now)
            self._backlog.append(frame)
        while len(self._backlog) > MAX_BACKLOG:
            self._backlog.popleft()
            self.counters.dropped += 1

    def _tap(self, frame: bytes, now: float) -> None:
        if self._on_frame is None:
            return
        try:
            self._on_frame(frame, now)
        except Exception:
            self._fault("on_frame")

    def _trim(self) -> None:
        self._window_min = min(self._window_min, len(self._backlog))
        self._window_ticks += 1
        if self._window_ticks < TRIM_WINDOW_TICKS:
            return
        excess = self._window_min - self.cushion
        if self.cushion and self._window_min >= self.cushion:
            self._cushion_idle += 1
            if self._cushion_idle * TRIM_WINDOW_TICKS * TICK_S >= CUSHION_DECAY_S:
                self.cushion, self._cushion_idle = self.cushion - 1, 0
                excess += 1
        else:
            self._cushion_idle = 0
        for _ in range(min(max(excess, 0), len(self._backlog))):
            self._backlog.popleft()
            self.counters.dropped += 1
        self._window_ticks, self._window_min = 0, MAX_BACKLOG

    def _drain(self) -> None:
        self._underrun_since = None  # nobody listened: nothing was missed
        self._flowing = False
        self._pull()
        self.counters.unheard += len(self._backlog)
        self._backlog.clear()
        self._window_ticks, self._window_min = 0, MAX_BACKLOG

    # --- downlink: bridge -> device -------------------------------------------

    def _write(self, pcm: bytes) -> None:
        try:
            self._audio.write_frame(pcm)
        except Exception:
            self._fault("write_frame")
            return
        self.counters.frames_out += 1


class PcmSource(pj.AudioMediaPort, _Guarded):
    """Plays a prepared 8 kHz s16le buffer into the bridge, once or in a loop."""

    def __init__(self, name: str, buffers: FrameBuffers):
        pj.AudioMediaPort.__init__(self)
        self._init_guard()
        self.name = name
        self.counters = SlotCounters()
        self._buffers = buffers
        self._lock = threading.Lock()
        self._pcm = b""
        self._pos = 0
        self._loop = False
        self.finished = True

    def load(self, pcm: bytes, loop: bool) -> None:
        """Start `pcm` from its beginning (a short last frame is padded with silence)."""
        padded = bytes(pcm) + bytes(-len(pcm) % FRAME_BYTES)
        with self._lock:
            self._pcm, self._pos, self._loop = padded, 0, loop
            self.finished = not padded

    def clear(self) -> None:
        with self._lock:
            self._pcm, self._pos, self.finished = b"", 0, True

    def _next(self) -> bytes | None:
        with self._lock:
            if self._pos >= len(self._pcm) and self._loop and self._pcm:
                self._pos = 0
            if self._pos >= len(self._pcm):
                self.finished = True
                return None
            chunk = self._pcm[self._pos:self._pos + FRAME_BYTES]
            self._pos += FRAME_BYTES
            return chunk

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        try:
            chunk = self._next()
            if chunk is None:
                frame.type, frame.size = NONE, 0
            else:
                self._buffers.fill(frame, chunk)
                self.counters.frames_out += 1
        except BaseException:  # never into C
            self._fault("pcm playback")

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        return None  # a source only: nothing is ever transmitted to it
