"""The plan for an inbound call on the company line (R1, R13, R14, D5).

Open (by the weekly schedule, in the box's zone): the inbound ring group rings its
members one after the other, each for the group's ring time, the whole group within
its total ring time; if nobody answers (or all are busy), the forward chain; then
hang up.

Closed: the duty person's number (by the roster at that instant), then the roster's
default if that is someone else, then the forward chain; then hang up.

Outside lines: ringing a mobile or an outside number means dialling it on a second
line and bridging it to the caller's line. With fewer than two outside lines the plan
holds no outside targets: in open hours only extensions ring and the forward chain is
skipped; after hours the box hangs up, because a single-line box relies on the
network forwarding its calls to the duty person (`network_forwarding`), so a call
that still reaches the box has nowhere to go.

Every decision is noted in the plan's reasons (`explain` prints them).
"""

from __future__ import annotations

import random
from datetime import datetime

from firmware.config.schema import Config
from firmware.routing.context import CallContext
from firmware.routing.forwarding import network_forwarding
from firmware.routing.hours import describe_time, duty_at, office_hours
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
)
from firmware.routing.preferred import preferred
from firmware.routing.stats import NO_STATS, AgentStats
from firmware.routing.strategies import order_group
from firmware.routing.targets import OUTSIDE_RING_TIME_S, resolve


def plan_inbound(config: Config, line: str, caller: str | None, at: datetime,
                 outside_lines: int, *, rng: random.Random | None = None,
                 stats: AgentStats | None = None) -> Plan:
    """The plan for a call from `caller` (None: withheld) arriving on `line` at `at`
    (aware), when the box has `outside_lines` usable outside lines, the caller's included.
    `rng` drives the random strategy; `stats` is the call core's snapshot of agents and
    groups (rotation, percentage counts, idle times, availability, returning callers).

    >>> plan = plan_inbound(config, "gsm0", "+8613800000000", monday_10am, outside_lines=2)
    >>> [step.kind for step in plan]
    ['ring_group', 'forward_chain', 'hangup']
    """
    ctx = CallContext(config, line, caller, at, outside_lines, rng, stats or NO_STATS)
    builder = PlanBuilder()
    lines = "1 outside line" if outside_lines == 1 else f"{outside_lines} outside lines"
    builder.note(f"call on {line} from {caller or 'a withheld number'} at "
                 f"{describe_time(ctx.local)}; {lines}")
    hours = office_hours(config, at)
    builder.note(hours.reason)
    if hours.open:
        return _open(ctx, builder)
    if not ctx.can_bridge:
        return _closed_single_line(ctx, builder)
    return _closed(ctx, builder)


def _open(ctx: CallContext, builder: PlanBuilder) -> Plan:
    first = _preferred(ctx, builder)
    if first is not None:
        builder.add(first)
    group = _inbound_group(ctx, builder)
    if group is not None:
        builder.add(group)
    _forward_chain(ctx, builder)
    return builder.finish(_last_hangup(builder))


def _closed(ctx: CallContext, builder: PlanBuilder) -> Plan:
    duty = _duty(ctx, builder)
    if duty is not None:
        builder.add(duty)
    _forward_chain(ctx, builder)
    return builder.finish(_last_hangup(builder))


def _closed_single_line(ctx: CallContext, builder: PlanBuilder) -> Plan:
    forwarding = network_forwarding(ctx.config, ctx.at)
    why = ("closed, and a single outside line cannot bridge the call to a mobile: "
           "after hours the network forwards this line's calls instead")
    builder.note(why)
    builder.note(f"network forwarding: {forwarding.reason}")
    if forwarding.enabled:
        builder.note(f"network forwarding should be on to {forwarding.number}; "
                     "this call should not have reached the box")
    return builder.finish(Hangup(id="hangup", cause=HangupCause.CLOSED, reason=why))


