"""An incoming call on an FXO line while it is on hook: rings plus caller ID, as one call.

Pure code. It puts ring_cadence.RingCadence and cid_decode's receivers
together the way an exchange sends them (HARDWARE.md 1.5), so the FXO driver
only forwards what it gets from the board:

    incoming = FxoIncoming(profile)
    incoming.ring_edge(on, t)      # ring voltage came or went (board event)
    incoming.frame(pcm, t)         # every 20 ms frame of received audio, on hook
    incoming.poll(t)               # every 20 ms at least
each returns a list of events:

- `Offer(t, caller, rings)`: present the call to the box now. `caller` is
  the CallerId read (a `CallerId` with `error` if it was damaged) or None
  if the line sent none. It comes once per call: at ring 1 when DTMF caller
  ID came before it; when the FSK caller ID after ring 1 is read; else when
  ring 2 begins (the line sends no caller ID, or it was lost).
- `Gone(t)`: the caller gave up before anyone answered (no ring within the
  profile's abandon time), or the call was never offered.
- `RingEvent` values of the ring cadence ("ring", "ring_end", "rejected",
  ...) are passed on too, so the driver can log spikes and light the LED.

A port that decodes caller ID itself hands it to `caller_id(cid, t)` instead
(the offer comes then, or at ring 1 if it came before it).

Audio is only demodulated when it can carry caller ID: DTMF before ring 1
(if the profile has "dtmf" among its `cid_methods`), FSK from the end of
ring 1 until it is read or ring 2 begins (if it has "fsk"). Call
`answered()` (or `reset()`) when the box takes the line off hook.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware.lines.analog_profiles import AnalogProfile
from firmware.lines.cid_decode import CallerId, DtmfCallerIdReceiver, FskCallerIdReceiver
from firmware.lines.ring_cadence import RingCadence, RingEvent


@dataclass(frozen=True)
class Offer:
    """Offer the call to the box (decided at `t`): the caller ID so far, the rings heard."""

    t: float
    caller: CallerId | None
    rings: int


@dataclass(frozen=True)
class Gone:
    """The ringing stopped before the box answered."""

    t: float
    offered: bool


class FxoIncoming:
    """Rings and caller ID of one FXO line into one offer per call."""

    def __init__(self, profile: AnalogProfile):
        self.profile = profile
        self._rings = RingCadence(profile)
        self._dtmf = DtmfCallerIdReceiver() if "dtmf" in profile.cid_methods else None
        self._fsk = FskCallerIdReceiver(profile.fsk_modems) if "fsk" in profile.cid_methods \
            else None
        self._listening_fsk = False
        self.caller: CallerId | None = None
        self.offered = False

    def ring_edge(self, on: bool, t: float) -> list:
        return self._handle(self._rings.edge(on, t), t)

    def poll(self, t: float) -> list:
        return self._handle(self._rings.poll(t), t)

    def frame(self, frame: bytes, t: float) -> list:
        """A frame of audio received on hook."""
        events: list = self.poll(t)
        if self._listening_fsk and self._fsk is not None:
            for cid in self._fsk.feed(frame, t):
                events += self._caller(cid, t)
        elif self._dtmf is not None and self._rings.rings == 0:
            for cid in self._dtmf.feed(frame, t):
                events += self._caller(cid, t)
        return events

    def caller_id(self, cid: CallerId, t: float) -> list:
        """Caller ID the port decoded itself (a voice modem's `caller_id` event)."""
        return self._caller(cid, t)

    def answered(self) -> None:
        """The box took the line off hook: this call is no longer ringing."""
        self.reset()

    def reset(self) -> None:
        self.__init__(self.profile)

    def _caller(self, cid: CallerId, t: float) -> list:
        if self.caller is not None and self.caller.ok:
            return []  # the first good caller ID of a call stands
        self.caller = cid
        self._listening_fsk = False
        if self._rings.rings and not self.offered:
            return self._offer(t)
        return []

    def _offer(self, t: float) -> list:
        self.offered = True
        return [Offer(t, self.caller, self._rings.rings)]

    def _handle(self, ring_events: list[RingEvent], now: float) -> list:
        events: list = []
        for event in ring_events:
            events.append(event)
            if event.kind == "ring":
                events += self._ring(event, now)
            elif event.kind == "cid_window" and self._fsk is not None and self.caller is None:
                self._fsk.reset()
                self._listening_fsk = True
            elif event.kind == "stopped":
                events.append(Gone(event.t, self.offered))
                self.reset()
        return events

    def _ring(self, event: RingEvent, now: float) -> list:
        if event.n == 1 and self._dtmf is not None and self.caller is None:
            cid = self._dtmf.finish(event.t)
            if cid is not None:
                self.caller = cid
        if self.offered:
            return []
        self._listening_fsk = False
        if event.n >= 2 or (self.caller is not None or self._fsk is None):
            return self._offer(now)
        return []
