"""Human-readable accounts of routing decisions, for logs and `switchboard route explain`.

`explain(thing)` takes a `Plan`, a `ForwardingState`, a `Dialed`, `OfficeHours` or a
`DutyPick` and returns text: why it was chosen, and for a plan every step in order
with its targets, ring times and exits. New kinds register with `@explain.register`.
"""

from __future__ import annotations

from functools import singledispatch

from firmware.routing.forwarding import ForwardingState
from firmware.routing.hours import DutyPick, OfficeHours, describe_time
from firmware.routing.keypad import KeypadStep, describe
from firmware.routing.numbers import Dialed
from firmware.routing.plan import (
    DONE,
    Hangup,
    Plan,
    RingGroup,
    RingStep,
    RuleTrial,
    Step,
    planned_rings,
)
from firmware.routing.queue_step import QueueStep, describe_queue


@singledispatch
def explain(thing: object) -> str:
    """Why routing decided what it did, as text (one fact a line)."""
    raise TypeError(f"routing cannot explain a {type(thing).__name__}")


@explain.register
def _(plan: Plan) -> str:
    if plan.blocked:
        lines = ["route: none: the caller is BLOCKED (routes are not tried)"]
    else:
        lines = [f"route: {plan.route or '(none matched: default)'}"]
    if plan.trials:
        lines.append("rules tried:")
        lines += [f"  {'+' if t.matched else '-'} {_trial_name(t)}: "
                  f"{'matched' if t.matched else 'no'}: {t.reason}" for t in plan.trials]
    lines.append("why:")
    lines += [f"  - {reason}" for reason in plan.reasons]
    lines.append(f"steps (start: {plan.start}):")
    for step in plan:
        lines += [f"  {line}" for line in _step(step)]
    return "\n".join(lines)


def _trial_name(trial: RuleTrial) -> str:
    return trial.kind if trial.name == trial.kind else f"{trial.kind} {trial.name}"


def _step(step: Step) -> list[str]:
    lines = [f"{step.id}: {_headline(step)}"]
    if isinstance(step, RingStep):
        for ring in planned_rings(step):
            end = ring.start_s + ring.ring_s
            cut = " (cut by the total ring time)" if ring.ring_s < ring.target.ring_time_s else ""
            lines.append(f"    {ring.target}  {ring.start_s:g}-{end:g} s{cut}")
        rung = {r.position for r in planned_rings(step)}
        lines += [f"    {t}  not reached within the total ring time"
                  for i, t in enumerate(step.targets) if i not in rung]
    if step.exits:
        lines.append(f"    {_exits(step)}")
    return lines


def _headline(step: Step) -> str:
    if isinstance(step, RingGroup):
        together = ", all at once" if step.together else ""
        return (f"ring group {step.name}, {step.strategy.value}{together}, {step.ring_time_s} s "
                f"each, {step.total_ring_time_s} s in all")
    if isinstance(step, KeypadStep):
        return describe(step)
    if isinstance(step, QueueStep):
        return describe_queue(step)
    if isinstance(step, Hangup):
        how = "" if step.treatment.value == "reject" else f", {step.treatment.value}"
        return f"hang up ({step.cause.value}{how}): {step.reason}"
    if isinstance(step, RingStep):
        return f"{step.kind.replace('_', ' ')}: {step.reason}, one after the other"
    return f"{step.kind}: {step.reason}"


def _exits(step: Step) -> str:
    """"answered -> done; busy, no_answer, all_unavailable -> hangup"."""
    by_target: dict[str, list[str]] = {}
    for exit in step.exit_names():
        by_target.setdefault(step.exits.get(exit, "?"), []).append(str(exit))
    parts = [f"{', '.join(exits)} -> {'done (connected)' if target == DONE else target}"
             for target, exits in by_target.items()]
    return "; ".join(parts)


@explain.register
def _(state: ForwardingState) -> str:
    what = f"on to {state.number}" if state.enabled else "off"
    return f"network forwarding {what}\n  - {state.reason}"


@explain.register
def _(dialed: Dialed) -> str:
    said = dialed.extension or dialed.number
    return f'dialled "{dialed.digits}": {dialed.kind.value}' + (
        f" {said}" if said else "") + f"\n  - {dialed.reason}"


@explain.register
def _(hours: OfficeHours) -> str:
    return f"{describe_time(hours.local)}: {'open' if hours.open else 'closed'}\n" \
           f"  - {hours.reason}"


@explain.register
def _(pick: DutyPick) -> str:
    return f"on duty: {pick.person.id if pick.person else 'nobody'}\n  - {pick.reason}"
