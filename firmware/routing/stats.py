"""What the call core knows about agents and groups, as routing sees it: a frozen value.

Routing reads no storage and keeps no state, yet rotating (R3), percentage (R5),
longest idle and fewest answered (R6), returning caller (R8) and availability (R12)
depend on what happened before. So `calls` keeps these statistics (and persists what
must survive a restart), hands a snapshot to routing as `CallContext.stats`, and
applies the `Turn`s a plan returns (`Plan.turns`) once the call is routed.

An *agent* is what a ring-group member names: an extension number ("801") or a
bound-number id ("zhang"). A group *member key* is the agent, or "group:<name>" for a
member that is another ring group (`GroupMember.key`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from firmware.errors import SwitchboardError


@dataclass(frozen=True)
class LastAnswer:
    """Who last answered a caller, and when (aware)."""

    agent: str
    at: datetime


@dataclass(frozen=True)
class SplitCounts:
    """A percentage group's calls so far (R5): `counts[i]` calls were given first to
    member `shares[i][0]`, whose share was `shares[i][1]` %. Counts for another split
    (members or shares changed) do not apply: routing starts again from zero."""

    shares: tuple[tuple[str, int], ...]
    counts: tuple[int, ...]

    @property
    def calls(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Turn:
    """A group's state after this call, for the call core to keep: the rotation position
    (R3: where the next call starts) or the percentage counts (R5)."""

    group: str
    rotation: int | None = None
    split: SplitCounts | None = None


@dataclass(frozen=True)
class AgentStats:
    """A snapshot of the call core's statistics (empty: a box that never took a call).

    - `idle_since`: when each agent's last call ended (an agent not in it has not had a
      call since the records begin: idle longest of all);
    - `answered_today`: calls each agent answered since midnight in the box's zone;
    - `last_answered`: by caller number (E.164), who answered them last;
    - `unavailable`: agents who set themselves unavailable (R12): never rung;
    - `talking`: agents on a call right now;
    - `rotation`, `split`: per ring group name, the state `Turn`s left.
    """

    idle_since: Mapping[str, datetime] = field(default_factory=dict)
    answered_today: Mapping[str, int] = field(default_factory=dict)
    last_answered: Mapping[str, LastAnswer] = field(default_factory=dict)
    unavailable: frozenset[str] = frozenset()
    talking: frozenset[str] = frozenset()
    rotation: Mapping[str, int] = field(default_factory=dict)
    split: Mapping[str, SplitCounts] = field(default_factory=dict)

    def available(self, agent: str) -> bool:
        return agent not in self.unavailable


NO_STATS = AgentStats()


# --- the snapshot as JSON: the running box tells `route explain` its state ---------------


def stats_to_json(stats: AgentStats) -> dict[str, Any]:
    """`stats` as JSON (the control op "agents.state"; `stats_from_json` reads it back)."""
    return {
        "idle_since": {a: t.isoformat() for a, t in stats.idle_since.items()},
        "answered_today": dict(stats.answered_today),
        "last_answered": {c: {"agent": last.agent, "at": last.at.isoformat()}
                          for c, last in stats.last_answered.items()},
        "unavailable": sorted(stats.unavailable),
        "talking": sorted(stats.talking),
        "rotation": dict(stats.rotation),
        "split": {g: {"shares": [list(s) for s in v.shares], "counts": list(v.counts)}
                  for g, v in stats.split.items()},
    }


class BadStats(SwitchboardError, ValueError):
    """A state document that is not what `stats_to_json` writes."""


def stats_from_json(doc: Any) -> AgentStats:
    """The AgentStats `stats_to_json` wrote; BadStats when `doc` is something else."""
    try:
        return AgentStats(
            idle_since={str(a): _aware(t) for a, t in doc.get("idle_since", {}).items()},
            answered_today={str(a): int(n) for a, n in doc.get("answered_today", {}).items()},
            last_answered={str(c): LastAnswer(str(v["agent"]), _aware(v["at"]))
                           for c, v in doc.get("last_answered", {}).items()},
            unavailable=frozenset(str(a) for a in doc.get("unavailable", [])),
            talking=frozenset(str(a) for a in doc.get("talking", [])),
            rotation={str(g): int(n) for g, n in doc.get("rotation", {}).items()},
            split={str(g): SplitCounts(tuple((str(k), int(s)) for k, s in v["shares"]),
                                       tuple(int(c) for c in v["counts"]))
                   for g, v in doc.get("split", {}).items()})
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise BadStats(f"not an agent state: {exc}") from None


def _aware(text: Any) -> datetime:
    at = datetime.fromisoformat(str(text))
    if at.utcoffset() is None:
        raise ValueError(f"{text!r} has no offset")
    return at
