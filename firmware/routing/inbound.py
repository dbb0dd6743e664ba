"""The plan for an inbound call on the company line (R1, R9, R10, R13, R14, D5, G6, G7).

In order:

1. Blocking (G6, blocking.py): a blocked caller gets a single `Hangup(blocked)` with
   the configured treatment (busy, announcement, hang up).
2. Caps (G7, caps.py): a reached monthly cap of the line refuses the call, sends it
   to voicemail, or leaves mobiles out; every cap reached is in `plan.cap_hits` for the owner's SMS.
3. Routes (routes.py): tried in order, first match wins, by line, caller (number,
   region, carrier, withheld) and time rule; the match leads to its destination: a
   ring group, the duty person, the forward chain, a configured plan graph, or a
   busy / announcement / hang-up.
4. No route (or a route to "default"): office hours (hours.py: the weekly schedule and,
   by default, the holiday calendar: holidays closed, adjusted working days open).
   Open: the inbound ring group rings its members one after the other, each for the
   group's ring time, the whole group within its total ring time; if nobody answers
   (or all are busy), the forward chain; then hang up. Closed: the duty person's number
   (by the roster at that instant), then the roster's default if that is someone
   else, then the forward chain; then hang up.

Outside lines: ringing a mobile or an outside number means dialling it on a second
line and bridging it to the caller's line. With fewer than two outside lines the plan
holds no outside targets: in open hours only extensions ring and the forward chain is
skipped; after hours the box hangs up, because a single-line box relies on the
network forwarding its calls to the duty person (`network_forwarding`), so a call
that still reaches the box has nowhere to go.

Every decision is noted in the plan's reasons, and every rule tried in `plan.trials`
(`explain` prints them).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from firmware.config.rules import Treatment as ConfigTreatment
from firmware.config.schema import Config
from firmware.region import Region
from firmware.routing.blocking import check_blocking
from firmware.routing.callers import caller_info
from firmware.routing.caps import Usage, cap_plan, check_caps
from firmware.routing.context import CallContext
from firmware.routing.forwarding import network_forwarding
from firmware.routing.hours import describe_time, duty_at, office_hours
from firmware.routing.index import index_for
from firmware.routing.plan import (
    Duty,
    ForwardChain,
    Hangup,
    HangupCause,
    Plan,
    PlanBuilder,
    Preferred,
    RingGroup,
    Target,
    Treatment,
)
from firmware.routing.preferred import is_vip, preferred
from firmware.routing.stats import NO_STATS, AgentStats
from firmware.routing.strategies import order_group
from firmware.routing.targets import OUTSIDE_RING_TIME_S, resolve

TREATMENTS = {ConfigTreatment.BUSY: Treatment.BUSY,
              ConfigTreatment.ANNOUNCEMENT: Treatment.ANNOUNCEMENT,
              ConfigTreatment.HANGUP: Treatment.HANGUP}


def plan_inbound(config: Config, line: str, caller: str | None, at: datetime,
                 outside_lines: int, *, rng: random.Random | None = None,
                 stats: AgentStats | None = None, region: Region | None = None,
                 usage: Usage | None = None, explain: bool = True) -> Plan:
    """The plan for a call from `caller` (None: withheld) arriving on `line` at `at`
    (aware), when the box has `outside_lines` usable outside lines, the caller's included.
    `rng` drives the random strategy; `stats` is the call core's snapshot of agents and
    groups (rotation, percentage counts, idle times, availability, returning callers).

    `region`: the caller's region if already looked up (else routing does);
    `usage`: this month's usage per line, for the caps (None: caps are not checked).
    `explain`: note every route tried and why it missed, for `route explain` (the call
    core passes False: it tries only the routes that can match, routing/index.py).

    >>> plan = plan_inbound(config, "gsm0", "+8613800000000", monday_10am, outside_lines=2)
    >>> [step.kind for step in plan]
    ['ring_group', 'forward_chain', 'hangup']
    """
    ctx = CallContext(config, line, caller, at, outside_lines, rng, stats or NO_STATS,
                      region=region, usage=usage)
    builder = PlanBuilder()
    lines = "1 outside line" if outside_lines == 1 else f"{outside_lines} outside lines"
    builder.note(f"call on {line} from {caller or 'a withheld number'} at "
                 f"{describe_time(ctx.local)}; {lines}")
    info = caller_info(config, caller, region)
    if caller:
        builder.note(f"caller: {info.describe()}")
    verdict = check_blocking(config.blocking, info, index_for(config))
    builder.trial("blocking", "blocking", verdict.blocked, verdict.reason)
    if verdict.blocked:
        builder.note(f"blocked: {verdict.reason}")
        hangup = Hangup(id="blocked", cause=HangupCause.BLOCKED,
                        treatment=TREATMENTS[config.blocking.treatment], reason=verdict.reason)
        return replace(builder.finish(hangup), blocked=True)
    # VIP, designated and returning-caller matches compare the normalised number:
    # networks often send the national form ("13911112222") of a "+86..." number.
    ctx = replace(ctx, caller=info.key)
    caps = check_caps(ctx)
    for why in caps.reasons:
        builder.note(why)
    for name, reached, why in caps.checked:
        builder.trial("cap", name, reached, why)
    extra = {"cap_hits": caps.hits, "avoid_lines": caps.avoid_lines, "vip": is_vip(ctx)}
    if caps.reject is not None:  # refused, or the `voicemail` action's message box
        return replace(cap_plan(ctx, builder, caps.reject), **extra)
    if caps.no_mobiles:
        ctx = replace(ctx, no_bridge=f"{caps.no_mobiles}: no calls to mobiles")
    from firmware.routing.routes import follow_route  # routes builds on this module

    plan = follow_route(ctx, builder, info, explain)
    return replace(plan, **extra)


def default_plan(ctx: CallContext, builder: PlanBuilder) -> Plan:
    """Office hours: the inbound ring group when open; duty when closed."""
    hours = office_hours(ctx.config, ctx.at)
    builder.note(hours.reason)
    if hours.open:
        return _open(ctx, builder)
    if not ctx.can_bridge:
        return _closed_single_line(ctx, builder)
    return _closed(ctx, builder)


def _open(ctx: CallContext, builder: PlanBuilder) -> Plan:
    name = ctx.config.inbound.ring_group
    first = preferred_step(ctx, builder, name)
    if first is not None:
        builder.add(first)
    if name is None:
        builder.note("no inbound ring group")
    else:
        group = ring_group_step(ctx, builder, name, "inbound ring group")
        if group is not None:
            builder.add(group)
    forward_chain(ctx, builder)
    return builder.finish(last_hangup(builder))


def _closed(ctx: CallContext, builder: PlanBuilder) -> Plan:
    duty = duty_step(ctx, builder)
    if duty is not None:
        builder.add(duty)
    forward_chain(ctx, builder)
    return builder.finish(last_hangup(builder))


def _closed_single_line(ctx: CallContext, builder: PlanBuilder) -> Plan:
    if ctx.no_bridge:  # lines enough, but a cap forbids calls to mobiles
        why = f"closed, and {ctx.no_bridge}"
        builder.note(why)
        return builder.finish(Hangup(id="hangup", cause=HangupCause.CLOSED, reason=why))
    why = ("closed, and a single outside line cannot bridge the call to a mobile: "
           "after hours the network forwards this line's calls instead")
    builder.note(why)
    note_forwarding(ctx, builder)
    return builder.finish(Hangup(id="hangup", cause=HangupCause.CLOSED, reason=why))


def note_forwarding(ctx: CallContext, builder: PlanBuilder) -> None:
    """On a single-line box: what the network forwarding of the call's line is now."""
    forwarding = network_forwarding(ctx.config, ctx.at, ctx.line)
    builder.note(f"network forwarding: {forwarding.reason}")
    if forwarding.enabled:
        builder.note(f"network forwarding should be on to {forwarding.number}; "
                     "this call should not have reached the box")


