"""Time rules (R10): is a named rule's time on at an instant, and why.

A `TimeRule` (config/rules.py) gives, for each date, the ranges that start on it:

1. a `dates` override for that date ([] closes the day);
2. a public holiday by the box's calendar (`settings.holiday_calendar`), or a holiday
   of the company's own (`calendar.holidays`): closed, unless the rule says
   `holidays: weekly`;
3. an adjusted working day (a Saturday or Sunday China works, like 2026-02-14, or a
   company working day, `calendar.workdays`): the hours of the weekday
   `adjusted_workday_hours` names (default Monday's);
4. the weekly hours of its weekday.

A range may cross midnight ("22:00-02:00" on Friday runs until Saturday 02:00), so
an instant is inside the rule when a range of its own date contains it, or a range of
the day before runs past midnight into it. Ranges are wall-clock times of
`settings.timezone`, start-inclusive, end-exclusive, as in hours.py. Pure: the
instant comes in; the calendar is a table lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from firmware.config.rules import BUILTIN_TIME, ClockRange, HolidayHours, TimeRule
from firmware.config.schema import DAY_MINUTES, WEEKDAYS, Config
from firmware.routing.calendar import day_info
from firmware.routing.hours import describe_time, local_time, office_hours


@dataclass(frozen=True)
class TimeAnswer:
    active: bool
    reason: str


def day_ranges(config: Config, rule: TimeRule, day: date) -> tuple[tuple[ClockRange, ...],
                                                                         str]:
    """The ranges of `rule` that start on `day`, and which clause gave them."""
    override = next((d for d in rule.dates if d.date == day.isoformat()), None)
    weekday = WEEKDAYS[day.weekday()]
    if override is not None:
        return override.hours, f"date override {day}"
    info = day_info(day, config.settings.holiday_calendar, config.calendar)
    if info.holiday and rule.holidays is HolidayHours.CLOSED:
        return (), info.reason
    if info.adjusted_workday and rule.adjusted_workday_hours is not None:
        day = rule.adjusted_workday_hours
        return rule.weekly.day(day), f"{info.reason}: {day} hours"
    why = f"{weekday} hours"
    if info.holiday:
        why += f" ({info.reason}, rule keeps weekly hours)"
    elif info.adjusted_workday:
        why += f" ({info.reason}, rule keeps the day's own hours)"
    elif not info.known:
        why += f" ({info.reason})"
    return rule.weekly.day(weekday), why


def rule_active(config: Config, rule: TimeRule, at: datetime) -> TimeAnswer:
    """Is `rule` on at `at` (aware)? With the range and the clause that decided."""
    local = local_time(config, at)
    minute = local.hour * 60 + local.minute
    today, why = day_ranges(config, rule, local.date())
    when = describe_time(local)
    for r in today:
        if r.start <= minute < min(r.start + r.length, DAY_MINUTES):
            return TimeAnswer(True, f"time rule {rule.name}: {r} matched by {why} ({when})")
    yesterday = local.date() - timedelta(days=1)
    before, why_before = day_ranges(config, rule, yesterday)
    for r in before:
        if r.start + r.length > DAY_MINUTES and minute < r.start + r.length - DAY_MINUTES:
            return TimeAnswer(True, f"time rule {rule.name}: {r} from {yesterday} "
                              f"({why_before}) runs past midnight ({when})")
    hours = ", ".join(str(r) for r in today) or "none"
    return TimeAnswer(False, f"time rule {rule.name}: off; {why}: {hours} ({when})")


def time_active(config: Config, name: str, at: datetime) -> TimeAnswer:
    """A route's `when`/`unless`: a time rule by name, or "office_hours" (the schedule)."""
    if name == BUILTIN_TIME:
        hours = office_hours(config, at)
        return TimeAnswer(hours.open, hours.reason)
    rule = config.time_rule(name)
    if rule is None:  # a validated config cannot get here
        return TimeAnswer(False, f"no time rule {name!r}")
    return rule_active(config, rule, at)

