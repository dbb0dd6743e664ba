"""What one party heard, kept as PCM (8 kHz s16le mono) and served as a WAV file.

A `Recording` appends each 20 ms frame as it is heard, at its place in time:
the first frame sets `t_start` (monotonic, the time base of `heard`), and when
frames stop coming for a while (a phone the box sends nothing to, a stalled
stream) the silence is written in, so second s of the WAV is t_start + s.
Only the last `max_s` seconds are kept (MAX_S, 10 minutes: 9.6 MB); older
audio is dropped from the front and counted in `dropped_s`, and `t_start`
moves on with it. `release()` frees the audio of a party nobody will ask about
any more (the network keeps recordings of the last KEEP_ENDED ended calls).
"""

from __future__ import annotations

import io
import threading
import wave

RATE = 8000
FRAME_BYTES = 320
MAX_S = 600.0  # ten minutes a party
GAP_S = 0.05  # frames later than this behind the last one leave silence between them
KEEP_ENDED = 50  # ended calls whose recordings the network keeps


class RecordingDropped(KeyError):
    """The recording was released to bound memory (HTTP 404 naming why)."""


class Recording:
    """A party's audio, newest `max_s` seconds, in its place in time."""

    def __init__(self, max_s: float = MAX_S):
        if not 1.0 <= max_s <= 3600.0:
            raise ValueError(f"max_s: must be 1..3600 s, not {max_s!r}")
        self.max_bytes = int(max_s * RATE) * 2
        self._buf = bytearray()
        self._t_start: float | None = None  # time of the first byte of _buf
        self._dropped = 0  # bytes dropped from the front
        self._released: str | None = None
        self._lock = threading.Lock()

    def add(self, frame: bytes, t: float) -> None:
        """One frame whose first sample was heard at monotonic time `t`."""
        with self._lock:
            if self._released is not None:
                return
            if self._t_start is None:
                self._t_start = t
            behind = t - self._end_t()
            if behind > GAP_S:  # nothing was heard meanwhile: silence
                self._buf += bytes(2 * min(round(behind * RATE), self.max_bytes // 2))
            self._buf += frame
            excess = len(self._buf) - self.max_bytes
            if excess > 0:
                del self._buf[:excess]  # cheap: bytearray drops from the front in place
                self._dropped += excess
                self._t_start += excess / 2 / RATE

    def restart(self) -> None:
        """Start over (a new call on the same phone)."""
        with self._lock:
            self._buf = bytearray()
            self._t_start, self._dropped, self._released = None, 0, None

    def release(self, why: str) -> None:
        """Free the audio; asking for it afterwards raises RecordingDropped(`why`)."""
        with self._lock:
            self._buf = bytearray()
            self._released = why

    def info(self) -> dict:
        """{"t_start", "t_end", "duration_s", "dropped_s", "max_s", "released"}."""
        with self._lock:
            return self._info()

    def wav(self) -> tuple[bytes, dict]:
        """The recording so far as a WAV file, and its info()."""
        with self._lock:
            if self._released is not None:
                raise RecordingDropped(self._released)
            pcm, info = bytes(self._buf), self._info()
        return wav_bytes(pcm), info

    def _end_t(self) -> float:
        return (self._t_start or 0.0) + len(self._buf) / 2 / RATE

    def _info(self) -> dict:
        return {"t_start": self._t_start,
                "t_end": self._end_t() if self._t_start is not None else None,
                "duration_s": round(len(self._buf) / 2 / RATE, 4),
                "dropped_s": round(self._dropped / 2 / RATE, 4),
                "max_s": self.max_bytes / 2 / RATE,
                "released": self._released is not None}


def wav_bytes(pcm: bytes, rate: int = RATE) -> bytes:
    """s16le mono PCM as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()
