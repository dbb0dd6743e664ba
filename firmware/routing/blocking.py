"""Blocking (G6): is this caller refused, and why.

In order: the whitelist lets a caller through whatever else is said; then the
blacklist (exact numbers or prefixes) refuses; a withheld caller is refused when
`block_withheld` is set (region lists do not apply to them: they have no number);
then the region deny list refuses, and a region allow list that is not empty
refuses everyone it does not match. What a refused caller hears is
`blocking.treatment` (busy, announcement, hang up); the call record says "blocked".
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware.config.rules import Blocking
from firmware.routing.callers import CallerInfo, match_caller, number_matches
from firmware.routing.index import RoutingIndex


@dataclass(frozen=True)
class BlockVerdict:
    blocked: bool
    reason: str


def check_blocking(blocking: Blocking, info: CallerInfo,
                   index: RoutingIndex | None = None) -> BlockVerdict:
    """Whether `info`'s caller is blocked by `blocking`, with the deciding rule.
    `index`: the config's number sets (routing/index.py), for long lists."""
    hit = (index.whitelist.first_match(info.e164) if index is not None
           else number_matches(blocking.whitelist, info.e164))
    if hit:
        return BlockVerdict(False, f"whitelisted ({hit})")
    hit = (index.blacklist.first_match(info.e164) if index is not None
           else number_matches(blocking.blacklist, info.e164))
    if hit:
        return BlockVerdict(True, f"blacklisted ({hit})")
    if info.withheld:
        if blocking.block_withheld:
            return BlockVerdict(True, "withheld numbers are blocked")
        return BlockVerdict(False, "withheld number allowed")
    if not blocking.deny_regions.empty:
        denied, why = match_caller(blocking.deny_regions, info)
        if denied:
            return BlockVerdict(True, f"region deny list: {why}")
    if not blocking.allow_regions.empty:
        allowed, why = match_caller(blocking.allow_regions, info)
        if not allowed:
            return BlockVerdict(True, f"not in the region allow list: {why}")
        return BlockVerdict(False, f"region allow list: {why}")
    return BlockVerdict(False, "not blocked")
