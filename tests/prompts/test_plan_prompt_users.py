"""A prompt a plan step plays (a greeting's, a menu's) is not deleted while no default
of its name would be left: the CLI and the service name the step's field."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.cli import main
from firmware.config.greeting_rules import prompt_users
from firmware.config.store import ConfigStore
from firmware.prompts.errors import PromptError
from firmware.service import BoxService
from tests.routing.helpers import check_config, example_dict

STEPS = [{"id": "hello", "do": "greeting", "greeting": {"prompt": "promo"}},
         {"id": "main", "do": "menu", "on": {"timeout": "sales"},
          "menu": {"prompt": "menu_front", "choices": [{"digit": "1", "to": "sales"}]}},
         {"id": "sales", "do": "ring_group:sales"}]


def _raw() -> dict:
    raw = example_dict()
    raw.update(plans=[{"name": "front", "steps": STEPS}],
               routes=[{"name": "all", "to": "plan:front"}])
    return raw


def test_the_fields_that_name_a_prompt() -> None:
    config = check_config(_raw())
    assert prompt_users(config, "menu_front") == ["plans[0].steps[1].menu.prompt"]
    assert prompt_users(config, "promo") == ["plans[0].steps[0].greeting.prompt"]
    assert "plans[0].steps[1].menu.invalid_prompt" in prompt_users(config, "menu_invalid")
    assert prompt_users(config, "nothing") == []


def test_the_cli_refuses_to_delete_a_menus_prompt(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    ConfigStore(data).replace(_raw())
    assert main(["prompts", "speak", "menu_front", "销售请按一", "--data", str(data)]) == 0
    assert main(["prompts", "delete", "menu_front", "--data", str(data)]) == 1
    assert "plans[0].steps[1].menu.prompt" in capsys.readouterr().err


def test_the_service_refuses_to_delete_a_greeting_steps_prompt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    service = BoxService(data)
    service.replace_config(_raw())
    service.prompts().speak("promo", "zh", "本月全场九折")
    with pytest.raises(PromptError) as refused:
        service.delete_prompt("promo", "zh")
    assert "plans[0].steps[0].greeting.prompt" in str(refused.value.reason)
