"""Public holidays and China's adjusted working days, from the chinese-calendar package.

China moves working days around its holidays every year: in 2026 the Spring Festival
runs Feb 15-23, and Saturday Feb 14 and Saturday Feb 28 are working days instead. The
State Council announces each year's calendar in November; the `chinese-calendar`
package (pinned in pyproject.toml) carries it, so a new year needs a package upgrade,
not a code change. For a year the package does not know yet, every day counts by its
weekday and the answer says so (`known=False`), never an exception.

The owner's own days (`calendar` in the config: `CompanyCalendar`) come first: a
company holiday is a holiday (its name shown), a company working day is an adjusted
working day, whatever the package says for that date. They also cover a year the
package does not know yet (chinese-calendar 1.11 stops at 2026): the answer for such a
year says that only the company's own days of it count. With
`settings.holiday_calendar: "none"` the package is not asked, the company's days still
count.

Pure: a lookup in the package's tables and the config; no clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import chinese_calendar

from firmware.config.schema import CompanyCalendar

NONE = "none"  # settings.holiday_calendar: no public holidays from the package
PACKAGE, COMPANY = "package", "company"  # DayInfo.source: who said so
COMPANY_HOLIDAY = "公司假日 company holiday"  # a company holiday the owner left unnamed

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

    holiday: the holiday's name on a day off for a holiday (None otherwise);
    adjusted_workday: a Saturday or Sunday that is a working day, or a company working day;
    known: the package has data for the year (or is not used: "none");
    source: PACKAGE or COMPANY for a holiday or adjusted working day ("" otherwise);
    company_year: the package has no data for the year but the company has days in it;
    name: the name the company gave its day ("" if none), or the public holiday's.
    """

    date: dt.date
    holiday: str | None = None
    adjusted_workday: bool = False
    known: bool = True
    source: str = ""
    company_year: bool = False
    name: str = ""

    @property
    def reason(self) -> str:
        if self.source == COMPANY:
            if self.holiday:
                return f"{self.date} is a company holiday ({self.holiday})"
            named = f": {self.name}" if self.name else ""
            return f"{self.date} is an adjusted working day (a company working day{named})"
        if not self.known:
            text = f"{self.date}: the holiday calendar has no data for {self.date.year}"
            if self.company_year:
                text += f"; only the company's own days of {self.date.year} count"
            return text
        if self.holiday:
            return f"{self.date} is a public holiday ({self.holiday})"
        if self.adjusted_workday:
            return f"{self.date} is an adjusted working day (a weekend day worked)"
        return ""


def day_info(date: dt.date, calendar: str = "CN", own: CompanyCalendar | None = None
             ) -> DayInfo:
    """The calendar's word on `date`: the company's own days (`own`) first, then the
    package ("CN": chinese-calendar; "none": nothing)."""
    company = _company_days(own) if own is not None else None
    base = DayInfo(date) if calendar == NONE else _china(date)
    if company is None:
        return base
    iso = date.isoformat()
    if iso in company.holidays:
        name = company.holidays[iso]
        return DayInfo(date, holiday=name or COMPANY_HOLIDAY, known=base.known,
                       source=COMPANY, name=name)
    if iso in company.workdays:
        return DayInfo(date, adjusted_workday=True, known=base.known, source=COMPANY,
                       name=company.workdays[iso])
    if not base.known and date.year in company.years:
        return replace(base, company_year=True)
    return base


@dataclass(frozen=True)
class _CompanyDays:
    holidays: dict[str, str]  # date -> name
    workdays: dict[str, str]
    years: frozenset[int]


@lru_cache(maxsize=8)  # one per config the box has held lately
def _company_days(own: CompanyCalendar) -> _CompanyDays:
    holidays = {d.date: d.name for d in own.holidays}
    workdays = {d.date: d.name for d in own.workdays}
    years = frozenset(int(day[:4]) for day in (*holidays, *workdays))
    return _CompanyDays(holidays, workdays, years)


@cache
def _china(date: dt.date) -> DayInfo:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(date)
    except NotImplementedError:  # a year the package has no data for
        return DayInfo(date, known=False)
    weekend = date.weekday() >= 5
    if on_holiday and name is not None:
        shown = _NAMES.get(name, name)
        return DayInfo(date, holiday=shown, source=PACKAGE, name=shown)
    worked = weekend and not on_holiday
    return DayInfo(date, adjusted_workday=worked, source=PACKAGE if worked else "")


def years_known() -> range:
    """The years the calendar package has data for."""
    years = sorted(chinese_calendar.holidays) if hasattr(chinese_calendar, "holidays") else []
    if not years:
        return range(2004, 2027)
    return range(years[0].year, years[-1].year + 1)
