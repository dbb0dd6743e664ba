"""Office hours and the duty roster at an instant, and when the answer next changes.

Pure: every function takes the config and an aware datetime (the caller's clock,
DESIGN.md "Time"); nothing reads the system clock. The schedule and the roster are
written in wall-clock time of `settings.timezone`; an instant is turned into that
zone's wall time with zoneinfo, so DST zones work: a range that starts inside the
spring-forward gap starts when the clocks jump, and in the repeated autumn hour a
range is matched by wall time twice.

A range may run past midnight ("19:00-08:00" on Monday runs until Tuesday 08:00): it
belongs to the day it starts on, as in time rules. The office hours follow the holiday
calendar (calendar.py) unless `schedule.follow_calendar` is off: a public or company
holiday is closed all day, an adjusted working day keeps the hours of
`schedule.adjusted_workday_hours`; the reason names the day rule that applied. On a
holiday the roster's holiday duty person (`duty_roster.holiday`) is on duty, if named.

`next_change(config, at, key)` walks forward from `at` over the instants where the
answer could change (the wall-clock edges of schedule and roster, every midnight, where
a holiday or an adjusted working day begins or ends, and the zone's UTC-offset
transitions) and returns the first where `key` gives a different
answer. `network_forwarding` and the call controller's timers build on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from firmware.config.rules import ClockRange
from firmware.config.schema import (
    DAY_MINUTES,
    WEEKDAYS,
    BoundNumber,
    Config,
    DutyEntry,
    entry_holds,
)
from firmware.routing.calendar import day_info

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
    """Whether the office is open at `local`, and which schedule range says so.

    `day`: the weekday of `local`; `range`: the range that matched (None: closed);
    `day_rule`: the calendar's word on the date that decided ("" on an ordinary day:
    "2026-10-01 is a public holiday (国庆节 National Day)"); `holiday`: the holiday's name
    when the office is closed for one; `adjusted_workday`: the date is worked."""

    open: bool
    local: datetime
    day: str
    range: ClockRange | None
    reason: str
    day_rule: str = ""
    holiday: str | None = None
    adjusted_workday: bool = False


@dataclass(frozen=True)
class ScheduleDay:
    """The office hours that start on one date, and the day rule that gave them."""

    ranges: tuple[ClockRange, ...]
    hours_of: str  # the weekday whose weekly hours apply ("mon")
    rule: str = ""  # the calendar's word on the date when it changed the hours
    note: str = ""  # what the calendar says but the office hours do not follow
    holiday: str | None = None
    adjusted_workday: bool = False

    def closed_text(self) -> str:
        if self.holiday is not None:
            return f"{self.rule}: closed all day"
        hours = ", ".join(str(r) for r in self.ranges) or "closed all day"
        return f"{self._prefix()}{self.hours_of} hours are {hours}{self.note}"

    def open_text(self, r: ClockRange) -> str:
        return f"{self._prefix()}{self.hours_of} {r} matched{self.note}"

    def _prefix(self) -> str:
        return f"{self.rule}: " if self.rule else ""


def schedule_day(config: Config, day: date) -> ScheduleDay:
    """The office hours of `day` by the weekly `schedule` and, when it follows the
    calendar, the day's rule: a holiday is closed, an adjusted working day takes the
    hours of `schedule.adjusted_workday_hours` (its own when None)."""
    schedule = config.schedule
    weekday = WEEKDAYS[day.weekday()]
    info = day_info(day, config.settings.holiday_calendar, config.calendar)
    if not schedule.follow_calendar:
        note = ""
        if info.holiday or info.adjusted_workday:
            note = f" ({info.reason}, but the office hours do not follow the calendar)"
        return ScheduleDay(schedule.day(weekday), weekday, note=note)
    if info.holiday:
        return ScheduleDay((), weekday, info.reason, holiday=info.holiday)
    if info.adjusted_workday:
        instead = schedule.adjusted_workday_hours or weekday
        return ScheduleDay(schedule.day(instead), instead, info.reason, adjusted_workday=True)
    note = f" ({info.reason})" if not info.known else ""
    return ScheduleDay(schedule.day(weekday), weekday, note=note)


def office_hours(config: Config, at: datetime) -> OfficeHours:
    """Open or closed at `at` by `config.schedule` and the calendar, with the reason.

    >>> office_hours(config, datetime(2025, 6, 3, 9, 0, tzinfo=SHANGHAI)).reason
    'office open: tue 09:00-12:00 matched (tue 2025-06-03 09:00 CST)'
    """
    local = local_time(config, at)
    weekday, minute, when = WEEKDAYS[local.weekday()], _minute(local), describe_time(local)
    today = schedule_day(config, local.date())
    match = next((r for r in today.ranges
                  if r.start <= minute < min(r.start + r.length, DAY_MINUTES)), None)
    if match is not None:
        return _hours(True, local, today, match, f"office open: {today.open_text(match)} ({when})")
    yesterday = local.date() - timedelta(days=1)
    before = schedule_day(config, yesterday)
    spill = next((r for r in before.ranges if r.crosses_midnight and minute < r.end), None)
    if spill is not None:
        why = f"{before.open_text(spill)} on {yesterday} and runs past midnight"
        return _hours(True, local, before, spill, f"office open: {why} ({when})")
    return _hours(False, local, today, None, f"office closed: {today.closed_text()} ({when})",
                  weekday)


def _hours(is_open: bool, local: datetime, day: ScheduleDay, match: ClockRange | None,
           reason: str, weekday: str = "") -> OfficeHours:
    return OfficeHours(is_open, local, weekday or WEEKDAYS[local.weekday()], match, reason,
                       day.rule, day.holiday, day.adjusted_workday)


@dataclass(frozen=True)
class DutyPick:
    """Who is on duty at an instant. `entry` indexes `duty_roster.entries` (None: the
    default, or holiday duty when `holiday`)."""

    person: BoundNumber | None
    entry: int | None
    reason: str
    holiday: bool = False


def duty_at(config: Config, at: datetime) -> DutyPick:
    """The duty person at `at` by the roster: on a holiday (by the calendar), the
    holiday duty person if the roster names one; else the first entry whose days and
    hours match (a range of the day, or one of the day before past midnight), else the
    roster's default, else nobody.

    >>> duty_at(config, monday_night).reason
    'duty person zhang (张伟) by roster entry #1 (mon,tue,wed 00:00-24:00)'
    """
    local = local_time(config, at)
    day, minute = WEEKDAYS[local.weekday()], _minute(local)
    roster = config.duty_roster
    if roster.holiday is not None:
        info = day_info(local.date(), config.settings.holiday_calendar, config.calendar)
        if info.holiday:
            pick = _pick(config, roster.holiday, None, f"holiday duty ({info.reason})")
            return replace(pick, holiday=True)
    for i, entry in enumerate(roster.entries):
        if entry_holds(entry, local.weekday(), minute):
            spilled = "" if day in entry.days and minute >= entry.hours.start else \
                f", from {WEEKDAYS[local.weekday() - 1]} past midnight"
            return _pick(config, entry.person, i,
                         f"roster entry #{i + 1} ({_entry_text(entry)}{spilled})")
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

    `key` must depend on the instant only through `office_hours` / `duty_at` / time
    rules (wall time to the minute in the box's zone, and the date for the calendar).
    Returns an aware datetime in UTC (convert it for display only: Python compares and
    subtracts datetimes of one zone by wall time, which is wrong across a DST change),
    or None if nothing changes within `HORIZON` (whoever waits for a change looks again
    now and then: a holiday may come later).
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
    """Minutes of the day where schedule, roster or a time rule can change (midnight
    always: a holiday begins there)."""
    ranges = [r for day in WEEKDAYS for r in config.schedule.day(day)]
    ranges += [e.hours for e in config.duty_roster.entries]
    for rule in config.time_rules:
        ranges += [r for day in WEEKDAYS for r in rule.weekly.day(day)]
        ranges += [r for d in rule.dates for r in d.hours]
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
