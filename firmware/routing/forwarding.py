"""Network call forwarding for a box with a single outside line.

A box with one GSM line cannot take a call and dial the duty person's mobile at the
same time: one SIM holds one call. After hours it therefore asks the mobile network
to forward the line's calls (unconditional call forwarding, AT+CCFC) to the duty
person, and cancels that when the office opens. `network_forwarding` says what the
setting should be at an instant and when that answer next changes, so the call
controller switches it at the right moment (and again when the roster hands over).

"Closed" is what a call would get by line and time (`decision.line_decision`: the
routes that name no caller, else the office hours with the holiday calendar), the same
functions `plan_inbound` runs, so a time rule that keeps the office ringing after the
weekly hours keeps forwarding off, a holiday forwards to the holiday duty person all
day, and an adjusted working day does not forward in its hours.
A box with two or more outside lines keeps network forwarding off: it bridges
after-hours calls itself (`plan_inbound`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firmware.config.schema import Config
from firmware.routing.decision import FORWARD_CHAIN, OFFICE, REFUSE, line_decision
from firmware.routing.hours import describe_time, duty_at, local_time, next_change
from firmware.routing.numbers import normalise
from firmware.routing.plan import TargetKind
from firmware.routing.targets import OUTSIDE_RING_TIME_S, resolve


@dataclass(frozen=True)
class ForwardingState:
    """Network forwarding should be `enabled` to `number` (E.164) now, until `next_change`
    (aware, UTC; None: the answer never changes)."""

    enabled: bool
    number: str | None
    reason: str
    next_change: datetime | None
    person: str | None = None  # the duty person's bound-number id


def network_forwarding(config: Config, at: datetime, line: str | None = None
                       ) -> ForwardingState:
    """What a single-line box's network forwarding of `line` (None: any) should be at `at`.

    >>> network_forwarding(config, sunday_noon, "gsm0")
    ForwardingState(enabled=True, number='+8613812345678', reason='office closed: ...',
                    next_change=datetime(2025, 6, 8, 16, 0, tzinfo=UTC), person='david')
    """
    enabled, number, person, reason = _state(config, at, line)
    change = next_change(config, at, lambda t: _state(config, t, line)[:2])
    until = (f"until {describe_time(local_time(config, change))}" if change
             else "with no change in the next two weeks")
    return ForwardingState(enabled, number, f"{reason}; {until}", change, person)


def _state(config: Config, at: datetime, line: str | None
           ) -> tuple[bool, str | None, str | None, str]:
    decision = line_decision(config, at, line)
    if decision.kind == OFFICE:
        return False, None, None, f"{decision.reason}: forwarding off, calls ring the box"
    if decision.kind == REFUSE:
        return False, None, None, f"{decision.reason}: forwarding off, the box refuses them"
    if decision.kind == FORWARD_CHAIN:
        return _to_chain(config, decision.reason)
    duty = duty_at(config, at)
    if duty.person is None:
        return False, None, None, f"{decision.reason}; {duty.reason}: forwarding off"
    try:
        number = normalise(duty.person.number, config.settings.country)
    except ValueError as exc:
        return False, None, None, f"{decision.reason}; {duty.reason}, but {exc}: forwarding off"
    return True, number, duty.person.id, f"{decision.reason}; {duty.reason}: forward to {number}"


def _to_chain(config: Config, why: str) -> tuple[bool, str | None, str | None, str]:
    """A route to the forward chain: the network forwards to the chain's first number
    (one line cannot try the others)."""
    if not config.forward_chain:
        return False, None, None, f"{why}, but no forward chain is set: forwarding off"
    first = config.forward_chain[0]
    target, failed = resolve(config, first, OUTSIDE_RING_TIME_S)
    if target is None or target.number is None:
        return False, None, None, f"{why}, but {failed or first}: forwarding off"
    person = target.id if target.kind is TargetKind.MOBILE else None
    return True, target.number, person, f"{why}: forward to its first number {target.number}"
