"""diagnose: the office now, and each way a config stops the box routing calls as the owner
expects, with its stable code and parameters; the English catalogue is complete."""

from __future__ import annotations

from datetime import datetime

import pytest

from firmware.config.schema import Config
from firmware.routing.caps import LineUsage, Usage
from firmware.routing.diagnose import (
    FINDINGS,
    BoxState,
    diagnose,
    finding,
    office_now,
    parameters,
    probe_caller,
)
from tests.routing.helpers import SHANGHAI, config_with, example, example_dict, sh

TUE_10, TUE_22, SUN_12 = sh(3, 10), sh(3, 22), sh(8, 12)
TWO = BoxState(outside_lines=2)
ONE = BoxState(outside_lines=1)
NO_HOURS = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NOBODY = {"entries": [], "default": None}


def codes(config: Config, at: datetime, box: BoxState = TWO) -> list[str]:
    return [f.code for f in diagnose(config, at, box).findings]


def one(config: Config, at: datetime, code: str, box: BoxState = TWO) -> dict:
    found = [f.as_dict() for f in diagnose(config, at, box).findings if f.code == code]
    assert len(found) == 1, codes(config, at, box)
    return found[0]


# --- the office now --------------------------------------------------------------------------


def test_open_and_closed_now_with_the_next_change() -> None:
    office = office_now(example(), TUE_10)
    assert (office.state, office.open, office.holiday) == ("open", True, None)
    assert office.until == sh(3, 12)
    assert office.as_dict()["until"] == "2026-03-03T12:00:00+08:00"
    night = office_now(example(), TUE_22)
    assert (night.state, night.open, night.until) == ("closed", False, sh(4, 9))


def test_a_holiday_the_office_is_closed_on_is_named() -> None:
    hours = {**example_dict()["schedule"], "thu": []}
    office = office_now(config_with(schedule=hours),
                        datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI))
    assert office.state == "holiday"
    assert office.holiday is not None and "National Day" in office.holiday


def test_a_company_holiday_is_named_and_an_adjusted_workday_said() -> None:
    hours = {**example_dict()["schedule"], "wed": [], "sat": []}
    config = config_with(schedule=hours, calendar={"holidays": [{"date": "2026-03-04",
                                                                 "name": "盘点"}]})
    office = office_now(config, sh(4, 10))
    assert (office.state, office.holiday) == ("holiday", "盘点")
    worked = office_now(config, datetime(2026, 2, 14, 10, tzinfo=SHANGHAI))  # a Saturday
    assert worked.adjusted_workday


def test_the_state_agrees_with_the_routing_office_hours() -> None:
    from firmware.routing import office_hours

    for at in (TUE_10, TUE_22, SUN_12, sh(7, 11), sh(7, 12)):
        assert office_now(example(), at).open == office_hours(example(), at).open


@pytest.mark.parametrize("at", [
    datetime(2026, 10, 1, 10, tzinfo=SHANGHAI),  # National Day, a Thursday
    datetime(2026, 9, 20, 10, tzinfo=SHANGHAI),  # an adjusted working Sunday
    datetime(2026, 9, 20, 20, tzinfo=SHANGHAI),
    datetime(2026, 2, 14, 10, tzinfo=SHANGHAI),  # an adjusted working Saturday
])
def test_the_state_agrees_with_the_routing_decision_on_calendar_days(at: datetime) -> None:
    from firmware.routing import line_decision

    office = office_now(example(), at)
    decision = line_decision(example(), at)
    assert office.open == decision.open
    assert office.reason == decision.reason
    assert (office.state == "holiday") == (not decision.open and decision.hours.holiday
                                           is not None)


def test_national_day_is_a_holiday_and_an_adjusted_sunday_open() -> None:
    national = office_now(example(), datetime(2026, 10, 1, 10, tzinfo=SHANGHAI))
    assert (national.state, national.open) == ("holiday", False)
    assert national.holiday == "国庆节 National Day"
    assert national.until == datetime(2026, 10, 8, 9, tzinfo=SHANGHAI)
    sunday = office_now(example(), datetime(2026, 9, 20, 10, tzinfo=SHANGHAI))
    assert (sunday.state, sunday.open, sunday.adjusted_workday) == ("open", True, True)


def test_a_route_that_keeps_the_office_ringing_keeps_it_open() -> None:
    """A time rule's route to the ring group after the weekly hours: the box rings the
    office, so the dashboard says open (as route explain and the keeper do)."""
    routes = [{"name": "evenings", "to": "ring_group:sales", "when": "night"}]
    config = config_with(routes=routes)
    assert office_now(config, TUE_22).state == "open"
    assert office_now(example(), TUE_22).state == "closed"


