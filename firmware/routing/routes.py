"""Inbound routes (R9, R10): the first route that matches the call gives its plan.

A route (config/rules.py `Route`) matches when every part it names matches: the
line the call came in on, the caller (callers.py: numbers and prefixes, province,
city, area code, carrier, withheld), `when` (a time rule, or "office_hours", is on)
and `unless` (that rule is off). Routes are tried in order and every one tried is
noted with why it matched or not. The match's `to`:

- "default": office hours (inbound.py `default_plan`), as when no route matches;
- "ring_group:NAME" / "duty" / "forward_chain": that step, then the forward chain
  (unless the step is the chain), then hang up;
- "busy" / "announcement" / "hangup": end the call so;
- "plan:NAME": the configured plan graph, step by step with its exits (a step's
  exit that names no step falls through to the next; after the last: hang up).
"""

from __future__ import annotations

from dataclasses import replace

from firmware.config.greeting_rules import GREETING
from firmware.config.ivr_rules import KEYPAD_STEPS
from firmware.config.plan_exits import step_exits
from firmware.config.rules import PlanConfig, PlanStep, Route
from firmware.routing.callers import CallerInfo, match_caller
from firmware.routing.context import CallContext
from firmware.routing.greeting import greeting_step
from firmware.routing.inbound import (
    default_plan,
    duty_step,
    forward_chain,
    forward_chain_step,
    last_hangup,
    preferred_step,
    ring_group_step,
)
from firmware.routing.index import candidate_routes
from firmware.routing.keypad import describe
from firmware.routing.keypad_steps import keypad_step
from firmware.routing.plan import (
    DONE,
    Exit,
    ForwardChain,
    Hangup,
    HangupCause,
    Plan,
    PlanBuilder,
    RingStep,
    Step,
    Treatment,
)
from firmware.routing.queue_step import describe_queue, queue_step
from firmware.routing.timerules import TimeAnswer, time_active
from firmware.routing.voicemail_steps import OWN_ENDINGS, end_step

ENDINGS = {"busy": Treatment.BUSY, "announcement": Treatment.ANNOUNCEMENT,
           "hangup": Treatment.HANGUP}


def match_route(route: Route, ctx: CallContext, info: CallerInfo,
                times: dict[str, TimeAnswer] | None = None) -> tuple[bool, str]:
    """(matches, why): the first part that fails, or every part that matched.
    `times`: the time rules already asked in this decision (many routes share one)."""
    said: list[str] = []
    if route.lines:
        if ctx.line not in route.lines:
            return False, f"line {ctx.line} is not {' / '.join(route.lines)}"
        said.append(f"line {ctx.line}")
    if not route.callers.empty:
        ok, why = match_caller(route.callers, info)
        if not ok:
            return False, why
        said.append(why)
    if route.when is not None:
        answer = _time(ctx, route.when, times)
        if not answer.active:
            return False, f"when {route.when}: {answer.reason}"
        said.append(f"when {route.when}: {answer.reason}")
    if route.unless is not None:
        answer = _time(ctx, route.unless, times)
        if answer.active:
            return False, f"unless {route.unless}: {answer.reason}"
        said.append(f"unless {route.unless}: {answer.reason}")
    return True, "; ".join(said) or "matches every call"


def _time(ctx: CallContext, name: str, times: dict[str, TimeAnswer] | None) -> TimeAnswer:
    if times is None:
        return time_active(ctx.config, name, ctx.at)
    answer = times.get(name)
    if answer is None:
        answer = times[name] = time_active(ctx.config, name, ctx.at)
    return answer


def follow_route(ctx: CallContext, builder: PlanBuilder, info: CallerInfo,
                 explain: bool = True) -> Plan:
    """Try the routes in order; build the first match's plan (none: the default).
    `explain`: try every route and note why each one missed (`route explain`);
    otherwise only the routes that can match this caller (routing/index.py)."""
    routes = ctx.config.routes if explain else candidate_routes(ctx.config, info.region)
    times: dict[str, TimeAnswer] = {}
    for route in routes:
        ok, why = match_route(route, ctx, info, times)
        if explain:
            builder.trial("route", route.name, ok, why)  # explain prints every one tried
        if ok:
            builder.note(f"route {route.name} matched: {why}")
            return replace(destination(ctx, builder, route.to), route=route.name)
    if ctx.config.routes:
        builder.note(f"no route matched ({len(ctx.config.routes)} tried): the default plan")
    return default_plan(ctx, builder)


