"""Network call forwarding on an analog line: the telco's service codes, dialled in-band.

A box with one analog line cannot hold a caller and a call to the duty mobile at
once, so after hours it asks the exchange to forward every call, as the
single-SIM box does with AT+CCFC (firmware/calls/forwarding.py drives both through
the line model's "forwarding" feature). `FxoLine.set_forwarding(number)` seizes the
line, waits for dial tone (the special dial tone too: a forwarded line gives it),
dials the profile's code (analog_profiles.py: cn `*57*<number>#` on and `#57#`
off, us `*72<number>` / `*73`) and listens for the exchange's confirmation tone
(three short bursts of the dial tone's frequencies); then it releases the line.

An analog line cannot be asked what it forwards to: `forwarding()` is what the box
last set successfully (None after the box starts: unknown is treated as off, and
the keeper sets it again).

Refusals raise `ForwardingRefused` (a SwitchboardError) with `reason_code`:
"fxo_forward_busy" (a call is on the line), "fxo_forward_no_dial_tone",
"fxo_forward_refused" (the exchange answered with busy, congestion or the vacant
tone: the service is not subscribed or the code is unknown),
"fxo_forward_unconfirmed" (no confirmation tone within `confirm_wait_s`), or
LineOutOfService when the line is cut.
"""

from __future__ import annotations

import logging
from typing import Any

from firmware.errors import LineInUse, SwitchboardError
from firmware.lines.fxo_dial import dialable

log = logging.getLogger(__name__)

REFUSALS = {
    "no dial tone": "fxo_forward_no_dial_tone",
    "no confirmation tone": "fxo_forward_unconfirmed",
}


class ForwardingRefused(SwitchboardError, RuntimeError):
    """The line could not set forwarding; `reason_code` names why for the page."""

    def __init__(self, line: str, reason_code: str, why: str):
        self.line, self.reason_code, self.why = line, reason_code, why
        super().__init__(f"{line}: call forwarding not set: {why}")


class ForwardingMixin:
    """set_forwarding / forwarding for FxoLine (fxo.py), which provides `_seize`."""

    name: str
    profile: Any
    _forwarding: str | None
    _call: Any

    def service_code(self, number: str | None) -> str:
        """The digits that switch unconditional forwarding to `number` on (None: off)."""
        if number is None:
            return self.profile.forward_off
        digits = dialable(number, self.profile)
        if not digits.isdigit():
            raise ValueError(f"{number!r} is not a number calls can be forwarded to")
        return self.profile.forward_on.format(number=digits)

    async def set_forwarding(self, number: str | None) -> None:
        """Forward every call to `number` in the network (None: stop forwarding)."""
        code = self.service_code(number)
        try:
            self._check_free()  # type: ignore[attr-defined]
        except LineInUse as exc:
            raise ForwardingRefused(self.name, "fxo_forward_busy", str(exc)) from exc
        self._service = True
        try:
            self._update_state()  # type: ignore[attr-defined]
            steps = await self._seize(code, service=True)  # type: ignore[attr-defined]
        finally:
            self._service = False
            self._set_hook(False)  # type: ignore[attr-defined]
            self._update_state()  # type: ignore[attr-defined]
        last = steps[-1]
        if last.kind != "confirmed":
            why = last.how or "refused"
            code_word = REFUSALS.get(why, "fxo_forward_refused")
            if why in ("seize refused", "line cut"):
                code_word = "fxo_forward_no_dial_tone"
            elif why == "a call rang in":
                code_word = "fxo_forward_busy"
            log.warning("%s: forwarding %s refused: %s", self.name,
                        f"to {number}" if number else "off", why)
            raise ForwardingRefused(self.name, code_word, why)
        self._forwarding = number
        log.info("%s: call forwarding %s (confirmed by the exchange)", self.name,
                 f"to {number}" if number else "off")

    async def forwarding(self) -> str | None:
        """The number the box last had the exchange forward calls to, or None."""
        return self._forwarding

    def remember_forwarding(self, number: str | None) -> None:
        """What the box's records say it last set (after a restart)."""
        self._forwarding = number

    _service = False
