"""docs/example-config-analog.json: the example office on a one-analog-line box (board
sim-analog: fxo0 and fxs0-fxs3). It is valid on that board, its line's number is the
emulator exchange's, and a one-line box's diagnosis finds nothing to fix: the office
rings desk phones in hours and the network forwards the line to the duty person after
hours (the telco's *57* service code), as a single-SIM box does with AT+CCFC."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.config.hardware import Hardware, check_on_board
from firmware.errors import ConfigError
from firmware.routing.diagnose import BoxState, diagnose
from firmware.routing.forwarding import network_forwarding
from hil_tests.pstn.emulator import LINES
from tests.config.test_cli import run

ANALOG = Path(__file__).resolve().parents[2] / "docs" / "example-config-analog.json"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TUE_10 = datetime(2026, 6, 16, 10, 0, tzinfo=SHANGHAI)
TUE_22 = datetime(2026, 6, 16, 22, 0, tzinfo=SHANGHAI)


def _raw() -> dict:
    return json.loads(ANALOG.read_text("utf-8"))


def test_valid_on_the_analog_board_with_one_outside_line() -> None:
    config = check_on_board(_raw(), Hardware.of_board_name("sim-analog"))
    assert config.lines.outside_names() == ("fxo0",)
    assert [p.name for p in config.lines.fxs] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    assert (config.lines.fxo[0].profile, config.lines.fxo[0].disconnect) == ("cn", None)
    assert config.line_caps("fxo0") is not None


def test_refused_on_a_board_without_the_analog_line() -> None:
    with pytest.raises(ConfigError) as refused:
        check_on_board(_raw(), Hardware.of_board_name("sim"))
    assert any(field == "lines.fxo[0]" and "fxo0" in why for field, why in refused.value.errors)


def test_the_cli_checks_it_on_the_board(capsys) -> None:
    assert run("config", "check", "--board", "sim-analog", str(ANALOG)) == 0
    said = capsys.readouterr().out
    assert "1 analog line" in said and "0 GSM lines" in said


def test_the_line_number_is_the_emulator_exchanges() -> None:
    assert _raw()["lines"]["fxo"][0]["number"] == LINES["sim-analog"]["fxo0"]


def test_a_one_line_box_has_nothing_to_fix_and_forwards_after_hours() -> None:
    config = check_on_board(_raw(), Hardware.of_board_name("sim-analog"))
    one_line = BoxState(outside_lines=1, lines={"fxo0": "idle"})
    assert diagnose(config, TUE_10, one_line).findings == ()
    night = diagnose(config, TUE_22, one_line)
    assert [f.code for f in night.findings] == ["network_forwarding"]
    forwarding = network_forwarding(config, TUE_22, "fxo0")
    assert forwarding.enabled and forwarding.person == "zhang"
    assert not network_forwarding(config, TUE_10, "fxo0").enabled
