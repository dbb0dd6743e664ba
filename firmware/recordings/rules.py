"""Which recording rule, if any, puts a call under recording (pure: no I/O).

`CallFacts` is what the call core knows once two parties talk: the call's direction,
the inbound route it matched, every ring group the answering leg rang for (outer
first), and the agents on the call (who answered, and the extension that dialled an
outbound or internal call). `matching_rule(rules, facts)` is the first rule of the
config's `recording.rules` that matches, or None (docs/recording.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from firmware.config.recording_schema import split_rule


@dataclass(frozen=True)
class CallFacts:
    direction: str = "in"  # in, out, internal
    route: str = ""  # the inbound route's name ("" : the default plan, or not inbound)
    groups: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()  # extension numbers and bound-number ids


def matching_rule(rules: Iterable[str], facts: CallFacts) -> str | None:
    for rule in rules:
        kind, name = split_rule(rule)
        if rule == "all" or (kind == "route" and name and name == facts.route) \
                or (kind == "ring_group" and name in facts.groups) \
                or (kind == "agent" and name in facts.agents):
            return rule
    return None
