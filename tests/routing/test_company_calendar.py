"""The company's own holidays and working days (`calendar`) over the package's calendar:
a time rule is closed on a company holiday and takes the adjusted hours on a company
working day, either one overrides chinese-calendar for its date, and a year the package
has no data for says that only the company's days count; `route explain` says so too."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from firmware.cli import main
from firmware.config.schema import WEEKDAYS, CompanyCalendar, CompanyDay, Config
from firmware.config.store import ConfigStore
from firmware.routing.calendar import COMPANY, COMPANY_HOLIDAY, PACKAGE, day_info
from firmware.routing.timerules import rule_active
from tests.routing.helpers import SHANGHAI, check_config, example_dict

OWN = {"holidays": [{"date": "2026-11-23", "name": "周年庆 anniversary"},  # a Monday
                    "2026-10-10",  # a Saturday China works (package: adjusted workday)
                    {"date": "2027-02-08", "name": "春节 Spring Festival"}],
       "workdays": ["2026-11-28",  # an ordinary Saturday
                    {"date": "2026-10-01", "name": "国庆值班"}]}  # National Day, worked
WEEKLY = {d: ["09:00-18:00"] for d in WEEKDAYS[:5]}


def _config(own: dict[str, Any] = OWN, calendar: str = "CN", **rule: Any) -> Config:
    raw = example_dict()
    raw["settings"]["holiday_calendar"] = calendar
    raw.update(routes=[], plans=[], calendar=own,
               time_rules=[{"name": "r", "weekly": {**WEEKLY, "sat": ["10:00-12:00"]},
                            **rule}])
    return check_config(raw)


def _at(text: str, cfg: Config) -> tuple[bool, str]:
    answer = rule_active(cfg, cfg.time_rules[0], datetime.fromisoformat(text).replace(
        tzinfo=SHANGHAI))
    return answer.active, answer.reason


def test_a_company_holiday_closes_a_time_rule_and_is_named() -> None:
    cfg = _config()
    active, why = _at("2026-11-23T10:00", cfg)
    assert not active and "2026-11-23 is a company holiday (周年庆 anniversary)" in why
    assert _at("2026-11-30T10:00", cfg)[0]  # the Monday after: the weekly hours
    open_anyway = _config(holidays="weekly")
    active, why = _at("2026-11-23T10:00", open_anyway)
    assert active and "rule keeps weekly hours" in why and "company holiday" in why


def test_a_company_workday_on_a_saturday_takes_the_adjusted_hours() -> None:
    cfg = _config()  # adjusted_workday_hours defaults to "mon": 09:00-18:00
    active, why = _at("2026-11-28T15:00", cfg)
    assert active and "adjusted working day (a company working day): mon hours" in why
    assert not _at("2026-11-21T15:00", cfg)[0]  # an ordinary Saturday: 10:00-12:00 only
    own_hours = _config(adjusted_workday_hours=None)
    active, why = _at("2026-11-28T15:00", own_hours)
    assert not active and "rule keeps the day's own hours" in why
    assert _at("2026-11-28T11:00", own_hours)[0]


def test_company_days_override_the_package() -> None:
    cfg = _config()
    assert day_info(date(2026, 10, 1)).holiday  # National Day by the package ...
    worked = day_info(date(2026, 10, 1), "CN", cfg.calendar)
    assert worked.adjusted_workday and worked.holiday is None and worked.source == COMPANY
    assert worked.reason == "2026-10-01 is an adjusted working day (a company working day: " \
                            "国庆值班)"
    assert _at("2026-10-01T10:00", cfg)[0]  # ... a working day for this company
    assert day_info(date(2026, 10, 10)).adjusted_workday  # a Saturday China works ...
    off = day_info(date(2026, 10, 10), "CN", cfg.calendar)
    assert off.holiday == COMPANY_HOLIDAY and not off.adjusted_workday  # ... unnamed day off
    assert not _at("2026-10-10T10:00", cfg)[0]
    assert day_info(date(2026, 10, 2), "CN", cfg.calendar).source == PACKAGE  # the rest stays


def test_a_year_the_package_does_not_know() -> None:
    cfg = _config()
    spring = day_info(date(2027, 2, 8), "CN", cfg.calendar)
    assert spring.holiday == "春节 Spring Festival" and spring.known is False
    assert not _at("2027-02-08T10:00", cfg)[0]
    other = day_info(date(2027, 3, 1), "CN", cfg.calendar)
    assert other.known is False and other.company_year
    assert other.reason == ("2027-03-01: the holiday calendar has no data for 2027; only "
                            "the company's own days of 2027 count")
    active, why = _at("2027-03-01T10:00", cfg)
    assert active and "mon hours (2027-03-01: the holiday calendar has no data" in why
    no_days = day_info(date(2028, 3, 1), "CN", cfg.calendar)
    assert not no_days.company_year and "count" not in no_days.reason


def test_without_the_package_the_company_days_still_count() -> None:
    cfg = _config(calendar="none")
    assert day_info(date(2026, 10, 1), "none", cfg.calendar).source == COMPANY
    assert not _at("2026-11-23T10:00", cfg)[0]
    assert _at("2026-10-05T10:00", cfg)[0]  # National Day week: no package, so a Monday
    nothing = CompanyCalendar()
    assert day_info(date(2026, 11, 23), "CN", nothing) == day_info(date(2026, 11, 23))
    assert CompanyDay("2027-01-04").to_json() == "2027-01-04"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    store = ConfigStore(tmp_path)
    store.replace(example_dict())  # its calendar: 2027-01-04 off, Saturday 2027-01-09 worked
    store.close()
    return tmp_path


def _explain(capsys: pytest.CaptureFixture[str], data: Path, at: str) -> str:
    code = main(["route", "explain", "--data", str(data), "--line", "gsm0",
                 "--caller", "+8613588888888", "--at", at])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_route_explain_names_the_company_days(capsys: pytest.CaptureFixture[str],
                                              data: Path) -> None:
    off = _explain(capsys, data, "2027-01-04T10:00")
    assert "- route zhejiang customers: no: when workdays: time rule workdays: off; " \
           "2027-01-04 is a company holiday (盘点 stock-taking)" in off
    worked = _explain(capsys, data, "2027-01-09T10:00")
    assert "route: zhejiang customers" in worked
    assert "2027-01-09 is an adjusted working day (a company working day: 盘点补班 make-up " \
           "day): mon hours" in worked
    plain = _explain(capsys, data, "2027-01-11T10:00")
    assert "only the company's own days of 2027 count" in plain
