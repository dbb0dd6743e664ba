"""Network call forwarding for a box with a single outside line.

A box with one GSM line cannot take a call and dial the duty person's mobile at the
same time: one SIM holds one call. After hours it therefore asks the mobile network
to forward the line's calls (unconditional call forwarding, AT+CCFC) to the duty
person, and cancels that when the office opens. `network_forwarding` says what the
setting should be at an instant and when that answer next changes, so the call
controller switches it at the right moment (and again when the roster hands over).
A box with two or more outside lines keeps network forwarding off: it bridges
after-hours calls itself (`plan_inbound`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firmware.config.schema import Config
from firmware.routing.hours import (
    describe_time,
    duty_at,
    local_time,
    next_change,
    office_hours,
)
from firmware.routing.numbers import normalise


@dataclass(frozen=True)
class ForwardingState:
    """Network forwarding should be `enabled` to `number` (E.164) now, until `next_change`
    (aware, UTC; None: the answer never changes)."""

    enabled: bool
    number: str | None
    reason: str
    next_change: datetime | None
    person: str | None = None  # the duty person's bound-number id


def network_forwarding(config: Config, at: datetime) -> ForwardingState:
    """What a single-line box's network forwarding should be at `at`.

    >>> network_forwarding(config, sunday_noon)
    ForwardingState(enabled=True, number='+8613812345678', reason='office closed: ...',
                    next_change=datetime(2025, 6, 8, 16, 0, tzinfo=UTC), person='david')
    """
    enabled, number, person, reason = _state(config, at)
    change = next_change(config, at, lambda t: _state(config, t)[:2])
    until = (f"until {describe_time(local_time(config, change))}" if change
             else "with no change ahead")
    return ForwardingState(enabled, number, f"{reason}; {until}", change, person)


def _state(config: Config, at: datetime) -> tuple[bool, str | None, str | None, str]:
    hours = office_hours(config, at)
    if hours.open:
        return False, None, None, f"{hours.reason}: forwarding off, calls ring the box"
    duty = duty_at(config, at)
    if duty.person is None:
        return False, None, None, f"{hours.reason}; {duty.reason}: forwarding off"
    try:
        number = normalise(duty.person.number, config.settings.country)
    except ValueError as exc:
        return False, None, None, f"{hours.reason}; {duty.reason}, but {exc}: forwarding off"
    return True, number, duty.person.id, f"{hours.reason}; {duty.reason}: forward to {number}"
