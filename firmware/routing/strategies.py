"""Ring-group strategies: in what order (and how) a group's agents ring (R1-R6, R11-R13).

`order_group(group, ctx)` -> `Ordering`: the agents to ring, in order, each with its
ring time, every member that is another group expanded in place by that group's own
strategy (R11); agents who set themselves unavailable (R12) are left out, with a reason.
Strategies:

- sequential (R1): the configured order.
- random (R2): a shuffle with `ctx.rng` (no rng: the configured order, with a reason).
- rotating (R3): call 1 starts at the first member, call 2 at the second, ...; the
  position comes from `ctx.stats.rotation` and the next one goes back as a `Turn`.
- ring_all (R4): every agent at once (the call core rings them together).
- percentage (R5): the member whose turn it is by Tijdeman's rule (split.py) first, then
  the others, furthest behind their share first; the counts go back as a `Turn`.
- longest_idle, fewest_answered (R6): the group's agents (groups flattened) sorted by
  `ctx.stats`; agents on a call now go last. Ties keep the configured order.

Pure: state comes in on `ctx.stats`, and leaves as `Ordering.turns`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from firmware.config.schema import GroupMember, RingGroup, Strategy
from firmware.routing import split
from firmware.routing.context import CallContext
from firmware.routing.stats import Turn


@dataclass(frozen=True)
class Pick:
    """An agent to ring (an extension number or bound-number id) for `ring_time_s`."""

    agent: str
    ring_time_s: int
    group: str  # the group it came from (a nested group's own name)
    groups: tuple[str, ...] = ()  # every group it came through, outer first


@dataclass(frozen=True)
class Ordering:
    picks: tuple[Pick, ...]
    strategy: Strategy  # the strategy the ring step runs with
    reasons: tuple[str, ...]
    turns: tuple[Turn, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class MemberOrder:
    """What a strategy returns: one group's members in order (nested groups not yet
    expanded), why, and the group state to keep (`Turn`), if any."""

    members: tuple[GroupMember, ...]
    reason: str
    turn: Turn | None = None


def sequential(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R1: the members in the configured order, next one on busy or no answer."""
    return MemberOrder(group.members, f"sequential: {_names(group.members)}")


