"""network_forwarding: on to the duty person when closed, off when open, and when it changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from firmware.routing import explain, network_forwarding
from tests.routing.helpers import NEW_YORK, SHANGHAI, UTC, config_with, example, sh

ZHANG, WANG, DAVID = "+8613912345678", "+8613512345678", "+8613812345678"


@pytest.mark.parametrize(("at", "number", "change"), [
    (sh(2, 10, 0), None, sh(2, 12, 0)),  # open: off until the lunch break
    (sh(2, 12, 0), ZHANG, sh(2, 13, 30)),  # lunch: zhang until the afternoon opens
    (sh(2, 18, 0), ZHANG, sh(3, 9, 0)),  # mon night: zhang until tue 09:00
    (sh(4, 18, 0), ZHANG, sh(5, 0, 0)),  # wed night: the roster hands over to wang at midnight
    (sh(5, 0, 0), WANG, sh(5, 9, 0)),
    (sh(6, 18, 0), WANG, sh(7, 0, 0)),  # fri night: david from sat 00:00
    (sh(7, 0, 0), DAVID, sh(7, 9, 0)),  # sat opens 09:00-12:00
    (sh(7, 12, 0), DAVID, sh(9, 0, 0)),  # sat noon: david all weekend, zhang from mon 00:00
    (sh(8, 12, 0), DAVID, sh(9, 0, 0)),
    (sh(9, 0, 0), ZHANG, sh(9, 9, 0)),
])
def test_forwarding_follows_hours_and_roster(at: datetime, number: str | None,
                                             change: datetime) -> None:
    state = network_forwarding(example(), at)
    assert (state.enabled, state.number, state.next_change) == (number is not None, number,
                                                                change)
    assert state.next_change is not None
    assert state.next_change.utcoffset() == timedelta(0)  # UTC: safe to compare and subtract


def test_reason_names_the_hours_the_person_and_the_change() -> None:
    state = network_forwarding(example(), sh(8, 12, 0))
    assert state.person == "david"
    assert "sun hours are closed all day" in state.reason
    assert "duty person david (David Chen) by roster entry #3" in state.reason
    assert "until mon 2026-03-09 00:00 CST" in state.reason
    assert explain(state).startswith(f"network forwarding on to {DAVID}")
    assert explain(network_forwarding(example(), sh(2, 10, 0))).startswith(
        "network forwarding off")


def test_seconds_past_an_edge_count_from_the_edge() -> None:
    state = network_forwarding(example(), sh(2, 11, 59, 59) + timedelta(microseconds=500))
    assert state.next_change == sh(2, 12, 0)


def test_nobody_on_duty_keeps_forwarding_off() -> None:
    config = config_with(duty_roster={"entries": [], "default": None})
    state = network_forwarding(config, sh(2, 20, 0))
    assert not state.enabled and state.number is None
    assert "nobody on duty" in state.reason
    assert state.next_change is None  # off when open and off when closed: never changes


def test_open_around_the_clock_never_changes() -> None:
    config = config_with(schedule={d: ["00:00-24:00"] for d in
                                   ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    state = network_forwarding(config, sh(2, 10, 0))
    assert (state.enabled, state.next_change) == (False, None)
    assert "with no change in the next two weeks" in state.reason


def ny_config(sunday: list[str]):
    return config_with(settings={"timezone": "America/New_York"}, schedule={"sun": sunday},
                       duty_roster={"entries": [], "default": "zhang"})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_spring_forward_opens_when_the_clocks_jump() -> None:
    # 2025-03-09: 02:00 EST becomes 03:00 EDT (07:00 UTC); 02:30 never happens that day.
    config = ny_config(["02:30-05:00"])
    before = network_forwarding(config, utc(2025, 3, 9, 6, 0))  # 01:00 EST, closed
    assert before.enabled and before.next_change == utc(2025, 3, 9, 7, 0)
    assert before.next_change.astimezone(NEW_YORK).hour == 3  # type: ignore[union-attr]
    during = network_forwarding(config, before.next_change)  # type: ignore[arg-type]
    assert not during.enabled and during.next_change == utc(2025, 3, 9, 9, 0)  # 05:00 EDT


def test_fall_back_repeats_an_hour_of_wall_time() -> None:
    # 2025-11-02: 02:00 EDT becomes 01:00 EST (06:00 UTC); 01:00-02:00 happens twice.
    config = ny_config(["00:00-01:30"])
    edges, at = [], utc(2025, 11, 2, 4, 30)  # 00:30 EDT, open
    for _ in range(4):
        state = network_forwarding(config, at)
        edges.append((state.enabled, state.next_change))
        at = state.next_change  # type: ignore[assignment]
    assert edges == [
        (False, utc(2025, 11, 2, 5, 30)),  # 01:30 EDT closes
        (True, utc(2025, 11, 2, 6, 0)),  # clocks go back to 01:00 EST: open again
        (False, utc(2025, 11, 2, 6, 30)),  # 01:30 EST closes
        (True, utc(2025, 11, 9, 5, 0)),  # next sunday 00:00 EST
    ]


def test_a_shanghai_box_asked_in_utc_answers_in_shanghai_time() -> None:
    state = network_forwarding(example(), utc(2026, 3, 2, 2, 0))  # mon 10:00 CST
    assert not state.enabled
    assert state.next_change == datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