# --- fine configs say nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("at", [TUE_10, TUE_22, SUN_12])
def test_the_example_on_a_two_line_box_is_fine(at: datetime) -> None:
    result = diagnose(example(), at, TWO)
    assert result.ok and result.findings == ()
    assert result.as_dict()["findings"] == []


# --- nobody answers ----------------------------------------------------------------------------


def test_no_inbound_group_means_no_extension_answers() -> None:
    config = config_with(inbound={"ring_group": None})
    found = one(config, TUE_10, "no_inbound_group")
    assert found["severity"] == "error"
    assert found["text"].startswith("no extension answers calls")
    assert not diagnose(config, TUE_10, TWO).ok


def test_everyone_unavailable_or_out_of_service() -> None:
    box = BoxState(outside_lines=2, unavailable=frozenset({"801", "802", "zhang"}),
                   ports={"fxs0": "idle", "fxs1": "idle", "fxs2": "idle", "fxs3": "fault"})
    found = one(example(), TUE_10, "inbound_group_nobody", box)
    assert found["params"] == {"group": "sales", "unavailable": ["801", "802", "zhang"],
                               "out_of_service": ["804"], "mobiles": []}
    assert found["severity"] == "error"
    # one of them back: fine again
    back = BoxState(outside_lines=2, unavailable=frozenset({"801", "802"}), ports=box.ports)
    assert "inbound_group_nobody" not in codes(example(), TUE_10, back)


def test_an_extension_on_a_port_the_board_lacks_cannot_ring() -> None:
    groups = [{"name": "sales", "members": ["804"]}]
    box = BoxState(outside_lines=2, ports={"fxs0": "idle"})
    found = one(config_with(ring_groups=groups), TUE_10, "inbound_group_nobody", box)
    assert found["params"]["out_of_service"] == ["804"]


def test_a_group_of_mobiles_on_a_one_line_box() -> None:
    groups = [{"name": "sales", "members": ["zhang", "wang"]}]
    found = one(config_with(ring_groups=groups), TUE_10, "inbound_group_nobody", ONE)
    assert found["params"]["mobiles"] == ["zhang", "wang"]
    assert "inbound_group_nobody" not in codes(config_with(ring_groups=groups), TUE_10, TWO)


def test_nested_groups_are_opened() -> None:
    groups = [{"name": "sales", "members": [{"group": "desk"}]},
              {"name": "desk", "members": ["801"]}]
    config = config_with(ring_groups=groups)
    assert "inbound_group_nobody" not in codes(config, TUE_10)
    box = BoxState(outside_lines=2, unavailable=frozenset({"801"}))
    assert one(config, TUE_10, "inbound_group_nobody", box)["params"]["unavailable"] == ["801"]


# --- no open hours, closed with nobody on duty -------------------------------------------------


def test_no_open_hours_and_nobody_on_duty_refuses_every_call() -> None:
    config = config_with(schedule=NO_HOURS, duty_roster=NOBODY, forward_chain=[])
    found = one(config, TUE_10, "no_open_hours")
    assert found["severity"] == "error"
    assert found["text"] == "every call is refused: no open hours, and nobody is on duty"
    assert "no_inbound_group" not in codes(config, TUE_10)
    # a route for every caller at some hours passes calls on: not every call is refused
    routes = [{"name": "weekdays", "to": "ring_group:sales", "when": "workdays"}]
    assert "no_open_hours" not in codes(config_with(schedule=NO_HOURS, duty_roster=NOBODY,
                                                    forward_chain=[], routes=routes), TUE_10)


def test_the_factory_config_refuses_every_call() -> None:
    result = diagnose(Config(), TUE_10, ONE)
    assert [f.code for f in result.findings] == ["no_open_hours"]
    assert result.office.state == "closed"


def test_no_open_hours_with_a_duty_person() -> None:
    found = one(config_with(schedule=NO_HOURS), TUE_10, "never_open")
    assert found["severity"] == "warning"


def test_closed_hours_with_nobody_on_duty_are_named() -> None:
    config = config_with(duty_roster={"entries": [{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                   "person": "zhang"}], "default": None},
                         forward_chain=[])
    found = one(config, TUE_10, "closed_nobody")
    assert found["params"] == {"start": "sat 2026-03-07 00:00", "end": "sat 2026-03-07 09:00"}
    assert found["severity"] == "warning"
    # a two-line box with a forward chain passes those calls on: nothing to say
    assert "closed_nobody" not in codes(config_with(duty_roster=NOBODY), TUE_10)


def test_a_route_that_refuses_every_call() -> None:
    routes = [{"name": "holiday mode", "to": "busy"}]
    found = one(config_with(routes=routes), TUE_10, "route_refuses_all")
    assert found["params"] == {"route": "holiday mode", "action": "busy"}
    assert found["severity"] == "error"


