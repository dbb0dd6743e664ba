"""Audio for legs: their slots in the conference bridge, tones, and talk.

`Audio` is the call core's narrow view of `firmware.media`: it attaches a
leg's PCM port to the bridge when the leg has one (a desk phone off hook, a
GSM call connected), plays the tones a caller or a desk phone should hear, and
connects two legs both ways. Desk phones' uplink audio is also tapped for
in-band DTMF: digits reach `on_digit(port, digit)` on the event loop.
Prompts (`await audio.play(leg, ["welcome"], lang="zh", interruptible=True)`):
prompting.py; a digit heard on the tap cuts an interruptible prompt short first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from firmware.calls.legs import Leg
from firmware.calls.prompting import PromptPlayer
from firmware.lines.dsp import DtmfDetector

log = logging.getLogger("switchboard.calls")


class Audio(PromptPlayer):
    def __init__(self, media: Any, on_digit: Callable[[str, str], None]):
        self.media = media
        self._on_digit = on_digit
        self._loop = asyncio.get_running_loop()
        self._sinks: dict[str, Any] = {}  # port -> a listener's sink (`listen`)
        self._tapped: set[str] = set()  # ports attached with the tap
        self.on_attach: Callable[[Leg], None] | None = None  # a recorder follows (recording.py)

    def attach(self, leg: Leg, detect_dtmf: bool = False) -> bool:
        """Give `leg` a bridge slot if it has audio now; True when it has one."""
        if leg.slot is not None:
            return True
        audio = leg.audio
        if audio is None:
            return False
        tap = self._dtmf_tap(leg.name) if detect_dtmf else None
        leg.slot = self.media.attach(leg.name, audio, on_frame=tap)
        if self.on_attach is not None:  # a slot attached again: a recording hears it still
            self.on_attach(leg)
        return True

    def detach(self, leg: Leg) -> None:
        if leg.slot is not None:
            slot, leg.slot = leg.slot, None
            self._tapped.discard(leg.name)
            self._sinks.pop(leg.name, None)
            self.media.detach(slot)

    def tone(self, leg: Leg, name: str | None) -> None:
        """Play tone `name` (dial, ringback, busy, congestion, vacant) to `leg`; None: silence."""
        if leg.slot is None and not self.attach(leg):
            return
        if name is None:
            self.media.stop_tone(leg.slot)
        else:
            self.media.play_tone(leg.slot, name)

    def talk(self, a: Leg, b: Leg) -> bool:
        """Connect `a` and `b` both ways (tones stopped). False if one has no audio."""
        if not (self.attach(a) and self.attach(b)):
            log.warning("no audio to bridge between %s and %s", a, b)
            return False
        self.media.stop_tone(a.slot)
        self.media.stop_tone(b.slot)
        self.media.connect(a.slot, b.slot)
        return True

    def part(self, a: Leg, b: Leg) -> None:
        if a.slot is not None and b.slot is not None:
            self.media.disconnect(a.slot, b.slot)

    def listen(self, leg: Leg, sink: Any) -> bool:
        """Hand `leg`'s own audio (only what it says, frame by frame, on the media
        thread) to `sink.feed(frame, t)` too, e.g. a voicemail recorder; False when
        the leg has no tapped audio. A slot attached without a tap is attached again."""
        if leg.slot is not None and leg.name not in self._tapped:
            self.detach(leg)
        if not self.attach(leg, detect_dtmf=True):
            return False
        self._sinks[leg.name] = sink
        return True

    def unlisten(self, leg: Leg) -> None:
        self._sinks.pop(leg.name, None)

    def _dtmf_tap(self, port: str) -> Callable[[bytes, float], None]:
        """Runs on the media thread: detect digits there, hand them to the loop (and
        the frame to a listener's sink, `listen`)."""
        detector = DtmfDetector()
        sinks = self._sinks
        self._tapped.add(port)

        def on_frame(frame: bytes, t: float) -> None:
            sink = sinks.get(port)
            if sink is not None:
                sink.feed(frame, t)
            for digit, _t in detector.feed(frame, t):
                self._loop.call_soon_threadsafe(self._heard_digit, port, digit)

        return on_frame

    def _heard_digit(self, port: str, digit: str) -> None:
        self.digit(port, digit)  # an interruptible prompt stops at once
        self._on_digit(port, digit)
