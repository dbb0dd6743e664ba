"""The byte side of an emulated modem: its two ptys and the threads serving them.

`ModemSession` is one plugged-in period of a modem (unplug or reset ends it;
replug starts a new one with new ptys). Its reader thread runs the AT port's
line discipline (echo, backspace, `\\r`-terminated lines, the SMS `> ` text
entry ended by Ctrl-Z or aborted by ESC) and hands each line to the modem with
the configured latency. `AudioPump` runs the audio port: while the modem has an
active call with audio enabled (`AT^DDSETEX=2`) it writes exactly one 320-byte
frame every 20 ms on an absolute monotonic schedule and plays the host's frames
to the far party; otherwise it reads and discards what the host writes.
Each thread closes the pty it owns when the session stops.
"""

from __future__ import annotations

import select
import threading
import time
import traceback
from typing import Any

from hil_tests.pstn.audio_support import FRAME_BYTES, SILENCE
from hil_tests.pstn.ptys import PtyPort

CTRL_Z, ESC, BS, CR, LF = 0x1A, 0x1B, 0x08, 0x0D, 0x0A
FRAME_S = 0.02
MAX_CATCH_UP_S = 0.2
JITTER_FRAMES = 25
IDLE_POLL_S = 0.02


class ModemSession:
    """One plug-in period: AT and audio ptys, a reader thread and an audio thread."""

    def __init__(self, modem: Any):
        self.modem = modem
        self.at = PtyPort(f"{modem.imei}/at")
        self.audio = PtyPort(f"{modem.imei}/audio")
        self.stopping = threading.Event()
        self._line = bytearray()
        self._echo = bytearray()
        self._prompt_text: bytearray | None = None
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name=f"modem-{modem.imei}-at")
        self.pump = AudioPump(modem, self)

    def start(self) -> None:
        self._reader.start()
        self.pump.start()

    def stop(self) -> None:
        """Ask both threads to close their ptys and end (does not wait)."""
        self.stopping.set()

    def wait_closed(self, timeout: float = 2.0) -> bool:
        deadline = time.monotonic() + timeout
        for t in (self._reader, self.pump.thread):
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))
        return self.at.closed and self.audio.closed

    # --- reader thread --------------------------------------------------------

    def _read_loop(self) -> None:
        was_open = False
        try:
            while not self.stopping.is_set():
                data = self.at.read()
                if data is None:
                    self.stopping.wait(IDLE_POLL_S)
                    continue
                if not was_open:
                    was_open = True
                    self.modem.host_opened(self)
                if data:
                    self._feed_guarded(data)
                else:
                    select.select([self.at.fileno()], [], [], 0.1)
        finally:
            self.at.close()

    def _feed_guarded(self, data: bytes) -> None:
        try:
            self._feed(data)
        except Exception as e:
            self._line.clear()
            self._prompt_text = None
            self.modem.log("error", where="at reader", error=repr(e),
                           trace=traceback.format_exc())

    def _feed(self, data: bytes) -> None:
        for b in data:
            if self.modem.hung:
                self._line.clear()
                self._echo.clear()
                return
            if self._prompt_text is not None:
                self._prompt_byte(b)
            else:
                self._command_byte(b)
        self._flush_echo()

    def _command_byte(self, b: int) -> None:
        if self.modem.settings.echo:
            self._echo.append(b)
        if b == CR:
            self._flush_echo()
            line = self._line.decode("latin-1")
            self._line.clear()
            self._run_line(line)
        elif b == BS:
            if self._line:
                self._line.pop()
        elif b != LF and len(self._line) < 4096:
            self._line.append(b)

    def _flush_echo(self) -> None:
        if self._echo:
            self.at.write(bytes(self._echo))
            self._echo.clear()

    def _run_line(self, line: str) -> None:
        text = line.strip(" \t\x00")
        if not text:
            return
        if text[:2].upper() != "AT":
            self.modem.log_rx(text, ignored=True)
            return
        self.modem.log_rx(text)
        time.sleep(self.modem.config.latency_s)
        if self.modem.run_line(self, text):
            self._prompt_text = bytearray()

    def _prompt_byte(self, b: int) -> None:
        text = self._prompt_text
        if b in (CTRL_Z, ESC):
            self._flush_echo()
            self._prompt_text = None
            time.sleep(self.modem.config.latency_s)
            self.modem.finish_prompt(self, bytes(text) if b == CTRL_Z else None)
            return
        if self.modem.settings.echo:
            self._echo.append(b)
        if b == CR:
            self._flush_echo()
            text.append(b)
            self.at.write(b"\r\n> ")
        elif b == BS:
            if text:
                text.pop()
        elif b != LF and len(text) < 8192:
            text.append(b)


