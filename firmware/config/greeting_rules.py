"""The greeting step of a plan (G1, W4): the company's greeting before anything else.

A plan step `{"id": "hello", "do": "greeting"}` answers the caller's line and plays a
greeting, then goes on by its one exit, `next` (not named: the next step in the list).
Which greeting: the step's own `greeting.prompt` when it names one, else the config's
`prompts.greeting_open` / `greeting_closed` / `greeting_holiday` for the office's state
at the time of the call (routing/hours.py: open, closed, or closed for a holiday), else
the built-in default of that state (`welcome`, `closed`, `holiday`: firmware/prompts).
A key the caller types during the greeting cuts it short when the step it leads to is
a menu, and that key is the caller's choice in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

GREETING = "greeting"
GREETING_EXITS = ("next",)
# The built-in prompt of each schedule state when the config's prompts name none.
DEFAULT_GREETINGS = {"open": "welcome", "closed": "closed", "holiday": "holiday"}


@dataclass(frozen=True)
class GreetingSpec:
    """`prompt`: a prompt name played whatever the time; None: the greeting of the
    schedule state at the time of the call (module docstring)."""

    prompt: str | None = None


STEP_SETTINGS = ("menu", "pin", "verify", GREETING)


def plan_prompt_users(config: Any, name: str) -> list[str]:
    """The plan steps' fields that name prompt `name` ("plans[0].steps[1].menu.prompt"):
    a greeting's, a menu's, a PIN's or a verification's prompts."""
    found: list[str] = []
    for i, plan in enumerate(getattr(config, "plans", ())):
        for j, step in enumerate(plan.steps):
            for kind in STEP_SETTINGS:
                spec = getattr(step, kind, None)
                if spec is None:
                    continue
                found += [f"plans[{i}].steps[{j}].{kind}.{f.name}" for f in fields(spec)
                          if f.name.endswith("prompt") and getattr(spec, f.name) == name]
    return found


def prompt_users(config: Any, name: str) -> list[str]:
    """Every config field that names prompt `name`: the `prompts` section's and the
    plan steps' (a prompt in use is not deleted while no default would be left)."""
    recording = getattr(config, "recording", None)  # the announcement, when it is on
    announced = ["recording.announcement"] if recording is not None and recording.announce \
        and recording.announcement == name else []
    return [*config.prompts.users(name), *plan_prompt_users(config, name), *announced]
