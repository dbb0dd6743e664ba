"""Office hours follow China's calendar by default (issue 9 §2).

chinese-calendar 1.11 for autumn 2026: Mid-autumn Festival Fri 2026-09-25; National Day
Thu 2026-10-01 .. Wed 2026-10-07; adjusted working days Sun 2026-09-20 and Sat
2026-10-10. The example office: mon-fri 09:00-12:00, 13:30-18:00, sat 09:00-12:00;
roster mon-wed zhang, thu-fri wang, sat-sun david, default zhang.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from firmware.config.schema import to_dict
from firmware.errors import ConfigError
from firmware.routing import duty_at, network_forwarding, office_hours, plan_inbound
from firmware.routing.answer import route_answer
from firmware.routing.decision import line_decision
from tests.routing.helpers import SHANGHAI, check_config, example_dict

ZHANG, WANG, DAVID = "+8613912345678", "+8613512345678", "+8613812345678"
CALLER = "+8613588888888"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def office(**changes):
    """The example office without its routes (the default plan decides), changed."""
    raw = example_dict()
    raw["routes"] = []
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            raw[section][field] = value
        else:
            raw[section] = value
    return check_config(raw)


@pytest.mark.parametrize("when", [at(10, 1, 10), at(10, 5, 15), at(10, 7, 9), at(9, 25, 10)])
def test_a_public_holiday_is_closed_all_day(when: datetime) -> None:
    hours = office_hours(office(), when)
    assert not hours.open and hours.holiday is not None
    assert "is a public holiday" in hours.reason and "closed all day" in hours.reason
    assert hours.day_rule.startswith(when.date().isoformat())


def test_national_day_names_the_holiday_and_rings_duty_not_the_desk_phones() -> None:
    config = office()
    hours = office_hours(config, at(10, 1, 10))
    assert "2026-10-01 is a public holiday (国庆节 National Day): closed all day" in hours.reason
    answer = route_answer(config, "gsm0", CALLER, at(10, 1, 10), 2)
    assert answer.plan.step(answer.plan.start).kind == "duty"
    assert answer.targets[0] == WANG  # thursday: wang by the roster
    assert not any(t.isdigit() for t in answer.targets)  # no desk phone rings


@pytest.mark.parametrize(("when", "is_open"), [
    (at(10, 10, 10), True),  # adjusted working Saturday: monday's hours
    (at(10, 10, 14), True),  # monday's afternoon too (a saturday's own hours end at 12:00)
    (at(10, 10, 12, 30), False),  # monday's lunch break
    (at(9, 20, 9), True),  # adjusted working Sunday
    (at(9, 20, 18), False),
    (at(10, 11, 10), False),  # the Sunday after: an ordinary Sunday
    (at(10, 9, 10), True),  # the Friday before: an ordinary working day
])
def test_an_adjusted_working_day_keeps_mondays_hours(when: datetime, is_open: bool) -> None:
    hours = office_hours(office(), when)
    assert hours.open is is_open
    if when.day in (10, 20):
        assert hours.adjusted_workday and "adjusted working day" in hours.reason
        assert "mon " in hours.reason


def test_adjusted_working_day_hours_of_another_weekday_or_its_own() -> None:
    sat = office(schedule__adjusted_workday_hours="sat")
    assert office_hours(sat, at(10, 10, 10)).open
    assert not office_hours(sat, at(10, 10, 14)).open  # saturday's hours end at 12:00
    own = office(schedule__adjusted_workday_hours=None)
    assert not office_hours(own, at(9, 20, 10)).open  # a sunday's own hours: none


def test_the_owner_switch_turns_the_calendar_off() -> None:
    config = office(schedule__follow_calendar=False)
    hours = office_hours(config, at(10, 1, 10))
    assert hours.open and hours.holiday is None
    assert "public holiday" in hours.reason and "do not follow the calendar" in hours.reason
    assert not office_hours(config, at(9, 20, 10)).open  # a worked sunday is a sunday
    answer = route_answer(config, "gsm0", CALLER, at(10, 1, 10), 2)
    assert answer.targets[0] == "801"


def test_a_company_holiday_and_working_day_count_for_the_office_hours() -> None:
    config = office(calendar={"holidays": [{"date": "2026-11-20", "name": "盘点 stock-taking"}],
                              "workdays": ["2026-11-22"]})
    closed = office_hours(config, at(11, 20, 10))
    assert not closed.open and "company holiday (盘点 stock-taking)" in closed.reason
    assert office_hours(config, at(11, 22, 10)).open  # a company working sunday


def test_old_configs_load_following_the_calendar_and_export_the_switch() -> None:
    raw = example_dict()
    assert "follow_calendar" not in raw["schedule"]
    config = check_config(raw)
    assert config.schedule.follow_calendar and config.schedule.adjusted_workday_hours == "mon"
    exported = to_dict(config)
    assert exported["schedule"]["follow_calendar"] is True
    assert exported["duty_roster"]["holiday"] is None
    assert check_config(exported) == config


@pytest.mark.parametrize(("change", "field"), [
    ({"adjusted_workday_hours": "funday"}, "schedule.adjusted_workday_hours"),
    ({"follow_calendar": "yes"}, "schedule.follow_calendar"),
    ({"mon": ["19:00-10:00"]}, "schedule.mon[0]"),  # runs into tuesday 09:00-12:00
    ({"mon": ["09:00-09:00"]}, "schedule.mon[0]"),
])
def test_bad_schedules_are_refused_by_field(change: dict, field: str) -> None:
    raw = example_dict()
    raw["schedule"].update(change)
    with pytest.raises(ConfigError) as refused:
        check_config(raw)
    assert field in [path for path, _why in refused.value.errors]


def test_office_hours_past_midnight() -> None:
    night = {"mon": ["19:00-08:00"], "tue": ["08:00-12:00"], "fri": ["22:00-06:00"]}
    config = office(schedule=night)
    early = office_hours(config, at(3, 3, 3))  # tuesday 03:00
    assert early.open and "runs past midnight" in early.reason
    assert office_hours(config, at(3, 3, 8)).open  # tuesday's own range
    assert not office_hours(config, at(3, 2, 18, 59)).open
    assert office_hours(config, at(3, 7, 5, 59)).open  # saturday morning, from friday
    assert not office_hours(config, at(3, 7, 6)).open


def test_a_range_past_midnight_into_a_holiday_still_runs_until_its_end() -> None:
    config = office(schedule={"wed": ["20:00-02:00"]})
    assert office_hours(config, at(9, 30, 23)).open
    assert office_hours(config, at(10, 1, 1)).open  # started on an ordinary wednesday
    assert not office_hours(config, at(10, 7, 21)).open  # wednesday 10-07 is a holiday


ROSTER = {"entries": [{"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "18:00-09:00",
                       "person": "zhang"}],
          "default": "david", "holiday": "wang"}


def test_roster_past_midnight_and_holiday_duty() -> None:
    config = office(duty_roster=ROSTER)
    tuesday_3am = duty_at(config, at(3, 3, 3))
    assert tuesday_3am.person.id == "zhang" and "past midnight" in tuesday_3am.reason
    assert duty_at(config, at(3, 7, 8)).person.id == "zhang"  # saturday, from friday night
    assert duty_at(config, at(3, 7, 9)).person.id == "david"  # then the default
    holiday = duty_at(config, at(10, 1, 3))
    assert holiday.person.id == "wang" and holiday.holiday
    assert "holiday duty" in holiday.reason and "国庆节" in holiday.reason
    assert duty_at(config, at(10, 8, 3)).person.id == "zhang"  # from wednesday 10-07 night


def test_roster_entries_past_midnight_must_not_overlap() -> None:
    raw = example_dict()
    raw["duty_roster"] = {"entries": [
        {"days": ["mon"], "hours": "19:00-08:00", "person": "zhang"},
        {"days": ["tue"], "hours": "07:00-12:00", "person": "wang"}]}
    with pytest.raises(ConfigError) as refused:
        check_config(raw)
    assert "duty_roster.entries[1]" in [path for path, _why in refused.value.errors]
    raw["duty_roster"]["holiday"] = "nobody"
    raw["duty_roster"]["entries"][1]["hours"] = "08:00-12:00"
    with pytest.raises(ConfigError) as refused:
        check_config(raw)
    assert [path for path, _why in refused.value.errors] == ["duty_roster.holiday"]


# --- a one-line box: network forwarding follows the calendar -------------------------------


def test_one_line_box_forwards_to_holiday_duty_all_day_on_a_holiday() -> None:
    config = office(duty_roster={**example_dict()["duty_roster"], "holiday": "david"})
    eve = network_forwarding(config, at(9, 30, 20), "gsm0")
    assert (eve.enabled, eve.number) == (True, ZHANG)  # wednesday night: zhang
    assert eve.next_change == at(10, 1, 0)  # midnight: holiday duty takes over
    day = network_forwarding(config, at(10, 1, 10), "gsm0")
    assert (day.enabled, day.number) == (True, DAVID)
    assert "public holiday" in day.reason and "holiday duty" in day.reason
    assert day.next_change == at(10, 8, 0)  # after the last holiday: the roster again


def test_one_line_box_does_not_forward_in_an_adjusted_working_days_hours() -> None:
    config = office()
    before = network_forwarding(config, at(10, 10, 8), "gsm0")
    assert before.enabled and before.next_change == at(10, 10, 9)
    during = network_forwarding(config, at(10, 10, 9), "gsm0")
    assert not during.enabled and "adjusted working day" in during.reason
    answer = route_answer(config, "gsm0", CALLER, at(10, 10, 10), 1)
    assert not answer.forwarded and answer.targets[0] == "801"


def test_one_line_explain_says_the_network_forwards_on_a_holiday() -> None:
    answer = route_answer(office(), "gsm0", CALLER, at(10, 2, 10), 1)
    assert answer.forwarded and answer.targets == (WANG,)
    assert answer.ending == f"forwarded by the network to {WANG}"
    assert answer.to_json()["network_forwarding"]["number"] == WANG
    assert answer.text().startswith(f"network forwarding: ON to {WANG}")


# --- explain and the box agree when a time rule and the weekly hours differ -----------------


def late_office():
    """A route keeps the desk phones ringing until 20:00 on weekdays (hours end at 18:00)."""
    return office(time_rules=[{"name": "late", "weekly": {d: ["18:00-20:00"] for d in
                                                          ("mon", "tue", "wed", "thu", "fri")}}],
                  routes=[{"name": "late desk", "when": "late", "to": "ring_group:sales"},
                          {"name": "vip", "callers": {"numbers": ["+8613700001111"]},
                           "to": "duty"}])


def test_a_time_rule_route_keeps_forwarding_off_while_it_rings_the_office() -> None:
    config = late_office()
    seven_pm = at(3, 2, 19)
    decision = line_decision(config, seven_pm, "gsm0")
    assert decision.open and decision.route == "late desk"
    assert not office_hours(config, seven_pm).open  # the weekly hours alone say closed
    forwarding = network_forwarding(config, seven_pm, "gsm0")
    assert not forwarding.enabled and "route late desk" in forwarding.reason
    assert forwarding.next_change == at(3, 2, 20)
    answer = route_answer(config, "gsm0", CALLER, seven_pm, 1)
    plan = plan_inbound(config, "gsm0", CALLER, seven_pm, 1)
    assert answer.route == plan.route == "late desk"
    assert answer.targets[0] == "801" and not answer.forwarded


def test_after_the_time_rule_the_network_forwards_and_explain_says_so() -> None:
    config = late_office()
    answer = route_answer(config, "gsm0", CALLER, at(3, 2, 21), 1)
    forwarding = network_forwarding(config, at(3, 2, 21), "gsm0")
    assert forwarding.enabled and answer.forwarded
    assert answer.targets == (forwarding.number,) == (ZHANG,)


def test_a_route_about_some_callers_does_not_decide_the_networks_forwarding() -> None:
    config = late_office()
    assert line_decision(config, at(3, 2, 10), "gsm0").route == ""  # "vip" names callers
    assert not network_forwarding(config, at(3, 2, 10), "gsm0").enabled


def test_a_route_to_duty_in_the_day_forwards_a_one_line_box() -> None:
    config = office(routes=[{"name": "lunch duty", "when": "lunch", "to": "duty"}],
                    time_rules=[{"name": "lunch", "weekly": {"mon": ["12:00-13:30"]}}])
    state = network_forwarding(config, at(3, 2, 12, 30), "gsm0")
    assert (state.enabled, state.number) == (True, ZHANG)
    assert "route lunch duty" in state.reason
    plan = plan_inbound(config, "gsm0", CALLER, at(3, 2, 12, 30), 1)
    assert any("network forwarding should be on to" in r for r in plan.reasons)
