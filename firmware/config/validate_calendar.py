"""Checks of the company's own calendar (`calendar`: holidays and adjusted working days),
and of the office hours and duty roster that follow it (`schedule`, `duty_roster`).

validate.py imports this module at its end and adds these checks to its tables, as it
does for validate_rules.py. Each list names real dates ("2027-02-06"; stored in that
form), each date once; a date is a holiday or a working day, not both; a name is up to
64 characters (it may be empty: the page then says "company holiday").

Office hours and roster entries may run past midnight ("19:00-08:00"): a range must
not overlap another range of its day, nor (past midnight) a range of the next day;
roster entries must not overlap each other on any day, counting what runs over.
"""

from __future__ import annotations

from typing import Any

from firmware.config import schema as s
from firmware.config import validate as v
from firmware.config import validate_rules
from firmware.config.reasons import reason

MAX_DAYS = 1000  # each list: years of days off, far more than any company has
NAME_MAX = 64


def _name(value: str, ctx: v._Ctx) -> str:
    value = value.strip()
    if len(value) > NAME_MAX:
        raise v._Bad("too_long", max=NAME_MAX)
    return value


def _days(what: str) -> Any:
    def check(days: tuple, ctx: v._Ctx) -> tuple:
        if len(days) > MAX_DAYS:
            raise v._Bad("too_many_days", n=len(days), what=what, max=MAX_DAYS)
        return v._unique(lambda d: d.date, "date")(days, ctx)

    return check


def _both(calendar: s.CompanyCalendar, path: str, ctx: v._Ctx) -> None:
    """A date that is a holiday and a working day at once cannot be both."""
    holidays = {d.date: i for i, d in enumerate(calendar.holidays)
                if d is not v.INVALID and d.date is not v.INVALID}
    for i, day in enumerate(calendar.workdays):
        if day is v.INVALID or day.date is v.INVALID or day.date not in holidays:
            continue
        ctx.add(f"{v._join(path, 'workdays')}[{i}].date",
                reason("holiday_and_workday", date=str(day.date), index=holidays[day.date]))


def _segments(day: int, r: Any) -> list[tuple[int, int, int]]:
    """(weekday, start, end) minutes a range covers: its own day, then past midnight."""
    out = [(day, r.start, min(r.start + r.length, s.DAY_MINUTES))]
    if r.crosses_midnight:
        out.append(((day + 1) % 7, 0, r.end))
    return out


def _schedule(schedule: s.Schedule, path: str, ctx: v._Ctx) -> None:
    """A range past midnight must not run into a range of the next day."""
    for day, name in enumerate(s.WEEKDAYS):
        ranges = getattr(schedule, name)
        following = s.WEEKDAYS[(day + 1) % 7]
        later = getattr(schedule, following)
        if v.INVALID in (ranges, later):
            continue
        for i, r in enumerate(ranges):
            if r is v.INVALID or not r.crosses_midnight:
                continue
            clash = next((o for o in later if o is not v.INVALID and o.start < r.end), None)
            if clash is not None:
                ctx.add(f"{v._join(path, name)}[{i}]",
                        reason("spills_into", range=str(r), day=name, other=str(clash),
                               next=following))


def _duty_roster(roster: s.DutyRoster, path: str, ctx: v._Ctx) -> None:
    """Entries must not overlap on any day, counting the hours that run past midnight."""
    seen: dict[int, list[tuple[int, int, int]]] = {day: [] for day in range(7)}
    if roster.entries is v.INVALID:
        return
    for i, entry in enumerate(roster.entries):
        if entry is v.INVALID or v.INVALID in (entry.days, entry.hours):
            continue
        days = [s.WEEKDAYS.index(d) for d in entry.days if d is not v.INVALID]
        clash = _roster_clash(seen, [seg for d in days for seg in _segments(d, entry.hours)],
                              i)
        if clash is not None:
            ctx.add(f"{v._join(path, 'entries')}[{i}]",
                    reason("duty_overlap", day=s.WEEKDAYS[clash[0]], hours=str(entry.hours),
                           other=clash[1]))


def _roster_clash(seen: dict[int, list[tuple[int, int, int]]],
                  segments: list[tuple[int, int, int]], index: int) -> tuple[int, int] | None:
    """(weekday, earlier entry) of the first overlap; else note the segments as taken."""
    for day, start, end in segments:
        other = next((j for a, b, j in seen[day] if a < end and start < b), None)
        if other is not None:
            return day, other
    for day, start, end in segments:
        seen[day].append((start, end, index))
    return None


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    **{(s.Schedule, day): validate_rules._no_overlap for day in s.WEEKDAYS},
    (s.Schedule, "adjusted_workday_hours"): v._weekday,
    (s.DutyRoster, "holiday"): v._matches(v.ID_RE, "not_bound_id"),
    (s.CompanyDay, "date"): validate_rules._date,
    (s.CompanyDay, "name"): _name,
    (s.CompanyCalendar, "holidays"): _days("holidays"),
    (s.CompanyCalendar, "workdays"): _days("working days"),
}
OBJECT_CHECKS: dict[type, Any] = {
    s.CompanyCalendar: _both,
    s.Schedule: _schedule,
    s.DutyRoster: _duty_roster,
}