def ring_group_step(ctx: CallContext, builder: PlanBuilder, name: str, why: str,
                    step_id: str | None = None, keep_empty: bool = False) -> RingGroup | None:
    """A ring step for group `name` (None, noted, when it has nobody left to ring,
    unless `keep_empty`: a plan graph keeps the step, which exits all_unavailable)."""
    group = ctx.config.ring_group(name)
    if group is None:
        builder.note(f"no ring group {name!r}" + (" (inbound.ring_group)"
                                                   if why == "inbound ring group" else ""))
        return None
    ordering = order_group(group, ctx)
    builder.note(f"ring group {group.name}: {ordering.reason}; {group.ring_time} s each, "
                 f"{group.total_ring_time} s in all")
    builder.turns.extend(ordering.turns)
    targets = ringable(ctx, builder, f"ring group {group.name}",
                       [(p.agent, p.ring_time_s) for p in ordering.picks], group.ring_time)
    paths = {p.agent: p.groups for p in ordering.picks}
    targets = tuple(replace(t, groups=paths.get(t.id) or (group.name,)) for t in targets)
    if not targets:
        builder.note(f"ring group {group.name}: nobody left to ring")
        if not keep_empty:
            return None
    return RingGroup(id=step_id or f"ring_group:{group.name}", name=group.name,
                     targets=targets, strategy=ordering.strategy, ring_time_s=group.ring_time,
                     total_ring_time_s=group.total_ring_time, reason=f"{why} {group.name}")


