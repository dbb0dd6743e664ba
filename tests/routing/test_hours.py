"""Office hours and the duty roster at an instant: edges, midnight, zones, reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from firmware.routing import duty_at, explain, office_hours
from firmware.routing.hours import local_time
from tests.routing.helpers import NEW_YORK, UTC, config_with, example, sh

# The example: mon-fri 09:00-12:00 and 13:30-18:00, sat 09:00-12:00, sun closed.
OPEN_EDGES = [
    (sh(2, 8, 59, 59), False, "mon hours are 09:00-12:00, 13:30-18:00"),
    (sh(2, 9, 0), True, "mon 09:00-12:00 matched"),
    (sh(2, 11, 59, 59), True, "mon 09:00-12:00 matched"),
    (sh(2, 12, 0), False, "office closed"),
    (sh(2, 13, 29), False, "office closed"),
    (sh(2, 13, 30), True, "mon 13:30-18:00 matched"),
    (sh(2, 18, 0), False, "office closed"),
    (sh(6, 17, 59), True, "fri 13:30-18:00 matched"),
    (sh(7, 9, 0), True, "sat 09:00-12:00 matched"),
    (sh(7, 12, 0), False, "sat hours are 09:00-12:00"),
    (sh(8, 10, 0), False, "sun hours are closed all day"),
    (sh(2, 0, 0), False, "office closed"),
]


@pytest.mark.parametrize(("at", "is_open", "why"), OPEN_EDGES)
def test_open_and_closed_at_the_edges(at: datetime, is_open: bool, why: str) -> None:
    hours = office_hours(example(), at)
    assert hours.open is is_open
    assert why in hours.reason


def test_the_instant_is_read_in_the_boxs_zone() -> None:
    # 01:00 UTC is 09:00 in Shanghai: open, though the instant was given in UTC.
    hours = office_hours(example(), datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    assert hours.open and hours.day == "mon" and hours.local.hour == 9
    # Sunday 23:30 UTC is Monday 07:30 in Shanghai: closed, and it is Monday there.
    assert office_hours(example(), datetime(2026, 3, 1, 23, 30, tzinfo=UTC)).day == "mon"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        office_hours(example(), datetime(2025, 6, 2, 10, 0))


NIGHT_SHIFT = {"fri": ["18:00-24:00"], "sat": ["00:00-02:00"]}


@pytest.mark.parametrize(("at", "is_open"), [
    (sh(6, 17, 59), False),
    (sh(6, 18, 0), True),
    (sh(6, 23, 59, 59), True),
    (sh(7, 0, 0), True),  # midnight: the two ranges touch
    (sh(7, 1, 59), True),
    (sh(7, 2, 0), False),
    (sh(5, 0, 30), False),  # thu night is not fri night
])
def test_a_range_across_midnight_is_two_ranges_that_touch(at: datetime, is_open: bool) -> None:
    assert office_hours(config_with(schedule=NIGHT_SHIFT), at).open is is_open


def test_schedule_in_a_dst_zone_follows_wall_time() -> None:
    config = config_with(settings={"timezone": "America/New_York"},
                         schedule={d: ["09:00-17:00"] for d in ("mon", "tue")})
    # 13:30 UTC is 09:30 EDT in June but 08:30 EST in January.
    assert office_hours(config, datetime(2025, 6, 9, 13, 30, tzinfo=UTC)).open
    assert not office_hours(config, datetime(2025, 1, 6, 13, 30, tzinfo=UTC)).open
    assert local_time(config, datetime(2025, 1, 6, 13, 30, tzinfo=UTC)).tzinfo is not None


# The example roster: mon-wed zhang, thu-fri wang, sat-sun david (whole days), default zhang.
@pytest.mark.parametrize(("at", "person", "entry", "why"), [
    (sh(2, 20, 0), "zhang", 0, "roster entry #1 (mon,tue,wed 00:00-24:00)"),
    (sh(4, 23, 59), "zhang", 0, "roster entry #1"),
    (sh(5, 0, 0), "wang", 1, "roster entry #2 (thu,fri 00:00-24:00)"),
    (sh(7, 12, 0), "david", 2, "roster entry #3 (sat,sun 00:00-24:00)"),
    (sh(8, 23, 59), "david", 2, "roster entry #3"),
])
def test_duty_person_by_roster_entry(at: datetime, person: str, entry: int, why: str) -> None:
    pick = duty_at(example(), at)
    assert pick.person is not None and pick.person.id == person
    assert pick.entry == entry
    assert why in pick.reason and person in explain(pick)


EVENINGS = {"entries": [
    {"days": ["mon", "tue"], "hours": "18:00-24:00", "person": "wang"},
    {"days": ["mon"], "hours": "00:00-09:00", "person": "david"},
], "default": "zhang"}


@pytest.mark.parametrize(("at", "person", "entry"), [
    (sh(2, 8, 59), "david", 1),
    (sh(2, 9, 0), "zhang", None),  # no entry: the default
    (sh(2, 17, 59), "zhang", None),
    (sh(2, 18, 0), "wang", 0),
    (sh(3, 0, 0), "zhang", None),  # tue 00:00: mon's early entry does not cover tue
    (sh(3, 23, 0), "wang", 0),
])
def test_roster_hours_and_the_default(at: datetime, person: str, entry: int | None) -> None:
    pick = duty_at(config_with(duty_roster=EVENINGS), at)
    assert (pick.person.id if pick.person else None, pick.entry) == (person, entry)
    if entry is None:
        assert "roster default" in pick.reason


def test_nobody_on_duty_without_a_default() -> None:
    roster = {"entries": EVENINGS["entries"], "default": None}
    pick = duty_at(config_with(duty_roster=roster), sh(2, 12, 0))
    assert pick.person is None and pick.entry is None
    assert "nobody on duty" in pick.reason and "no default" in pick.reason


def test_duty_in_new_york_uses_new_york_weekdays() -> None:
    config = config_with(settings={"timezone": "America/New_York"})
    # Thursday 02:00 UTC is still Wednesday evening in New York: zhang, not wang.
    at = datetime(2025, 6, 5, 2, 0, tzinfo=UTC)
    assert at.astimezone(NEW_YORK).weekday() == 2
    assert duty_at(config, at).person.id == "zhang"  # type: ignore[union-attr]
    assert duty_at(config, at + timedelta(hours=4)).person.id == "wang"  # type: ignore[union-attr]


def test_explain_office_hours() -> None:
    text = explain(office_hours(example(), sh(2, 9, 0)))
    assert text.startswith("mon 2026-03-02 09:00 CST: open")
    assert "mon 09:00-12:00 matched" in text
    with pytest.raises(TypeError, match="cannot explain a int"):
        explain(42)
