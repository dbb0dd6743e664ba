"""Office hours and the duty roster at an instant, and when the answer next changes.

Pure: every function takes the config and an aware datetime (the caller's clock,
DESIGN.md "Time"); nothing reads the system clock. The schedule and the roster are
written in wall-clock time of `settings.timezone`; an instant is turned into that
zone's wall time with zoneinfo, so DST zones work: a range that starts inside the
spring-forward gap starts when the clocks jump, and in the repeated autumn hour a
range is matched by wall time twice.

A range never crosses midnight in the config (its end is at most 24:00); a night
shift is written as two ranges ("fri 18:00-24:00" and "sat 00:00-02:00") and, since
ranges are start-inclusive and end-exclusive, the two touch and nothing changes at
midnight.

`next_change(config, at, key)` walks forward from `at` over the instants where the
answer could change (the wall-clock edges of schedule and roster, midnight, and the
zone's UTC-offset transitions) and returns the first where `key` gives a different
answer. `network_forwarding` and the call controller's timers build on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from firmware.config.schema import (
    DAY_MINUTES,
    WEEKDAYS,
    BoundNumber,
    Config,
    DutyEntry,
    TimeRange,
)

# How far `next_change` looks: two weeks of wall time plus a day, so a range skipped by
# a DST gap in one week is still found in the next.
HORIZON = timedelta(days=15)


def local_time(config: Config, at: datetime) -> datetime:
    """`at` in the box's timezone; a naive datetime is refused (whose time would it be?)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"routing needs an aware datetime, got naive {at.isoformat()}")
    return at.astimezone(_zone(config.settings.timezone))


def describe_time(local: datetime) -> str:
    """"mon 2025-06-02 09:00 CST" (what reasons and logs print)."""
    return f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class OfficeHours:
    """Whether the office is open at `local`, and which schedule range says so."""

    open: bool
    local: datetime
    day: str
    range: TimeRange | None
    reason: str


def office_hours(config: Config, at: datetime) -> OfficeHours:
    """Open or closed at `at` by `config.schedule`, with the reason.

    >>> office_hours(config, datetime(2025, 6, 2, 9, 0, tzinfo=SHANGHAI)).reason
    'office open: mon 09:00-12:00 matched (mon 2025-06-02 09:00 CST)'
    """
    local = local_time(config, at)
    day, minute = WEEKDAYS[local.weekday()], _minute(local)
    ranges = config.schedule.day(day)
    match = next((r for r in ranges if r.contains(minute)), None)
    when = describe_time(local)
    if match is not None:
        return OfficeHours(True, local, day, match, f"office open: {day} {match} matched ({when})")
    hours = ", ".join(str(r) for r in ranges) or "closed all day"
    return OfficeHours(False, local, day, None, f"office closed: {day} hours are {hours} ({when})")


@dataclass(frozen=True)
class DutyPick:
    """Who is on duty at an instant. `entry` indexes `duty_roster.entries` (None: default)."""

    person: BoundNumber | None
    entry: int | None
    reason: str


def duty_at(config: Config, at: datetime) -> DutyPick:
    """The duty person at `at` by the roster: the first entry whose days and hours match,
    else the roster's default, else nobody.

    >>> duty_at(config, monday_night).reason
    'duty person zhang (张伟) by roster entry #1 (mon,tue,wed 00:00-24:00)'
    """
    local = local_time(config, at)
    day, minute = WEEKDAYS[local.weekday()], _minute(local)
    roster = config.duty_roster
    for i, entry in enumerate(roster.entries):
        if day in entry.days and entry.hours.contains(minute):
            return _pick(config, entry.person, i, f"roster entry #{i + 1} ({_entry_text(entry)})")
    if roster.default is not None:
        return _pick(config, roster.default, None, "the roster default (no entry matches "
                     f"{day} {local:%H:%M})")
    return DutyPick(None, None, f"nobody on duty: no roster entry matches {day} "
                    f"{local:%H:%M} and the roster has no default")


def _pick(config: Config, ident: str, entry: int | None, why: str) -> DutyPick:
    person = config.bound_number(ident)
    if person is None:  # a validated config cannot get here; say so rather than crash
        return DutyPick(None, entry, f"nobody on duty: {why} names unknown bound number {ident}")
    return DutyPick(person, entry, f"duty person {person.id} ({person.name}) by {why}")


def _entry_text(entry: DutyEntry) -> str:
    return f"{','.join(entry.days)} {entry.hours}"


# --- when does an answer change? ------------------------------------------------


def next_change(config: Config, at: datetime, key: Callable[[datetime], Hashable]
                ) -> datetime | None:
    """The first instant after `at` where `key(instant)` differs from `key(at)`.

    `key` must depend on the instant only through `office_hours` / `duty_at` (wall
    time to the minute in the box's zone). Returns an aware datetime in UTC (convert it
    for display only: Python compares and subtracts datetimes of one zone by wall time,
    which is wrong across a DST change), or None if nothing changes within `HORIZON`
    (then nothing ever changes: the rules are weekly).
    """
    zone = local_time(config, at).tzinfo
    start = at.astimezone(UTC)
    now = key(at)
    for candidate in _candidates(start, zone, _edges(config)):
        if candidate - start > HORIZON:
            return None
        if key(candidate) != now:
            return candidate
    raise AssertionError("unreachable: _candidates never ends")  # pragma: no cover


def _edges(config: Config) -> tuple[int, ...]:
    """Minutes of the day where schedule or roster can change (midnight always)."""
    ranges = [r for day in WEEKDAYS for r in config.schedule.day(day)]
    ranges += [e.hours for e in config.duty_roster.entries]
    minutes = {0} | {r.start for r in ranges} | {r.end for r in ranges}
    return tuple(sorted(m for m in minutes if m < DAY_MINUTES))


def _candidates(start: datetime, zone: ZoneInfo, edges: tuple[int, ...]):
    """Instants after `start` (UTC) where wall time reaches an edge or jumps (DST)."""
    t = start
    while True:
        local = t.astimezone(zone)
        wall = local.replace(tzinfo=None)
        candidate = t + (_next_edge(wall, edges) - wall)
        if candidate.astimezone(zone).utcoffset() != local.utcoffset():
            candidate = _offset_change(t, candidate, zone)
        yield candidate
        t = candidate


def _next_edge(wall: datetime, edges: tuple[int, ...]) -> datetime:
    """The first wall-clock edge strictly after `wall` (naive)."""
    midnight = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    for minute in edges:
        edge = midnight + timedelta(minutes=minute)
        if edge > wall:
            return edge
    return midnight + timedelta(days=1)


def _offset_change(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (before, after] with the offset `after` has (bisection)."""
    old = before.astimezone(zone).utcoffset()
    lo, hi = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).utcoffset() == old:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def _minute(local: datetime) -> int:
    return local.hour * 60 + local.minute


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