def preferred_step(ctx: CallContext, builder: PlanBuilder, group_name: str | None,
                   step_id: str = "preferred") -> Preferred | None:
    """R7, R8: the caller's own agent and a VIP's staff, before ring group `group_name`
    (whose ring time they ring for), whichever route leads to the group."""
    group = None if group_name is None else ctx.config.ring_group(group_name)
    prefs, reasons = preferred(ctx, group.ring_time if group else OUTSIDE_RING_TIME_S)
    for reason in reasons:
        builder.note(reason)
    targets = ringable(ctx, builder, "preferred",
                        [(p.agent, p.ring_time_s) for p in prefs], OUTSIDE_RING_TIME_S)
    if not targets:
        return None
    whys = ", ".join(dict.fromkeys(p.why for p in prefs))
    return Preferred(id=step_id, targets=targets, reason=f"for this caller first: {whys}")


def duty_step(ctx: CallContext, builder: PlanBuilder, step_id: str = "duty",
              keep_empty: bool = False) -> Duty | None:
    pick = duty_at(ctx.config, ctx.at)
    builder.note(pick.reason)
    names = [pick.person.id] if pick.person is not None else []
    default = ctx.config.duty_roster.default
    if default is not None and default not in names:
        names.append(default)
        builder.note(f"duty fallback: the roster default {default}")
    targets = ringable(ctx, builder, "duty", names, OUTSIDE_RING_TIME_S)
    if not targets:
        builder.note("duty: nobody to ring")
        if names and ctx.outside_lines < 2 and not ctx.no_bridge:
            note_forwarding(ctx, builder)
        if not keep_empty:
            return None
    return Duty(id=step_id, targets=targets, reason="the duty person, then fallback")


def forward_chain_step(ctx: CallContext, builder: PlanBuilder, step_id: str = "forward_chain",
                       keep_empty: bool = False) -> ForwardChain | None:
    chain = ctx.config.forward_chain
    targets: tuple[Target, ...] = ()
    if not chain:
        builder.note("forward chain: none configured")
    elif not ctx.can_bridge:
        builder.note(f"forward chain skipped: {_no_bridge_text(ctx)}")
    else:
        targets = ringable(ctx, builder, "forward chain", list(chain), OUTSIDE_RING_TIME_S)
        for target in targets:
            earlier = next((s for s in builder.rings
                            if target.key in {t.key for t in s.targets}), None)
            if earlier is not None:
                builder.note(f"forward chain: {target.id} is also in step {earlier.id}; "
                             "passed over if it already rang in this call")
        if not targets:
            builder.note("forward chain: nobody left to ring")
    if not targets and not keep_empty:
        return None
    return ForwardChain(id=step_id, targets=targets, reason="busy/no-answer forwarding")


def forward_chain(ctx: CallContext, builder: PlanBuilder) -> None:
    step = forward_chain_step(ctx, builder)
    if step is not None:
        builder.add(step)


def _no_bridge_text(ctx: CallContext) -> str:
    return ctx.no_bridge or "a single outside line cannot hold a second call"


def ringable(ctx: CallContext, builder: PlanBuilder, where: str,
             names: list[str] | list[tuple[str, int]], ring_time_s: int) -> tuple[Target, ...]:
    """Resolve `names` (or (name, own ring time) pairs) to targets; drop (and note)
    unknown ones, and outside ones when the box cannot bridge."""
    targets: list[Target] = []
    for item in names:
        name, ring = item if isinstance(item, tuple) else (item, ring_time_s)
        target, why = resolve(ctx.config, name, ring)
        if target is None:
            builder.note(f"{where}: {why}, skipped")
        elif target.key in {t.key for t in targets}:
            builder.note(f"{where}: {name} rings the same phone as an earlier target, skipped")
        elif target.outside and not ctx.can_bridge:
            because = ctx.no_bridge or (f"a single outside line cannot bridge a call to "
                                        f"{target.number}")
            builder.note(f"{where}: {target.id} left out: {because}")
        else:
            targets.append(target)
    return tuple(targets)


def last_hangup(builder: PlanBuilder) -> Hangup:
    if builder.rings:
        return Hangup(id="hangup", cause=HangupCause.NOBODY_ANSWERED, reason="nobody answered")
    return Hangup(id="hangup", cause=HangupCause.NO_ROUTE, reason="nobody to ring")
