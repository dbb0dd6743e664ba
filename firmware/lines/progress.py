"""Call progress on an analog line the box dials out on: what the exchange plays back.

Pure code. The FXO driver seizes the line, makes a `CallProgress(profile)`
and feeds it the received audio, 20 ms at a time (`feed(frame, t)`):
- stage "dial" (after seizing): "dial_tone" once the profile's dial tone has
  sounded without a break for `dial_confirm_s` (long enough that no other
  tone of the same frequency lasts that long: cn 0.94 s, us 0.3 s);
- the driver dials and calls `dialled(t)`: stage "progress", where it hears
  "ringback" (one on time that only ringback has), "busy" and "congestion"
  (two on times and the off time between them), "vacant" (cn's number-
  unreachable tone, its whole pattern), "dial_tone" (a steady tone longer
  than any cadence: nothing was dialled), "voice" (sound that is no tone
  for 0.2 s of the last 0.5 s: someone answered; a fax or SIT reads as voice
  too) and "silence" (nothing at all for `silence_s`, ringback's off time
  plus its margin: after ringback, the far end answered and says nothing).
Each event comes once, again only after another kind came in between.

The tone tables are the profile's (analog_profiles.py, HARDWARE.md 1.5); a
tone's frequencies must also be within `FREQ_TOLERANCE` of the nominal ones.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from firmware.lines.analog_profiles import AnalogProfile, ToneSpec, matches, tolerance
from firmware.lines.dsp import WINDOW
from firmware.lines.tone_cadence import Segment, ToneBank, cadence_match

PROGRESS_SHARE = 0.5
REQUIRED_ONS = {"ringback": 1, "busy": 2, "congestion": 2, "vacant": 4}
FREQ_TOLERANCE = 0.025  # +-2.5 % + 2 Hz
VOICE_FLOOR = WINDOW * 60.0**2 / 2  # a window this loud (~-52 dBm0) may hold a voice
VOICE_HOPS = 100  # the last 0.5 s ...
VOICE_NEEDED = 40  # ... of which 0.2 s is sound that is no tone
NOISE_RISE = 1.001  # the noise floor follows the quietest hops, rising 0.1 % per hop
DIAL_MIN_S = 0.3


@dataclass(frozen=True)
class ProgressEvent:
    """What the line played: `kind`, heard from `t` (when it began), known at `t_detected`."""

    kind: str
    t: float
    t_detected: float


def frequencies_ok(segment: Segment, tone: ToneSpec, share: float = FREQ_TOLERANCE) -> bool:
    return all(abs(off) <= share * hz + 2 for off, hz in
               zip(segment.offsets_hz, tone.freqs, strict=False))


class CallProgress:
    """The call-progress tones one outbound call on an analog line hears."""

    def __init__(self, profile: AnalogProfile, stage: str = "dial",
                 silence_s: float | None = None):
        if stage not in ("dial", "progress"):
            raise ValueError(f"call progress stage must be 'dial' or 'progress', not {stage!r}")
        self.profile = profile
        self.stage = stage
        self.tones = profile.progress_tones
        groups = list(dict.fromkeys(tone.freqs for tone in self.tones))
        self._gate_of = {tone.name: groups.index(tone.freqs) for tone in self.tones}
        self._bank = ToneBank(groups, PROGRESS_SHARE)
        self._history: list[deque[Segment]] = [deque(maxlen=12) for _ in groups]
        self.dial_confirm_s = self._steady_s(profile.dial, with_ringback=False)
        self.steady_s = self._steady_s(profile.dial, with_ringback=True) + 0.3
        ring = profile.ringback.cadence
        self.silence_s = silence_s if silence_s is not None else ring[1] + tolerance(ring[1])
        self._last_kind: str | None = None
        self._voice: deque[bool] = deque(maxlen=VOICE_HOPS)
        self._noise: float | None = None
        self._active_t: float | None = None
        self._events: list[ProgressEvent] = []

    def _steady_s(self, dial: ToneSpec, with_ringback: bool) -> float:
        """How long a steady tone must last to be no cadence tone of the same frequencies."""
        longest = [max(tone.cadence[0::2]) for tone in self.tones
                   if tone.freqs == dial.freqs and tone.cadence
                   and (with_ringback or tone.name != "ringback")]
        return max([DIAL_MIN_S, *(on + tolerance(on) + 0.1 for on in longest)])

    def dialled(self, t: float) -> None:
        """The number is dialled: from now on listen for the call's progress."""
        self.stage = "progress"
        self._last_kind = None
        self._active_t = t
        self._voice.clear()

    def feed(self, frame: bytes, t: float) -> list[ProgressEvent]:
        self._events = []
        for k, segment in self._bank.feed(frame, t, self._hop):
            self._history[k].append(segment)
            if segment.on:
                self._check_cadences(k, segment.t_end)
        return self._events

    def _emit(self, kind: str, start: float, now: float) -> None:
        if kind != self._last_kind:
            self._last_kind = kind
            self._events.append(ProgressEvent(kind, start, now))

    def _hop(self, t: float, energy: float, tone: bool) -> None:
        self._noise = energy if self._noise is None else min(energy, self._noise * NOISE_RISE)
        loud = energy >= VOICE_FLOOR and energy >= 4 * self._noise
        if self._active_t is None or tone or loud:
            self._active_t = t
        self._check_steady(t)
        if self.stage != "progress":
            return
        self._voice.append(loud and not tone)
        if sum(self._voice) >= VOICE_NEEDED:
            self._emit("voice", t - len(self._voice) * 0.005, t)
        elif t - self._active_t >= self.silence_s:
            self._emit("silence", self._active_t, t)

    def _check_steady(self, t: float) -> None:
        gate = self._bank.gates[self._gate_of["dial"]]
        if not gate.on or gate.since is None:
            return
        need = self.dial_confirm_s if self.stage == "dial" else self.steady_s
        if t - gate.since >= need:
            current = gate.current(t)
            if current is not None and frequencies_ok(current, self.profile.dial):
                self._emit("dial_tone", gate.since, t)

    def _check_cadences(self, k: int, now: float) -> None:
        history = list(self._history[k])
        for tone in self.tones:
            if not tone.cadence or self._gate_of[tone.name] != k:
                continue
            if tone.name == "ringback" and self.stage != "progress":
                continue
            ons = REQUIRED_ONS.get(tone.name, 2)
            segments = history[-(2 * ons - 1):]
            if len(segments) < 2 * ons - 1 or not cadence_match(segments, tone.cadence):
                continue
            if not all(frequencies_ok(s, tone) for s in segments if s.on):
                continue
            if ons == 1 and self._ambiguous(tone, segments[0]):
                continue
            self._emit(tone.name, segments[0].t_start, now)
            return

    def _ambiguous(self, tone: ToneSpec, segment: Segment) -> bool:
        """A single on time that another tone of the same frequencies also has."""
        return any(other is not tone and other.freqs == tone.freqs and other.cadence
                   and any(matches(segment.duration, on) for on in other.cadence[0::2])
                   for other in self.tones)