def random_order(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R2: a random order each call, so load evens out."""
    if ctx.rng is None:
        return MemberOrder(group.members, f"random, but no random source: {_names(group.members)}")
    members = list(group.members)
    ctx.rng.shuffle(members)
    return MemberOrder(tuple(members), f"random: {_names(members)}")


def rotating(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R3: each call starts one member further on than the call before."""
    n = len(group.members)
    start = ctx.stats.rotation.get(group.name, 0) % n
    members = group.members[start:] + group.members[:start]
    return MemberOrder(members, f"rotating: call starts at member {start + 1} of {n}: "
                  f"{_names(members)}", Turn(group.name, rotation=(start + 1) % n))


def ring_all(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R4: every member at once; the first to answer takes the call."""
    return MemberOrder(group.members, f"ring all at once: {_names(group.members)}")


def percentage(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R5: the member whose turn it is by its share, then the others."""
    shares = tuple((m.key, m.share or 1) for m in group.members)  # validated: 1-100
    state = split.fresh(shares, ctx.stats.split.get(group.name))
    first = split.next_turn(state)
    members = tuple(group.members[i] for i in split.by_deficit(state, first))
    done = split.after(state, first)
    counts = ", ".join(f"{key} {c}/{done.calls} ({share} %)"
                       for (key, share), c in zip(done.shares, done.counts, strict=True))
    return MemberOrder(members, f"percentage: {members[0].key}'s turn ({counts})",
                  Turn(group.name, split=done))


def longest_idle(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R6: the agent whose last call ended longest ago first (never called: first of all)."""
    members = _by(ctx, _agents(group, ctx), lambda a: (_idle_key(ctx, a),))
    return MemberOrder(members, f"longest idle first: {_names(members)}")


def fewest_answered(group: RingGroup, ctx: CallContext) -> MemberOrder:
    """R6: the agent who answered the fewest calls today first (then longest idle)."""
    members = _by(ctx, _agents(group, ctx),
                  lambda a: (ctx.stats.answered_today.get(a, 0), _idle_key(ctx, a)))
    counts = ", ".join(f"{m.target} {ctx.stats.answered_today.get(m.target, 0)}"
                       for m in members)
    return MemberOrder(members, f"fewest answered today first: {counts}")


STRATEGIES: dict[Strategy, Callable[[RingGroup, CallContext], MemberOrder]] = {
    Strategy.SEQUENTIAL: sequential,
    Strategy.RANDOM: random_order,
    Strategy.ROTATING: rotating,
    Strategy.RING_ALL: ring_all,
    Strategy.PERCENTAGE: percentage,
    Strategy.LONGEST_IDLE: longest_idle,
    Strategy.FEWEST_ANSWERED: fewest_answered,
}


def order_group(group: RingGroup, ctx: CallContext) -> Ordering:
    """The agents of `group` in ringing order, by its strategy; nested groups expanded,
    unavailable agents left out."""
    picks: list[Pick] = []
    reasons: list[str] = []
    turns: list[Turn] = []
    _expand(group, ctx, group.ring_time, (group.name,), picks, reasons, turns)
    return Ordering(tuple(picks), group.strategy, tuple(reasons), tuple(turns))


def _expand(group: RingGroup, ctx: CallContext, ring_time: int, path: tuple[str, ...],
            picks: list[Pick], reasons: list[str], turns: list[Turn]) -> None:
    order = STRATEGIES[group.strategy](group, ctx)
    where = "" if len(path) == 1 else f"group {group.name}: "
    reasons.append(where + order.reason)
    if order.turn is not None:
        turns.append(order.turn)
    for member in order.members:
        own = member.ring_time or ring_time
        if member.group is not None:
            inner = ctx.config.ring_group(member.group)
            if inner is None or member.group in path:
                reasons.append(f"{where}group {member.group} skipped: unknown or a loop")
                continue
            _expand(inner, ctx, member.ring_time or inner.ring_time, (*path, inner.name),
                    picks, reasons, turns)
        elif not ctx.stats.available(member.target):
            reasons.append(f"{member.target} is unavailable (R12), not rung")
        elif any(p.agent == member.target for p in picks):
            continue  # in two nested groups: rings once, at its first place
        else:
            picks.append(Pick(member.target, own, group.name, path))


def _agents(group: RingGroup, ctx: CallContext, path: tuple[str, ...] = ()
            ) -> tuple[GroupMember, ...]:
    """The group's agents, nested groups flattened in configured order (R6 sorts agents)."""
    out: list[GroupMember] = []
    for member in group.members:
        if member.group is None:
            out.append(member)
            continue
        inner = ctx.config.ring_group(member.group)
        if inner is not None and inner.name not in (*path, group.name):
            out.extend(m if m.ring_time else GroupMember(m.target, ring_time=inner.ring_time)
                       for m in _agents(inner, ctx, (*path, group.name)))
    return tuple(out)


def _by(ctx: CallContext, members: tuple[GroupMember, ...], key: Callable[[str], tuple]
        ) -> tuple[GroupMember, ...]:
    """Sorted by `key(agent)`, agents talking now last; a stable sort keeps config order."""
    return tuple(sorted(members, key=lambda m: (m.target in ctx.stats.talking, *key(m.target))))


def _idle_key(ctx: CallContext, agent: str) -> float:
    """Seconds since the epoch when the agent's last call ended; never: -inf (first)."""
    since = ctx.stats.idle_since.get(agent)
    return float("-inf") if since is None else since.timestamp()


def _names(members: tuple[GroupMember, ...] | list[GroupMember]) -> str:
    return ", ".join(m.key for m in members)
