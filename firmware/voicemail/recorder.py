"""Recording a caller's message: a frame sink on the caller's uplink and a WAV writer.

`FrameSink.feed(frame, t)` is called on the media thread (the bridge's clock: the
caller's line port hands every 20 ms frame it takes from the device to its tap,
calls/bridge.py); it only appends to a bounded deque, so the audio thread never waits
for the SD card. `MessageWriter.take(sink)` runs on the event loop: it drains the sink
and writes what came as one chunk to the WAV file (8 kHz mono s16), and keeps count of
the seconds of sound and of the silence since the last sound, so the call core can
end a message after `silence_s` of silence. `close()` drops trailing silence and
returns the message's length; a message with less than `MIN_SOUND_S` of sound is no
message (the caller hung up at the tone).
"""

from __future__ import annotations

import contextlib
import math
import struct
import sys
import wave
from array import array
from collections import deque
from pathlib import Path

RATE = 8000
FRAME_BYTES = 320  # 20 ms of 8 kHz s16 mono
FRAME_S = FRAME_BYTES / 2 / RATE
SOUND_RMS = 180.0  # about -45 dBFS: quieter is silence (line noise)
MIN_SOUND_S = 1.0  # a message with less sound than this is dropped
TAIL_KEEP_S = 0.5  # silence kept after the last sound
MAX_BACKLOG_FRAMES = 500  # 10 s: a loop that stalls longer loses the oldest frames


class FrameSink:
    """Frames of one leg's uplink, handed from the media thread to the event loop."""

    def __init__(self) -> None:
        self.frames: deque[bytes] = deque(maxlen=MAX_BACKLOG_FRAMES)

    def feed(self, frame: bytes, t: float = 0.0) -> None:
        """On the media thread: keep the frame (deque.append is thread-safe)."""
        self.frames.append(frame)

    def drain(self) -> list[bytes]:
        out: list[bytes] = []
        while True:
            try:
                out.append(self.frames.popleft())
            except IndexError:
                return out


def frame_rms(frame: bytes) -> float:
    samples = array("h", frame[: len(frame) - len(frame) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


class MessageWriter:
    """A WAV file written in chunks as the caller speaks."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 (closed by close())
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(RATE)
        self.frames = 0  # 20 ms frames written
        self.sound_frames = 0
        self.last_sound = 0  # frames written up to the end of the last sound
        self.closed = False

    @property
    def seconds(self) -> float:
        return self.frames * FRAME_S

    @property
    def sound_s(self) -> float:
        return self.sound_frames * FRAME_S

    @property
    def silence_s(self) -> float:
        """Silence since the last sound (since the start, when nothing was said yet)."""
        return (self.frames - self.last_sound) * FRAME_S

    def take(self, sink: FrameSink) -> int:
        """Write what the sink holds as one chunk; the frames written."""
        frames = [f for f in sink.drain() if len(f) == FRAME_BYTES]
        if not frames or self.closed:
            return 0
        for frame in frames:
            self.frames += 1
            if frame_rms(frame) >= SOUND_RMS:
                self.sound_frames += 1
                self.last_sound = self.frames
        self._wav.writeframes(b"".join(frames))
        return len(frames)

    def trim_last(self, seconds: float) -> None:
        """Forget the last `seconds` of sound (the `#` that ended the message)."""
        self.last_sound = max(0, self.last_sound - int(seconds / FRAME_S))

    def close(self) -> float:
        """Close the file, trailing silence cut; the message's length in seconds."""
        if self.closed:
            return self.frames * FRAME_S
        self.closed = True
        self._wav.close()
        keep = min(self.frames, self.last_sound + int(TAIL_KEEP_S / FRAME_S))
        if keep < self.frames:
            _truncate(self.path, keep * FRAME_BYTES)
            self.frames = keep
        return self.frames * FRAME_S

    def discard(self) -> None:
        if not self.closed:
            self.closed = True
            self._wav.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _truncate(path: Path, data_bytes: int) -> None:
    """Cut a PCM WAV (the 44-byte header `wave` writes) to `data_bytes` of samples."""
    with path.open("r+b") as f:
        f.truncate(44 + data_bytes)
        f.seek(4)
        f.write(struct.pack("<I", 36 + data_bytes))
        f.seek(40)
        f.write(struct.pack("<I", data_bytes))
