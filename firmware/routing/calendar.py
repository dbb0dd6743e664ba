"""Public holidays and China's adjusted working days, from the chinese-calendar package.

China moves working days around its holidays every year: in 2026 the Spring Festival
runs Feb 15-23, and Saturday Feb 14 and Saturday Feb 28 are working days instead. The
State Council announces each year's calendar in November; the `chinese-calendar`
package (pinned in pyproject.toml) carries it, so a new year needs a package upgrade,
not a code change. For a year the package does not know yet, every day counts by its
weekday and the answer says so (`known=False`), never an exception.

Pure: a lookup in the package's tables; no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar

NONE = "none"  # settings.holiday_calendar: no holidays at all

# chinese-calendar's English holiday names -> the words the owner reads.
_NAMES = {
    "New Year's Day": "元旦 New Year's Day",
    "Spring Festival": "春节 Spring Festival",
    "Tomb-sweeping Day": "清明节 Tomb-sweeping Day",
    "Labour Day": "劳动节 Labour Day",
    "Dragon Boat Festival": "端午节 Dragon Boat Festival",
    "National Day": "国庆节 National Day",
    "Mid-autumn Festival": "中秋节 Mid-autumn Festival",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date.

    holiday: the holiday's name on a day off for a public holiday (None otherwise);
    adjusted_workday: a Saturday or Sunday that is a working day;
    known: the calendar has data for the year.
    """

    date: dt.date
    holiday: str | None = None
    adjusted_workday: bool = False
    known: bool = True

    @property
    def reason(self) -> str:
        if not self.known:
            return f"{self.date}: the holiday calendar has no data for {self.date.year}"
        if self.holiday:
            return f"{self.date} is a public holiday ({self.holiday})"
        if self.adjusted_workday:
            return f"{self.date} is an adjusted working day (a weekend day worked)"
        return ""


def day_info(date: dt.date, calendar: str = "CN") -> DayInfo:
    """The calendar's word on `date` ("CN": chinese-calendar; "none": nothing)."""
    if calendar == NONE:
        return DayInfo(date)
    return _china(date)


@cache
def _china(date: dt.date) -> DayInfo:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(date)
    except NotImplementedError:  # a year the package has no data for
        return DayInfo(date, known=False)
    weekend = date.weekday() >= 5
    if on_holiday and name is not None:
        return DayInfo(date, holiday=_NAMES.get(name, name))
    return DayInfo(date, adjusted_workday=weekend and not on_holiday)


def years_known() -> range:
    """The years the calendar package has data for."""
    years = sorted(chinese_calendar.holidays) if hasattr(chinese_calendar, "holidays") else []
    if not years:
        return range(2004, 2027)
    return range(years[0].year, years[-1].year + 1)
