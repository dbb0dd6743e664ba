"""Is the analog line there? The exchange's battery on an FXO line, debounced.

Pure code. The board reports whether the line carries its battery voltage
(on hook about -48 V; a cut line reads under 3 V), as edges with monotonic
times; the FXO driver forwards them to `LineBattery.battery(present, t)`
and calls `poll(t)` every 20 ms. Timings are DAHDI's (HARDWARE.md 1.3):
- "battery_lost": no battery for `LOST_S` (64 ms): a call on the line is
  over (the line was cut or the exchange dropped it);
- "out_of_service": still none after `ALARM_S` (1 s): the line is out of
  service (the ERR LED's FXO code, the dashboard);
- "in_service": battery back for `LOST_S` after it was lost (whether or not
  it had been lost long enough to be out of service).
Shorter dips (a ring trip, a hook flash elsewhere on the line) say nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

LOST_S = 0.064
ALARM_S = 1.0


@dataclass(frozen=True)
class LineStatus:
    kind: str  # "battery_lost" | "out_of_service" | "in_service"
    t: float  # when the battery went (or came back)


class LineBattery:
    """The battery of one FXO line through its edges, as line states."""

    def __init__(self) -> None:
        self.present = True  # the debounced state
        self.in_service = True
        self._raw = True
        self._since = 0.0  # the raw state holds since

    def battery(self, present: bool, t: float) -> list[LineStatus]:
        events = self.poll(t)
        if present != self._raw:
            self._raw, self._since = present, t
        return events

    def poll(self, t: float) -> list[LineStatus]:
        held = t - self._since
        if self._raw == self.present:
            if not self.present and self.in_service and held >= ALARM_S:
                self.in_service = False
                return [LineStatus("out_of_service", self._since)]
            return []
        if held < LOST_S:
            return []
        self.present = self._raw
        if not self.present:
            events = [LineStatus("battery_lost", self._since)]
            return events + self.poll(t)
        self.in_service = True
        return [LineStatus("in_service", self._since)]