class AudioPump:
    """Paces a modem's audio pty: 320 bytes every 20 ms while a call has audio."""

    def __init__(self, modem: Any, session: ModemSession):
        self.modem, self.session, self.port = modem, session, session.audio
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name=f"modem-{modem.imei}-audio")
        self._rx = bytearray()
        self._pending = b""
        self.stats = {"tx_frames": 0, "rx_frames": 0, "underruns": 0, "overruns": 0,
                      "tx_dropped": 0, "resyncs": 0, "errors": 0, "streaming": False}

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        stop = self.session.stopping
        try:
            while not stop.is_set():
                call = self.modem.audio_call(self.session)
                if call is None:
                    self._discard_host_audio()
                    stop.wait(IDLE_POLL_S)
                    continue
                self._stream(call, stop)
        finally:
            self.stats["streaming"] = False
            self.port.close()

    def _discard_host_audio(self) -> None:
        while self.port.read(65536):
            pass
        self._rx.clear()

    def _stream(self, call: Any, stop: threading.Event) -> None:
        """Frames for `call` until it stops having audio; absolute 20 ms schedule."""
        self.stats["streaming"] = True
        self.modem.audio_event(call, "start")
        t0, n = time.monotonic(), 0
        while not stop.is_set() and self.modem.audio_call(self.session) is call:
            due = t0 + n * FRAME_S
            late = time.monotonic() - due
            if late < 0:
                stop.wait(-late)
                continue
            if late > MAX_CATCH_UP_S:
                self.stats["resyncs"] += 1
                t0, n = time.monotonic(), 0
                continue
            try:
                self._tick(call, due)
            except Exception as e:
                self.stats["errors"] += 1
                if self.stats["errors"] == 1:
                    self.modem.log("error", where="audio", error=repr(e),
                                   trace=traceback.format_exc())
            n += 1
        self.stats["streaming"] = False
        self.modem.audio_event(call, "stop")

    def _tick(self, call: Any, t: float) -> None:
        self._send(call.downlink_frame(t))
        self._receive()
        if len(self._rx) >= FRAME_BYTES:
            frame = bytes(self._rx[:FRAME_BYTES])
            del self._rx[:FRAME_BYTES]
            self.stats["rx_frames"] += 1
        else:
            frame = SILENCE
            if self.port.host_open:
                self.stats["underruns"] += 1
        call.uplink_frame(frame, t)

    def _send(self, frame: bytes) -> None:
        if self._pending:
            n = self.port.try_write(self._pending)
            self._pending = self._pending[n:]
        if self._pending or not self.port.host_open:
            self.stats["tx_dropped"] += 1
            return
        n = self.port.try_write(frame)
        if n == 0:
            self.stats["tx_dropped"] += 1
            return
        self._pending = frame[n:]
        self.stats["tx_frames"] += 1

    def _receive(self) -> None:
        data = self.port.read(65536)
        if data:
            self._rx += data
        excess = len(self._rx) - JITTER_FRAMES * FRAME_BYTES
        if excess > 0:
            drop = -(-excess // FRAME_BYTES) * FRAME_BYTES
            del self._rx[:drop]
            self.stats["overruns"] += drop // FRAME_BYTES