def _inbound_group(ctx: CallContext, builder: PlanBuilder) -> RingGroup | None:
    name = ctx.config.inbound.ring_group
    group = None if name is None else ctx.config.ring_group(name)
    if group is None:
        builder.note("no inbound ring group" if name is None else f"no ring group {name!r}"
                     " (inbound.ring_group)")
        return None
    ordering = order_group(group, ctx)
    builder.note(f"ring group {group.name}: {ordering.reason}; {group.ring_time} s each, "
                 f"{group.total_ring_time} s in all")
    builder.turns.extend(ordering.turns)
    targets = _ringable(ctx, builder, f"ring group {group.name}",
                        [(p.agent, p.ring_time_s) for p in ordering.picks], group.ring_time)
    if not targets:
        builder.note(f"ring group {group.name}: nobody left to ring")
        return None
    return RingGroup(id=f"ring_group:{group.name}", name=group.name, targets=targets,
                     strategy=ordering.strategy, ring_time_s=group.ring_time,
                     total_ring_time_s=group.total_ring_time,
                     reason=f"inbound ring group {group.name}")


def _preferred(ctx: CallContext, builder: PlanBuilder) -> Preferred | None:
    """R7, R8: the caller's own agent and a VIP's staff, before the group."""
    name = ctx.config.inbound.ring_group
    group = None if name is None else ctx.config.ring_group(name)
    prefs, reasons = preferred(ctx, group.ring_time if group else OUTSIDE_RING_TIME_S)
    for reason in reasons:
        builder.note(reason)
    targets = _ringable(ctx, builder, "preferred",
                        [(p.agent, p.ring_time_s) for p in prefs], OUTSIDE_RING_TIME_S)
    if not targets:
        return None
    whys = ", ".join(dict.fromkeys(p.why for p in prefs))
    return Preferred(id="preferred", targets=targets, reason=f"for this caller first: {whys}")


def _duty(ctx: CallContext, builder: PlanBuilder) -> Duty | None:
    pick = duty_at(ctx.config, ctx.at)
    builder.note(pick.reason)
    names = [pick.person.id] if pick.person is not None else []
    default = ctx.config.duty_roster.default
    if default is not None and default not in names:
        names.append(default)
        builder.note(f"duty fallback: the roster default {default}")
    targets = _ringable(ctx, builder, "duty", names, OUTSIDE_RING_TIME_S)
    if not targets:
        builder.note("duty: nobody to ring")
        return None
    return Duty(id="duty", targets=targets, reason="after hours: the duty person, then fallback")


def _forward_chain(ctx: CallContext, builder: PlanBuilder) -> None:
    chain = ctx.config.forward_chain
    if not chain:
        builder.note("forward chain: none configured")
        return
    if not ctx.can_bridge:
        builder.note("forward chain skipped: a single outside line cannot hold a second call")
        return
    targets = _ringable(ctx, builder, "forward chain", list(chain), OUTSIDE_RING_TIME_S)
    for target in targets:
        earlier = next((s for s in builder.rings if target.key in {t.key for t in s.targets}),
                       None)
        if earlier is not None:
            builder.note(f"forward chain: {target.id} is also in step {earlier.id}; passed "
                         "over if it already rang in this call")
    if not targets:
        builder.note("forward chain: nobody left to ring")
        return
    builder.add(ForwardChain(id="forward_chain", targets=targets,
                             reason="busy/no-answer forwarding"))


def _ringable(ctx: CallContext, builder: PlanBuilder, where: str,
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
            builder.note(f"{where}: {target.id} left out: a single outside line cannot "
                         f"bridge a call to {target.number}")
        else:
            targets.append(target)
    return tuple(targets)


def _last_hangup(builder: PlanBuilder) -> Hangup:
    if builder.rings:
        return Hangup(id="hangup", cause=HangupCause.NOBODY_ANSWERED, reason="nobody answered")
    return Hangup(id="hangup", cause=HangupCause.NO_ROUTE, reason="nobody to ring")
