"""The GSM modem's two serial ports, read and written off the event loop.

`SerialLink` is the AT port: a reader thread hands every chunk of bytes to the
event loop (`loop.call_soon_threadsafe`) and a writer thread sends queued
commands, so a modem that stops reading never blocks the loop. `SerialAudio`
is the PCM port (Huawei: /dev/ttyUSB1, 8 kHz s16le, 320 bytes per 20 ms) behind
board.base.AudioPort: a reader thread cuts frames into a queue and a pacer
thread writes one frame every 20 ms, silence when the firmware gave none,
because the modem expects continuous audio.

Both open `serial.serial_for_url(url, baudrate, timeout=0)`: /dev/ttyUSB2 on
the Pi, the emulator's pseudo-terminal in simulation, `spy://` to log bytes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import select
import threading
import time
from collections import deque
from collections.abc import Callable

import serial

from board.base import FRAME_BYTES
from board.realtime import audio_thread

log = logging.getLogger(__name__)

SILENCE = bytes(FRAME_BYTES)
FRAME_SECONDS = 0.02
_JOIN_TIMEOUT = 3.0


class _Port:
    """One pyserial port with a reader thread that can be woken to stop."""

    def __init__(self, name: str, url: str, baudrate: int, write_timeout: float):
        self.name, self.url, self.baudrate = name, url, baudrate
        self._write_timeout = write_timeout
        self._serial: serial.SerialBase | None = None
        self._stop = threading.Event()
        self._wake_r, self._wake_w = -1, -1
        self._threads: list[threading.Thread] = []

    def _open_serial(self) -> None:
        """Open the port (blocking: call from a worker thread)."""
        self._serial = serial.serial_for_url(self.url, self.baudrate, timeout=0)
        self._serial.write_timeout = self._write_timeout
        self._wake_r, self._wake_w = os.pipe()

    def _fileno(self) -> int | None:
        try:
            return self._serial.fileno()
        except (AttributeError, NotImplementedError, OSError):
            return None  # loop:// and friends: poll instead

    def _read_some(self, fd: int | None) -> bytes:
        """Bytes available now, waiting up to 0.5 s for some; b'' when woken."""
        if fd is None:
            data = self._serial.read(4096)
            if not data:
                self._stop.wait(0.01)
            return data
        ready, _, _ = select.select([fd, self._wake_r], [], [], 0.5)
        if fd in ready and not self._stop.is_set():
            return self._serial.read(4096)
        return b""

    def _start(self, target: Callable[[], None], role: str) -> None:
        thread = threading.Thread(target=target, name=f"{self.name}-{role}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _shutdown(self) -> None:
        """Stop the threads and close the port; safe to call twice."""
        self._stop.set()
        if self._wake_w >= 0:
            os.write(self._wake_w, b"x")
        if self._serial is not None:
            try:
                self._serial.cancel_write()
            except (AttributeError, NotImplementedError, OSError):
                pass
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(_JOIN_TIMEOUT)
        self._threads.clear()
        self._close_serial()

    def _close_serial(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (OSError, serial.SerialException):
                pass
            self._serial = None
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1


class SerialLink(_Port):
    """The AT port. `on_data(bytes)` and `on_lost(exc)` run on `loop`.

    `on_lost` is called once, when a read or write fails (EIO after an
    unplug, SerialException, a write stuck for `write_timeout` seconds).
    """

    def __init__(self, name: str, url: str, baudrate: int, loop: asyncio.AbstractEventLoop,
                 on_data: Callable[[bytes], None], on_lost: Callable[[Exception], None],
                 *, write_timeout: float = 2.0):
        super().__init__(name, url, baudrate, write_timeout)
        self._loop = loop
        self._on_data, self._on_lost = on_data, on_lost
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._lost = False

    def open(self) -> None:
        """Open the port and start its threads (blocking: call in a worker thread)."""
        self._open_serial()
        self._start(self._read_loop, "at-read")
        self._start(self._write_loop, "at-write")

    def write(self, data: bytes) -> None:
        """Queue bytes for the port; never blocks."""
        self._outbox.put(data)

    def close(self) -> None:
        """Stop the threads and close the port (blocking: call in a worker thread)."""
        self._outbox.put(None)
        self._shutdown()

    def _read_loop(self) -> None:
        audio_thread(f"{self.name} audio reader")
        fd = self._fileno()
        try:
            while not self._stop.is_set():
                data = self._read_some(fd)
                if data:
                    self._post(self._on_data, data)
        except Exception as e:  # SerialException, OSError, TypeError from a closed port
            self._report_lost(e)

    def _write_loop(self) -> None:
        try:
            while (data := self._outbox.get()) is not None and not self._stop.is_set():
                self._serial.write(data)
        except Exception as e:
            self._report_lost(e)

    def _report_lost(self, exc: Exception) -> None:
        if not self._stop.is_set() and not self._lost:
            self._lost = True
            self._post(self._on_lost, exc)

    def _post(self, fn: Callable, arg: object) -> None:
        try:
            self._loop.call_soon_threadsafe(fn, arg)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            self._stop.set()


class SerialAudio(_Port):
    """The modem's PCM port as a board.base.AudioPort.

    Frames from the modem queue up (the oldest are dropped past `depth`);
    frames from the firmware queue towards the modem and are written one per
    20 ms by the pacer thread, silence when the queue is empty. `failed`
    names the error if the port broke; reads then return None.
    """

    def __init__(self, name: str, url: str, baudrate: int, *, depth: int = 50):
        super().__init__(name, url, baudrate, write_timeout=0.5)
        self._received: deque[bytes] = deque(maxlen=depth)
        self._outgoing: deque[bytes] = deque(maxlen=depth)
        self.frames_in = 0
        self.frames_out = 0
        self.failed: str | None = None

    def open(self) -> None:
        """Open the port and start reading and pacing (blocking: use a worker thread)."""
        self._open_serial()
        self._start(self._read_loop, "audio-read")
        self._start(self._pace_loop, "audio-write")

    def close(self) -> None:
        """Stop the threads and close the port (blocking: use a worker thread)."""
        self._shutdown()

    def read_frame(self) -> bytes | None:
        """The oldest frame from the modem not read yet, or None."""
        try:
            return self._received.popleft()
        except IndexError:
            return None

    def write_frame(self, frame: bytes) -> None:
        """Queue one 320-byte frame towards the modem."""
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"{self.name}: audio frame must be {FRAME_BYTES} bytes, "
                             f"got {len(frame)}")
        self._outgoing.append(bytes(frame))

    def _read_loop(self) -> None:
        audio_thread(f"{self.name} audio reader")
        fd = self._fileno()
        pending = bytearray()
        try:
            while not self._stop.is_set():
                pending += self._read_some(fd)
                while len(pending) >= FRAME_BYTES:
                    self._received.append(bytes(pending[:FRAME_BYTES]))
                    del pending[:FRAME_BYTES]
                    self.frames_in += 1
        except Exception as e:
            self._fail(e)

    def _pace_loop(self) -> None:
        audio_thread(f"{self.name} audio pacer")
        due = time.monotonic()
        try:
            while not self._stop.is_set():
                frame = self._outgoing.popleft() if self._outgoing else SILENCE
                self._serial.write(frame)
                self.frames_out += 1
                due += FRAME_SECONDS
                late = time.monotonic() - due
                if late > 10 * FRAME_SECONDS:
                    due = time.monotonic()  # fell behind (stalled port): do not burst
                elif late < 0:
                    self._stop.wait(-late)
        except Exception as e:
            self._fail(e)

    def _fail(self, exc: Exception) -> None:
        if not self._stop.is_set() and self.failed is None:
            self.failed = str(exc)
            log.warning("%s: audio port failed: %s", self.name, exc)
            self._stop.set()
