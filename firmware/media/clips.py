"""A prompt player port: a sequence of clips (in memory or WAV files) into the bridge.

A prompt is often several clips said one after another ("you are number" + "3" +
"in the queue"), and music on hold is a long file played in a loop. `ClipSource`
plays such a sequence, once or looping, as one conference-bridge port, at the
bridge's own format (8 kHz, 16-bit mono, 20 ms frames).

Clips are `bytes` (8 kHz s16le PCM, already in memory: the short phrases the prompt
library caches) or a `Path` to an 8 kHz 16-bit mono PCM WAV file, which is streamed:
never read whole, so ten callers on hold with a ten-minute piece cost a few KiB each.

Threads: the bridge's clock thread only pops ready frames from a small queue
(`onFrameRequested`: no file I/O, no lock on a real-time thread). The event loop
keeps that queue AHEAD_FRAMES deep (`refill`, called by the engine's pump every
~10 ms and at `load`), reading WAV files there. A clip that cannot be read (gone,
not 8 kHz mono 16-bit) is skipped, counted as an error and logged once. Each clip
is padded with silence to a whole frame, so clips join on frame boundaries.
"""

from __future__ import annotations

import contextlib
import logging
import wave
from collections import deque
from collections.abc import Sequence
from pathlib import Path

import pjsua2 as pj

from board.base import FRAME_BYTES, FRAME_SAMPLES
from firmware.media._pj import NONE, FrameBuffers
from firmware.media.ports import SlotCounters, _Guarded
from firmware.media.wav import RATE

log = logging.getLogger(__name__)

AHEAD_FRAMES = 25  # 0.5 s of audio ready for the clock thread; the pump refills at 10 ms
Clip = bytes | Path


def check_clips(clips: Sequence[Clip]) -> list[Clip]:
    """The clips as a list, or ValueError naming the first that is neither PCM nor a path."""
    out: list[Clip] = []
    for i, clip in enumerate(clips):
        if isinstance(clip, bytes | bytearray | memoryview):
            if len(clip) % 2:
                raise ValueError(f"clip {i}: PCM must be whole 16-bit samples")
            out.append(bytes(clip))
        elif isinstance(clip, Path):
            out.append(clip)
        else:
            raise ValueError(f"clip {i}: expected PCM bytes or a WAV file Path, "
                             f"got {type(clip).__name__}")
    if not out:
        raise ValueError("a prompt needs at least one clip")
    return out


class _Reader:
    """Frames of one clip, read on the event loop."""

    def __init__(self, clip: Clip):
        self._pcm: bytes | None = None
        self._wav: wave.Wave_read | None = None
        self._pos = 0
        if isinstance(clip, bytes):
            self._pcm = clip
            return
        wav = wave.open(str(clip), "rb")  # noqa: SIM115 (open while the clip plays)
        shape = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getcomptype())
        if shape != (RATE, 1, 2, "NONE"):
            wav.close()
            raise ValueError(f"{clip}: need an 8000 Hz mono 16-bit PCM WAV file, got {shape}")
        self._wav = wav

    def frame(self) -> bytes | None:
        """The next frame (the last one padded with silence), None at the clip's end."""
        if self._pcm is not None:
            chunk = self._pcm[self._pos:self._pos + FRAME_BYTES]
            self._pos += len(chunk)
        else:
            chunk = self._wav.readframes(FRAME_SAMPLES)
        if not chunk:
            return None
        return chunk + bytes(FRAME_BYTES - len(chunk)) if len(chunk) < FRAME_BYTES else chunk

    def close(self) -> None:
        if self._wav is not None:
            with contextlib.suppress(Exception):
                self._wav.close()
            self._wav = None


class ClipSource(pj.AudioMediaPort, _Guarded):
    """Plays a sequence of clips into the bridge, once or in a loop (module docstring)."""

    def __init__(self, name: str, buffers: FrameBuffers):
        pj.AudioMediaPort.__init__(self)
        self._init_guard()
        self.name = name
        self.counters = SlotCounters()
        self._buffers = buffers
        self._ready: deque[bytes] = deque()
        self._clips: list[Clip] = []
        self._index = 0
        self._reader: _Reader | None = None
        self._loop = False
        self._exhausted = True
        self._bad: set[str] = set()

    # --- event loop side --------------------------------------------------------

    def load(self, clips: Sequence[Clip], loop: bool) -> None:
        """Start `clips` from the first one (checked: see check_clips)."""
        clips = check_clips(clips)
        self.clear()
        self._clips, self._index, self._loop = clips, 0, loop
        self._exhausted = False
        self.refill()

    def clear(self) -> None:
        """Stop: nothing more is played; an open file is closed."""
        self._exhausted = True
        self._ready.clear()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    @property
    def finished(self) -> bool:
        """Every clip was read and every frame went to the bridge."""
        return self._exhausted and not self._ready

    def refill(self) -> None:
        """Keep AHEAD_FRAMES frames ready for the clock thread."""
        empty_turns = 0  # clips in a row that gave nothing: a loop of them must end
        while not self._exhausted and len(self._ready) < AHEAD_FRAMES:
            frame = self._next_frame()
            if frame is not None:
                self._ready.append(frame)
                empty_turns = 0
                continue
            empty_turns += 1
            if not self._advance() or empty_turns > len(self._clips):
                self.clear_reader()
                self._exhausted = True

    def clear_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _next_frame(self) -> bytes | None:
        if self._reader is None:
            self._reader = self._open(self._clips[self._index])
            if self._reader is None:
                return None
        try:
            return self._reader.frame()
        except (OSError, EOFError, wave.Error) as exc:
            self._skip(self._clips[self._index], exc)
            return None

    def _advance(self) -> bool:
        """On to the next clip (round again if looping); False at the end."""
        self.clear_reader()
        self._index += 1
        if self._index >= len(self._clips):
            if not self._loop:
                return False
            self._index = 0
        return True

    def _open(self, clip: Clip) -> _Reader | None:
        try:
            return _Reader(clip)
        except (OSError, EOFError, ValueError, wave.Error) as exc:
            self._skip(clip, exc)
            return None

    def _skip(self, clip: Clip, exc: Exception) -> None:
        self.counters.errors += 1
        key = str(clip)[:200]
        if key not in self._bad:
            self._bad.add(key)
            log.warning("prompt player %s: skipping clip %s: %s", self.name, key, exc)

    # --- bridge callbacks (clock thread) ----------------------------------------------

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        try:
            try:
                chunk = self._ready.popleft()
            except IndexError:
                chunk = None
            if chunk is None:
                frame.type, frame.size = NONE, 0
            else:
                self._buffers.fill(frame, chunk)
                self.counters.frames_out += 1
        except BaseException:  # never into C
            self._fault("prompt playback")

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        return None  # a source only: nothing is ever transmitted to it
