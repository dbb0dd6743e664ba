"""The greeting plan step (G1): the config's checks, the greeting per schedule state
picked by routing, `route explain` (text and JSON), and the silent caller's path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from firmware.config.schema import to_dict
from firmware.errors import ConfigError
from firmware.routing import plan_inbound
from firmware.routing.answer import route_answer
from firmware.routing.greeting import Greeting
from tests.routing.helpers import check_config, example_dict, sh

CALLER = "+8613588888888"
PROMPTS = {"greeting_open": "hello_open", "greeting_closed": "hello_closed",
           "greeting_holiday": "hello_holiday"}
STEPS = [
    {"id": "hello", "do": "greeting", "on": {"next": "main"}},
    {"id": "main", "do": "menu",
     "menu": {"prompt": "main_menu", "choices": [{"digit": "1", "to": "sales"}]},
     "on": {"timeout": "sales"}},
    {"id": "sales", "do": "ring_group:sales"},
]


def with_plan(steps: list[dict[str, Any]], prompts: dict | None = None) -> Any:
    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": steps}], routes=[{"name": "all", "to": "plan:p"}])
    if prompts is not None:
        raw["prompts"] = prompts
    return check_config(raw)


def greeting_at(config: Any, at) -> Greeting:
    step = plan_inbound(config, "gsm0", CALLER, at, 2).step("hello")
    assert isinstance(step, Greeting)
    return step


@pytest.mark.parametrize(("at", "state"), [
    (sh(2, 10, 0), "open"),  # Monday 2026-03-02 in office hours
    (sh(2, 22, 0), "closed"),  # the same day after hours
    (sh(8, 10, 0), "closed"),  # Sunday: no hours
])
def test_the_greeting_follows_the_office_hours(at, state: str) -> None:
    step = greeting_at(with_plan(STEPS, PROMPTS), at)
    assert (step.schedule, step.prompt) == (state, f"hello_{state}")
    assert step.skippable, "a menu follows: a key skips the greeting"
    assert dict(step.exits) == {"next": "main"}


def test_a_public_holiday_plays_the_holiday_greeting() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    national_day = datetime(2026, 10, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    step = greeting_at(with_plan(STEPS, PROMPTS), national_day)
    assert (step.schedule, step.prompt) == ("holiday", "hello_holiday")
    assert "国庆" in step.source


def test_without_configured_greetings_the_built_in_ones_play() -> None:
    config = with_plan(STEPS)
    assert greeting_at(config, sh(2, 10, 0)).prompt == "welcome"
    assert greeting_at(config, sh(2, 22, 0)).prompt == "closed"


def test_a_step_may_name_its_own_prompt_and_falls_through_to_the_next_step() -> None:
    steps = [{"id": "hello", "do": "greeting", "greeting": {"prompt": "promo"}},
             {"id": "sales", "do": "ring_group:sales"}]
    step = greeting_at(with_plan(steps, PROMPTS), sh(2, 22, 0))
    assert (step.prompt, step.schedule, step.skippable) == ("promo", "", False)
    assert dict(step.exits) == {"next": "sales"}


def test_route_explain_shows_the_greeting_and_a_silent_caller_goes_on() -> None:
    answer = route_answer(with_plan(STEPS, PROMPTS), "gsm0", CALLER, sh(2, 22, 0), 2)
    text = answer.text()
    assert "greeting hello: plays hello_closed, the closed greeting (prompts.greeting_closed" \
        in text
    assert "next -> main" in text
    assert answer.targets, "the silent caller passes the greeting and the menu to ring sales"
    data = json.loads(json.dumps(answer.to_json()))
    hello = next(s for s in data["step_details"] if s["id"] == "hello")
    assert hello["kind"] == "greeting" and hello["prompt"] == "hello_closed"
    assert hello["schedule"] == "closed" and hello["exits"] == {"next": "main"}


def refusals(steps: list[dict[str, Any]]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        with_plan(steps)
    return {field: why.code for field, why in caught.value.errors}


@pytest.mark.parametrize(("step", "field", "code"), [
    ({"id": "hello", "do": "greeting", "greeting": {"prompt": "Bad Name"}},
     "plans[0].steps[0].greeting.prompt", "not_prompt_name"),
    ({"id": "hello", "do": "greeting", "on": {"next": "nowhere"}},
     "plans[0].steps[0].on.next", "no_such_step"),
    ({"id": "hello", "do": "greeting", "on": {"busy": "sales"}},
     "plans[0].steps[0].on.busy", "exit_not_of_step"),
    ({"id": "hello", "do": "ring_group:sales", "on": {"next": "sales2"}},
     "plans[0].steps[0].on.next", "exit_not_of_step"),
    ({"id": "hello", "do": "ring_group:sales", "greeting": {}},
     "plans[0].steps[0].greeting", "step_setting_unused"),
])
def test_bad_greeting_steps_are_refused_with_a_reason(step: dict, field: str, code: str) -> None:
    steps = [step, {"id": "sales2", "do": "ring_group:sales"}]
    assert refusals(steps).get(field) == code, refusals(steps)


def test_a_greeting_loop_is_refused() -> None:
    steps = [{"id": "a", "do": "greeting", "on": {"next": "b"}},
             {"id": "b", "do": "greeting", "on": {"next": "a"}}]
    assert refusals(steps).get("plans[0].steps") == "steps_loop", \
        refusals(steps)


def test_greeting_steps_survive_export_and_import() -> None:
    steps = [{"id": "hello", "do": "greeting", "greeting": {"prompt": "promo"},
              "on": {"next": "sales"}}, {"id": "sales", "do": "ring_group:sales"}]
    config = with_plan(steps)
    exported = to_dict(config)
    assert check_config(exported) == config
    step = exported["plans"][0]["steps"][0]
    assert step["greeting"] == {"prompt": "promo"} and step["on"]["next"] == "sales"
    assert "greeting" not in exported["plans"][0]["steps"][1]


@pytest.mark.parametrize("odd", [
    {"greeting": 5}, {"greeting": "welcome"}, {"greeting": []}, {"greeting": {"prompt": 5}},
    {"greeting": {"prompt": ""}}, {"greeting": {"bogus": 1}}, {"on": {"next": 5}},
    {"on": {"next": ["sales"]}}, {"on": {"next": ""}}, {"on": "next"},
])
def test_odd_greeting_values_are_reasons_never_tracebacks(odd: dict) -> None:
    step = {"id": "hello", "do": "greeting", **odd}
    with pytest.raises(ConfigError) as caught:
        with_plan([step, {"id": "sales", "do": "ring_group:sales"}])
    assert all(field.startswith("plans[0].steps[0]") for field, _ in caught.value.errors), \
        caught.value.errors
