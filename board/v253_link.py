"""The serial line of a V.253 voice modem: commands, replies, events and the voice stream.

`ModemLink` owns one open serial device (pyserial `serial_for_url`: /dev/ttyACM0
on the Pi, the emulator's pty in tests, `spy://` to log every byte) and one
reader thread that sorts everything the modem sends:

- in command state: CR LF framed text lines (final results `OK`, `ERROR`,
  `CONNECT`, `NO CARRIER`, ... end the command in progress; `RING` and caller ID
  lines are unsolicited) and DLE-shielded event reports (DLE d, DLE b);
- in a voice stream (after `CONNECT` to +VTR/+VRX, until DLE ETX): voice data,
  DLE DLE undone, and DLE-shielded events inside it.

`command("AT+VLS=1")` sends one command and waits for its final result (one at a
time; ModemError on ERROR, an unexpected result or a timeout); `send_stream()`
writes shielded voice data while streaming. The link calls `on_line`, `on_code`
and `on_audio` on its reader thread and `on_lost(reason)` once when the device
fails (USB unplug: reads and writes fail).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import serial

from board.base import BoardError
from board.realtime import audio_thread
from board.v253_codec import DLE, ETX, Shielded, StreamDecoder, shield

log = logging.getLogger(__name__)

FINALS = ("OK", "ERROR", "CONNECT", "NO CARRIER", "BUSY", "NO DIALTONE", "NO ANSWER")
CR, LF = 0x0D, 0x0A
READ_TICK_S = 0.05
WRITE_TIMEOUT_S = 0.2
MAX_TEXT_LINE = 512


class ModemError(BoardError, OSError):
    """The modem refused a command, answered something unexpected, or said nothing."""


@dataclass
class Reply:
    final: str
    lines: list[str] = field(default_factory=list)


class ModemLink:
    """One open serial device to a voice modem and its reader thread."""

    def __init__(self, url: str, label: str, on_line: Callable[[str], None],
                 on_code: Callable[[str], None], on_audio: Callable[[bytes], None],
                 on_lost: Callable[[str], None], on_tick: Callable[[], None] = lambda: None,
                 opener: Callable[..., Any] = serial.serial_for_url):
        self.url, self.label = url, label
        self._on_line, self._on_code, self._on_audio = on_line, on_code, on_audio
        self._on_lost, self._on_tick = on_lost, on_tick
        self._opener = opener
        self._serial: Any = None
        self._write_lock = threading.Lock()
        self._command_lock = threading.Lock()
        self._cond = threading.Condition()
        self._pending: Reply | None = None
        self._waiting = False
        self._text = bytearray()
        self._dle = False
        self._stream = StreamDecoder()
        self.streaming = False
        self.transmit = False  # the stream takes voice from us (+VTR, not +VRX)
        self._after_connect = False  # the LF of "CONNECT" CR LF is not voice
        self._alive = False
        self._thread: threading.Thread | None = None
        self.stats = {"rx_bytes": 0, "tx_bytes": 0, "tx_dropped": 0}
        self.last_rx = 0.0  # time.monotonic() of the last byte from the modem

    # --- open / close ----------------------------------------------------------

    def open(self) -> None:
        """Open the device (SerialException / OSError if it is not there) and start reading."""
        self._serial = self._opener(self.url, baudrate=115200, timeout=READ_TICK_S,
                                    write_timeout=WRITE_TIMEOUT_S, exclusive=True)
        self._alive = True
        self._thread = threading.Thread(target=self._read_loop, daemon=True,
                                        name=f"v253-{self.label}-rx")
        self._thread.start()

    def close(self) -> None:
        self._alive = False
        ser, self._serial = self._serial, None
        if ser is not None:
            try:
                ser.close()
            except (OSError, serial.SerialException):
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1.0)
        with self._cond:
            self._cond.notify_all()

    @property
    def alive(self) -> bool:
        return self._alive

    # --- commands --------------------------------------------------------------

    def command(self, text: str, timeout: float = 2.0, expect: tuple[str, ...] = ("OK",)) -> Reply:
        """Send `text` + CR and wait for its final result; ModemError unless it is in `expect`."""
        return self.exchange(text.encode("ascii") + b"\r", text, timeout, expect)

    def exchange(self, raw: bytes, what: str, timeout: float,
                 expect: tuple[str, ...] = ("OK",)) -> Reply:
        """Write `raw` and wait for the next final result (a command, or leaving a stream)."""
        with self._command_lock:
            with self._cond:
                self._pending, self._waiting = Reply(""), True
            self.write(raw)
            with self._cond:
                self._cond.wait_for(lambda: not self._waiting or not self._alive, timeout)
                reply, waiting = self._pending, self._waiting
                self._pending, self._waiting = None, False
        if waiting:
            why = "the modem is gone" if not self._alive else f"no answer within {timeout:g} s"
            raise ModemError(f"{self.label}: {what}: {why}")
        if reply.final not in expect:
            raise ModemError(f"{self.label}: {what}: the modem answered {reply.final}"
                             + (f" ({'; '.join(reply.lines)})" if reply.lines else ""))
        return reply

    def write(self, raw: bytes, voice: bool = False) -> bool:
        """Write `raw`; with `voice`, only while a stream takes voice (checked under the
        write lock, so no voice follows the code that ends the stream). False if not sent."""
        ser = self._serial
        if ser is None:
            raise ModemError(f"{self.label}: the device is not open")
        try:
            with self._write_lock:
                if voice and not (self.streaming and self.transmit):
                    return False
                ser.write(raw)
            self.stats["tx_bytes"] += len(raw)
        except serial.SerialTimeoutException:
            self.stats["tx_dropped"] += len(raw)
            return False
        except (OSError, serial.SerialException) as exc:
            self._lost(f"write failed: {exc}")
            raise ModemError(f"{self.label}: write failed: {exc}") from exc
        return True

    def stop_transmit(self) -> None:
        """No more voice into the stream from now on."""
        with self._write_lock:
            self.transmit = False

    def send_stream(self, data: bytes) -> bool:
        """Voice data into the running stream (shielded here); False when not streaming."""
        if self._serial is None:
            return False
        try:
            return self.write(shield(data), voice=True)
        except ModemError:
            return False

    def flush_input(self) -> None:
        ser = self._serial
        if ser is not None:
            try:
                ser.reset_input_buffer()
            except (OSError, serial.SerialException):
                pass
        self._text.clear()
        self._dle = False

    # --- reader thread -----------------------------------------------------------

    def _read_loop(self) -> None:
        audio_thread(f"{self.label} voice modem reader")  # it carries the call's audio
        while self._alive:
            ser = self._serial
            if ser is None:
                break
            try:
                data = ser.read(max(1, ser.in_waiting))
            except (OSError, serial.SerialException, TypeError, AttributeError) as exc:
                self._lost(f"read failed: {exc}")
                break
            if data:
                self.stats["rx_bytes"] += len(data)
                self.last_rx = time.monotonic()
                self._feed(data)
            self._guard(self._on_tick)

    def fail(self, reason: str) -> None:
        """Give the link up (the modem stopped streaming, say): on_lost follows."""
        self._lost(reason)

    def _lost(self, reason: str) -> None:
        if not self._alive:
            return
        self._alive = False
        self.streaming = False
        with self._cond:
            self._cond.notify_all()
        self._guard(self._on_lost, reason)

    def _feed(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            if self.streaming:
                self._feed_stream(data[i:])
                return
            self._text_byte(data[i])
            i += 1

    def _text_byte(self, b: int) -> None:
        if self._dle:
            self._dle = False
            if b != DLE:
                self._guard(self._on_code, chr(b))
            return
        if b == DLE:
            self._dle = True
        elif b in (CR, LF):
            if self._text:
                line = self._text.decode("latin-1").strip()
                self._text.clear()
                if line:
                    self._line(line)
        elif len(self._text) < MAX_TEXT_LINE:
            self._text.append(b)

    def _feed_stream(self, chunk: bytes) -> None:
        if self._after_connect and chunk:
            self._after_connect = False
            chunk = chunk[1:] if chunk[0] == LF else chunk
        for item in self._stream.feed(chunk):
            if not isinstance(item, Shielded):
                self._guard(self._on_audio, item)
            elif item.code != chr(ETX):
                self._guard(self._on_code, item.code)
            else:
                self.streaming = False
                self._guard(self._on_code, item.code)  # the port learns the stream ended
                rest = self._stream.rest
                self._stream.reset()
                self._feed(rest)
                return

    def _line(self, line: str) -> None:
        if line[:2].upper() == "AT":
            return  # our own command echoed (before ATE0 took effect)
        with self._cond:
            if self._waiting and self._pending is not None and line in FINALS:
                self._pending.final = line
                self._waiting = False
                if line == "CONNECT":
                    self.streaming, self._after_connect = True, True
                self._cond.notify_all()
                return
            collect = self._waiting and self._pending is not None
        if line == "RING" or line.split("=")[0].strip() in ("DATE", "TIME", "NMBR", "NAME",
                                                             "MESG", "DDN_NMBR"):
            self._guard(self._on_line, line)
        elif collect:
            self._pending.lines.append(line)
        else:
            self._guard(self._on_line, line)

    def _guard(self, fn: Callable, *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # a callback's fault must not stop the reader
            log.exception("%s: callback %r failed", self.label, fn)
