"""The "SMS to the caller" step's own settings (`sms_caller`: its text and prompt): the
config's checks, export and import, and the routing step that carries them."""

from __future__ import annotations

from typing import Any

import pytest

from firmware.config.schema import to_dict
from firmware.errors import ConfigError
from firmware.routing.voicemail_steps import CALLER_SMS_PROMPT, CallerSms, end_step
from tests.routing.helpers import check_config, example_dict


def with_plan(steps: list[dict[str, Any]]) -> Any:
    raw = example_dict()
    raw.update(plans=[{"name": "p", "steps": steps}], routes=[{"name": "all", "to": "plan:p"}])
    return check_config(raw)


def refusals(steps: list[dict[str, Any]]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        with_plan(steps)
    return {field: why.code for field, why in caught.value.errors}


def _ring_then(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": "sales", "do": "ring_group:sales"}, step]


@pytest.mark.parametrize(("step", "field", "code"), [
    ({"id": "sms", "do": "sms_caller", "sms_caller": {"text": "长" * 301}},
     "plans[0].steps[1].sms_caller.text", "too_long"),
    ({"id": "sms", "do": "sms_caller", "sms_caller": {"prompt": "Bad Name"}},
     "plans[0].steps[1].sms_caller.prompt", "not_prompt_name"),
    ({"id": "sms", "do": "hangup", "sms_caller": {"text": "hi"}},
     "plans[0].steps[1].sms_caller", "step_setting_unused"),
])
def test_bad_sms_settings_are_refused_with_a_reason(step: dict, field: str, code: str) -> None:
    assert refusals(_ring_then(step)).get(field) == code, refusals(_ring_then(step))


def test_the_steps_own_text_and_prompt_reach_the_routing_step() -> None:
    own = {"id": "sms", "do": "sms_caller",
           "sms_caller": {"text": "销售部稍后回电。", "prompt": "closed"}}
    config = with_plan(_ring_then(own))
    step = end_step(config.plans[0].steps[1])
    assert isinstance(step, CallerSms)
    assert (step.text, step.prompt) == ("销售部稍后回电。", "closed")
    exported = to_dict(config)
    assert exported["plans"][0]["steps"][1]["sms_caller"] == own["sms_caller"]
    assert check_config(exported) == config


def test_without_settings_the_owners_text_and_the_default_prompt() -> None:
    config = with_plan(_ring_then({"id": "sms", "do": "sms_caller"}))
    spec = config.plans[0].steps[1]
    assert spec.sms_caller is None and "sms_caller" not in spec.to_json()
    step = end_step(spec)
    assert step.text is None and step.prompt == CALLER_SMS_PROMPT