def destination(ctx: CallContext, builder: PlanBuilder, to: str) -> Plan:
    """The plan for a route's `to` (validated: every name resolves)."""
    kind, _, name = to.partition(":")
    if kind == "default":
        return default_plan(ctx, builder)
    if kind in ENDINGS:
        return builder.finish(Hangup(id=kind, cause=HangupCause.ROUTE, treatment=ENDINGS[kind],
                                     reason=f"the route says {kind}"))
    if kind == "plan":
        plan = ctx.config.plan(name)
        if plan is None:  # a validated config cannot get here
            builder.note(f"no plan {name!r}")
            return builder.finish(last_hangup(builder))
        return graph_plan(ctx, builder, plan)
    if kind == "ring_group":
        first = preferred_step(ctx, builder, name)
        if first is not None:
            builder.add(first)
    step = {"ring_group": lambda: ring_group_step(ctx, builder, name, "route to ring group"),
            "duty": lambda: duty_step(ctx, builder),
            "forward_chain": lambda: None}[kind]()
    if step is not None:
        builder.add(step)
    forward_chain(ctx, builder)
    return builder.finish(last_hangup(builder))


def graph_plan(ctx: CallContext, builder: PlanBuilder, config_plan: PlanConfig) -> Plan:
    """A configured plan as a routing Plan: each step with its exits wired."""
    builder.note(f"plan {config_plan.name}: {len(config_plan.steps)} steps from "
                 f"{config_plan.steps[0].id}")
    ids = {s.id for s in config_plan.steps}
    end = next(e for e in ("end", "end#2", "end#3", "(end)") if e not in ids)
    refused = next(e for e in ("refused", "refused#2", "(refused)") if e not in ids)
    steps: list[Step] = []
    for i, spec in enumerate(config_plan.steps):
        exits = dict(step_exits(config_plan, i, end, refused))
        if spec.do == GREETING:
            steps.append(greeting_step(ctx, spec, exits, config_plan))
            builder.note(steps[-1].describe())
            continue
        steps.append(_graph_step(ctx, builder, spec, exits))
    if any(end in s.exits.values() for s in steps):
        hangup = Hangup(id=end, cause=HangupCause.NOBODY_ANSWERED,
                        reason=f"plan {config_plan.name} ran out of steps: nobody answered")
        steps.append(hangup)
    if any(refused in s.exits.values() for s in steps):
        steps.append(Hangup(id=refused, cause=HangupCause.REFUSED, treatment=Treatment.HANGUP,
                            reason="the caller did not pass the check"))
    start = config_plan.steps[0].id
    first = _preferred_before(ctx, builder, config_plan, start, ids | {end, refused})
    if first is not None:
        steps.insert(0, first)
        start = first.id
    return builder.finish_graph(start, steps)


def _preferred_before(ctx: CallContext, builder: PlanBuilder, config_plan: PlanConfig,
                      start: str, taken: set[str]) -> RingStep | None:
    """A plan that starts by ringing a group rings the caller's preferred agents first
    (designated, returning caller, VIP staff), then goes on at its own first step."""
    kind, _, name = config_plan.steps[0].do.partition(":")
    if kind != "ring_group":
        return None
    step_id = next(i for i in ("preferred", "preferred#2", "(preferred)") if i not in taken)
    first = preferred_step(ctx, builder, name, step_id)
    if first is None:
        return None
    return replace(first, exits={Exit.ANSWERED: DONE, Exit.BUSY: start,
                                 Exit.NO_ANSWER: start, Exit.ALL_UNAVAILABLE: start})


def _graph_step(ctx: CallContext, builder: PlanBuilder, spec: PlanStep,
                exits: dict[str, str]) -> Step:
    kind, _, name = spec.do.partition(":")
    if kind in OWN_ENDINGS:  # voicemail, an SMS to the caller (voicemail_steps.py)
        return end_step(spec)
    if kind in ENDINGS:
        return Hangup(id=spec.id, cause=HangupCause.ROUTE, treatment=ENDINGS[kind],
                      reason=f"plan step {spec.id}: {kind}")
    if kind == "queue":  # the hold queue (queue_step.py)
        queued = replace(queue_step(ctx, builder, spec), exits={Exit.ANSWERED: DONE, **exits})
        builder.note(describe_queue(queued))
        return queued
    if kind in KEYPAD_STEPS:
        step = keypad_step(ctx, spec)
        builder.note(describe(replace(step, exits=exits)))
        return replace(step, exits=exits)
    ring: RingStep | None
    if kind == "ring_group":
        ring = ring_group_step(ctx, builder, name, "plan step: ring group", spec.id,
                               keep_empty=True)
    elif kind == "duty":
        ring = duty_step(ctx, builder, spec.id, keep_empty=True)
    else:
        ring = forward_chain_step(ctx, builder, spec.id, keep_empty=True)
    if ring is None:  # an unknown group (impossible when validated): pass straight on
        ring = ForwardChain(id=spec.id, targets=(), reason=f"{spec.do}: unknown")
    return replace(ring, exits={Exit.ANSWERED: DONE, Exit.BUSY: exits["busy"],
                                Exit.NO_ANSWER: exits["no_answer"],
                                Exit.ALL_UNAVAILABLE: exits["unavailable"]})
