"""Where each step of a configured plan goes, by exit: one reading for the config check
(validate_rules.py) and for routing (routing/routes.py), so both agree.

An exit the step does not name falls through to the next step in the list (after the
last one: the plan's end, a hang-up), except a PIN or verification step's `failed`
exit, which ends the call (`REFUSED`): a caller who did not pass must not fall
through to the people the step protects. A menu's choices always name their step.

`caller_moves` says which exits need the caller to key something (a menu's choices,
an invalid digit, an extension dialled directly): a loop that passes one of them is
the caller's doing; a loop without one (a menu's timeout, a PIN step's exits, ring
steps' `unavailable`) would go round for a silent caller forever.
"""

from __future__ import annotations

from firmware.config.greeting_rules import GREETING, GREETING_EXITS
from firmware.config.ivr_rules import KEYPAD_EXITS, RING_STEP_EXITS
from firmware.config.rules import PlanConfig, PlanStep

END = "(end)"  # the implicit hang-up after a plan's last step
REFUSED = "(refused)"  # the hang-up after a failed PIN or verification step
ENDINGS = ("busy", "announcement", "hangup")
OWN_ENDINGS = ("voicemail", "sms_caller")  # routing/voicemail_steps.py


def kind_of(step: PlanStep) -> str:
    """"ring_group", "duty", "forward_chain", an ending, "menu", "pin", "verify" or
    "greeting"."""
    return step.do.partition(":")[0]


def terminal(step: PlanStep) -> bool:
    """A step after which the plan ends: busy / announcement / hang up, and the steps
    that end the call themselves (voicemail, an SMS to the caller)."""
    return step.do in ENDINGS or step.do in OWN_ENDINGS


def allowed_exits(step: PlanStep) -> tuple[str, ...]:
    """The names `step.on` may set for this kind of step."""
    if terminal(step):
        return ()
    if kind_of(step) == GREETING:
        return GREETING_EXITS
    return KEYPAD_EXITS.get(kind_of(step), RING_STEP_EXITS)


def step_exits(plan: PlanConfig, index: int, end: str = END, refused: str = REFUSED
               ) -> list[tuple[str, str]]:
    """(exit, next step id, `end` or `refused`) of step `index`, fall-through filled in.
    Menu choices are their digits; a verification step's own exits their names."""
    step = plan.steps[index]
    following = plan.steps[index + 1].id if index + 1 < len(plan.steps) else end
    kind = kind_of(step)
    if terminal(step):
        return []
    if kind == GREETING:
        return [("next", step.on.next or following)]
    if kind not in KEYPAD_EXITS:
        return [(e, getattr(step.on, e) or following) for e in RING_STEP_EXITS]
    out: list[tuple[str, str]] = []
    if kind == "menu" and step.menu is not None:
        out += [(c.digit, c.to) for c in step.menu.choices]
        names = ("timeout", "invalid") + (("no_answer",) if step.menu.direct_dial else ())
        out += [(e, getattr(step.on, e) or following) for e in names]
    elif kind in ("pin", "verify"):
        out += [("ok", step.on.ok or following), ("failed", step.on.failed or refused)]
        if kind == "verify" and step.verify is not None:
            out += [(x.name, x.to) for x in step.verify.exits]
    elif kind == "queue":
        out += [(e, getattr(step.on, e) or following) for e in KEYPAD_EXITS["queue"]]
    return out


def answers(step: PlanStep) -> bool:
    """True for a step that answers the call and runs without ringing anyone (a keypad
    step, a greeting): only the caller's keys move it on, else it leaves by itself."""
    return kind_of(step) in KEYPAD_EXITS or kind_of(step) == GREETING


def caller_moves(step: PlanStep, exit: str) -> bool:
    """True when leaving `step` by `exit` needs the caller to key something."""
    if kind_of(step) == "queue":
        return exit == "left"
    return kind_of(step) == "menu" and exit not in ("timeout",)
