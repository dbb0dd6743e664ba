"""The wire of one analog line: the socket to the board's FXO port and its audio clock.

`LineWire` listens on `RUNDIR/<line>.sock` (docs/sim-link.md, "FXO port
socket"). Right after the board connects it sends `S` (the line as the port
finds it); then, from the exchange, `E` frames (ring voltage edges, polarity,
battery, loop current) and one `A` frame every 20 ms on an absolute monotonic
schedule, whatever the hook state, as a real line always carries something
(silence, tones, caller ID, the far party). The board sends `C` frames (hook,
flash) and `A` frames (what the box puts on the line), timestamped by a model
of the exchange's playout: a frame plays 20 ms after the previous one, or on
arrival if the buffer ran dry.

The wire knows no telephony: it calls `line.downlink(t)` for each frame it
sends, `line.uplink(frame, t)` for each frame it gets and `line.command(obj, t)`
for each command, from its own threads, without the world lock held.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from board.simlink import (
    AUDIO,
    COMMAND,
    EVENT,
    STATUS,
    FrameDecoder,
    FrameError,
    LinkServer,
    decode_json,
    encode_frame,
    encode_json,
    shutdown_socket,
)
from hil_tests.pstn.dsp import FRAME_BYTES, FRAME_S

log = logging.getLogger(__name__)

PLAYOUT_MAX_S = 0.2
MAX_CATCH_UP_S = 0.2


class LineWire:
    """The exchange's end of one FXO port socket, and the line's 20 ms audio clock."""

    def __init__(self, line: Any, rundir: Path):
        self.line = line
        self._server = LinkServer(Path(rundir) / f"{line.id}.sock", self._serve,
                                  f"line-{line.id}")
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._conn: socket.socket | None = None
        self._playout_t = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.stats = {"tx_frames": 0, "rx_frames": 0, "bad_frames": 0, "resyncs": 0,
                      "errors": 0}

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def start(self) -> None:
        self._server.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._clock, name=f"line-{self.line.id}-audio",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None

    def send_event(self, obj: dict) -> bool:
        return self._send(encode_json(EVENT, obj))

    def drop(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            shutdown_socket(conn)

    # --- the board's connection ------------------------------------------------

    def _serve(self, conn: socket.socket, stopping: threading.Event) -> None:
        with self._lock:
            old, self._conn = self._conn, conn
        if old is not None:  # a restarted box replaces a stale connection
            shutdown_socket(old)
        self._send(encode_json(STATUS, self.line.port_status()))
        self.line.link_changed(True)
        try:
            decoder = FrameDecoder()
            while not stopping.is_set() and self._conn is conn:
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    return
                for kind, payload in decoder.feed(data):
                    self._on_frame(kind, payload)
        finally:
            with self._lock:
                if self._conn is conn:
                    self._conn = None
            self.line.link_changed(False)

    def _on_frame(self, kind: str, payload: bytes) -> None:
        try:
            if kind == AUDIO:
                if len(payload) != FRAME_BYTES:
                    raise FrameError(f"audio frame of {len(payload)} bytes")
                self.stats["rx_frames"] += 1
                self.line.uplink(payload, self._playout())
            elif kind == COMMAND:
                self.line.command(decode_json(payload), time.monotonic())
            else:
                raise FrameError(f"the box does not send {kind!r} frames on an FXO port")
        except FrameError as exc:
            self.stats["bad_frames"] += 1
            self.line.bad_frame(kind, str(exc))

    def _playout(self) -> float:
        now = time.monotonic()
        t = self._playout_t + FRAME_S
        if not now <= t <= now + PLAYOUT_MAX_S:
            t = now
        self._playout_t = t
        return t

    def _send(self, data: bytes) -> bool:
        conn = self._conn
        if conn is None:
            return False
        try:
            with self._send_lock:
                conn.sendall(data)
        except OSError as exc:
            log.info("line %s: link to the box broken: %s", self.line.id, exc)
            self.drop()
            return False
        return True

    # --- the 20 ms clock -----------------------------------------------------------

    def _clock(self) -> None:
        t0, n = time.monotonic(), 0
        while not self._stop.is_set():
            due = t0 + n * FRAME_S
            late = time.monotonic() - due
            if late < 0:
                self._stop.wait(-late)
                continue
            if late > MAX_CATCH_UP_S:
                self.stats["resyncs"] += 1
                t0, n = time.monotonic(), 0
                continue
            self._tick(due)
            n += 1

    def _tick(self, t: float) -> None:
        try:
            frame = self.line.downlink(t)
        except Exception as exc:
            self.stats["errors"] += 1
            if self.stats["errors"] == 1:
                self.line.error("audio", exc, traceback.format_exc())
            return
        if self._conn is not None and self._send(encode_frame(AUDIO, frame)):
            self.stats["tx_frames"] += 1
