"""One call on an analog (FXO) line, and its audio port.

`FxoCall` is the line model's `LineCall` (firmware/lines/model.py) for the FXO
driver (fxo.py): direction, number, state, cause, and futures the call core
awaits (`wait_answer`, `wait_end`). States: "ringing" (in, offered), "dialling"
(out: seizing, dial tone, digits), "alerting" (out: ringback heard), "active"
(connected), "ended".

`FxoAudio` is the call's `audio` once connected, and for an outbound call from
the seizure on (`early_media`: the caller hears the line's progress tones; the
bridge's frames are dropped until the answer) (board.base.AudioPort): the
driver reads the port's frames every 20 ms (its disconnect supervision hears
every one of them) and queues them here for the media bridge; what the bridge
writes goes to the port at once, and is kept as the echo reference for the
busy-tone detector (a prompt of the box's own is never taken for busy tone).
While the driver sends DTMF into the call (`send_dtmf`), the bridge's frames are
dropped so the far end hears clean digits.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from typing import Any, Literal

from board.base import FRAME_BYTES
from firmware.errors import SwitchboardError

AUDIO_DEPTH = 25  # 0.5 s of received audio waits for the bridge at most


class CallStateError(SwitchboardError, RuntimeError):
    """The request does not fit the call's state (no call ringing, none connected);
    the GSM driver's error of the same name means the same."""


class FxoAudio:
    """The connected call's audio: board.base.AudioPort, safe from any thread."""

    def __init__(self, port_audio: Any, name: str, depth: int = AUDIO_DEPTH):
        self._port = port_audio
        self.name = name
        self._received: deque[bytes] = deque(maxlen=depth)
        self._lock = threading.Lock()
        self._sent: bytes | None = None  # the bridge's last frame, for the echo reference
        self.injecting = False  # the driver plays DTMF: the bridge's frames are dropped
        self.closed = False
        self.frames_in = 0
        self.frames_out = 0

    def read_frame(self) -> bytes | None:
        try:
            return self._received.popleft()
        except IndexError:
            return None

    def write_frame(self, frame: bytes) -> None:
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"{self.name}: audio frame must be {FRAME_BYTES} bytes, "
                             f"got {len(frame)}")
        if self.closed or self.injecting:
            return
        with self._lock:
            self._sent = bytes(frame)
        self._port.write_frame(frame)
        self.frames_out += 1

    # --- the driver's side ----------------------------------------------------------

    def received(self, frame: bytes) -> None:
        """A frame from the line, for the bridge."""
        if not self.closed:
            self._received.append(frame)
            self.frames_in += 1

    def take_sent(self) -> bytes | None:
        """What the bridge sent since the last call (the echo reference), or None."""
        with self._lock:
            sent, self._sent = self._sent, None
        return sent

    def close(self) -> None:
        self.closed = True
        self._received.clear()


class FxoCall:
    """One call on an FXO line, in or out (firmware/lines/model.LineCall)."""

    def __init__(self, line: str, direction: Literal["in", "out"], number: str | None,
                 withheld: bool, t_start: float, *, name: str | None = None):
        self.line, self.direction = line, direction
        self.number, self.withheld, self.name = number, withheld, name
        self.state = "ringing" if direction == "in" else "dialling"
        self.t_start = t_start
        self.t_answer: float | None = None
        self.t_end: float | None = None
        self.cause: str | None = None
        self.how = ""  # how the answer or the end was decided (logs, records)
        self.caller_error: str | None = None  # a damaged caller ID: what was wrong
        # an analog line signals nothing but in-band: an outbound call's audio carries
        # the far end's progress before the answer (firmware/lines/model.py)
        self.early_media = direction == "out"
        self._audio: FxoAudio | None = None
        loop = asyncio.get_running_loop()
        self._outcome: asyncio.Future[str] = loop.create_future()
        self._ended: asyncio.Future[str] = loop.create_future()

    @property
    def audio(self) -> FxoAudio | None:
        return self._audio

    @property
    def answered(self) -> bool:
        return self.t_answer is not None

    @property
    def ended(self) -> bool:
        return self.state == "ended"

    async def wait_answer(self, timeout: float | None = None) -> str:
        """"answered" once connected both ways, or the cause the call ended with."""
        async with asyncio.timeout(timeout):
            return await asyncio.shield(self._outcome)

    async def wait_end(self, timeout: float | None = None) -> str:
        """The cause, once the call has ended."""
        async with asyncio.timeout(timeout):
            return await asyncio.shield(self._ended)

    # --- the driver's side ----------------------------------------------------------

    def early(self, audio: FxoAudio) -> None:
        """An outbound call's audio from the seizure on (early media): the caller hears
        the line's own progress (dial tone, ringback, busy tone, an announcement); what
        the bridge says is dropped until the answer, the digits go out clean."""
        audio.injecting = True
        self._audio = audio

    def connect(self, audio: FxoAudio | None, t: float, how: str) -> None:
        self.state, self.t_answer, self.how = "active", t, how
        if audio is not None:
            self._audio = audio
        if self._audio is not None:
            self._audio.injecting = False
        _resolve(self._outcome, "answered")

    def end(self, cause: str, t: float, how: str) -> bool:
        """Mark the call ended (once); False if it had ended already."""
        if self.state == "ended":
            return False
        self.state, self.cause, self.t_end, self.how = "ended", cause, t, how
        if self._audio is not None:
            self._audio.close()
        _resolve(self._outcome, cause)
        _resolve(self._ended, cause)
        return True

    def __repr__(self) -> str:
        return f"<FxoCall {self.line} {self.direction} {self.number or '-'} {self.state}>"


def _resolve(future: asyncio.Future, value: str) -> None:
    if not future.done():
        future.set_result(value)
