"""Ring detection on an FXO line by cadence: a ring is a burst long enough, never a spike.

Pure code (no I/O, no clock of its own). The FXO driver feeds the ring
detector's edges (`edge(on, t)`, t monotonic: ring voltage appeared or went)
and calls `poll(t)` every frame (20 ms); both return `RingEvent`s:

- "ring": a burst of ring voltage has lasted the profile's `min_on_s`
  (cn 0.4 s of its 1 s, us 0.8 s of its 2 s): a real ring, number `n`
  (1, 2, ...). From ring 2 on, `cadence_ok` says whether the last on and off
  times matched the profile (HARDWARE.md 1.5: cn 1 s on / 4 s off, us 2 s /
  4 s, within analog_profiles.tolerance()).
- "ring_end": that ring's voltage stopped (`on_s` = how long it lasted).
- "cid_window": ring 1 ended at `t`: listen for FSK caller ID from now
  (it starts >= 0.5 s after the ring, `RingSpec.cid_delay_s`) until `t_end`,
  when the next ring is due at the latest.
- "rejected": a burst that ended before `min_on_s` (a spike, a tinkle, a
  short burst): ignored, reported so the driver can log it.
- "stopped": no ring began within the profile's `abandon_s` after the last
  one ended: the caller gave up (or another phone answered).

Gaps shorter than `bridge_s` (150 ms) inside a burst are chatter of the
detector (a 20/25 Hz ring signal crosses zero 50 times a second) and do not
split it.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware.lines.analog_profiles import AnalogProfile, matches, tolerance


@dataclass(frozen=True)
class RingEvent:
    kind: str  # "ring" | "ring_end" | "cid_window" | "rejected" | "stopped"
    t: float
    n: int = 0  # the ring's number (0 for "rejected" and "stopped")
    on_s: float = 0.0  # "ring_end", "rejected": how long the voltage was on
    cadence_ok: bool | None = None  # "ring" from the second on
    t_end: float = 0.0  # "cid_window": when the next ring is due


class RingCadence:
    """Ring-voltage edges of one FXO line to rings, per the line's profile."""

    def __init__(self, profile: AnalogProfile):
        self.profile = profile
        self.ring = profile.ring
        self.rings = 0  # real rings of the current call
        self.cadence_ok: bool | None = None  # the last ring's cadence matched the profile
        self._start: float | None = None  # the current burst began
        self._off: float | None = None  # ... and its voltage went at (maybe chatter)
        self._counted = False  # the current burst is a ring already
        self._last_end: float | None = None  # the last ring ended, and how long it was on
        self._last_on = 0.0

    @property
    def ringing(self) -> bool:
        """A call is ringing the line (a ring was seen and it has not stopped)."""
        return self.rings > 0

    def edge(self, on: bool, t: float) -> list[RingEvent]:
        """Ring voltage appeared (`on`) or went at `t`."""
        events = self.poll(t)
        if on:
            if self._start is None:
                self._start, self._counted = t, False
            self._off = None
        elif self._start is not None and self._off is None:
            self._off = t
        return events

    def poll(self, t: float) -> list[RingEvent]:
        """What time alone decides by `t`: rings long enough, bursts over, calls gone."""
        events: list[RingEvent] = []
        if self._start is not None:
            on_until = t if self._off is None else self._off
            if not self._counted and on_until - self._start >= self.ring.min_on_s:
                events.append(self._count(self._start))
            if self._off is not None and t - self._off >= self.ring.bridge_s:
                events += self._burst_over(self._off)
        if (self._start is None and self._last_end is not None
                and t - self._last_end >= self.ring.abandon_s):
            events.append(RingEvent("stopped", self._last_end + self.ring.abandon_s))
            self.reset()
        return events

    def reset(self) -> None:
        """Forget the call (answered, or gone)."""
        self.__init__(self.profile)

    def _count(self, start: float) -> RingEvent:
        self._counted = True
        self.rings += 1
        ok = None
        if self._last_end is not None:
            ok = (matches(self._last_on, self.ring.on_s)
                  and matches(start - self._last_end, self.ring.off_s))
        self.cadence_ok = ok
        return RingEvent("ring", start, n=self.rings, cadence_ok=ok)

    def _burst_over(self, end: float) -> list[RingEvent]:
        start, counted = self._start, self._counted
        self._start = self._off = None
        on_s = end - start
        if not counted:
            return [RingEvent("rejected", start, on_s=on_s)]
        self._last_end, self._last_on = end, on_s
        events = [RingEvent("ring_end", end, n=self.rings, on_s=on_s)]
        if self.rings == 1:
            events.append(RingEvent("cid_window", end, n=1,
                                    t_end=end + self.ring.off_s + tolerance(self.ring.off_s)))
        return events
