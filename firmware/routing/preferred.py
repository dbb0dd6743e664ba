"""Who rings before the ring group for this caller (R7, R8): pure, from config and stats.

In this order, each agent once:

1. the caller's designated agent (`designated`: caller -> agent);
2. the agent who last answered this caller, if that was within
   `returning_caller_days` days (0: off), from `ctx.stats.last_answered`;
3. a VIP caller's (`vip.numbers`, `vip.prefixes`) dedicated staff, `vip.targets`.

Agents who set themselves unavailable (R12) are left out. The plan rings them in a
`Preferred` step before the inbound ring group; the group passes over whoever already
rang in that step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from firmware.routing.context import CallContext


@dataclass(frozen=True)
class Preference:
    agent: str
    why: str  # "designated", "returning caller", "VIP"
    ring_time_s: int


def is_vip(ctx: CallContext) -> bool:
    return ctx.config.vip.matches(ctx.caller)


def preferred(ctx: CallContext, ring_time_s: int) -> tuple[tuple[Preference, ...], list[str]]:
    """The agents to ring first, and the reasons; `ring_time_s` for the designated and
    returning-caller agents (the inbound group's), VIP staff ring `vip.ring_time`."""
    wanted: list[Preference] = []
    reasons: list[str] = []
    if not ctx.caller:
        return (), reasons
    designated = next((d.agent for d in ctx.config.designated if d.caller == ctx.caller), None)
    if designated is not None:
        wanted.append(Preference(designated, "designated", ring_time_s))
    returning = _returning(ctx, reasons)
    if returning is not None:
        wanted.append(Preference(returning, "returning caller", ring_time_s))
    if is_vip(ctx):
        reasons.append(f"{ctx.caller} is a VIP caller (R7)")
        vip = ctx.config.vip
        wanted.extend(Preference(t, "VIP", vip.ring_time) for t in vip.targets)
    out: list[Preference] = []
    for pref in wanted:
        if not ctx.stats.available(pref.agent):
            reasons.append(f"{pref.why}: {pref.agent} is unavailable (R12), not rung")
        elif all(p.agent != pref.agent for p in out):
            reasons.append(f"{pref.why}: {pref.agent} rings first")
            out.append(pref)
    return tuple(out), reasons


def _returning(ctx: CallContext, reasons: list[str]) -> str | None:
    days = ctx.config.returning_caller_days
    last = ctx.stats.last_answered.get(ctx.caller or "")
    if days <= 0 or last is None:
        return None
    if ctx.at - last.at > timedelta(days=days):
        reasons.append(f"returning caller: {last.agent} answered last, more than {days} "
                       "days ago")
        return None
    return last.agent
