"""Far-end disconnect by busy tone, for a call in progress on an analog line.

Pure code. Many Chinese exchanges signal nothing when the far end hangs up:
they play busy tone (450 Hz 0.35 s / 0.35 s) into the line until the box
hangs up too (HARDWARE.md 1.5, chan_dahdi's `busydetect`). The FXO driver
of a line whose disconnect method is "busy_tone" feeds every received
frame to a `BusyDisconnect(profile)`, and the frame the box sent at the same
time as `tx` (see below); `feed()` returns a `Disconnect` once.

It must never cut a call on speech, music, DTMF or the box's own prompts, so
it declares the far end gone only when ALL of these hold for the last
`cycles` on times of the tone (cn 3: at most 1.75 s after the tone began;
us 2: 1.5 s) and the off times between them:
- every on and off time matches the profile's busy cadence (+-20 % / 60 ms),
  except that the first on time may be cut short (from 0.1 s): a shared
  tone generator is heard from wherever its cadence is at the hang-up;
- the (whole) on times agree with each other within 60 ms (a machine's cadence)
  and their levels within 4 dB (a tone generator's steadiness);
- each on time's frequencies are within 1.5 % + 1 Hz of the nominal ones
  (an A4 at 440 Hz is not 450 Hz busy tone);
- no on time has a second harmonic above -13 dB of its fundamental (a
  piano's or a voice's has; a clipped pure tone has none);
- the box itself was not sending that tone meanwhile (`tx`: echo of its own
  prompts through the line's hybrid).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from firmware.lines.analog_profiles import AnalogProfile, matches
from firmware.lines.dsp import RATE
from firmware.lines.tone_cadence import Segment, ToneBank, cadence_match

BUSY_SHARE = 0.45  # the tone's share of the window (speech over it lowers it)
FREQ_SHARE = 0.015  # +-1.5 % + 1 Hz
FREQ_EXTRA_HZ = 1.0
MAX_HARMONIC = 0.05  # 2f at most -13 dB under f
MAX_LEVEL_SPREAD_DB = 4.0
MAX_ON_SPREAD_S = 0.06
ECHO_SHARE = 0.3  # the box's own audio "carries the tone" at this share
MIN_FIRST_ON_S = 0.1  # a first on time cut short by the tone's start counts from this


@dataclass(frozen=True)
class Disconnect:
    """The far end hung up: busy tone began at `t_tone`, proved at `t_detected`."""

    t_tone: float
    t_detected: float
    cycles: int
    level_dbm0: float


class BusyDisconnect:
    """Busy-tone disconnect supervision of one analog line during a call."""

    def __init__(self, profile: AnalogProfile, cycles: int | None = None):
        self.profile = profile
        self.tone = profile.busy
        self.cycles = cycles if cycles is not None else profile.busy_cycles
        if self.cycles < 2:
            raise ValueError(f"busy disconnect needs at least 2 cycles, not {self.cycles}")
        self._rx = ToneBank([self.tone.freqs], BUSY_SHARE, harmonics=True)
        self._tx = ToneBank([self.tone.freqs], ECHO_SHARE)
        self._segments: deque[Segment] = deque(maxlen=2 * self.cycles)
        self.detected: Disconnect | None = None

    def feed(self, frame: bytes, t: float, tx: bytes | None = None) -> Disconnect | None:
        """The frame received at `t` (and the one sent meanwhile); a Disconnect, once."""
        if tx is not None:
            self._guard(tx, t)
        for _, segment in self._rx.feed(frame, t):
            self._segments.append(segment)
            if segment.on and self.detected is None:
                self.detected = self._check(segment.t_end)
                if self.detected is not None:
                    return self.detected
        return None

    def reset(self) -> None:
        """A new call on the line."""
        self.__init__(self.profile, self.cycles)

    def _guard(self, tx: bytes, t: float) -> None:
        gate = self._rx.gates[0]

        def hop(t_end: float, _energy: float, tone: bool) -> None:
            if tone:
                gate.echo_t = t_end
        self._tx.feed(tx, t, hop)
        if self._tx.gates[0].on:  # the tone is still sounding at the end of this frame
            gate.echo_t = t + len(tx) / 2 / RATE

    def _check(self, now: float) -> Disconnect | None:
        segments = list(self._segments)[-(2 * self.cycles - 1):]
        if len(segments) < 2 * self.cycles - 1:
            return None
        steady = self._steady_ons(segments)
        if steady is None:
            return None
        ons = [s for s in segments if s.on]
        if any(s.echo or not self._pure(s) for s in ons):
            return None
        durations = [s.duration for s in steady]
        levels = [s.level_dbm0 for s in ons]
        if max(durations) - min(durations) > MAX_ON_SPREAD_S:
            return None
        if max(levels) - min(levels) > MAX_LEVEL_SPREAD_DB:
            return None
        return Disconnect(ons[0].t_start, now, self.cycles, sum(levels) / len(levels))

    def _steady_ons(self, segments: list[Segment]) -> list[Segment] | None:
        """The on times that must agree, if the segments are the busy cadence.

        The first on time may be cut short: a shared tone generator is heard
        from wherever its cadence is when the far end hangs up.
        """
        if cadence_match(segments, self.tone.cadence):
            return [s for s in segments if s.on]
        cadence, first = self.tone.cadence, segments[0]
        if not MIN_FIRST_ON_S <= first.duration <= cadence[0]:
            return None
        rest = segments[1:]
        if all(matches(seg.duration, cadence[(1 + i) % len(cadence)])
               for i, seg in enumerate(rest)):
            return [s for s in rest if s.on]
        return None

    def _pure(self, segment: Segment) -> bool:
        """The nominal frequencies, and no second harmonic to speak of."""
        if segment.harmonic > MAX_HARMONIC or len(segment.offsets_hz) != len(self.tone.freqs):
            return False
        return all(abs(off) <= FREQ_SHARE * hz + FREQ_EXTRA_HZ
                   for off, hz in zip(segment.offsets_hz, self.tone.freqs, strict=True))
