"""Call recorders in the conference bridge: both parties mixed into one 8 kHz stream.

A recorder is a sink port of ours in the bridge. The legs of a call transmit to it one
way (`record_from(recorder, slot)`), and the bridge mixes what they say into one frame
per 20 ms tick, as it mixes two sources into any one sink. `onFrameReceived` runs on
the bridge's clock thread: it only appends the frame to a bounded deque (silence when
nothing transmits, so the recording keeps the call's timeline through a hold or a
transfer). The file is written elsewhere (firmware/recordings/writer.py, a thread of
its own), so the clock thread that carries every call's audio never waits for the SD
card. That is why this is not pjsua2's AudioMediaRecorder: its WAV writer writes the
file from the clock thread.

A recorder takes one conference port. The engine admits recorders within
`MAX_RECORDERS` (the number of recorders the CI build of pjsua allows) and while
`RESERVED_PORTS` bridge ports stay free for lines, players and tones
(`recorder_room()`); `start_recorder` refuses beyond it (RecorderRefused), and the call
goes on unrecorded.

`RecorderMixin` is part of MediaEngine (engine.py); every method runs on the engine's
loop thread, as the rest of the engine's API.
"""

from __future__ import annotations

import logging
from collections import deque

import pjsua2 as pj

from board.base import FRAME_BYTES
from firmware.media._pj import NONE, FrameBuffers
from firmware.media.errors import MediaError, SlotGone
from firmware.media.ports import SlotCounters, _Guarded, audio_format
from firmware.media.slots import Slot

log = logging.getLogger(__name__)

MAX_RECORDERS = 32  # PJSUA_MAX_RECORDERS of the pip wheel's build
RESERVED_PORTS = 8  # bridge ports a new recorder must leave free for calls
BACKLOG_FRAMES = 3000  # 60 s: a writer that stalls longer loses the oldest audio
SILENCE = bytes(FRAME_BYTES)


class RecorderRefused(MediaError):
    """No room for another recorder in the bridge now."""


class RecorderPort(pj.AudioMediaPort, _Guarded):
    """A sink in the bridge: every tick's mix of what transmits to it, as PCM frames."""

    def __init__(self, name: str, buffers: FrameBuffers):
        pj.AudioMediaPort.__init__(self)
        self._init_guard()
        self.name = name
        self.counters = SlotCounters()
        self.frames: deque[bytes] = deque(maxlen=BACKLOG_FRAMES)
        self.closed = False
        self._buffers = buffers

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        try:
            frame.type, frame.size = NONE, 0  # a sink only: it says nothing
        except BaseException:  # never into C
            self._fault("source")

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        try:
            if self.closed:
                return
            pcm = SILENCE
            if frame.type != NONE and frame.size == FRAME_BYTES:
                pcm = self._buffers.read(frame)
            if len(self.frames) == BACKLOG_FRAMES:
                self.counters.dropped += 1
            self.frames.append(pcm)
            self.counters.frames_in += 1
        except BaseException:  # never into C
            self._fault("record")


class Recorder:
    """The engine's handle of one recorder: its frames and the slots it hears."""

    def __init__(self, name: str, port: RecorderPort):
        self.name = name
        self.port_id: int = port.getPortId()
        self._port: RecorderPort | None = port
        self._frames = port.frames
        self._counters = port.counters
        self.sources: set[str] = set()  # the names of the slots recorded

    @property
    def active(self) -> bool:
        return self._port is not None

    @property
    def counters(self) -> SlotCounters:
        return self._counters.snapshot()

    def drain(self) -> list[bytes]:
        """The frames mixed since the last drain, oldest first (any thread)."""
        out: list[bytes] = []
        while True:
            try:
                out.append(self._frames.popleft())
            except IndexError:
                return out

    def __repr__(self) -> str:
        state = f"port {self.port_id}" if self.active else "stopped"
        return f"<Recorder {self.name} {state}>"


class RecorderMixin:
    """The recorder part of MediaEngine (see the module docstring)."""

    def _recorders(self) -> dict[str, Recorder]:
        return self.__dict__.setdefault("_recorder_book", {})

    def recorder_room(self) -> int:
        """How many more recorders the engine admits now."""
        free = self.free_ports() - RESERVED_PORTS
        return max(0, min(MAX_RECORDERS - len(self._recorders()), free))

    def start_recorder(self, name: str) -> Recorder:
        """A new recorder in the bridge (hearing nothing yet); RecorderRefused when the
        engine has no room for it."""
        self._check()
        book = self._recorders()
        if name in book:
            raise MediaError(f"media engine {self.name}: recorder {name} exists")
        if self.recorder_room() < 1:
            raise RecorderRefused(f"media engine {self.name}: no room for recorder {name} "
                                  f"({len(book)} recording, {self.free_ports()} ports free)")
        self._sweep()
        port = RecorderPort(name, self._buffers)
        try:
            port.createPort(f"rec/{name}", audio_format(8000, 20))
        except pj.Error as exc:
            raise MediaError(f"recorder {name}: cannot join the bridge: {exc.info()}") from None
        self._made.add(port)
        self._wanted[port.getPortId()] = set()
        recorder = Recorder(name, port)
        book[name] = recorder
        return recorder

    def record_from(self, recorder: Recorder, slot: Slot) -> None:
        """`recorder` hears `slot`'s device from now on (mixed with its other sources)."""
        if recorder._port is None:
            raise MediaError(f"recorder {recorder.name} is stopped")
        self._transmit(self._port_of(slot), recorder._port)
        recorder.sources.add(slot.name)

    def stop_record_from(self, recorder: Recorder, slot: Slot) -> None:
        """`recorder` no longer hears `slot` (nothing to do when either is gone)."""
        recorder.sources.discard(slot.name)
        if recorder._port is None:
            return
        try:
            self._untransmit(self._port_of(slot), recorder._port)
        except SlotGone:
            pass

    def stop_recorder(self, recorder: Recorder) -> None:
        """Take the recorder out of the bridge (idempotent); its frames stay drainable."""
        self._check()
        port, recorder._port = recorder._port, None
        if port is None:
            return
        port.closed = True
        recorder.sources.clear()
        self._recorders().pop(recorder.name, None)
        self._retire(port)

    def _stop_recorders(self) -> None:
        for recorder in list(self._recorders().values()):
            self.stop_recorder(recorder)

    def recorders(self) -> list[Recorder]:
        return list(self._recorders().values())
