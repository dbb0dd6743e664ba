"""Checks of the company's own calendar (`calendar`: holidays and adjusted working days).

validate.py imports this module at its end and adds these checks to its tables, as it
does for validate_rules.py. Each list names real dates ("2027-02-06"; stored in that
form), each date once; a date is a holiday or a working day, not both; a name is up to
64 characters (it may be empty: the page then says "company holiday").
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


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (s.CompanyDay, "date"): validate_rules._date,
    (s.CompanyDay, "name"): _name,
    (s.CompanyCalendar, "holidays"): _days("holidays"),
    (s.CompanyCalendar, "workdays"): _days("working days"),
}
OBJECT_CHECKS: dict[type, Any] = {
    s.CompanyCalendar: _both,
}
