"""Writes the recorders' frames to WAV files on a thread of its own.

The media engine's recorders (firmware/media/recorder.py) collect each call's mixed
frames on the bridge's clock thread. `WavWriter` is one thread for every recording:
every `FLUSH_S` it drains each recorder and appends what came as one chunk to the
call's WAV (8 kHz mono 16-bit; the header kept whole after every chunk, so a box that
stops mid-call leaves a playable file). Neither the clock thread nor the event loop
ever waits for the SD card.

    writer = WavWriter().start()
    writer.add(rec_id, path, recorder.drain)   # on the loop
    seconds = await asyncio.wrap_future(writer.close(rec_id))  # the last chunk, closed
    writer.stop()
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("switchboard.recordings")

RATE = 8000
FRAME_BYTES = 320
FRAME_S = FRAME_BYTES / 2 / RATE
FLUSH_S = 0.5


@dataclass
class _Open:
    path: Path
    drain: Callable[[], list[bytes]]
    wav: wave.Wave_write | None = None
    frames: int = 0
    closing: list[concurrent.futures.Future] = field(default_factory=list)
    failed: bool = False


class WavWriter:
    def __init__(self, flush_s: float = FLUSH_S):
        self.flush_s = flush_s
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> WavWriter:
        self._thread = threading.Thread(target=self._run, name="recording-writer",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Write and close every file still open, then end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def add(self, ident: str, path: Path, drain: Callable[[], list[bytes]]) -> None:
        """Write `drain()`'s frames to `path` from now on (the file is made here)."""
        with self._lock:
            self._open[ident] = _Open(Path(path), drain)

    def close(self, ident: str) -> concurrent.futures.Future:
        """Write what is left and close the file; the future gives its seconds."""
        done: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            entry = self._open.get(ident)
            if entry is None:
                done.set_result(0.0)
                return done
            entry.closing.append(done)
        self._wake.set()
        if self._thread is None:  # not started (tests, or after stop): close here
            self._round()
        return done

    @property
    def writing(self) -> int:
        return len(self._open)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_s)
            self._wake.clear()
            self._round()
        with self._lock:
            for entry in self._open.values():
                entry.closing.append(concurrent.futures.Future())
        self._round()

    def _round(self) -> None:
        with self._lock:
            entries = list(self._open.items())
        for ident, entry in entries:
            self._write(ident, entry)
            if entry.closing:
                seconds = self._finish(entry)
                with self._lock:
                    self._open.pop(ident, None)
                for future in entry.closing:
                    if not future.done():
                        future.set_result(seconds)

    def _write(self, ident: str, entry: _Open) -> None:
        frames = [f for f in entry.drain() if len(f) == FRAME_BYTES]
        if entry.failed or (not frames and entry.wav is not None):
            return
        try:
            if entry.wav is None:
                entry.path.parent.mkdir(parents=True, exist_ok=True)
                entry.wav = wave.open(str(entry.path), "wb")  # noqa: SIM115 (closed later)
                entry.wav.setnchannels(1)
                entry.wav.setsampwidth(2)
                entry.wav.setframerate(RATE)
            if frames:
                entry.wav.writeframes(b"".join(frames))  # and patches the header
                entry.frames += len(frames)
        except OSError:
            entry.failed = True
            log.exception("recording %s: writing %s failed; the rest is not recorded",
                          ident, entry.path)

    def _finish(self, entry: _Open) -> float:
        if entry.wav is not None:
            try:
                entry.wav.close()
            except OSError:
                log.exception("recording: closing %s failed", entry.path)
        return entry.frames * FRAME_S
