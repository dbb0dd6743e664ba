"""What every analog port does the same way, whatever drives it.

`PortBase` holds one port's owner (claim/release), its two callbacks (line
events, link status), its hook state and its in-service flag. The simulated FXS
port (board/sim.py) and the FXO ports (board/sim_fxo.py, board/v253.py) subclass
it and call `_emit` / `_set_status` from their reader threads; the callbacks run
on those threads and must hand the work to the event loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from board.base import FRAME_BYTES, LineEvent, LineStatus, PortInUse

log = logging.getLogger(__name__)


class PortBase:
    kind: Literal["fxs", "fxo"]

    def __init__(self, name: str, kind: Literal["fxs", "fxo"]):
        self.name = name
        self.kind = kind
        self._lock = threading.Lock()
        self._owner: str | None = None
        self._event_cb: Callable[[LineEvent], None] | None = None
        self._status_cb: Callable[[LineStatus], None] | None = None
        self._status = LineStatus(name, False, "not opened")
        self._hook: Literal["on", "off"] = "on"

    # --- ownership ---------------------------------------------------------

    def claim(self, owner: str) -> None:
        """Reserve the port for `owner`; PortInUse names whoever holds it already."""
        with self._lock:
            if self._owner not in (None, owner):
                raise PortInUse(f"port {self.name} is in use by {self._owner}")
            self._owner = owner

    def release(self, owner: str) -> None:
        """Give the port back; PortInUse if someone else holds it."""
        with self._lock:
            if self._owner not in (None, owner):
                raise PortInUse(f"port {self.name} is held by {self._owner}, not {owner}")
            self._owner = None

    @property
    def owner(self) -> str | None:
        return self._owner

    # --- callbacks ---------------------------------------------------------

    def on_event(self, callback: Callable[[LineEvent], None]) -> None:
        self._event_cb = callback

    def on_status(self, callback: Callable[[LineStatus], None]) -> None:
        self._status_cb = callback

    def status(self) -> LineStatus:
        return self._status

    def hook_state(self) -> Literal["on", "off"]:
        return self._hook

    def _emit(self, kind: str, t: float | None = None) -> None:
        """Report a line event (and follow the hook for offhook/onhook)."""
        if kind in ("offhook", "onhook"):
            self._hook = "off" if kind == "offhook" else "on"
        event = LineEvent(kind, time.monotonic() if t is None else t, self.name)
        _call(self._event_cb, event, self.name)

    def _set_status(self, ok: bool, reason: str = "") -> None:
        """Report the port going out of service (ok False) or back (ok True), once per change."""
        if self._status.ok == ok and self._status.reason == reason:
            return
        self._status = LineStatus(self.name, ok, reason)
        _call(self._status_cb, self._status, self.name)


def _call(callback: Callable | None, arg: object, port: str) -> None:
    if callback is None:
        return
    try:
        callback(arg)
    except Exception:  # a broken callback must not kill the port's reader thread
        log.exception("port %s: callback %r failed on %r", port, callback, arg)


class FrameQueue:
    """Frames received from the device, oldest first, bounded: when full the oldest go."""

    def __init__(self, depth: int = 25):
        self._frames: deque[bytes] = deque(maxlen=depth)
        self._lock = threading.Lock()
        self.received = 0
        self.dropped = 0

    def put(self, frame: bytes) -> None:
        with self._lock:
            if len(self._frames) == self._frames.maxlen:
                self.dropped += 1
            self._frames.append(frame)
            self.received += 1

    def get(self) -> bytes | None:
        with self._lock:
            return self._frames.popleft() if self._frames else None

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()


def check_frame(frame: bytes, port: str) -> None:
    if len(frame) != FRAME_BYTES:
        raise ValueError(f"port {port}: an audio frame is {FRAME_BYTES} bytes, not {len(frame)}")
