"""The front panel, driven: box events in, LED patterns out.

`LedController` listens on the box's event bus (GSM status, incoming calls,
answers and hang-ups, analog port states), keeps the small `BoxState` the pure
`firmware.leds.led_patterns` needs, and hands every resulting pattern to the
board's LED bank. The board's engine ignores a pattern an LED already shows,
so refreshing after every event costs nothing. Runs on the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from board.base import LedPattern
from firmware.leds import BoxState, GsmLineState, PortState, System, led_patterns
from firmware.lines.gsm_events import (
    GsmCallAnswered,
    GsmCallEnded,
    GsmIncomingCall,
    GsmStatus,
    GsmStatusChanged,
)

log = logging.getLogger("switchboard.leds")


class LedController:
    """Keeps the LEDs in step with the box. `system` and `ports` are read from
    the box through the callables given, GSM lines from the bus."""

    def __init__(self, leds, system: Callable[[], System],
                 ports: Callable[[], dict[str, PortState]]):
        self._leds = leds
        self._system = system
        self._ports = ports
        self._gsm: dict[str, GsmStatus] = {}
        self._ringing: set[str] = set()
        self.fault: int | None = None

    def on_event(self, event: object) -> None:
        """Bus handler for every event: note what the LEDs care about, then refresh."""
        if isinstance(event, GsmStatusChanged):
            self._gsm[event.line] = event.status
        elif isinstance(event, GsmIncomingCall):
            self._ringing.add(event.line)
        elif isinstance(event, GsmCallAnswered | GsmCallEnded):
            self._ringing.discard(event.line)
        else:
            return
        self.refresh()

    def state(self) -> BoxState:
        gsm = {name: _line_state(status, name in self._ringing)
               for name, status in self._gsm.items()}
        return BoxState(system=self._system(), fault=self.fault, gsm=gsm, ports=self._ports())

    def patterns(self) -> dict[str, LedPattern]:
        """What every LED should show now (empty if the state is refused)."""
        try:
            return led_patterns(self.state(), self._leds.names)
        except ValueError as exc:  # a state the table does not know: a bug, not a crash
            log.error("LED state refused: %s", exc)
            return {}

    def refresh(self) -> None:
        """Apply the patterns of the current state to every LED the board has."""
        for name, pattern in self.patterns().items():
            self._leds.set(name, pattern)


def _line_state(status: GsmStatus, ringing: bool) -> GsmLineState:
    # `status.in_call` is true from the first RING on; until it is answered the line rings
    present = status.state != "out_of_service"
    return GsmLineState.from_modem(status.sim, status.registration, status.csq,
                                   in_call=status.in_call and not ringing, ringing=ringing,
                                   present=present)
