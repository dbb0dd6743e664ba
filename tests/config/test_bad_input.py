"""Bad input to the config check: field-named reasons, never a traceback (issue 9 §6)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.config.schema_base import is_digits
from firmware.config.validate import check_config
from firmware.errors import ConfigError
from tests.config.helpers import example


def _reasons(raw: dict) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        check_config(raw)
    return {path: why.code for path, why in info.value.errors}


def _percentage(share: Any) -> dict:
    config = example()
    group = config["ring_groups"][0]
    group["strategy"] = "percentage"
    group["members"] = [{"target": "801", "share": share}, {"target": "802", "share": 50}]
    return config


@pytest.mark.parametrize("share, code", [(0, "out_of_range"), (101, "out_of_range"),
                                         (-5, "out_of_range"), ("50", "wrong_type"),
                                         (50.5, "wrong_type"), (True, "wrong_type"),
                                         ([50], "wrong_type")])
def test_a_bad_share_is_named_not_a_type_error(share: Any, code: str) -> None:
    reasons = _reasons(_percentage(share))
    assert reasons == {"ring_groups[0].members[0].share": code}


def test_good_shares_still_pass() -> None:
    config = _percentage(50)
    assert check_config(config).ring_groups[0].members[0].share == 50


@pytest.mark.parametrize("section, key, value, path, code", [
    ("gsm", "sim_pin", "１２３４", "lines.gsm[0].sim_pin", "not_sim_pin"),
    ("gsm", "sim_pin", "12٣4", "lines.gsm[0].sim_pin", "not_sim_pin"),
    ("gsm", "sim_pin", "12²4", "lines.gsm[0].sim_pin", "not_sim_pin"),
    ("settings", "outside_line_prefix", "９", "settings.outside_line_prefix",
     "not_outside_prefix"),
    ("extension", "number", "８０１", "extensions[0].number", "not_extension_number"),
])
def test_only_ascii_digits_count(section: str, key: str, value: str, path: str,
                                 code: str) -> None:
    config = example()
    part = {"gsm": config["lines"]["gsm"][0], "settings": config["settings"],
            "extension": config["extensions"][0]}[section]
    part[key] = value
    assert _reasons(config)[path] == code


def test_ascii_pin_prefix_and_extension_pass() -> None:
    config = example()
    config["lines"]["gsm"][0]["sim_pin"] = "1234"
    config["settings"]["outside_line_prefix"] = "9"
    assert check_config(config).lines.gsm[0].sim_pin == "1234"


@pytest.mark.parametrize("text, low, high, ok", [
    ("1234", 4, 8, True), ("123", 4, 8, False), ("123456789", 4, 8, False),
    ("１２３４", 4, 8, False), ("12 4", 4, 8, False), ("", 0, 3, True), ("", 1, 3, False),
    (None, 0, 3, False), (1234, 1, None, False), ("0", 1, None, True), ("²", 1, None, False),
])
def test_is_digits(text: Any, low: int, high: int | None, ok: bool) -> None:
    assert is_digits(text, low, high) is ok


_ODD = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                 st.floats(allow_nan=True), st.text(max_size=12), st.just("１２３４"),
                 st.just("\ud800"), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))] + [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))] + [path]
    return [path]


_PATHS = [p for p in _leaves(example()) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _ODD), min_size=1, max_size=3))
def test_any_odd_value_anywhere_is_a_reason_never_a_traceback(changes: list) -> None:
    config = copy.deepcopy(example())
    for path, value in changes:
        node = config
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced the parent
    try:
        check_config(config)
    except ConfigError as e:
        assert all(isinstance(p, str) and p for p, _ in e.errors)
