"""MediaEngine: the pjsua2 Endpoint, its conference bridge, and the event loop pump.

Wiring (DESIGN.md "Threads and the event loop"): `start()` runs on the box's
asyncio loop and creates the one pjsua2 Endpoint of the process with
`threadCnt = 0` and `mainThreadOnly = True`, so pjsua2 never calls Python on a
SIP worker thread. A task on the loop then pumps `libHandleEvents(0)` every
~10 ms; it never blocks. Every engine method must be called on that loop's
thread (pjlib aborts the process on a call from a thread it does not know, so
the engine checks and raises WrongThread instead).

The one exception is the conference bridge. It is clocked by the null sound
device (no sound card on the box or in CI): pjmedia's thread "clock" ticks
every 20 ms and calls the ports' frame callbacks (ports.py). The engine's own
bookkeeping (slots, connections, playbacks) lives on the loop only.

Bridge ports are removed asynchronously by pjmedia (on its next tick) but freed
synchronously by pjsua2's destructors, so the engine never just drops one: it
asks the bridge to remove the port, keeps the Python object in `_retired`, and
drops it once the slot is gone from the bridge (`_sweep`, run by the pump and
before anything adds a port, so a freed slot number cannot be reused under a
retiring object). `stop()` waits for that before `libDestroy()`: no pjsua2
object outlives the library.

What this pjsua2 build (pip wheel 2.15.1) does, found out and covered by
tests/media:
- Frame callbacks run on pjmedia's "clock" thread (the null device's master
  port clock); nothing else calls Python off the loop (pjsip log lines aside).
- A second `pj.Endpoint()` while one exists throws a C++ error out of the
  constructor, which terminates the process: hence the Python-level guard
  (EngineAlreadyRunning) before pjsua2 is touched.
- libDestroy() then libCreate() in the same process works (same or new
  Endpoint object): the engine restarts in-process.
- pjlib assertions are compiled in: a port destructor after libDestroy()
  (`pjmedia_conf_remove_port` on a dead bridge) aborts the process. Objects
  still referenced elsewhere at stop are therefore leaked, not destroyed.
- libDestroy(0) waits ~1 s for SIP traffic to end; with no SIP transport the
  engine passes PJSUA_DESTROY_NO_NETWORK (~10 ms).
- uaConfig.maxCalls is clamped to the build's PJSUA_MAX_CALLS (4 here); the
  engine asks for 1024 and reads the effective value back.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

import pjsua2 as pj

from board.base import AudioPort
from firmware.media import tones
from firmware.media._pj import FrameBuffers, LogWriter, Native
from firmware.media.clips import Clip, ClipSource, check_clips
from firmware.media.errors import (
    EngineAlreadyRunning,
    EngineNotRunning,
    MediaError,
    SlotGone,
    WrongThread,
)
from firmware.media.ports import (
    STALLS_KEPT,
    FrameTap,
    LinePort,
    PcmSource,
    SlotCounters,
    Stall,
    audio_format,
)
from firmware.media.recorder import RecorderMixin
from firmware.media.slots import Playback, PlaybackKind, Slot

log = logging.getLogger(__name__)

CLOCK_RATE = 8000
PTIME_MS = 20
PUMP_INTERVAL = 0.01
STOP_TIMEOUT = 2.0
WANT_SIP_CALLS = 1024  # pjsua clamps this to its compile-time PJSUA_MAX_CALLS

_holder: str | None = None  # the engine that owns this process's Endpoint
_holder_lock = threading.Lock()


def _claim(name: str) -> None:
    global _holder
    with _holder_lock:
        if _holder is not None:
            raise EngineAlreadyRunning(_holder)
        _holder = name


def _release() -> None:
    global _holder
    with _holder_lock:
        _holder = None


def _pj_failure(what: str, exc: Exception) -> MediaError:
    reason = exc.info() if isinstance(exc, pj.Error) else str(exc)
    return MediaError(f"{what}: {reason}")


class MediaEngine(RecorderMixin):
    """The conference bridge of the box; see the package docstring for the API."""

    def __init__(self, *, name: str = "media", tone_plan: str = "cn",
                 sip_calls: int = WANT_SIP_CALLS, pj_log_level: int = 2):
        tones.find_tone(tone_plan, "dial")  # refuse an unknown plan now, not mid-call
        self.name = name
        self.tone_plan = tone_plan
        self.max_sip_calls = 0  # the effective limit, known after start()
        self._want_calls = sip_calls
        self._pj_log_level = pj_log_level
        self._ep: pj.Endpoint | None = None
        self._writer: LogWriter | None = None
        self._native: Native | None = None
        self._buffers: FrameBuffers | None = None
        self._thread: int | None = None
        self._pump_task: asyncio.Task | None = None
        self._slots: dict[str, Slot] = {}
        self._wanted: dict[int, set[int]] = {}  # source port id -> sink port ids
        self._retired: list[tuple[int, object]] = []
        self._made: weakref.WeakSet = weakref.WeakSet()  # every bridge port object made
        self._max_ports = 0
        self._pump_errors = 0
        self._ended = SlotCounters()  # the counters of every slot detached so far, summed
        self._ended_stalls: deque[tuple[str, Stall]] = deque(maxlen=STALLS_KEPT)

    # --- life cycle -----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._ep is not None

    async def start(self) -> None:
        """Create the Endpoint on this loop's thread and start pumping it."""
        if self.running:
            raise MediaError(f"media engine {self.name} is already started")
        _claim(f"{self.name} (started on thread {threading.current_thread().name})")
        try:
            self._create()
        except BaseException:
            self._destroy()
            raise
        self._pump_task = asyncio.get_running_loop().create_task(
            self._pump(), name=f"{self.name}-pump")
        atexit.register(self._at_exit)

    async def stop(self) -> None:
        """Detach every slot, wait until the bridge let them go, destroy the library."""
        if not self.running:
            return
        self._check()
        if self._pump_task is not None:
            self._pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump_task
            self._pump_task = None
        for slot in list(self._slots.values()):
            self._detach(slot)
        self._stop_recorders()
        await self._drain_retired()
        self._destroy()

    def _at_exit(self) -> None:
        """Last resort when the program exits without stop(): pjsua2 objects destroyed
        by the interpreter's teardown, after the library, abort the process."""
        if not self.running:
            return
        log.warning("media engine %s still running at exit: stopping it now", self.name)
        if threading.get_ident() != self._thread:
            log.error("media engine %s: exit on another thread; cannot stop it", self.name)
            return
        for slot in list(self._slots.values()):
            self._detach(slot)
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._retired and time.monotonic() < deadline:
            self._sweep()
            time.sleep(PUMP_INTERVAL)  # the loop is gone: wait for the bridge's clock
        self._destroy()

    def _create(self) -> None:
        self._native = Native()
        self._native.set_log_level(0)  # quiet until our LogWriter is installed
        self._buffers = FrameBuffers()
        self._writer = LogWriter()
        self._thread = threading.get_ident()
        try:
            self._ep = pj.Endpoint()
            self._ep.libCreate()
            self._ep.libInit(self._config())
            self._ep.audDevManager().setNullDev()
            self._ep.libStart()
        except pj.Error as exc:
            raise _pj_failure(f"media engine {self.name} failed to start", exc) from None
        self._max_ports = self._ep.mediaMaxPorts()
        self.max_sip_calls = self._native.max_calls()
        log.info("media engine %s: pjsua2 %s, bridge %d Hz %d ms frames, null sound device, "
                 "%d conference ports, max SIP calls %d", self.name, self._ep.libVersion().full,
                 CLOCK_RATE, PTIME_MS, self._max_ports, self.max_sip_calls)

    def _config(self) -> pj.EpConfig:
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = self._want_calls
        for key, value in self.settings().items():
            setattr(cfg.medConfig, key, value)
        cfg.logConfig.level = self._pj_log_level
        cfg.logConfig.consoleLevel = self._pj_log_level
        cfg.logConfig.msgLogging = False
        cfg.logConfig.decor = pj.PJ_LOG_HAS_SENDER
        cfg.logConfig.writer = self._writer
        return cfg

    @staticmethod
    def settings() -> dict[str, int | bool]:
        """The pjsua2 MediaConfig the engine sets, and why (for logs and benchmarks).

        clockRate/sndClockRate 8 kHz: every line is narrowband, nothing resamples.
        audioFramePtime 20 ms: the bridge's frame = the lines' frame, so no port
        gets an rx/tx buffer. sndAutoCloseTime -1: the null device (the bridge's
        clock) never stops, so idle lines are drained and removals complete.
        ecTailLen 0: no echo canceller. ptime, noVad and the jitter buffer
        (jb*, ms) apply to SIP legs only: 20 ms packets, no silence suppression,
        no initial prefetch, one frame minimum, at most 200 ms.
        """
        return {
            "clockRate": CLOCK_RATE, "sndClockRate": CLOCK_RATE, "channelCount": 1,
            "audioFramePtime": PTIME_MS, "sndAutoCloseTime": -1, "ecTailLen": 0,
            "ptime": PTIME_MS, "noVad": True,
            "jbInit": 0, "jbMinPre": PTIME_MS, "jbMaxPre": 100, "jbMax": 200,
        }

    def _destroy(self) -> None:
        # Port objects still alive now (held by a caller, a traceback, or a bridge that
        # never let go) must not be destroyed after libDestroy(): their destructor
        # would call into the dead library and abort. Keep them through libDestroy(),
        # then leak their C++ side on purpose.
        leftovers = list(self._made)
        self._retired.clear()
        try:
            if self._ep is not None and self._ep.libGetState() != pj.PJSUA_STATE_NULL:
                no_sip = len(self._ep.transportEnum()) == 0
                self._ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK if no_sip else 0)
        except pj.Error as exc:
            log.error("media engine %s: libDestroy failed: %s", self.name, exc.info())
        finally:
            for media in leftovers:
                media.thisown = False
            if leftovers:
                log.debug("media engine %s: %d port objects outlived the library (leaked)",
                          self.name, len(leftovers))
            self._slots.clear()
            self._wanted.clear()
            self._retired.clear()
            self._ep = None  # ~Endpoint frees the process-wide singleton
            self._writer = None
            atexit.unregister(self._at_exit)
            _release()

    def _check(self) -> pj.Endpoint:
        if self._ep is None:
            raise EngineNotRunning(f"media engine {self.name} is not running")
        if threading.get_ident() != self._thread:
            raise WrongThread(f"media engine {self.name} was called from thread "
                              f"{threading.current_thread().name}, not its event loop's")
        return self._ep

    # --- the pump -------------------------------------------------------------

    async def _pump(self) -> None:
        while True:
            try:
                self._sweep()
                self._ep.libHandleEvents(0)
                self._finish_playbacks()
            except Exception:
                self._pump_errors += 1
                if self._pump_errors == 1 or self._pump_errors % 1000 == 0:
                    log.exception("media engine %s: pump step failed (%d so far)",
                                  self.name, self._pump_errors)
            await asyncio.sleep(PUMP_INTERVAL)

    def _sweep(self) -> None:
        """Drop retired port objects whose slot the bridge has let go."""
        if not self._retired:
            return
        present = self._native.port_ids(self._max_ports)
        self._retired = [entry for entry in self._retired if entry[0] in present]

    def _retire(self, media: object) -> None:
        port_id = media.getPortId()
        self._wanted.pop(port_id, None)
        for sinks in self._wanted.values():
            sinks.discard(port_id)
        status = self._native.remove_port(port_id)
        if status != 0:
            log.warning("media engine %s: removing port %d returned status %d",
                        self.name, port_id, status)
        self._retired.append((port_id, media))

    async def _drain_retired(self) -> None:
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._retired and time.monotonic() < deadline:
            self._sweep()
            if self._retired:
                await asyncio.sleep(PUMP_INTERVAL)
        if self._retired:
            log.error("media engine %s: the bridge did not release ports %s within %.1f s",
                      self.name, [port_id for port_id, _ in self._retired], STOP_TIMEOUT)

    async def settled(self, timeout: float = 2.0) -> None:
        """Return once the bridge has applied every connect, disconnect and detach so far.

        The bridge applies them on its next 20 ms tick; this polls its state.
        """
        self._check()
        deadline = time.monotonic() + timeout
        while not self._in_step():
            if time.monotonic() > deadline:
                raise MediaError(f"media engine {self.name}: the bridge did not settle "
                                 f"within {timeout} s")
            await asyncio.sleep(PUMP_INTERVAL / 2)
            self._sweep()

    def _in_step(self) -> bool:
        if self._retired:
            return False
        for source, sinks in self._wanted.items():
            info = pj.AudioMedia.getPortInfoFromId(source)  # keep it: listeners points into it
            if set(info.listeners) != sinks:
                return False
        return True

    # --- slots ------------------------------------------------------------------

    def attach(self, name: str, audio: AudioPort, on_frame: FrameTap | None = None) -> Slot:
        """Put a line's audio port in the bridge as a new slot named `name`."""
        self._check()
        if name in self._slots:
            raise MediaError(f"media engine {self.name}: slot name {name} is in use")
        self._sweep()
        port = LinePort(name, audio, on_frame, self._buffers)
        try:
            port.createPort(name, audio_format(CLOCK_RATE, PTIME_MS))
        except pj.Error as exc:
            raise _pj_failure(f"slot {name}: cannot join the bridge", exc) from None
        self._made.add(port)
        slot = Slot(name, port)
        self._slots[name] = slot
        self._wanted[slot.port_id] = set()
        log.debug("media engine %s: %s attached as port %d", self.name, name, slot.port_id)
        return slot

    def detach(self, slot: Slot) -> None:
        """Take the slot out of the bridge (idempotent). Its device gets nothing more."""
        self._check()
        self._detach(slot)

    def _detach(self, slot: Slot) -> None:
        if self._slots.get(slot.name) is not slot:
            return
        self._stop_playback(slot, finished=False)
        port, slot._port = slot._port, None
        port.closed = True
        for media in (slot._tone, slot._pcm, slot._clips, port):
            if media is not None:
                self._retire(media)
        slot._tone = slot._pcm = slot._clips = None
        del self._slots[slot.name]
        self._add_ended(slot.name, port)
        if port.counters.errors:
            log.warning("media engine %s: %s had %d port errors", self.name, slot.name,
                        port.counters.errors)

    def free_ports(self) -> int:
        """Conference bridge ports free now (each player, tone generator and line takes
        one); the hold queue admits callers within it (calls/queue_call.py)."""
        ep = self._check()
        return max(0, ep.mediaMaxPorts() - ep.mediaActivePorts())

    def slots(self) -> list[Slot]:
        return list(self._slots.values())

    def _add_ended(self, name: str, port: LinePort) -> None:
        done = port.counters.snapshot()
        for f in fields(SlotCounters):
            mine, theirs = getattr(self._ended, f.name), getattr(done, f.name)
            combined = max(mine, theirs) if f.name.startswith("max_") else mine + theirs
            setattr(self._ended, f.name, combined)
        self._ended_stalls.extend((name, stall) for stall in list(port.stalls))

    def audio_health(self, stalls: bool = False) -> dict:
        """How the audio kept its pace: each attached slot's counters, and those of
        every slot detached since the engine started, summed ("ended"). With
        `stalls`, the last stalls too: {"t", "slot", "kind", "ms"}, oldest first."""
        now = {slot.name: asdict(slot.counters) for slot in self._slots.values()}
        out: dict = {"slots": now, "ended": asdict(self._ended)}
        if stalls:
            recent = list(self._ended_stalls) + [
                (slot.name, stall) for slot in self._slots.values()
                if slot._port is not None for stall in list(slot._port.stalls)]
            out["stalls"] = [{"slot": name, **asdict(stall)}
                             for name, stall in sorted(recent, key=lambda e: e[1].t)]
        return out

    def _port_of(self, slot: Slot) -> LinePort:
        self._check()
        if slot._port is None or self._slots.get(slot.name) is not slot:
            raise SlotGone(slot.name)
        return slot._port

    # --- connections --------------------------------------------------------------

    def connect(self, a: Slot, b: Slot) -> None:
        """Bridge two slots both ways (a hears b, b hears a)."""
        self.connect_one_way(a, b)
        self.connect_one_way(b, a)

    def disconnect(self, a: Slot, b: Slot) -> None:
        self.disconnect_one_way(a, b)
        self.disconnect_one_way(b, a)

    def connect_one_way(self, src: Slot, dst: Slot) -> None:
        """`dst`'s device hears `src`'s device (mixed with anything else sent to it)."""
        self._transmit(self._port_of(src), self._port_of(dst))

    def disconnect_one_way(self, src: Slot, dst: Slot) -> None:
        self._untransmit(self._port_of(src), self._port_of(dst))

    def _transmit(self, source: pj.AudioMedia, sink: pj.AudioMedia) -> None:
        sinks = self._wanted.setdefault(source.getPortId(), set())
        if sink.getPortId() in sinks:
            return
        try:
            source.startTransmit(sink)
        except pj.Error as exc:
            raise _pj_failure(f"connect port {source.getPortId()} -> {sink.getPortId()}",
                              exc) from None
        sinks.add(sink.getPortId())

    def _untransmit(self, source: pj.AudioMedia, sink: pj.AudioMedia) -> None:
        sinks = self._wanted.get(source.getPortId(), set())
        if sink.getPortId() not in sinks:
            return
        sinks.discard(sink.getPortId())
        try:
            source.stopTransmit(sink)
        except pj.Error as exc:
            raise _pj_failure(f"disconnect port {source.getPortId()} -> {sink.getPortId()}",
                              exc) from None

    # --- tones, digits, PCM ---------------------------------------------------------

    def play_tone(self, slot: Slot, tone: str) -> asyncio.Future[bool]:
        """Play call progress tone `tone` of the engine's plan into the slot, looping.

        It plays until stop_tone() or another play_*; the future then resolves False.
        """
        self._port_of(slot)
        descs = tones.tone_descs(tones.find_tone(self.tone_plan, tone))
        generator = self._tone_generator(slot)
        return self._play(slot, "tone", tone, generator, True,
                          lambda: generator.play(descs, True))

    def play_dtmf(self, slot: Slot, digits: str, on_ms: int = 100,
                  off_ms: int = 100) -> asyncio.Future[bool]:
        """Play DTMF digits into the slot; the future resolves True once they played."""
        self._port_of(slot)
        vector = tones.digit_descs(digits, on_ms, off_ms)
        generator = self._tone_generator(slot)
        return self._play(slot, "dtmf", tones.check_digits(digits), generator, False,
                          lambda: generator.playDigits(vector, False))

    def play_pcm(self, slot: Slot, pcm: bytes, loop: bool = False) -> asyncio.Future[bool]:
        """Play 8 kHz s16le mono PCM into the slot; resolves True at its end (if not looping)."""
        self._port_of(slot)
        if not isinstance(pcm, bytes | bytearray | memoryview) or not len(pcm) or len(pcm) % 2:
            raise ValueError(f"slot {slot.name}: PCM must be non-empty 16-bit samples (bytes)")
        source = self._pcm_source(slot)
        return self._play(slot, "pcm", "pcm", source, loop, lambda: source.load(bytes(pcm), loop))

    def play_prompt(self, slot: Slot, clips: list[Clip],
                    loop: bool = False) -> asyncio.Future[bool]:
        """Play clips one after another into the slot (clips.py: PCM bytes, or WAV file
        Paths streamed from disk); resolves True at the last one's end (if not looping)."""
        self._port_of(slot)
        clips = check_clips(clips)
        source = self._clip_source(slot)
        return self._play(slot, "prompt", "prompt", source, loop,
                          lambda: source.load(clips, loop))

    def stop_tone(self, slot: Slot) -> None:
        """Stop whatever the engine plays into the slot (tone, digits or PCM)."""
        self._port_of(slot)
        self._stop_playback(slot, finished=False)

    def _play(self, slot: Slot, kind: PlaybackKind, what: str, source: pj.AudioMedia,
              loop: bool, begin: Callable[[], None]) -> asyncio.Future[bool]:
        self._stop_playback(slot, finished=False, keep=source)
        try:
            begin()
        except pj.Error as exc:
            raise _pj_failure(f"slot {slot.name}: cannot play {kind} {what}", exc) from None
        self._transmit(source, slot._port)
        done = asyncio.get_running_loop().create_future()
        slot._playing = Playback(kind, what, source, done, loop)
        return done

    def _stop_playback(self, slot: Slot, finished: bool, keep: object = None) -> None:
        playing, slot._playing = slot._playing, None
        if playing is None:
            return
        if playing.kind == "pcm":
            slot._pcm.clear()
        elif playing.kind == "prompt":
            slot._clips.clear()
        else:
            with contextlib.suppress(pj.Error):
                slot._tone.stop()
        if playing.source is not keep and slot._port is not None:
            self._untransmit(playing.source, slot._port)
        if not playing.done.done():
            playing.done.set_result(finished)

    def _finish_playbacks(self) -> None:
        for slot in list(self._slots.values()):
            playing = slot._playing
            if playing is not None and playing.kind == "prompt":
                slot._clips.refill()  # file reads here, on the loop, not on the clock thread
            if playing is None or (playing.loop and playing.kind != "prompt"):
                continue  # (a looping prompt ends only when none of its clips can be read)
            over = slot._pcm.finished if playing.kind == "pcm" else \
                slot._clips.finished if playing.kind == "prompt" else not slot._tone.isBusy()
            if over:
                self._stop_playback(slot, finished=True)

    def _tone_generator(self, slot: Slot) -> pj.ToneGenerator:
        if slot._tone is None:
            self._sweep()
            generator = pj.ToneGenerator()
            try:
                generator.createToneGenerator(CLOCK_RATE, 1)
            except pj.Error as exc:
                raise _pj_failure(f"slot {slot.name}: no tone generator", exc) from None
            self._made.add(generator)
            slot._tone = generator
            self._wanted[generator.getPortId()] = set()
        return slot._tone

    def _pcm_source(self, slot: Slot) -> PcmSource:
        if slot._pcm is None:
            slot._pcm = self._new_source(PcmSource, f"{slot.name}/pcm", slot, "PCM player")
        return slot._pcm

    def _clip_source(self, slot: Slot) -> ClipSource:
        if slot._clips is None:
            slot._clips = self._new_source(ClipSource, f"{slot.name}/prompt", slot,
                                           "prompt player")
        return slot._clips

    def _new_source(self, kind: Any, name: str, slot: Slot, what: str) -> Any:
        """A frame source port of ours (`kind`: PcmSource, ClipSource) in the bridge."""
        self._sweep()
        source = kind(name, self._buffers)
        try:
            source.createPort(source.name, audio_format(CLOCK_RATE, PTIME_MS))
        except pj.Error as exc:
            raise _pj_failure(f"slot {slot.name}: no {what}", exc) from None
        self._made.add(source)
        self._wanted[source.getPortId()] = set()
        return source
