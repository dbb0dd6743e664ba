"""lines.fxo in the config: an analog line's number, profile and disconnect method are
checked by field with catalogue codes; a file without the section loads unchanged; the
analog line is an outside line for routes and caps (and a desk-phone port is not)."""

from __future__ import annotations

from typing import Any

import pytest

from firmware.config.schema import to_dict
from firmware.config.validate import check_config
from firmware.errors import ConfigError
from tests.config.helpers import example

FXO = {"name": "fxo0", "number": "010 6234 5678", "profile": "cn", "disconnect": None}


def analog(**line: Any) -> dict:
    raw = example()
    raw["lines"]["fxo"] = [{**FXO, **line}]
    return raw


def refusal(raw: dict) -> list[tuple[str, Any]]:
    with pytest.raises(ConfigError) as refused:
        check_config(raw)
    return list(refused.value.errors)


def test_an_analog_line_is_stored_with_its_number_in_e164() -> None:
    config = check_config(analog(profile="us", disconnect="polarity"))
    line = config.lines.fxo[0]
    assert (line.number, line.profile, line.disconnect) == ("+861062345678", "us", "polarity")
    assert config.lines.outside_names() == ("gsm0", "fxo0")
    assert config.lines.number_of("fxo0") == "+861062345678"
    assert to_dict(config)["lines"]["fxo"][0]["disconnect"] == "polarity"


def test_a_file_without_analog_lines_loads_with_none() -> None:
    raw = example()
    raw["lines"].pop("fxo", None)
    assert check_config(raw).lines.fxo == ()


@pytest.mark.parametrize("change,field,code", [
    ({"profile": "uk"}, "lines.fxo[0].profile", "not_one_of"),
    ({"disconnect": "smoke"}, "lines.fxo[0].disconnect", "not_one_of"),
    ({"name": "line1"}, "lines.fxo[0].name", "not_fxo_name"),
    ({"number": "call me"}, "lines.fxo[0].number", None),
])
def test_a_bad_field_is_refused_by_name_with_its_code(change, field, code) -> None:
    errors = refusal(analog(**change))
    assert [f for f, _ in errors] == [field]
    if code is not None:
        assert errors[0][1].code == code


def test_two_analog_lines_of_one_name_are_refused() -> None:
    raw = analog()
    raw["lines"]["fxo"].append(dict(FXO, number=None))
    assert [f for f, _ in refusal(raw)] == ["lines.fxo[1]"]


def test_caps_and_routes_take_the_analog_line_and_no_desk_phone_port() -> None:
    raw = analog()
    raw["caps"][0]["line"] = "fxo0"
    raw["routes"][0]["lines"] = ["fxo0", "gsm0"]
    config = check_config(raw)
    assert config.line_caps("fxo0") is not None and config.routes[0].lines == ("fxo0", "gsm0")
    raw["caps"][0]["line"] = "fxs0"
    errors = refusal(raw)
    assert [f for f, _ in errors] == ["caps[0].line"]
    assert errors[0][1].code == "no_outside_line_named" and "fxo0" in errors[0][1]
