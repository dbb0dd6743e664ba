"""A scripted Huawei-like modem on a pseudo-terminal, for GsmLine unit tests.

The test keeps the pty master; the driver opens the slave path exactly as it
opens /dev/ttyUSB2. A thread reads `\\r`-terminated commands and answers each
from `replies` (a list of lines, the last being the final code; a callable
returning such a list; or None to stay silent); unknown commands get ERROR.
`urc(line)` sends an unsolicited line, `unplug()` closes the master (the
driver's reads fail with EIO). Everything received is kept in `commands`.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from collections.abc import Callable

from board.base import ModemPorts

DEFAULT_REPLIES: dict[str, list[str]] = {
    "AT": ["OK"], "ATZ": ["OK"], "ATE0": ["OK"], "AT+CMEE=1": ["OK"],
    "AT+CGMI": ["huawei", "OK"], "AT+CGMM": ["E1550", "OK"], "AT+CGMR": ["11.608", "OK"],
    "AT+CGSN": ["861234567890123", "OK"], "AT+CPIN?": ["+CPIN: READY", "OK"],
    "AT+CIMI": ["460001234567890", "OK"], "AT+CREG=2": ["OK"], "AT+CLIP=1": ["OK"],
    "AT+CMGF=1": ["OK"], "AT+COPS=3,0": ["OK"], "AT+CRC?": ["+CRC: 0", "OK"],
    'AT+CSCS="GSM"': ["OK"], 'AT+CSCS="UCS2"': ["OK"], "AT+CSMP=17,167,0,0": ["OK"],
    "AT+CSMP=17,167,0,8": ["OK"], "AT+CNMI=2,1,0,0,0": ["OK"],
    "AT^CVOICE?": ["^CVOICE: 0,8000,16,20", "OK"], "AT+CSQ": ["+CSQ: 18,99", "OK"],
    "AT+CREG?": ['+CREG: 2,1,"2F1A","0C3B"', "OK"], "AT+COPS?": ['+COPS: 0,0,"TEST NET",2', "OK"],
    "AT+CHUP": ["OK"], "ATA": ["OK"], "AT^DDSETEX=2": ["OK"], "AT+CLCC": ["OK"],
}
Reply = list[str] | Callable[[str], list[str] | None] | None


class PtyModem:
    def __init__(self, replies: dict[str, Reply] | None = None):
        self.replies: dict[str, Reply] = {**DEFAULT_REPLIES, **(replies or {})}
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)
        tty.setraw(self._slave)  # no echo or CR mapping before the driver opens it
        self.commands: list[str] = []
        self._buf = b""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="ptymodem")
        self._thread.start()

    def ports(self, audio_url: str | None = None) -> ModemPorts:
        return ModemPorts(id="861234567890123", at_url=self.path, audio_url=audio_url)

    def urc(self, *lines: str) -> None:
        self._write("".join(f"\r\n{line}\r\n" for line in lines).encode())

    def unplug(self) -> None:
        """Close the master (and our slave fd): the driver's next read fails."""
        self._stop.set()
        self._thread.join(2)
        with self._lock:
            for fd in (self.master, self._slave):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.master = self._slave = -1

    close = unplug

    def count(self, command: str) -> int:
        return self.commands.count(command)

    def _write(self, data: bytes) -> None:
        with self._lock:
            if self.master >= 0:
                os.write(self.master, data)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                self._buf += os.read(self.master, 4096)
            except OSError:
                return
            while b"\r" in self._buf:
                raw, self._buf = self._buf.split(b"\r", 1)
                command = raw.decode("latin-1").strip()
                if command:
                    self._answer(command)

    def _answer(self, command: str) -> None:
        self.commands.append(command)
        reply = self.replies.get(command, ["ERROR"])
        if callable(reply):
            reply = reply(command)
        if reply is not None:
            self.urc(*reply)
