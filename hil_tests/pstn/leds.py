"""The box's front panel, as the PSTN emulator sees it: LED levels and their history.

The simulated board's LED engine connects to `RUNDIR/leds.sock` and sends one
JSON line per level change: `{"led": "SYS", "on": true, "t": <monotonic>}`
(docs/sim-link.md). The sink keeps the current level and the timestamped
history of every LED (`state()`, served as `GET /leds`), so a test checks a
blink rate or a fault code's flash count from the recorded edges, and logs each
change as a `led` event. The board re-sends every level after reconnecting; a
line that repeats the current level is not a change and is not recorded.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import deque
from pathlib import Path

from board.simlink import LinkServer
from hil_tests.pstn.eventlog import EventLog

log = logging.getLogger(__name__)

MAX_LINE = 4096


class LedSink:
    """Listens on RUNDIR/leds.sock and records every LED level change."""

    def __init__(self, rundir: str | Path, eventlog: EventLog, history: int = 5000):
        self._log = eventlog
        self._server = LinkServer(Path(rundir) / "leds.sock", self._serve, "leds")
        self._lock = threading.Lock()
        self._levels: dict[str, bool] = {}
        self._history: dict[str, deque[list]] = {}
        self._depth = history
        self.bad_lines = 0

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def state(self) -> dict:
        """{"leds": {name: {"on": bool, "history": [[t, on], ...]}}}"""
        with self._lock:
            return {"leds": {name: {"on": on, "history": [list(h) for h in self._history[name]]}
                             for name, on in sorted(self._levels.items())}}

    def record(self, led: str, on: bool, t: float) -> bool:
        """Take one level; True if it was a change (and so recorded and logged)."""
        with self._lock:
            if self._levels.get(led) is on:
                return False
            self._levels[led] = on
            self._history.setdefault(led, deque(maxlen=self._depth)).append([t, on])
        self._log.add("led", led=led, on=on, t=t)
        return True

    def _serve(self, conn: socket.socket, stopping: threading.Event) -> None:
        buf = b""
        while not stopping.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return
            *lines, buf = (buf + data).split(b"\n")
            for line in lines:
                self._take(line)
            if len(buf) > MAX_LINE:
                self._bad(buf[:80], "line too long")
                buf = b""

    def _take(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            msg = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._bad(line, str(exc))
            return
        if not (isinstance(msg, dict) and isinstance(msg.get("led"), str) and msg["led"]
                and isinstance(msg.get("on"), bool)):
            self._bad(line, "needs {\"led\": name, \"on\": true|false, \"t\": seconds}")
            return
        t = msg.get("t")
        if not isinstance(t, int | float) or isinstance(t, bool):
            t = time.monotonic()
        self.record(msg["led"], msg["on"], float(t))

    def _bad(self, line: bytes, why: str) -> None:
        self.bad_lines += 1
        log.warning("leds.sock: ignored %r: %s", line[:80], why)
        self._log.add("led_bad_line", line=line[:80].decode("utf-8", "replace"), why=why)
