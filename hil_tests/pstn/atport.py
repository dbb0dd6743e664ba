"""Test-side raw AT access to an emulated modem: a tiny terminal over pyserial.

Tests of the emulator itself talk to the modem's pty through this (never
through the firmware's GSM driver). Every line the modem sends is kept in
arrival order; `command()` sends one line and returns what came back up to
and including the final result code, `wait_line()` takes the first pending
line matching a prefix or regex (for URCs), and `read_raw()` returns bytes as
they are. The SMS prompt `> ` (no CRLF) counts as a line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import serial

FINALS = ("OK", "ERROR", "+CME ERROR:", "+CMS ERROR:", "COMMAND NOT SUPPORT", "NO CARRIER",
          "BUSY", "NO ANSWER", "NO DIALTONE", "CONNECT", "> ")


def is_final(line: str) -> bool:
    return any(line == f or (f.endswith(":") and line.startswith(f)) for f in FINALS)


@dataclass
class Answer:
    """A command's answer: every line after the echo, and the final result."""

    lines: list[str] = field(default_factory=list)
    final: str = ""

    @property
    def info(self) -> list[str]:
        return [x for x in self.lines if not is_final(x)]


class AtPort:
    """A raw AT terminal on `path` (the modem's at symlink or /dev/pts/N)."""

    def __init__(self, path: str, timeout: float = 5.0):
        self.path = path
        self.timeout = timeout
        self.ser = serial.Serial(path, 115200, timeout=0.02)
        self._buf = b""
        self.pending: list[str] = []

    def close(self) -> None:
        self.ser.close()

    def __enter__(self) -> AtPort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pump(self) -> bool:
        data = self.ser.read(4096)
        if not data:
            return False
        self._buf += data
        while True:
            m = re.search(rb"\r\n|\r|\n", self._buf)
            if m is None:
                break
            line, self._buf = self._buf[:m.start()], self._buf[m.end():]
            if line:
                self.pending.append(line.decode("latin-1"))
        if self._buf == b"> ":
            self.pending.append("> ")
            self._buf = b""
        return True

    def write(self, data: bytes) -> None:
        self.ser.write(data)
        self.ser.flush()

    def command(self, line: str, timeout: float | None = None, echo: bool | None = None) -> Answer:
        """Send `line` + CR; the lines after it up to the final result code."""
        self._pump()
        start = len(self.pending)
        self.write(line.encode("latin-1") + b"\r")
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            got = self.pending[start:]
            for i, text in enumerate(got):
                if is_final(text):
                    del self.pending[start:start + i + 1]
                    lines = got[:i + 1]
                    if lines and lines[0] == line and echo is not False:
                        lines = lines[1:]
                    return Answer(lines=lines, final=text)
            self._pump()
        raise TimeoutError(f"{self.path}: no final result for {line!r}; got {self.pending[start:]}")

    def wait_line(self, pattern: str, timeout: float | None = None, regex: bool = False) -> str:
        """Take the first pending line starting with `pattern` (or matching regex)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, text in enumerate(self.pending):
                if (re.search(pattern, text) if regex else text.startswith(pattern)):
                    return self.pending.pop(i)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.path}: no line {pattern!r}; pending {self.pending}")
            self._pump()

    def collect(self, seconds: float) -> list[str]:
        """Every line that arrives within `seconds` (plus those already pending)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump()
        lines, self.pending = self.pending, []
        return lines

    def read_raw(self, seconds: float) -> bytes:
        """Raw bytes for `seconds` (bypassing the line splitter)."""
        deadline, out = time.monotonic() + seconds, b""
        while time.monotonic() < deadline:
            out += self.ser.read(4096)
        return out
