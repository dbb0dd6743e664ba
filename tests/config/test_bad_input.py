"""Bad input to the config check: field-named reasons, never a traceback (issue 9 §6)."""

from __future__ import annotations

import copy
import json
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


# --- config text from outside (jsontext.py) -------------------------------------------

from firmware.config.jsontext import (  # noqa: E402
    MAX_DEPTH,
    UnreadableConfig,
    json_depth,
    parse_config_text,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200),
                 st.recursive(st.just("1"), lambda inner: st.builds(
                     lambda s, k: "[" * k + s + "]" * k, inner, st.integers(0, 60)))))
def test_any_text_is_a_value_or_an_unreadable_config(data) -> None:
    try:
        value = parse_config_text(data)
    except UnreadableConfig as e:
        assert e.errors and all(str(r) for _, r in e.errors)
        return
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    assert json_depth(text.encode("utf-8")) <= MAX_DEPTH
    json.dumps(value, ensure_ascii=False).encode("utf-8")  # storable: valid Unicode


@pytest.mark.parametrize("text, depth", [("[]", 1), ('{"a": [[1]]}', 3),
                                         ('["[[[[", {"b": "]]"}]', 2), ('"\\"[["', 0)])
def test_depth_skips_brackets_in_strings(text: str, depth: int) -> None:
    assert json_depth(text.encode()) == depth


@pytest.mark.parametrize("text, code, field", [
    ('{"a": "\\udc00"}', "not_unicode", "a"),
    ('{"\\ud800": 1}', "not_unicode", "(config)"),
    ('[' * (MAX_DEPTH + 1) + ']' * (MAX_DEPTH + 1), "json_too_deep", "(config)"),
    ('{"a": Infinity}', "json_syntax", "(config)"),
    (b'{"a": "\xed\xa0\x80"}', "not_utf8", "(config)"),
])
def test_unreadable_text_says_why(text, code: str, field: str) -> None:
    with pytest.raises(UnreadableConfig) as info:
        parse_config_text(text)
    assert [(f, r.code) for f, r in info.value.errors] == [(field, code)]


def test_a_surrogate_pair_is_a_character_not_refused() -> None:
    assert parse_config_text('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}


def test_a_value_deeper_than_python_recursion_is_refused_by_check_config() -> None:
    deep: list = []
    node = deep
    for _ in range(5000):
        node.append([])
        node = node[0]
    with pytest.raises(ConfigError) as info:
        check_config({"schema_version": 2, "settings": deep})
    assert info.value.errors[0][1].code == "json_too_deep"


# --- a config stored by firmware that took full-width digits still loads ----------------

from firmware.config.store import ConfigFileCorrupt, ConfigStore  # noqa: E402


def test_a_stored_config_with_full_width_digits_loads_as_ascii(tmp_path) -> None:
    stored = example()
    stored["lines"]["gsm"][0]["sim_pin"] = "１２３４"
    stored["settings"]["outside_line_prefix"] = "９"
    stored["extensions"][0]["number"] = "８０１"
    stored["ring_groups"][0]["members"][0] = "８０１"
    (tmp_path / "config.json").write_text(json.dumps({"config": {"1": stored}},
                                                     ensure_ascii=False), encoding="utf-8")
    config = ConfigStore(tmp_path).load()
    assert config.lines.gsm[0].sim_pin == "1234"
    assert config.settings.outside_line_prefix == "9"
    assert config.extension("801") is not None
    assert config.settings.company_name == example()["settings"]["company_name"]
    with pytest.raises(ConfigError):  # but an import of them is refused
        ConfigStore(tmp_path).replace(stored)


def test_a_stored_file_nested_past_recursion_is_corrupt_not_a_crash(tmp_path) -> None:
    (tmp_path / "config.json").write_bytes(b'{"config": ' + b"[" * 100_000 + b"]" * 100_000
                                           + b"}")
    with pytest.raises(ConfigFileCorrupt):
        ConfigStore(tmp_path).load()
