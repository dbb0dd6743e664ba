"""What routing knows about one inbound call when it makes a plan.

Every rule and strategy takes a `CallContext`, so adding what a rule needs (region of
the caller, blocked lists, holiday calendar) means a new field here, not a new
parameter on every function. The ring-group strategies read `rng` (a seeded
`random.Random`) and `stats` (the call core's `AgentStats` snapshot: stats.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from firmware.config.schema import Config
from firmware.region import Region
from firmware.routing.hours import local_time
from firmware.routing.stats import NO_STATS, AgentStats

if TYPE_CHECKING:
    from firmware.routing.caps import Usage

# A call to a mobile is bridged to the caller's line through a second outside line.
LINES_TO_BRIDGE = 2


@dataclass(frozen=True)
class CallContext:
    config: Config
    line: str  # the line the call came in on ("gsm0")
    caller: str | None  # the caller's number (E.164 when known), None when withheld
    at: datetime  # aware
    outside_lines: int  # outside lines the box can use now, the caller's included
    rng: random.Random | None = None  # seeded by the caller, for random strategies
    stats: AgentStats = NO_STATS  # what the call core knows about agents and groups
    region: Region | None = None  # the caller's region if `calls` looked it up already
    usage: Usage | None = None  # this month's usage per line (caps, G7); None: not counted
    no_bridge: str = ""  # why outside targets are left out even with lines free (a cap)

    @property
    def local(self) -> datetime:
        return local_time(self.config, self.at)

    @property
    def can_bridge(self) -> bool:
        """Can the box ring an outside number while the caller holds a line?"""
        return self.outside_lines >= LINES_TO_BRIDGE and not self.no_bridge

    @property
    def why_no_bridge(self) -> str:
        return self.no_bridge or "a single outside line cannot bridge a call"
