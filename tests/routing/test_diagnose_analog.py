"""diagnose on a box with an analog line: the analog line is an outside line like a SIM
(a one-analog-line box needs a second line for mobiles, duty and the forward chain, and
forwards at the network after hours), a cut analog line (no battery) is a line down,
and "no outside line" names both kinds."""

from __future__ import annotations

from typing import Any

from firmware.config.schema import Config
from firmware.config.validate import check_config
from firmware.routing.caps import LineUsage, Usage
from firmware.routing.diagnose import BoxState, analog_line_state, diagnose
from firmware.routing.forwarding import network_forwarding
from tests.routing.helpers import example_dict, sh

TUE_10, TUE_22 = sh(3, 10), sh(3, 22)
FXO = {"name": "fxo0", "number": "+861062345678", "profile": "cn", "disconnect": None}


def analog(**sections: Any) -> Config:
    """The example office with its SIM swapped for one analog line (caps follow it)."""
    raw = example_dict()
    raw["lines"] = {"fxo": [FXO], "fxs": raw["lines"]["fxs"]}
    raw["caps"] = [{**c, "line": "fxo0"} for c in raw["caps"]]
    raw.update(sections)
    return check_config(raw)


def findings(config: Config, at, box: BoxState) -> dict[str, dict]:
    return {f.code: f.as_dict() for f in diagnose(config, at, box).findings}


def test_no_outside_line_names_gsm_and_analog() -> None:
    found = findings(analog(), TUE_10, BoxState(outside_lines=0))["no_outside_line"]
    assert found["severity"] == "error"
    assert "GSM" in found["text"] and "analog" in found["text"]


def test_one_analog_line_needs_a_second_line_for_mobiles_and_the_chain() -> None:
    found = findings(analog(), TUE_10, BoxState(outside_lines=1, lines={"fxo0": "idle"}))
    second = found["needs_second_line"]
    assert second["severity"] == "warning"
    assert "张伟" in second["params"]["mobiles"]
    assert second["params"]["forward_chain"]


def test_one_analog_line_forwards_at_the_network_after_hours() -> None:
    config = analog()
    found = findings(config, TUE_22, BoxState(outside_lines=1, lines={"fxo0": "idle"}))
    assert found["network_forwarding"]["severity"] == "info"
    assert network_forwarding(config, TUE_22, "fxo0").enabled


def test_two_outside_lines_of_different_kinds_ring_mobiles() -> None:
    raw_gsm = example_dict()["lines"]["gsm"]
    config = analog(lines={"gsm": raw_gsm, "fxo": [FXO], "fxs": example_dict()["lines"]["fxs"]})
    box = BoxState(outside_lines=2, lines={"gsm0": "ready", "fxo0": "idle"})
    assert "needs_second_line" not in findings(config, TUE_10, box)


def test_a_cut_analog_line_is_down_and_alone_no_line_takes_calls() -> None:
    config = analog()
    state = analog_line_state({"kind": "fxo", "state": "idle", "battery": False})
    assert state == "no_battery"
    found = findings(config, TUE_10, BoxState(outside_lines=1, lines={"fxo0": state}))
    assert found["all_lines_down"]["params"] == {"lines": ["fxo0"]}
    mixed = BoxState(outside_lines=2, lines={"gsm0": "ready", "fxo0": "fault"})
    assert findings(config, TUE_10, mixed)["line_down"]["params"] == {"line": "fxo0",
                                                                       "state": "fault"}


def test_an_analog_line_in_service_is_not_down() -> None:
    for status in ({"state": "idle", "battery": True}, {"state": "in_use", "battery": None},
                   {"state": "ringing", "battery": True}):
        state = analog_line_state(status)
        box = BoxState(outside_lines=1, lines={"fxo0": state})
        assert not {"line_down", "all_lines_down"} & set(findings(analog(), TUE_10, box))


def test_a_reached_cap_of_the_analog_line_refuses_the_probe_call() -> None:
    usage = Usage("2026-03", {"fxo0": LineUsage(inbound_calls=3000)})
    box = BoxState(outside_lines=1, lines={"fxo0": "idle"}, usage=usage)
    found = findings(analog(), TUE_10, box)["refused_now"]
    assert found["severity"] == "error"
    assert found["params"]["cause"] == "a monthly cap of the line is reached"
