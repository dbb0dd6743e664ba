"""The caller's keypad as one stream of digits, whichever way the digits arrive.

A digit keyed on an outside line can reach the box twice: heard in the call's audio
(in-band DTMF, Audio's tap, firmware/lines/dsp.py) and reported by the line itself
(a GSM modem's ^DDTMF: `LineDtmf` events). `DigitMerger` passes each key press on
once. Per port it counts what each source has reported since the port's last quiet
spell; a source's n-th digit is new only when no source has delivered an n-th digit
yet, so the two reports of one press, in either order and however late one is, make
one digit, and a press one source missed is still delivered by the other. After
`QUIET_S` without a digit the counts line up again, so a source that heard a digit
the other missed (or one extra) cannot shift the ones after it for long.

`pending(port)`: a source known on the port is behind (the second report of the last
press is still to come). The IVR waits for that, briefly, before it starts the next
prompt, so the late twin of a digit cannot cut the next prompt short.

`secret(port)`: while a PIN is keyed the log says "DTMF *" instead of the digit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("switchboard.calls")

QUIET_S = 1.0  # a pause after which two sources' counts line up again
INBAND, REPORTED = "inband", "reported"


@dataclass
class _PortDigits:
    delivered: int = 0
    base: int = 0  # `delivered` when the counts last lined up: a new source starts here
    seen: dict[str, int] = field(default_factory=dict)  # source -> digits reported
    last: float = -1e9


class DigitMerger:
    def __init__(self) -> None:
        self._ports: dict[str, _PortDigits] = {}
        self._secret: set[str] = set()

    def feed(self, port: str, source: str, digit: str, now: float) -> bool:
        """A digit from `source` on `port` at monotonic `now`: True when it is a new
        key press (pass it on), False when it is the other source's twin of one."""
        state = self._ports.setdefault(port, _PortDigits())
        if now - state.last > QUIET_S:
            state.base = state.delivered
            state.seen = dict.fromkeys(state.seen, state.delivered)
        state.last = now
        count = state.seen[source] = state.seen.get(source, state.base) + 1
        shown = "*" if port in self._secret else digit
        if count <= state.delivered:
            log.debug("%s: DTMF %s (%s) already had", port, shown, source)
            return False
        state.delivered = count
        log.info("%s: DTMF %s", port, shown)
        return True

    def pending(self, port: str, now: float) -> bool:
        """A source on `port` has not yet reported the last press (within QUIET_S)."""
        state = self._ports.get(port)
        if state is None or state.delivered == 0 or now - state.last > QUIET_S:
            return False
        return any(n < state.delivered for n in state.seen.values())

    def expect(self, port: str, source: str) -> None:
        """`source` reports the digits of `port` from now on (the IVR tapped its audio):
        a press only the other source reported yet is `pending` for it."""
        state = self._ports.setdefault(port, _PortDigits())
        state.seen.setdefault(source, state.base)

    def forget(self, port: str) -> None:
        """A new call on `port`: nothing of the last one's digits counts."""
        self._ports.pop(port, None)

    def secret(self, port: str, on: bool) -> None:
        """Mask the digits of `port` in the log (a PIN is being keyed)."""
        if on:
            self._secret.add(port)
        else:
            self._secret.discard(port)
