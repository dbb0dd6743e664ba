"""Menus, PINs and verification steps in plans (G2-G5): the config's checks, the routing
plan, `route explain` (text and JSON) and the silent caller's path; never a PIN shown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from firmware.errors import ConfigError
from firmware.routing import plan_inbound
from firmware.routing.answer import route_answer
from firmware.routing.explain import explain
from firmware.routing.keypad import Menu, PinCheck, Verify
from firmware.routing.plan import DONE, Exit
from tests.routing.helpers import check_config, example_dict, sh

AT = sh(3, 10, 0)
CALLER = "+8613588888888"

FRONT = [
    {"id": "main", "do": "menu",
     "menu": {"prompt": "main_menu", "direct_dial": True,
              "choices": [{"digit": "1", "to": "sales"}, {"digit": "2", "to": "support"},
                          {"digit": "0", "to": "reception"}]},
     "on": {"timeout": "reception"}},
    {"id": "support", "do": "pin",
     "pin": {"pins": ["9911"], "callers": [{"caller": "13588888888", "pin": "1357"}]},
     "on": {"ok": "sales"}},
    {"id": "sales", "do": "ring_group:sales"},
    {"id": "reception", "do": "duty"},
]


def with_plan(steps: list[dict[str, Any]]) -> Any:
    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": steps}], routes=[{"name": "all", "to": "plan:p"}])
    return check_config(raw)


def refusals(steps: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    with pytest.raises(ConfigError) as caught:
        with_plan(steps)
    return {field: (why.code, str(why)) for field, why in caught.value.errors}


def test_a_front_door_plan_loads_and_routes_as_a_graph() -> None:
    plan = plan_inbound(with_plan(FRONT), "gsm0", CALLER, AT, 2)
    menu = plan.step("main")
    assert isinstance(menu, Menu) and plan.start == "main"
    assert dict(menu.exits) == {"1": "sales", "2": "support", "0": "reception",
                                "timeout": "reception", "invalid": "support",
                                "no_answer": "support"}
    assert [t.id for t in menu.extensions] == ["801", "802", "803", "804"]
    pin = plan.step("support")
    assert isinstance(pin, PinCheck)
    assert dict(pin.exits) == {"ok": "sales", "failed": "refused"}
    assert plan.step("sales").exits[Exit.ANSWERED] == DONE


def test_the_callers_own_pin_replaces_the_steps_pins() -> None:
    config = with_plan(FRONT)
    own = plan_inbound(config, "gsm0", "13588888888", AT, 2).step("support")
    other = plan_inbound(config, "gsm0", "+8613811112222", AT, 2).step("support")
    assert isinstance(own, PinCheck) and isinstance(other, PinCheck)
    assert own.pins == ("1357",) and other.pins == ("9911",)


def test_explain_shows_the_menu_and_never_a_pin() -> None:
    answer = route_answer(with_plan(FRONT), "gsm0", CALLER, AT, 2)
    text = answer.text()
    assert ("menu main: 1 -> sales, 2 -> support, 0 -> reception, timeout -> reception, "
            "invalid -> support, an extension number rings it") in text
    assert "pin support: 1 right PIN (not shown)" in text
    as_json = json.dumps(answer.to_json(), ensure_ascii=False)
    plan = plan_inbound(with_plan(FRONT), "gsm0", CALLER, AT, 2)
    for shown in (text, as_json, repr(plan), explain(plan)):
        assert "1357" not in shown and "9911" not in shown
    details = {d["id"]: d for d in answer.to_json()["step_details"]}
    assert details["main"]["choices"] == {"1": "sales", "2": "support", "0": "reception"}
    assert details["support"]["pins"] == 1


def test_a_silent_caller_takes_the_timeout_and_failed_exits() -> None:
    answer = route_answer(with_plan(FRONT), "gsm0", CALLER, AT, 2)
    assert answer.to_json()["start"] == "main"
    steps = [{"id": "check", "do": "pin", "pin": {"pins": ["1"]}, "on": {"ok": "sales"}},
             {"id": "sales", "do": "ring_group:sales"}]
    silent = route_answer(with_plan(steps), "gsm0", CALLER, AT, 2)
    assert silent.targets == () and silent.end == {"cause": "refused", "treatment": "hangup"}


def test_verification_step_with_a_hook_and_own_exits() -> None:
    steps = [{"id": "acct", "do": "verify",
              "verify": {"numbers": ["123456"], "hook": {"url": "https://crm.example/v",
                                                         "when_down": "later"},
                         "exits": [{"name": "later", "to": "duty"}]},
              "on": {"ok": "sales"}},
             {"id": "sales", "do": "ring_group:sales"}, {"id": "duty", "do": "duty"}]
    step = plan_inbound(with_plan(steps), "gsm0", CALLER, AT, 2).step("acct")
    assert isinstance(step, Verify)
    assert dict(step.exits) == {"ok": "sales", "failed": "refused", "later": "duty"}
    assert step.hook is not None and step.hook.when_down == "later"
    assert "123456" not in repr(step)


@pytest.mark.parametrize(("steps", "field", "code"), [
    ([{"id": "m", "do": "menu"}], "plans[0].steps[0].menu", "step_needs"),
    ([{"id": "m", "do": "duty", "pin": {"pins": ["1"]}}], "plans[0].steps[0].pin",
     "step_setting_unused"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x", "choices": [{"digit": "12", "to": "m"}]}}],
     "plans[0].steps[0].menu.choices[0].digit", "not_menu_digit"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x", "choices": [{"digit": "1", "to": "no"}]}}],
     "plans[0].steps[0].menu.choices[0].to", "no_such_step"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x", "choices": [
        {"digit": "1", "to": "m"}, {"digit": "1", "to": "m"}]}}],
     "plans[0].steps[0].menu.choices[1]", "key_repeats"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "Main Menu"}}],
     "plans[0].steps[0].menu.prompt", "not_prompt_name"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x", "max_tries": 0}}],
     "plans[0].steps[0].menu.max_tries", "out_of_range"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x"}, "on": {"ok": "m"}}],
     "plans[0].steps[0].on.ok", "exit_not_of_step"),
    ([{"id": "p", "do": "pin", "pin": {}}], "plans[0].steps[0].pin.pins", "pin_needs_source"),
    ([{"id": "p", "do": "pin", "pin": {"pins": ["12x4"]}}], "plans[0].steps[0].pin.pins[0]",
     "not_pin"),
    ([{"id": "p", "do": "pin", "pin": {"pins": ["123456"], "max_digits": 4}}],
     "plans[0].steps[0].pin.pins[0]", "not_pin"),
    ([{"id": "p", "do": "pin", "pin": {"callers": [{"caller": "12", "pin": "1"}]}}],
     "plans[0].steps[0].pin.callers[0].caller", "not_valid_phone"),
    ([{"id": "v", "do": "verify", "verify": {}}], "plans[0].steps[0].verify.numbers",
     "verify_needs_source"),
    ([{"id": "v", "do": "verify", "verify": {"hook": {"url": "file:///etc/passwd"}}}],
     "plans[0].steps[0].verify.hook.url", "not_hook_url"),
    ([{"id": "v", "do": "verify", "verify": {"numbers": ["1234"], "min_digits": 6,
                                             "max_digits": 5}}],
     "plans[0].steps[0].verify.min_digits", "min_over_max"),
    ([{"id": "v", "do": "verify", "verify": {"hook": {"url": "http://h/", "when_down": "x"}}}],
     "plans[0].steps[0].verify.hook.when_down", "not_step_exit"),
    ([{"id": "v", "do": "verify", "verify": {"numbers": ["1234"], "exits": [
        {"name": "failed", "to": "v"}]}}],
     "plans[0].steps[0].verify.exits[0].name", "exit_name_taken"),
    ([{"id": "m", "do": "menu", "menu": {"prompt": "x", "choices": [{"digit": "1", "to": "m"}]},
       "on": {"timeout": "m"}}],
     "plans[0].steps", "idle_loop"),
    ([{"id": "p", "do": "pin", "pin": {"pins": ["1"]}, "on": {"failed": "d"}},
      {"id": "d", "do": "duty", "on": {"unavailable": "p"}}],
     "plans[0].steps", "idle_loop"),
])
def test_bad_keypad_steps_are_refused_with_a_reason(steps: list, field: str, code: str) -> None:
    found = refusals(steps)
    assert field in found, found
    assert found[field][0] == code, found


def test_a_menu_loop_through_a_choice_is_the_callers_doing() -> None:
    steps = [{"id": "m", "do": "menu", "menu": {"prompt": "x", "choices": [
                 {"digit": "9", "to": "m"}, {"digit": "1", "to": "sales"}]}},
             {"id": "sales", "do": "ring_group:sales", "on": {"no_answer": "m"}}]
    plan = plan_inbound(with_plan(steps), "gsm0", CALLER, AT, 2)
    assert plan.step("m").exits["9"] == "m"


def test_every_keypad_reason_has_chinese() -> None:
    from firmware.config.reasons import REASONS
    from web_ui.messages_reasons import REASONS_ZH

    for code in ("step_needs", "step_setting_unused", "exit_not_of_step", "idle_loop",
                 "not_menu_digit", "not_prompt_name", "not_pin", "pin_needs_source",
                 "verify_needs_source", "not_digits", "min_over_max", "not_hook_url",
                 "exit_name_taken", "not_step_exit", "key_repeats", "exit_repeats"):
        assert code in REASONS and code in REASONS_ZH


def test_keypad_steps_survive_export_and_import() -> None:
    from firmware.config.schema import to_dict

    steps = [*FRONT[:2], {"id": "acct", "do": "verify", "verify": {
                 "numbers": ["123456"], "hook": {"url": "http://127.0.0.1:8/v"},
                 "exits": [{"name": "later", "to": "reception"}]}, "on": {"failed": "sales"}},
             *FRONT[2:]]
    steps[0] = {**steps[0], "on": {"timeout": "reception", "invalid": "acct"}}
    config = with_plan(steps)
    exported = to_dict(config)
    assert check_config(exported) == config
    step = exported["plans"][0]["steps"][0]
    assert step["on"]["timeout"] == "reception" and "pin" not in step
    ring = exported["plans"][0]["steps"][3]
    assert ring["on"] == {"busy": None, "no_answer": None, "unavailable": None}
    assert set(ring) == {"id", "do", "on"}


def test_the_front_door_example_config_opens_with_its_menu() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "docs" / "example-config-frontdoor.json"
    config = check_config(json.loads(path.read_text("utf-8")))
    open_at = sh(2, 10, 0)  # a Monday in office hours
    answer = route_answer(config, "gsm0", CALLER, open_at, 1)
    assert answer.plan.start == "hello" and answer.route == "front door"
    assert answer.plan.step("hello").exits == {"next": "main"}, "the greeting, then the menu"
    assert "menu main: 1 -> sales, 2 -> support, 0 -> reception, timeout -> reception" \
        in answer.text()
    assert answer.targets == ("801",), "no key: the reception"


# --- odd values anywhere in keypad steps: a reason, never a traceback ------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from firmware.routing.plan import PlanError  # noqa: E402

_ODD = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=6),
                 st.sampled_from(["main", "support", "sales", "x", "1", "#", "ok", "failed",
                                  "timeout", "１２３４", "http://h/v"]),
                 st.lists(st.text(max_size=3), max_size=2),
                 st.dictionaries(st.sampled_from(["digit", "to", "pin", "caller", "name"]),
                                 st.text(max_size=4), max_size=2))
_FUZZED = [*FRONT[:2],
           {"id": "acct", "do": "verify", "on": {"ok": "sales"},
            "verify": {"numbers": ["123456"], "hook": {"url": "http://h/v", "when_down": "x"},
                       "exits": [{"name": "x", "to": "reception"}]}},
           *FRONT[2:]]


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _paths(v, (*path, k))] + [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _paths(v, (*path, i))] + [path]
    return [path]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([p for p in _paths(_FUZZED) if p]), _ODD),
                min_size=1, max_size=3))
def test_odd_values_in_keypad_steps_are_reasons_never_tracebacks(changes: list) -> None:
    import copy

    steps = copy.deepcopy(_FUZZED)
    for path, value in changes:
        node: Any = steps
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        config = with_plan(steps)
    except ConfigError as e:
        assert all(isinstance(p, str) and p for p, _ in e.errors)
        return
    for caller in (CALLER, None):  # an accepted plan routes and explains
        answer = route_answer(config, "gsm0", caller, AT, 2)
        assert answer.text()
    assert PlanError  # (a plan routing refuses would have raised above)
