"""What a call record holds: the values the call controller hands to `CdrStore`
and the records it reads back, with their JSON-ready form.

The call controller (firmware/calls) builds a `CallStart` when a call begins, a
`LegRecord` when each leg (one target rung, one line dialled) ends, and a
`CallEnd` when the call is over. Words are checked when the value is built, so
a typo fails in the controller's tests, not in a report months later.

Times are aware datetimes. The store keeps them as ISO-8601 UTC text plus unix
seconds; `as_dict(tz)` shows each time twice: local in the box's timezone
("started_at") and UTC ("started_at_utc").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from firmware.cdr.region import Region
from firmware.errors import SwitchboardError

DIRECTIONS = ("in", "out", "internal")
TARGET_KINDS = ("extension", "mobile", "number", "transfer")
# A transfer leg (target kind "transfer", docs/records.md): how the transfer went.
TRANSFER = "transfer"
TRANSFER_OUTCOMES = ("completed", "busy", "no_answer", "unreachable", "returned", "fallback",
                     "cancelled")
# An attended transfer's or three-way call's legs also (calls/attended.py, threeway.py).
CONSULT_OUTCOMES = ("refused", "joined", "left")
OUTCOMES = ("answered", "busy", "no_answer", "failed", "rejected", "cancelled", "preempted",
            "completed", "unreachable", "returned", "fallback", *CONSULT_OUTCOMES)
# Call pickup (calls/pickup.py): the picker's answered leg, and the ring it took.
TARGET_KINDS += ("pickup",)
OUTCOMES += ("picked_up",)
# Final results a controller may give; the store itself uses the last two.
RESULTS = ("answered", "missed", "abandoned", "busy", "failed", "blocked", "forwarded",
           "voicemail", "callback")
IN_PROGRESS, INTERRUPTED = "in_progress", "interrupted"
FORWARDED = "forwarded"
ALL_RESULTS = (*RESULTS, IN_PROGRESS, INTERRUPTED)
# Why a call ended (docs/records.md): the box's side hung up (staff, the desk phone that
# dialled, the box by its plan), the outside party hung up, the network dropped the call,
# the modem carrying it was lost, the box stopped or died during it. "" : not known
# (records written before the word existed).
END_REASONS = ("normal", "far_end", "dropped", "modem_lost", "box_restart")


class RecordError(SwitchboardError, ValueError):
    """A call record value was refused (a word not in the list, a naive time)."""


class UnknownCall(SwitchboardError, LookupError):
    """No call record has this id."""

    def __init__(self, call_id: str):
        self.call_id = call_id
        super().__init__(f"no call record {call_id!r}")


def _check_word(what: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise RecordError(f"{what} {value!r} is not one of {', '.join(allowed)}")


def _check_time(what: str, value: datetime | None, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise RecordError(f"{what} must be an aware datetime, not {value!r}")


def _check_seconds(what: str, value: float | None) -> None:
    if value is not None and not (isinstance(value, int | float) and value >= 0):
        raise RecordError(f"{what} must be seconds >= 0, not {value!r}")


@dataclass(frozen=True)
class CallStart:
    """A call begins. `caller`/`callee` as the line gave them ("" or None: withheld).

    `region`: the outside party's region if the controller already looked it up
    for routing; otherwise the store does (caller for "in", callee for "out").
    `call_id`: the controller's id for the call; the store makes one if None.
    """

    direction: str
    line: str
    caller: str | None
    callee: str
    started_at: datetime
    call_id: str | None = None
    region: Region | None = None

    def __post_init__(self) -> None:
        _check_word("direction", self.direction, DIRECTIONS)
        _check_time("started_at", self.started_at)
        if self.call_id is not None and (not isinstance(self.call_id, str) or not self.call_id):
            raise RecordError(f"call_id must be a non-empty string, not {self.call_id!r}")


@dataclass(frozen=True)
class LegRecord:
    """One target rung or one number dialled, written when the leg ends.

    target: extension ("801"), mobile or outside number as dialled;
    target_kind: extension, mobile (a bound mobile of staff), number (any other);
    line: the line the leg used ("" for a desk phone on the LAN);
    agent / group: the staff member's display name and the ring group it was rung
    for ("" if none); agent_id: who that is by id (an extension number, a
    bound-number id, an outside number as itself), which the reports and the
    agent statistics count, so a rename keeps the history and two agents with one
    name stay two; groups: every ring group it rang for, outer first (a nested
    group's leg names its own group too), which the per-group counts use;
    answered_at: None when it was never answered; outcome: see OUTCOMES.
    """

    target: str
    target_kind: str
    started_at: datetime
    ended_at: datetime
    outcome: str
    answered_at: datetime | None = None
    line: str = ""
    cause: str = ""
    agent: str = ""
    group: str = ""
    agent_id: str = ""
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.group and not self.groups:
            object.__setattr__(self, "groups", (self.group,))
        object.__setattr__(self, "groups", tuple(self.groups))
        _check_word("target_kind", self.target_kind, TARGET_KINDS)
        _check_word("outcome", self.outcome, OUTCOMES)
        _check_time("started_at", self.started_at)
        _check_time("ended_at", self.ended_at)
        _check_time("answered_at", self.answered_at, required=False)

    @property
    def ring_s(self) -> float:
        """Seconds from ringing the target to its answer (or to the leg's end)."""
        return _seconds(self.started_at, self.answered_at or self.ended_at)

    @property
    def talk_s(self) -> float:
        """Seconds from the answer to the leg's end; 0 when never answered."""
        return 0.0 if self.answered_at is None else _seconds(self.answered_at, self.ended_at)

    def as_dict(self, tz: tzinfo) -> dict[str, Any]:
        """JSON-ready form; times local in `tz` and UTC."""
        return {
            "target": self.target, "target_kind": self.target_kind, "agent": self.agent,
            "agent_id": self.agent_id, "group": self.group, "groups": list(self.groups),
            "line": self.line, "outcome": self.outcome,
            "cause": self.cause, **_times("started_at", self.started_at, tz),
            **_times("answered_at", self.answered_at, tz),
            **_times("ended_at", self.ended_at, tz),
            "ring_s": round(self.ring_s, 3), "talk_s": round(self.talk_s, 3),
        }


@dataclass(frozen=True)
class CallEnd:
    """A call is over. `answered_by`: the target that took it ("" if nobody): the
    extension number or the number dialled; `agent_id`: that agent's id (an extension
    number or a bound-number id; "" if nobody, or the number when no agent).
    `end_reason`: why it ended (END_REASONS); result "interrupted" when the box stopped
    during the call (end_reason "box_restart").

    ring_s: how long the caller waited before an answer (or before giving up);
    talk_s: how long the caller talked to staff. The controller measures both
    on its monotonic clock, which NTP steps do not disturb.
    """

    ended_at: datetime
    result: str
    answered_by: str = ""
    ring_s: float = 0.0
    talk_s: float = 0.0
    cause: str = ""
    end_reason: str = "normal"
    agent_id: str = ""

    def __post_init__(self) -> None:
        _check_word("result", self.result, (*RESULTS, INTERRUPTED))
        _check_word("end_reason", self.end_reason, END_REASONS)
        _check_time("ended_at", self.ended_at)
        _check_seconds("ring_s", self.ring_s)
        _check_seconds("talk_s", self.talk_s)


@dataclass(frozen=True)
class CallRecord:
    """A stored call with its legs (in the order they were written).

    `region` describes the outside party: the caller of an inbound call, the
    callee of an outbound one; empty (kind "extension") for internal calls.
    ended_at, ring_s and talk_s are None while in progress or when interrupted.
    """

    id: str
    direction: str
    line: str
    caller: str
    callee: str
    region: Region
    route: str
    started_at: datetime
    ended_at: datetime | None
    result: str
    answered_by: str
    ring_s: float | None
    talk_s: float | None
    cause: str
    legs: list[LegRecord] = field(default_factory=list)
    end_reason: str = ""
    answered_at: datetime | None = None
    agent_id: str = ""  # who answered, by id (see CallEnd)

    def as_dict(self, tz: tzinfo) -> dict[str, Any]:
        """JSON-ready form (flat, so a CSV export can take the same keys)."""
        r = self.region
        return {
            "id": self.id, "direction": self.direction, "line": self.line,
            "caller": self.caller, "callee": self.callee, "e164": r.e164,
            "region": r.region_text, "province": r.province, "city": r.city,
            "carrier": r.carrier, "number_kind": r.kind, "country": r.country,
            "route": self.route, **_times("started_at", self.started_at, tz),
            **_times("ended_at", self.ended_at, tz), "result": self.result,
            "answered_by": self.answered_by, "agent_id": self.agent_id,
            **_times("answered_at", self.answered_at, tz),
            "ring_s": self.ring_s, "talk_s": self.talk_s, "cause": self.cause,
            "end_reason": self.end_reason, "legs": [leg.as_dict(tz) for leg in self.legs],
        }


def _seconds(start: datetime, end: datetime) -> float:
    """Seconds between two wall times, never negative (NTP may step the clock back)."""
    return max(0.0, (end - start).total_seconds())


def _times(name: str, value: datetime | None, tz: tzinfo) -> dict[str, str | None]:
    if value is None:
        return {name: None, f"{name}_utc": None}
    return {name: value.astimezone(tz).isoformat(timespec="milliseconds"),
            f"{name}_utc": value.astimezone(UTC).isoformat(timespec="milliseconds")}