def test_a_route_to_a_plan_that_starts_by_hanging_up() -> None:
    raw = example_dict()
    raw["plans"] = [{"name": "closed", "steps": [{"id": "bye", "do": "announcement"}]}]
    raw["routes"] = [{"name": "everyone", "to": "plan:closed"}]
    found = one(config_with(**raw), TUE_10, "route_refuses_all")
    assert found["params"] == {"route": "everyone", "action": "announcement"}


def test_a_blocked_ordinary_caller_is_the_owners_choice() -> None:
    blocking = {"allow_regions": {"provinces": ["西藏"]}}
    assert codes(config_with(blocking=blocking), TUE_10) == []


def test_a_route_with_a_condition_is_not_every_call() -> None:
    routes = [{"name": "night", "to": "busy", "when": "office_hours"}]
    assert "route_refuses_all" not in codes(config_with(routes=routes), TUE_10)


# --- a one-line box ------------------------------------------------------------------------------


def test_a_one_line_box_names_what_needs_a_second_line() -> None:
    found = one(example(), TUE_10, "needs_second_line", ONE)
    assert found["params"] == {"mobiles": ["David Chen", "张伟"],
                               "forward_chain": ["张伟", "王芳", "David Chen", "+862161234567"],
                               "routes": [], "plans": ["zhejiang"]}
    assert found["text"].startswith("mobiles, duty and the forward chain need a second line")
    assert found["severity"] == "warning"


def test_a_one_line_box_with_desk_phones_only_needs_nothing() -> None:
    config = config_with(ring_groups=[{"name": "sales", "members": ["801", "802"]}],
                         forward_chain=[], vip={}, designated=[], routes=[], plans=[])
    assert "needs_second_line" not in codes(config, TUE_10, ONE)


def test_network_forwarding_now_names_the_number_person_and_opening() -> None:
    found = one(example(), TUE_22, "network_forwarding", ONE)
    assert found["params"] == {"number": "+8613912345678", "person": "张伟",
                               "until": "wed 2026-03-04 09:00"}
    assert found["text"].startswith("forwarded by the network to +8613912345678 (张伟)")
    assert found["severity"] == "info"
    assert "network_forwarding" not in codes(example(), TUE_10, ONE)  # open: off
    assert "network_forwarding" not in codes(example(), TUE_22, TWO)  # two lines bridge


def test_forwarding_the_network_has_not_confirmed() -> None:
    box = BoxState(outside_lines=1, forwarding={"gsm0": {"wanted": "+8613912345678",
                                                         "in_step": False}})
    found = one(example(), TUE_22, "forwarding_pending", box)
    assert found["params"] == {"line": "gsm0", "number": "+8613912345678"}


# --- lines ------------------------------------------------------------------------------------


def test_no_modem_and_lines_down() -> None:
    assert one(example(), TUE_10, "no_outside_line", BoxState(outside_lines=0))
    box = BoxState(outside_lines=2, lines={"gsm0": "no_sim", "gsm1": "ready"})
    assert one(example(), TUE_10, "line_down", box)["params"] == {"line": "gsm0",
                                                                 "state": "no_sim"}
    down = BoxState(outside_lines=1, lines={"gsm0": "pin_required"})
    found = one(example(), TUE_10, "all_lines_down", down)
    assert (found["params"], found["severity"]) == ({"lines": ["gsm0"]}, "error")


# --- a call now -----------------------------------------------------------------------------


def test_a_reached_cap_refuses_a_call_now() -> None:
    caps = [{"line": "gsm0", "limits": [{"counter": "inbound_calls", "max": 10}]}]
    box = BoxState(outside_lines=2, usage=Usage("2026-03", {"gsm0": LineUsage(
        inbound_calls=10)}))
    found = one(config_with(caps=caps), TUE_10, "refused_now", box)
    assert found["params"] == {"cause": "a monthly cap of the line is reached"}
    assert found["severity"] == "error"


def test_errors_come_first() -> None:
    config = config_with(inbound={"ring_group": None})
    severities = [f.severity for f in diagnose(config, TUE_22, ONE).findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_the_probe_caller_is_an_ordinary_mobile() -> None:
    assert probe_caller("CN").startswith("+861")


def test_every_finding_builds_from_its_template() -> None:
    for code in FINDINGS:
        params = {name: "x" for name in parameters(code)}
        assert finding(code, **params).code == code
        with pytest.raises(TypeError):
            finding(code, **params, extra="x")


def test_empty_lists_are_left_out_of_the_text() -> None:
    box = BoxState(outside_lines=2, unavailable=frozenset({"801", "802", "804", "zhang"}))
    text = one(example(), TUE_10, "inbound_group_nobody", box)["text"]
    assert text == ("no extension answers calls: nobody in ring group sales can ring now "
                    "(unavailable: 801, 802, 804, zhang)")
