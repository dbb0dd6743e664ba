"""Call progress tones by country, as data, and their pjsua2 ToneGenerator form.

A tone plan maps a tone name (dial, ringback, busy, congestion, vacant,
call_waiting, confirm) to a `Tone`: a sequence of segments, each one or two
frequencies on for `on_ms` then silent for `off_ms`, played in a loop. Adding a
country is adding a table entry. Sources: HARDWARE.md 1.5 (China and US
columns, after Asterisk's indications.conf [cn]/[us]). `confirm` is ours (no standard
one for China): a high stutter that says a feature code was taken.

A continuous tone is one long segment looped: pjmedia's generator takes at
most 32767 ms per segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pjsua2 as pj

TONE_NAMES = ("dial", "ringback", "busy", "congestion", "vacant", "call_waiting", "confirm",
              "stutter")
_STUTTER_BEATS = 10  # message waiting: ten short beats (2 s), then steady dial tone
DTMF_DIGITS = "0123456789*#ABCD"
MAX_DIGITS = 32  # pjmedia's tone generator queues at most 32 tones or digits
_CONTINUOUS_MS = 30000


@dataclass(frozen=True)
class Segment:
    """`freqs` (one or two, Hz) sound for `on_ms`, then silence for `off_ms`."""

    freqs: tuple[int, ...]
    on_ms: int
    off_ms: int = 0

    def __post_init__(self) -> None:
        if not 1 <= len(self.freqs) <= 2 or any(not 0 < hz < 4000 for hz in self.freqs):
            raise ValueError(f"a tone segment has one or two frequencies under 4 kHz: "
                             f"{self.freqs}")
        if not 0 < self.on_ms <= 32767 or not 0 <= self.off_ms <= 32767:
            raise ValueError(f"tone segment times must be 1..32767 ms on, 0..32767 ms off: "
                             f"{self.on_ms}/{self.off_ms}")


@dataclass(frozen=True)
class Tone:
    name: str
    segments: tuple[Segment, ...]

    @property
    def cycle_ms(self) -> int:
        return sum(s.on_ms + s.off_ms for s in self.segments)


def _tone(name: str, *segments: tuple[int | tuple[int, int], int, int]) -> Tone:
    return Tone(name, tuple(Segment(hz if isinstance(hz, tuple) else (hz,), on, off)
                            for hz, on, off in segments))


TONE_PLANS: dict[str, dict[str, Tone]] = {
    "cn": {
        "dial": _tone("dial", (450, _CONTINUOUS_MS, 0)),
        "ringback": _tone("ringback", (450, 1000, 4000)),
        "busy": _tone("busy", (450, 350, 350)),
        "congestion": _tone("congestion", (450, 700, 700)),
        "vacant": _tone("vacant", (450, 100, 100), (450, 100, 100), (450, 100, 100),
                        (450, 400, 400)),
        "call_waiting": _tone("call_waiting", (450, 400, 4000)),
        # A feature code was taken (*61, *62): three short high beeps, then a pause.
        "confirm": _tone("confirm", (1400, 250, 250), (1400, 250, 250), (1400, 250, 2000)),
        # Message waiting (voicemail): the dial tone's 450 Hz, stuttered, then steady.
        "stutter": _tone("stutter", *[(450, 100, 100)] * _STUTTER_BEATS,
                         (450, _CONTINUOUS_MS, 0)),
    },
    "us": {
        "dial": _tone("dial", ((350, 440), _CONTINUOUS_MS, 0)),
        "ringback": _tone("ringback", ((440, 480), 2000, 4000)),
        "busy": _tone("busy", ((480, 620), 500, 500)),
        "congestion": _tone("congestion", ((480, 620), 250, 250)),
        "vacant": _tone("vacant", (950, 330, 0), (1400, 330, 0), (1800, 330, 1000)),
        "call_waiting": _tone("call_waiting", (440, 300, 10000)),
        "confirm": _tone("confirm", ((350, 440), 100, 100), ((350, 440), 100, 100),
                         ((350, 440), 100, 2000)),
        "stutter": _tone("stutter", *[((350, 440), 100, 100)] * _STUTTER_BEATS,
                         ((350, 440), _CONTINUOUS_MS, 0)),
    },
}


def find_tone(plan: str, name: str) -> Tone:
    """The tone `name` of country plan `plan`; ValueError naming what exists."""
    tones = TONE_PLANS.get(plan)
    if tones is None:
        raise ValueError(f"unknown tone plan {plan!r}; known: {', '.join(sorted(TONE_PLANS))}")
    tone = tones.get(name)
    if tone is None:
        raise ValueError(f"tone plan {plan!r} has no tone {name!r}; "
                         f"known: {', '.join(sorted(tones))}")
    return tone


def tone_descs(tone: Tone) -> pj.ToneDescVector:
    """The tone as pjsua2 ToneDesc entries (volume 0 = pjmedia's default level)."""
    descs = pj.ToneDescVector()
    for segment in tone.segments:
        desc = pj.ToneDesc()
        desc.freq1 = segment.freqs[0]
        desc.freq2 = segment.freqs[1] if len(segment.freqs) > 1 else 0
        desc.on_msec = segment.on_ms
        desc.off_msec = segment.off_ms
        desc.volume = 0
        desc.flags = 0
        descs.append(desc)
    return descs


def check_digits(digits: str) -> str:
    """Upper-cased DTMF digits, or ValueError naming what is wrong."""
    upper = digits.upper()
    if not upper or len(upper) > MAX_DIGITS or re.fullmatch(r"[0-9*#A-D]+", upper) is None:
        raise ValueError(f"DTMF digits must be 1..{MAX_DIGITS} of {DTMF_DIGITS}: {digits!r}")
    return upper


def digit_descs(digits: str, on_ms: int, off_ms: int) -> pj.ToneDigitVector:
    """Checked digits as pjsua2 ToneDigit entries for ToneGenerator.playDigits."""
    if not 20 <= on_ms <= 2000 or not 20 <= off_ms <= 2000:
        raise ValueError(f"DTMF on/off times must be 20..2000 ms: {on_ms}/{off_ms}")
    vector = pj.ToneDigitVector()
    for digit in check_digits(digits):
        entry = pj.ToneDigit()
        entry.digit = digit.lower()  # pjmedia's digit map spells A-D in lower case
        entry.on_msec = on_ms
        entry.off_msec = off_ms
        entry.volume = 0
        vector.append(entry)
    return vector
