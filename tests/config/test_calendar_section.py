"""The company's own calendar (`calendar`): real dates, each once, a day a holiday or a
working day but not both, names up to 64 characters; a file without it loads unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from firmware.config.schema import CompanyCalendar, CompanyDay, to_dict
from firmware.config.validate import check_config
from firmware.errors import ConfigError
from tests.config.helpers import example


def _with(calendar: Any) -> dict[str, Any]:
    raw = example()
    raw["calendar"] = calendar
    return raw


def _errors(calendar: Any) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as refused:
        check_config(_with(calendar))
    return refused.value.errors


def test_a_file_without_the_section_loads_with_no_days() -> None:
    raw = example()
    raw.pop("calendar")
    config = check_config(raw)
    assert config.calendar == CompanyCalendar()
    assert to_dict(config)["calendar"] == {"holidays": [], "workdays": []}
    assert config.schema_version == 2  # no version bump: the section has a default


def test_days_are_objects_or_bare_dates_and_round_trip() -> None:
    config = check_config(_with({
        "holidays": [{"date": "2027-02-06", "name": " 春节 Spring Festival "}, "2027-02-07"],
        "workdays": ["20270214", {"date": "2027-02-20", "name": ""}]}))
    assert config.calendar.holidays == (CompanyDay("2027-02-06", "春节 Spring Festival"),
                                        CompanyDay("2027-02-07"))
    assert [d.date for d in config.calendar.workdays] == ["2027-02-14", "2027-02-20"]
    doc = to_dict(config)["calendar"]
    assert doc == {"holidays": [{"date": "2027-02-06", "name": "春节 Spring Festival"},
                                "2027-02-07"], "workdays": ["2027-02-14", "2027-02-20"]}
    assert check_config(to_dict(config)) == config


@pytest.mark.parametrize(("calendar", "field", "reason"), [
    ({"holidays": ["2027-02-30"]}, "calendar.holidays[0]", "not a date"),
    ({"holidays": [{"date": "tomorrow"}]}, "calendar.holidays[0].date", "not a date"),
    ({"workdays": [{"name": "x"}]}, "calendar.workdays[0].date", "missing"),
    ({"holidays": [{"date": "2027-01-04", "name": "长" * 65}]}, "calendar.holidays[0].name",
     "longer than 64 characters"),
    ({"holidays": ["2027-01-04", {"date": "2027-01-04", "name": "again"}]},
     "calendar.holidays[1]", 'date "2027-01-04" repeats item [0]'),
    ({"workdays": ["2027-01-09", "2027-01-09"]}, "calendar.workdays[1]", "repeats"),
    ({"holidays": ["2027-01-04"], "workdays": ["2027-01-09", "2027-01-04"]},
     "calendar.workdays[1].date", "is also a holiday (holidays[0])"),
    ({"holiday": []}, "calendar.holiday", 'did you mean "holidays"'),
    ({"holidays": "2027-01-04"}, "calendar.holidays", "expected a list"),
    ([], "calendar", "expected an object"),
    ({"holidays": ["2027-01-01"] * 1001}, "calendar.holidays", "at most 1000"),
])
def test_bad_days_are_refused_at_their_field(calendar: Any, field: str, reason: str) -> None:
    errors = _errors(calendar)
    assert any(f == field and reason in r for f, r in errors), errors


def test_every_mistake_at_once() -> None:
    errors = _errors({"holidays": ["2027-13-01", {"date": "2027-01-04", "name": "x" * 70}],
                      "workdays": ["2027-01-04", 5]})
    assert {f for f, _ in errors} == {"calendar.holidays[0]", "calendar.holidays[1].name",
                                      "calendar.workdays[0].date", "calendar.workdays[1]"}
