"""The greeting step of a plan (G1, W4): routing picks the greeting, calls/ plays it.

`greeting_step(ctx, spec, exits, plan)` turns a configured "greeting" step
(config/greeting_rules.py) into a `Greeting` for one call: the prompt is the step's
own, else the config's greeting for the office's state at the time of the call
(`office_hours`: open; closed; closed for a holiday), else the built-in default of
that state. `skippable`: the step leads to a menu, so a key cuts the greeting short
and is the caller's choice there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from firmware.config.greeting_rules import DEFAULT_GREETINGS, GREETING_EXITS
from firmware.config.rules import PlanConfig, PlanStep
from firmware.routing.context import CallContext
from firmware.routing.hours import OfficeHours, office_hours
from firmware.routing.keypad import KeypadStep

NEXT = GREETING_EXITS[0]


@dataclass(frozen=True, kw_only=True)
class Greeting(KeypadStep):
    """Answer the call and play `prompt`; leave by `next`. `schedule` is the office's
    state it was picked for ("open", "closed", "holiday"; "" for a named prompt)."""

    schedule: str = ""
    skippable: bool = False  # a key cuts it short (the next step is a menu)
    source: str = ""  # where the prompt came from, for explain

    kind: ClassVar[str] = "greeting"

    def exit_names(self) -> tuple[str, ...]:
        return GREETING_EXITS

    def describe(self) -> str:
        skip = "; a key skips it into the menu" if self.skippable else ""
        return f"greeting {self.id}: plays {self.prompt}, {self.source}{skip}"

    def details(self) -> dict[str, object]:
        return {"prompt": self.prompt, "schedule": self.schedule,
                "skippable": self.skippable, "source": self.source}


def schedule_state(hours: OfficeHours) -> str:
    """"open", "holiday" (closed for a holiday) or "closed"."""
    if hours.open:
        return "open"
    return "holiday" if hours.holiday else "closed"


def greeting_step(ctx: CallContext, spec: PlanStep, exits: dict[str, str],
                  plan: PlanConfig) -> Greeting:
    """The `Greeting` for a validated "greeting" plan step (module docstring)."""
    own = spec.greeting.prompt if spec.greeting is not None else None
    if own:
        prompt, state, source = own, "", "the step's own greeting"
    else:
        hours = office_hours(ctx.config, ctx.at)
        state = schedule_state(hours)
        configured = ctx.config.prompts.greeting(state)
        prompt = configured or DEFAULT_GREETINGS[state]
        where = f"prompts.greeting_{state}" if configured else "the built-in default"
        source = f"the {state} greeting ({where}; {hours.reason})"
    following = next((s for s in plan.steps if s.id == exits.get(NEXT)), None)
    skippable = following is not None and following.do == "menu"
    return Greeting(id=spec.id, prompt=prompt, schedule=state, skippable=skippable,
                    source=source, exits=exits, reason=f"plan step {spec.id}: a greeting")
