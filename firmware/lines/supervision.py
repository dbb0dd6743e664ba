"""Far-end disconnect supervision of an answered FXO call, by the line's configured method.

Pure code. Exchanges tell an analog line that the far end hung up in one of
three ways (HARDWARE.md 1.3, 1.5; chan_dahdi's `busydetect`,
`hanguponpolarityswitch` and its battery/loop handling):
- "busy_tone": nothing electrical, busy tone in the audio (most Chinese
  lines): disconnect.BusyDisconnect decides;
- "polarity": the line's polarity reverses (again) when the far end hangs
  up; a reversal within `ANSWER_GUARD_S` of the answer is the answer's own
  (answer supervision), not a disconnect;
- "loop_current": the exchange opens the loop for a while (calling party
  control, CPC): loop current absent for `OPEN_LOOP_S` or more. Shorter
  drops are glitches, never a disconnect.

The driver makes a `Supervisor(profile, method)` when the call is answered,
calls `answered(t)`, and forwards frames and board events; each returns a
`Disconnect` once (then nothing). The method comes from the line's settings
(default: the profile's, cn "busy_tone", us "loop_current").
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware.lines.analog_profiles import DISCONNECT_METHODS, AnalogProfile
from firmware.lines.disconnect import BusyDisconnect

ANSWER_GUARD_S = 1.0
OPEN_LOOP_S = 0.25  # CPC opens the loop for 250 ms or more; shorter is a glitch


@dataclass(frozen=True)
class FarEndGone:
    """The far end hung up: how it was signalled, when it began, when it was certain."""

    method: str
    t: float
    t_detected: float


class Supervisor:
    """Disconnect supervision of one answered call on an FXO line."""

    def __init__(self, profile: AnalogProfile, method: str | None = None):
        method = method or profile.disconnect
        if method not in DISCONNECT_METHODS:
            raise ValueError(f"disconnect method {method!r} is not one of "
                             f"{', '.join(DISCONNECT_METHODS)}")
        self.method = method
        self._busy = BusyDisconnect(profile) if method == "busy_tone" else None
        self._answered: float | None = None
        self._open_since: float | None = None
        self.gone: FarEndGone | None = None

    def answered(self, t: float) -> None:
        self._answered = t

    def frame(self, rx: bytes, t: float, tx: bytes | None = None) -> FarEndGone | None:
        """A received frame (and the one the box sent meanwhile, as echo reference)."""
        if self._busy is None or self.gone is not None:
            return None
        found = self._busy.feed(rx, t, tx)
        if found is None:
            return None
        return self._gone(FarEndGone("busy_tone", found.t_tone, found.t_detected))

    def polarity(self, t: float) -> FarEndGone | None:
        """The line's polarity reversed at `t` (a debounced board event)."""
        if self.method != "polarity" or self.gone is not None:
            return None
        if self._answered is not None and t - self._answered < ANSWER_GUARD_S:
            return None
        return self._gone(FarEndGone("polarity", t, t))

    def loop_current(self, present: bool, t: float) -> FarEndGone | None:
        """Loop current appeared or went at `t`."""
        if self.method != "loop_current" or self.gone is not None:
            return None
        if present:
            self._open_since = None
            return None
        if self._open_since is None:
            self._open_since = t
        return self.poll(t)

    def poll(self, t: float) -> FarEndGone | None:
        """Call every frame: an open loop becomes a disconnect once it lasted OPEN_LOOP_S."""
        if self._open_since is None or self.gone is not None:
            return None
        if t - self._open_since >= OPEN_LOOP_S:
            return self._gone(FarEndGone("loop_current", self._open_since, t))
        return None

    def _gone(self, gone: FarEndGone) -> FarEndGone:
        self.gone = gone
        return gone
