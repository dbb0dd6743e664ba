"""Cost control (G7): monthly caps per line, checked against this month's usage.

The calls layer counts a month's usage from the call records (cdr/store.py, so the
counters survive restarts; the month starts on the 1st at 00:00 in the box's zone)
and passes it in as `Usage`; routing reads no storage. For a call arriving on line
L:

- a cap of L on inbound calls or inbound minutes that is reached applies its
  action: `reject` (the caller hears busy), `voicemail` (the caller leaves a message
  in the voicemail box the line's caps name, `caps[].voicemail`, else in the inbound
  ring group's box; with neither, refused as by `reject`: `cap_plan`), `no_mobiles`
  (only desk phones ring: no mobile, no forward chain);
- an outbound-minutes cap reached on a line means the box dials nothing out on it
  (`Plan.avoid_lines`); when no other line is left to dial out on, the call rings no
  mobiles; a `reject` action on L's own outbound cap refuses the call (`voicemail`
  takes a message: it dials nothing out).
  Desk phones dialling out avoid those lines too (`outbound_caps_reached`).

Every cap reached is in `Plan.cap_hits`: the calls layer tells the owner by SMS,
once per line, counter and month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from firmware.config.rules import CapAction, Counter
from firmware.config.schema import Config
from firmware.routing.context import CallContext
from firmware.routing.plan import CapHit, Hangup, HangupCause, Plan, PlanBuilder, Treatment
from firmware.routing.targets import resolve
from firmware.routing.voicemail_steps import Voicemail

CAP_VOICEMAIL = "cap_voicemail"  # the step's id, and so the call record's route


@dataclass(frozen=True)
class LineUsage:
    """What one line used this month (from the call records)."""

    inbound_calls: int = 0
    inbound_minutes: float = 0.0
    outbound_minutes: float = 0.0

    def of(self, counter: Counter) -> float:
        return getattr(self, counter.value)


@dataclass(frozen=True)
class Usage:
    month: str  # "2026-11", the box's zone
    lines: Mapping[str, LineUsage] = field(default_factory=dict, hash=False)

    def line(self, name: str) -> LineUsage:
        return self.lines.get(name, LineUsage())


@dataclass(frozen=True)
class CapVerdict:
    hits: tuple[CapHit, ...] = ()
    reject: CapHit | None = None  # the call is refused
    no_mobiles: str = ""  # why outside targets are left out ("" : they are not)
    avoid_lines: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    checked: tuple[tuple[str, bool, str], ...] = ()  # (cap, reached, why) for every limit


def check_caps(ctx: CallContext) -> CapVerdict:
    """The caps that apply to this call, by `ctx.usage` (None: not counted, none apply)."""
    config = ctx.config
    if not config.caps:
        return CapVerdict()
    if ctx.usage is None:
        return CapVerdict(reasons=("caps: usage not known, not checked",))
    hits: list[CapHit] = []
    reasons: list[str] = []
    checked: list[tuple[str, bool, str]] = []
    reject, no_mobiles, avoid = None, "", []
    for caps in config.caps:
        used = ctx.usage.line(caps.line)
        for limit in caps.limits:
            value = used.of(limit.counter)
            own = caps.line == ctx.line
            if limit.counter is not Counter.OUTBOUND_MINUTES and not own:
                continue
            name = f"{caps.line} {limit.counter.value}"
            if value < limit.max:
                why = f"{value:g} of {limit.max}, not reached"
                reasons.append(f"cap {name}: {why}")
                checked.append((name, False, why))
                continue
            hit = CapHit(caps.line, limit.counter.value, round(value, 1), limit.max,
                         limit.action.value, _notify(config, caps.notify), ctx.usage.month)
            hits.append(hit)
            reasons.append(f"cap {hit.text}")
            checked.append((name, True, hit.text))
            outbound = limit.counter is Counter.OUTBOUND_MINUTES
            if outbound:
                avoid.append(caps.line)
            if own and limit.action is not CapAction.NO_MOBILES:
                reject = reject or hit
            elif own and not outbound:
                no_mobiles = no_mobiles or f"{caps.line} {limit.counter.value} cap reached"
    others = [name for name in config.lines.outside_names() if name != ctx.line]
    if avoid and others and all(name in avoid for name in others) and not no_mobiles:
        no_mobiles = "outbound minutes cap reached on " + ", ".join(
            n for n in others if n in avoid)
    return CapVerdict(tuple(hits), reject, no_mobiles, tuple(avoid), tuple(reasons),
                      tuple(checked))


def cap_voicemail_box(config: Config, line: str) -> tuple[str | None, str]:
    """The voicemail box a `voicemail` cap action of `line` sends callers to, and where
    it comes from (None: no box, the call is refused)."""
    caps = config.line_caps(line)
    if caps is not None and caps.voicemail:
        return caps.voicemail, f"the line's caps name box {caps.voicemail}"
    group = config.inbound.ring_group
    if group and config.ring_group(group) is not None:
        return group, f"the inbound ring group's box {group} (the caps name none)"
    return None, "neither the line's caps nor an inbound ring group name a voicemail box"


def cap_plan(ctx: CallContext, builder: PlanBuilder, hit: CapHit) -> Plan:
    """The plan of a call a reached cap stops (`CapVerdict.reject`): refused, or for the
    `voicemail` action a message in the cap's voicemail box."""
    if hit.action == "voicemail":
        box, whence = cap_voicemail_box(ctx.config, hit.line)
        if box is not None:
            why = f"cap reached: to voicemail for {box} ({whence})"
            builder.note(why)
            return builder.finish_graph(CAP_VOICEMAIL, [
                Voicemail(id=CAP_VOICEMAIL, box=box, reason=why)])
        why = f"cap reached, no voicemail box: refused ({whence})"
        builder.note(why)
    else:
        why = hit.text
    return builder.finish(Hangup(id="cap_reached", cause=HangupCause.CAP_REACHED,
                                 treatment=Treatment.BUSY, reason=why))


def outbound_caps_reached(config: Config, usage: Usage | None) -> tuple[CapHit, ...]:
    """The lines whose outbound-minutes cap is reached this month: nothing is dialled
    out on them, a desk phone's outside call included (None usage: not counted)."""
    if usage is None:
        return ()
    hits = []
    for caps in config.caps:
        used = usage.line(caps.line).outbound_minutes
        for limit in caps.limits:
            if limit.counter is Counter.OUTBOUND_MINUTES and used >= limit.max:
                hits.append(CapHit(caps.line, limit.counter.value, round(used, 1), limit.max,
                                   limit.action.value, _notify(config, caps.notify),
                                   usage.month))
    return tuple(hits)


def _notify(config: Config, who: tuple[str, ...]) -> tuple[str, ...]:
    numbers = []
    for name in who:
        target, _why = resolve(config, name, 0)
        if target is not None and target.number:
            numbers.append(target.number)
    return tuple(numbers)
