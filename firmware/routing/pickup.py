"""Which ringing call a desk phone's pickup code answers (FEATURES T4, T7; docs/feature-codes.md).

Pure: the call core (calls/pickup.py) lists the desk phones ringing now, each as the
extension that rings and since when; this module says which one a phone lifted
elsewhere takes.

- `pickup` (*40): a call ringing at an extension that shares a ring group with the
  picker's extension (nested groups opened: a member of "sales-north" inside "sales"
  shares "sales" with the members of "sales"); the one ringing longest first.
- `pickup_extension` (*41 + extension): the call ringing at that extension, whatever
  its groups.

Only desk phones ringing count: a call that rings only a bound mobile now is being
dialled out on a line already, and a caller waiting in a hold queue is taken when a
member's phone rings for them (the head of the queue), so a pickup never jumps the
queue's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from firmware.config.schema import Config


@dataclass(frozen=True)
class Ringing:
    """A desk phone ringing now: its extension and since when (monotonic seconds).
    `key` is the call core's handle on it (its leg); routing never looks inside."""

    extension: str
    since: float
    key: Any = None


@dataclass(frozen=True)
class PickupChoice:
    """The call to take (None: nothing to pick up) and why, in English for the log."""

    ringing: Ringing | None
    reason: str
    groups: tuple[str, ...] = ()  # the ring groups picker and ringing phone share


def agent_groups(config: Config, agent: str) -> frozenset[str]:
    """Every ring group `agent` rings in, nested groups opened (a member of an inner
    group rings in the outer one too)."""
    return frozenset(g.name for g in config.ring_groups if agent in _agents(config, g.name))


def _agents(config: Config, name: str, seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    group = config.ring_group(name)
    if group is None or name in seen:
        return set()
    seen.add(name)
    found: set[str] = set()
    for member in group.members:
        if member.group is not None:
            found |= _agents(config, member.group, seen)
        elif member.target:
            found.add(member.target)
    return found


def choose_pickup(config: Config, picker: str, ringing: Sequence[Ringing],
                  directed: str | None = None) -> PickupChoice:
    """The call extension `picker` picks up: the one ringing at `directed` (*41 + number),
    else the longest ringing at an extension sharing a ring group with `picker`."""
    if directed is not None:
        return _directed(picker, ringing, directed)
    mine = agent_groups(config, picker)
    if not mine:
        return PickupChoice(None, f"extension {picker} is in no ring group")
    candidates = [(r, sorted(mine & agent_groups(config, r.extension)))
                  for r in ringing if r.extension != picker]
    shared = [(r, groups) for r, groups in candidates if groups]
    if not shared:
        return PickupChoice(None, f"nothing rings in the ring groups of {picker} "
                                  f"({', '.join(sorted(mine))})")
    first, groups = min(shared, key=lambda item: item[0].since)
    return PickupChoice(first, f"{picker} picks up the call ringing at {first.extension} "
                               f"(ring group {', '.join(groups)})", tuple(groups))


def _directed(picker: str, ringing: Iterable[Ringing], extension: str) -> PickupChoice:
    at = sorted((r for r in ringing if r.extension == extension and extension != picker),
                key=lambda r: r.since)
    if not at:
        return PickupChoice(None, f"nothing rings at extension {extension}")
    return PickupChoice(at[0], f"{picker} picks up the call ringing at {extension}")
