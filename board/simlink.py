"""The wire between the simulated board and the PSTN emulator (docs/sim-link.md).

Frames on an FXS port socket: 1 byte type, 2 bytes big-endian payload length,
payload. `encode_frame` and `FrameDecoder` are the one definition of that format,
used by the board (board/sim.py) and by the emulator's phones
(hil_tests/pstn/phones.py) alike.

`SimLink` is the board's end of one socket: a client that keeps itself
connected. It reconnects with exponential backoff whenever the emulator goes
away, feeds whatever arrives to a callback on its reader thread, and sends from
its own writer thread, so a caller (the firmware writing audio) never blocks.
Audio is droppable: while the link is down, or when the emulator reads too
slowly, the oldest frames go first; control messages are kept in order.

`LinkServer` is the emulator's end: the listening socket the phones
(hil_tests/pstn/phones.py) and the LED sink (hil_tests/pstn/leds.py) serve on.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from board.realtime import audio_thread

log = logging.getLogger(__name__)

AUDIO, EVENT, COMMAND, STATUS = "A", "E", "C", "S"
FRAME_TYPES = (AUDIO, EVENT, COMMAND, STATUS)
_HEADER = struct.Struct(">cH")
MAX_PAYLOAD = 0xFFFF


class FrameError(ValueError):
    """Bytes on a port socket that break the frame format."""


def encode_frame(kind: str, payload: bytes) -> bytes:
    """One frame: type letter, big-endian length, payload."""
    if kind not in FRAME_TYPES:
        raise FrameError(f"unknown frame type {kind!r} (types: {', '.join(FRAME_TYPES)})")
    if len(payload) > MAX_PAYLOAD:
        raise FrameError(f"frame payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    return _HEADER.pack(kind.encode("ascii"), len(payload)) + payload


def encode_json(kind: str, obj: dict[str, Any]) -> bytes:
    return encode_frame(kind, json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def decode_json(payload: bytes) -> dict[str, Any]:
    """A frame's JSON payload as a dict; FrameError if it is not one."""
    try:
        obj = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameError(f"payload is not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise FrameError(f"payload is not a JSON object: {obj!r}")
    return obj


class FrameDecoder:
    """Splits a byte stream into (type, payload) frames, whatever the read sizes."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        self._buf += data
        frames = []
        while len(self._buf) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(self._buf)
            end = _HEADER.size + length
            if len(self._buf) < end:
                break
            frames.append((kind.decode("latin-1"), bytes(self._buf[_HEADER.size:end])))
            del self._buf[:end]
        return frames


class SimLink:
    """A self-reconnecting client of one emulator Unix socket.

    on_up() runs on the reader thread right after each connect (before any data is
    read), on_data(bytes) for everything received, on_down(reason) when a live
    connection is lost. Backoff between attempts doubles from `backoff[0]` to
    `backoff[1]` seconds and resets after a successful connect.
    """

    def __init__(self, path: Path, label: str, on_data: Callable[[bytes], None],
                 on_up: Callable[[], None] = lambda: None,
                 on_down: Callable[[str], None] = lambda reason: None,
                 backoff: tuple[float, float] = (0.05, 2.0), max_audio: int = 25,
                 realtime: bool = False):
        self.path, self.label = Path(path), label
        self._on_data, self._on_up, self._on_down = on_data, on_up, on_down
        self._backoff = backoff
        self._realtime = realtime  # carries audio: its threads are audio threads
        self._cond = threading.Condition()
        self._control: deque[bytes] = deque()
        self._audio: deque[bytes] = deque(maxlen=max_audio)
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connects = 0
        self.dropped = 0
        self.last_error = ""

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def start(self) -> None:
        self._stop.clear()
        for target, role in ((self._run, "reader"), (self._send_loop, "writer")):
            thread = threading.Thread(target=target, name=f"{self.label}-{role}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._drop_connection()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def send(self, data: bytes, droppable: bool = False) -> bool:
        """Queue bytes for the emulator. False (and nothing queued) while disconnected."""
        with self._cond:
            if self._sock is None:
                if droppable:
                    self.dropped += 1
                return False
            if droppable:
                if len(self._audio) == self._audio.maxlen:
                    self.dropped += 1
                self._audio.append(data)
            else:
                self._control.append(data)
            self._cond.notify()
        return True

    # --- reader: connect, read, reconnect ----------------------------------

    def _run(self) -> None:
        if self._realtime:
            audio_thread(f"{self.label} link reader")
        delay = self._backoff[0]
        while not self._stop.is_set():
            sock = self._connect()
            if sock is None:
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            reason = self._serve(sock)
            self._drop_connection()
            if not self._stop.is_set():
                log.warning("%s: link to the emulator lost (%s); reconnecting", self.label, reason)
                self._on_down(reason)

    def _connect(self) -> socket.socket | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(1.0)
        try:
            sock.connect(str(self.path))
        except OSError as exc:
            self.last_error = f"{self.path}: {exc.strerror or exc}"
            sock.close()
            return None
        return sock

    def _serve(self, sock: socket.socket) -> str:
        with self._cond:
            self._control.clear()
            self._audio.clear()
            self._sock = sock
            self.connects += 1
        try:
            self._on_up()
            while not self._stop.is_set():
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    return "the emulator closed the connection"
                self._on_data(data)
        except OSError as exc:
            return str(exc)
        return "stopped"

    def _drop_connection(self, only: socket.socket | None = None) -> None:
        """Close the live connection (only if it is still `only`, when given)."""
        with self._cond:
            if only is not None and self._sock is not only:
                return
            sock, self._sock = self._sock, None
            self._cond.notify_all()
        if sock is not None:
            shutdown_socket(sock)

    # --- writer ------------------------------------------------------------

    def _send_loop(self) -> None:
        if self._realtime:
            audio_thread(f"{self.label} link writer")
        while not self._stop.is_set():
            with self._cond:
                while not self._stop.is_set() and not (
                        self._sock and (self._control or self._audio)):
                    self._cond.wait(0.5)
                if self._stop.is_set():
                    return
                sock = self._sock
                data = self._control.popleft() if self._control else self._audio.popleft()
            try:
                sock.sendall(data)
            except OSError as exc:  # includes the 1 s send timeout: the reader reconnects
                self.last_error = f"send: {exc}"
                self._drop_connection(only=sock)


class LinkServer:
    """The emulator's end of a link socket: listens, one thread per connection.

    `handler(conn, stopping)` runs on the connection's own thread; `conn` has a
    0.5 s timeout so the handler can check `stopping` between reads. The server
    closes the connection when the handler returns, and everything on stop().
    """

    def __init__(self, path: Path, handler: Callable[[socket.socket, threading.Event], None],
                 label: str):
        self.path, self.label = Path(path), label
        self._handler = handler
        self._stopping = threading.Event()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self.path.unlink(missing_ok=True)  # a stale socket file from a dead emulator
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        sock.listen(4)
        sock.settimeout(0.2)
        self._sock = sock
        self._stopping.clear()
        self._spawn(self._accept_loop, "accept")

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        with self._lock:
            conns = list(self._conns)
        if self._sock is not None:
            shutdown_socket(self._sock)  # wakes the accept() at once on Linux
        for conn in conns:
            shutdown_socket(conn)
        for thread in list(self._threads):
            thread.join(timeout)
        self._threads = []
        self._sock = None
        self.path.unlink(missing_ok=True)

    def _spawn(self, target: Callable, role: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=f"{self.label}-{role}",
                                  daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(0.5)
            with self._lock:
                self._conns.add(conn)
            self._spawn(self._serve, "conn", conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._handler(conn, self._stopping)
        except OSError as exc:
            log.info("%s: connection ended: %s", self.label, exc)
        except Exception:
            log.exception("%s: connection handler failed", self.label)
        finally:
            with self._lock:
                self._conns.discard(conn)
            shutdown_socket(conn)


def shutdown_socket(conn: socket.socket) -> None:
    """Shut a socket down both ways (waking any thread blocked on it), then close it."""
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
