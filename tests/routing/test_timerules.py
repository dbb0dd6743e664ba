"""Time rules (R10): 2026 Chinese holidays and adjusted workdays, ranges across midnight,
date overrides, and a property test against a minute-by-minute reference."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.config.rules import ClockRange
from firmware.config.schema import DAY_MINUTES, WEEKDAYS, Config
from firmware.routing.calendar import day_info
from firmware.routing.timerules import day_ranges, rule_active
from tests.routing.helpers import NEW_YORK, SHANGHAI, check_config, example_dict

# The State Council's 2026 calendar (国办发明电〔2025〕7号): days off and weekend workdays.
HOLIDAYS_2026 = {
    "元旦": ("2026-01-01", "2026-01-03"),
    "春节": ("2026-02-15", "2026-02-23"),
    "清明节": ("2026-04-04", "2026-04-06"),
    "劳动节": ("2026-05-01", "2026-05-05"),
    "端午节": ("2026-06-19", "2026-06-21"),
    "中秋节": ("2026-09-25", "2026-09-27"),
    "国庆节": ("2026-10-01", "2026-10-07"),
}
ADJUSTED_WORKDAYS_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                          "2026-09-20", "2026-10-10"]


def _days(first: str, last: str) -> list[date]:
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    return [d + timedelta(days=i) for i in range((end - d).days + 1)]


@pytest.mark.parametrize("name", HOLIDAYS_2026)
def test_2026_public_holidays(name: str) -> None:
    first, last = HOLIDAYS_2026[name]
    for day in _days(first, last):
        info = day_info(day)
        assert info.holiday is not None and info.holiday.startswith(name), (day, info)
    before = date.fromisoformat(first) - timedelta(days=1)
    assert day_info(before).holiday is None


def test_2026_adjusted_workdays_and_nothing_else() -> None:
    weekend_workdays = [d.isoformat() for d in _days("2026-01-01", "2026-12-31")
                        if day_info(d).adjusted_workday]
    assert weekend_workdays == ADJUSTED_WORKDAYS_2026
    assert sum(day_info(d).holiday is not None for d in _days("2026-01-01", "2026-12-31")) \
        == sum(len(_days(*span)) for span in HOLIDAYS_2026.values())


def test_a_year_without_data_counts_by_weekday_and_says_so() -> None:
    info = day_info(date(2030, 10, 1))
    assert info.known is False and info.holiday is None and "no data for 2030" in info.reason
    assert day_info(date(2026, 10, 1), "none").holiday is None


def rule_config(rule: dict[str, Any], tz: str = "Asia/Shanghai") -> Config:
    raw = example_dict()
    raw["settings"]["timezone"] = tz
    raw.update(routes=[], plans=[], time_rules=[{"name": "r", **rule}])
    return check_config(raw)


WORKDAYS = {"weekly": {d: ["09:00-18:00"] for d in WEEKDAYS[:5]}}


@pytest.mark.parametrize(("when", "active", "why"), [
    ("2026-11-23T09:00", True, "mon hours"),  # an ordinary Monday
    ("2026-11-23T18:00", False, "mon hours"),  # end exclusive
    ("2026-10-01T10:00", False, "public holiday (国庆节"),  # a Thursday, National Day
    ("2026-10-10T10:00", True, "adjusted working day"),  # a Saturday worked
    ("2026-02-14T08:59", False, "adjusted working day"),
    ("2026-02-28T17:59", True, "adjusted working day"),
    ("2026-11-22T10:00", False, "sun hours"),  # an ordinary Sunday
])
def test_workdays_rule_follows_the_calendar(when: str, active: bool, why: str) -> None:
    cfg = rule_config(WORKDAYS)
    answer = rule_active(cfg, cfg.time_rules[0], datetime.fromisoformat(when).replace(
        tzinfo=SHANGHAI))
    assert answer.active is active and why in answer.reason, answer.reason


def test_holidays_weekly_and_adjusted_workdays_off() -> None:
    cfg = rule_config({**WORKDAYS, "holidays": "weekly", "adjusted_workday_hours": None})
    rule = cfg.time_rules[0]
    assert rule_active(cfg, rule, datetime(2026, 10, 1, 10, tzinfo=SHANGHAI)).active
    assert not rule_active(cfg, rule, datetime(2026, 10, 10, 10, tzinfo=SHANGHAI)).active


def test_range_across_midnight_and_date_override() -> None:
    cfg = rule_config({"weekly": {"fri": ["22:00-02:00"]},
                       "dates": [{"date": "2026-11-27", "hours": ["20:00-21:00"]},
                                 {"date": "2026-12-04", "hours": []}]})
    rule = cfg.time_rules[0]

    def on(*args: int) -> bool:
        return rule_active(cfg, rule, datetime(*args, tzinfo=SHANGHAI)).active

    assert on(2026, 11, 20, 22, 0) and on(2026, 11, 20, 23, 59) and on(2026, 11, 21, 1, 59)
    assert not on(2026, 11, 21, 2, 0) and not on(2026, 11, 20, 21, 59)
    assert on(2026, 11, 27, 20, 30) and not on(2026, 11, 27, 22, 30)  # override
    assert not on(2026, 11, 28, 1, 0)  # the override replaced the night range
    assert not on(2026, 12, 4, 23, 0)  # an override that closes the day
    answer = rule_active(cfg, rule, datetime(2026, 11, 21, 1, 0, tzinfo=SHANGHAI))
    assert "from 2026-11-20 (fri hours) runs past midnight" in answer.reason


# --- property: random rules and instants against a straightforward reference ----------

clock = st.integers(0, DAY_MINUTES // 15 - 1).map(lambda q: q * 15)


@st.composite
def ranges(draw: Any) -> list[str]:
    """Non-overlapping ranges of one day (some crossing midnight)."""
    out: list[ClockRange] = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(clock), draw(clock)
        if start == end:
            continue
        r = ClockRange(start, end)
        spans = [(x.start, x.start + x.length) for x in out]
        if all(r.start + r.length <= a or b <= r.start for a, b in spans):
            out.append(r)
    return [str(r) for r in out]


@st.composite
def rules(draw: Any) -> dict[str, Any]:
    weekly = {d: draw(ranges()) for d in WEEKDAYS}
    dates = draw(st.lists(st.dates(date(2026, 9, 25), date(2026, 10, 12)), max_size=3,
                          unique=True))
    return {"weekly": weekly,
            "dates": [{"date": d.isoformat(), "hours": draw(ranges())} for d in dates],
            "holidays": draw(st.sampled_from(["closed", "weekly"])),
            "adjusted_workday_hours": draw(st.sampled_from([None, "mon", "fri"]))}


def reference(cfg: Config, at: datetime) -> bool:
    """Lay every range of the days around `at` on a timeline of local wall minutes."""
    local = at.astimezone(ZoneInfo(cfg.settings.timezone))
    wall = local.replace(tzinfo=None, second=0, microsecond=0)
    rule = cfg.time_rules[0]
    for back in (0, 1):
        day = wall.date() - timedelta(days=back)
        for r in day_ranges(cfg, rule, day)[0]:
            start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=r.start)
            end = start + timedelta(minutes=r.length)
            if start <= wall < end:
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(rules(), st.datetimes(datetime(2026, 9, 20), datetime(2026, 10, 15)),
       st.sampled_from(["Asia/Shanghai", "America/New_York"]))
def test_time_rules_agree_with_the_reference(rule: dict, naive: datetime, tz: str) -> None:
    cfg = rule_config(rule, tz)
    at = naive.replace(tzinfo=SHANGHAI if tz == "Asia/Shanghai" else NEW_YORK)
    assert rule_active(cfg, cfg.time_rules[0], at).active == reference(cfg, at)


def test_day_ranges_precedence() -> None:
    cfg = rule_config({**WORKDAYS, "dates": [{"date": "2026-10-01", "hours": ["10:00-12:00"]}]})
    rule = cfg.time_rules[0]
    assert day_ranges(cfg, rule, date(2026, 10, 1)) == ((ClockRange(600, 720),),
                                                        "date override 2026-10-01")
    assert day_ranges(cfg, rule, date(2026, 10, 2))[0] == ()
    assert day_ranges(cfg, rule, date(2026, 10, 10))[0] == (ClockRange(540, 1080),)
