"""Checks of the config's `recording` section (recording_schema.py).

validate.py merges these tables into its own and calls `cross_check` with the rest of
its cross references: a rule's route, ring group or agent must exist. Every refusal is
a catalogue reason (reasons_recording.py) at the field's path.
"""

from __future__ import annotations

import re
from typing import Any

from firmware.config import recording_schema as rs
from firmware.config import schema as s
from firmware.config import validate as v
from firmware.config.reasons import reason

PROMPT_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}", re.ASCII)
MAX_RULES = 50


def _rule(value: str, ctx: v._Ctx) -> str:
    kind, name = rs.split_rule(value)
    if value == "all":
        return value
    if kind not in rs.RULE_KINDS or not name.strip() or name != name.strip():
        raise v._Bad("not_recording_rule", value=value)
    return value


def _rules(items: tuple, ctx: v._Ctx) -> tuple:
    if len(items) > MAX_RULES:
        raise v._Bad("too_many_recording_rules", n=len(items), max=MAX_RULES)
    return v._unique(lambda rule: rule, "recording rule")(items, ctx)


def _announcement(value: str, ctx: v._Ctx) -> str:
    if not PROMPT_RE.fullmatch(value):
        raise v._Bad("not_prompt_name", value=value)
    return value


def cross_check(config: s.Config, ctx: v._Ctx) -> None:
    """A rule names a route, a ring group or an agent the config has."""
    section = getattr(config, "recording", None)
    if section is None or section is v.INVALID or section.rules is v.INVALID:
        return
    known = {
        "route": {r.name for _, r in v._valid(config.routes, "name")},
        "ring_group": {g.name for _, g in v._valid(config.ring_groups, "name")},
        "agent": {e.number for _, e in v._valid(config.extensions, "number")}
        | {b.id for _, b in v._valid(config.bound_numbers, "id")},
    }
    for i, rule in enumerate(section.rules):
        if rule is v.INVALID or rule == "all":
            continue
        kind, name = rs.split_rule(rule)
        if kind in known and name not in known[kind]:
            ctx.add(f"recording.rules[{i}]",
                    reason("unknown_recording_target", kind=kind, name=name))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (rs.RecordingConfig, "rules"): _rules,
    (rs.RecordingConfig, "announcement"): _announcement,
    (rs.RecordingConfig, "storage_limit_mb"): v._within(1, 1_000_000),
    (rs.RecordingConfig, "retention_days"): v._within(0, 3650),
}
ITEM_CHECKS: dict[tuple[type, str], Any] = {
    (rs.RecordingConfig, "rules"): _rule,
}
