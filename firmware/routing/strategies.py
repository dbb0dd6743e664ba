"""Ring-group strategies: in what order (and how) a group's members ring.

A strategy is a function (group, call context) -> `Ordering`. `STRATEGIES` maps each
`Strategy` of the schema to its function; the ones not written yet (random,
rotating, ring all, percentage, longest idle, fewest answered: issue #4) ring in the
configured order and say so in the plan's reasons, so a call is never lost to a
missing strategy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from firmware.config.schema import GroupMember, RingGroup, Strategy
from firmware.routing.context import CallContext


@dataclass(frozen=True)
class Ordering:
    members: tuple[GroupMember, ...]
    strategy: Strategy  # the strategy the ring step runs with
    reason: str


def sequential(group: RingGroup, ctx: CallContext) -> Ordering:
    """R1: the members in the configured order, next one on busy or no answer."""
    order = ", ".join(m.target for m in group.members)
    return Ordering(group.members, Strategy.SEQUENTIAL, f"sequential: {order}")


STRATEGIES: dict[Strategy, Callable[[RingGroup, CallContext], Ordering]] = {
    Strategy.SEQUENTIAL: sequential,
}


def order_members(group: RingGroup, ctx: CallContext) -> Ordering:
    """The members of `group` in ringing order, by its strategy (or sequential for now)."""
    strategy = STRATEGIES.get(group.strategy)
    if strategy is not None:
        return strategy(group, ctx)
    fallback = sequential(group, ctx)
    return Ordering(fallback.members, Strategy.SEQUENTIAL,
                    f"strategy {group.strategy.value} is not available yet; {fallback.reason}")
