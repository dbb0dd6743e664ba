"""Calls and subscribers of the emulated mobile network.

A `Call` is one call as the network sees it: who called whom, its state
(dialing -> alerting | ringing -> active -> ended), the Q.850 cause it ended
with, and, when one end is a box SIM, the modem and the call index the modem
reports (`^ORIG:1,0`, `+CLCC: 1,...`). Its audio is what the far party sends
(`AudioSource`) and what it heard from the box (`Analyzer`), both from dsp.py;
a call between two box SIMs is bridged frame by frame instead.

A `Subscriber` is a phone out in the network with a scripted behaviour.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from hil_tests.pstn import audio_support

BEHAVIOURS = ("answer", "busy", "no_answer", "reject", "unreachable", "congestion")
DEFAULT_CAUSE = {"busy": 17, "unreachable": 1, "congestion": 34, "reject": 21}
CLI_VALIDITY = {"valid": 0, "withheld": 1, "unavailable": 2}
_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")


def number_key(number: str) -> str:
    """The form two numbers are compared in: +86/0086 prefixes dropped, separators removed."""
    n = re.sub(r"[\s\-().]", "", number)
    for prefix in ("+86", "0086"):
        if n.startswith(prefix) and len(n) > len(prefix):
            return n[len(prefix):]
    return n


def check_number(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _NUMBER.match(re.sub(r"[\s\-]", "", value)):
        raise ValueError(f"{field}: must be a phone number string like +8613800138000")
    return re.sub(r"[\s\-]", "", value)


def _opt_float(body: dict, key: str, default: float | None, lo: float = 0.0) -> float | None:
    value = body.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < lo:
        raise ValueError(f"{key}: must be a number >= {lo}")
    return float(value)


@dataclass(eq=False)
class Subscriber:
    """A phone in the network: how it treats calls from the box, and what it plays."""

    number: str
    behaviour: str = "answer"
    answer_after_s: float = 1.0
    no_answer_after_s: float | None = None
    hangup_after_s: float | None = None
    cause: int | None = None
    play: dict | None = None

    @classmethod
    def from_body(cls, body: dict) -> Subscriber:
        """Build from a POST /subscribers body; ValueError names the bad field."""
        number = check_number(body.get("number"), "number")
        behaviour = body.get("behaviour", "answer")
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour: must be one of {', '.join(BEHAVIOURS)}")
        cause = body.get("cause")
        if cause is not None and (not isinstance(cause, int) or not 1 <= cause <= 127):
            raise ValueError("cause: must be a Q.850 cause 1..127")
        play = body.get("play")
        if play is not None:
            audio_support.check_send(play, "play")
        return cls(number=number, behaviour=behaviour,
                   answer_after_s=_opt_float(body, "answer_after_s", 1.0),
                   no_answer_after_s=_opt_float(body, "no_answer_after_s", None),
                   hangup_after_s=_opt_float(body, "hangup_after_s", None),
                   cause=cause, play=play)

    def to_dict(self) -> dict:
        return asdict(self)


class Call:
    """One call in the network. Mutated only under the network lock, except its
    audio, which the modem's audio thread drives under the call's own lock."""

    def __init__(self, cid: str, direction: str, frm: str, to: str,
                 on_heard: Callable[[str, dict], None] | None = None):
        self.id, self.direction, self.frm, self.to = cid, direction, frm, to
        self.state = "dialing" if direction == "from_box" else "setup"
        self.modem: Any = None
        self.idx: int | None = None
        self.cause: int | None = None
        self.ended_by: str | None = None
        self.t_start = time.monotonic()
        self.t_answer: float | None = None
        self.t_end: float | None = None
        self.cli = "valid"
        self.clip_text: str | None = None  # sent in +CLIP instead of the number (hostile tests)
        self.cid_name: str | None = None  # the caller's name in MDMF caller ID (analog lines)
        self.line: Any = None  # the box's analog line this call rings or was dialled on
        self.far: Subscriber | None = None
        self.caller: Subscriber | None = None
        self.peer: Call | None = None
        self.forwarded_via: list[str] = []
        self.forwarded_to: str | None = None
        self.audio_enabled = False
        self.timers: list = []
        self.at_dtmf: list[dict] = []
        self._audio_lock = threading.Lock()
        self._audio = audio_support.CallAudio(cid, on_heard)
        self._bridge_in: deque[bytes] = deque(maxlen=25)

    @property
    def live(self) -> bool:
        return self.state != "ended"

    def duration(self) -> int:
        if self.t_answer is None:
            return 0
        return int((self.t_end or time.monotonic()) - self.t_answer)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "from": self.frm, "to": self.to, "direction": self.direction,
            "modem": self.modem.imei if self.modem is not None else None,
            "line": self.line.id if self.line is not None else None,
            "idx": self.idx, "state": self.state, "cause": self.cause,
            "ended_by": self.ended_by, "t_start": self.t_start, "t_answer": self.t_answer,
            "t_end": self.t_end, "cli": self.cli, "withheld": self.cli != "valid",
            "forwarded_via": list(self.forwarded_via), "forwarded_to": self.forwarded_to,
            "peer": self.peer.id if self.peer is not None else None,
            "audio_enabled": self.audio_enabled,
        }

    # --- audio (modem audio thread and HTTP threads) ----------------------

    def downlink_frame(self, t: float) -> bytes:
        """The next 20 ms the far party sends to the box, played at monotonic time `t`."""
        with self._audio_lock:
            if self.peer is not None:
                return self._bridge_in.popleft() if self._bridge_in else audio_support.SILENCE
            return self._audio.next_frame(t)

    def uplink_frame(self, frame: bytes, t: float) -> None:
        """One 20 ms frame from the box, played to the far party at monotonic time `t`."""
        with self._audio_lock:
            self._audio.feed(frame, t)
        peer = self.peer
        if peer is not None:
            with peer._audio_lock:
                peer._bridge_in.append(frame)

    def queue_far_audio(self, body: dict) -> float:
        """Queue a tone or DTMF from the far party; monotonic time it starts playing."""
        with self._audio_lock:
            return self._audio.send(body)

    def recording(self) -> Any:
        """What the far party heard, as a recording.Recording (WAV on request)."""
        return self._audio.recording()

    def release_recording(self, why: str) -> None:
        """Free the recording's memory (asking for it later answers `why`)."""
        try:
            self._audio.recording().release(why)
        except audio_support.DspUnavailable:
            pass

    def heard(self) -> dict:
        """What the far party heard: tones, DTMF and speech in the audio, plus
        AT-signalled DTMF, and the recording's time base."""
        with self._audio_lock:
            heard = self._audio.heard()
        dtmf = sorted(heard.get("dtmf", []) + self.at_dtmf, key=lambda d: d["t"])
        return {**heard, "dtmf": dtmf}
