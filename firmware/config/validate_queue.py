"""Checks of a plan's queue step (queue_rules.py).

validate_rules.py merges these tables into validate's and calls `cross_check` in
pass 3 (the ring group a queue names must exist). Every refusal is a catalogue
reason (reasons.py, reasons_queue.py) at the field's path.
"""

from __future__ import annotations

from typing import Any

from firmware.config import queue_rules as q
from firmware.config import schema as s
from firmware.config import validate as v
from firmware.config.reasons import reason
from firmware.config.validate_ivr import _digit, _prompt


def _announce(value: int, ctx: v._Ctx) -> int:
    value = v._within(0, 3600)(value, ctx)
    if 0 < value < 10:
        raise v._Bad("queue_announce_too_often", value=value)
    return value


def _queue_spec(spec: q.QueueSpec, path: str, ctx: v._Ctx) -> None:
    keys = (spec.leave_key, spec.callback_key)
    if None not in keys and v.INVALID not in keys and keys[0] == keys[1]:
        ctx.add(f"{path}.callback_key", reason("queue_keys_same", key=keys[0]))


def cross_check(config: s.Config, refs: Any, ctx: v._Ctx) -> None:
    """A queue's `group` names a ring group of the config."""
    if refs.groups is None:
        return
    for i, plan in v._valid(config.plans, "steps"):
        for j, step in v._valid(plan.steps, "do"):
            spec = getattr(step, "queue", None)
            if spec in (None, v.INVALID) or spec.group is v.INVALID:
                continue
            if spec.group not in refs.groups:
                ctx.add(f"plans[{i}].steps[{j}].queue.group",
                        reason("unknown_ring_group", name=spec.group))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (q.QueueSpec, "leave_key"): _digit,
    (q.QueueSpec, "callback_key"): _digit,
    (q.QueueSpec, "music"): _prompt,
    (q.QueueSpec, "entry_prompt"): _prompt,
    (q.QueueSpec, "announce_every_s"): _announce,
    (q.QueueSpec, "max_wait_s"): v._within(10, 86400),
    (q.QueueSpec, "max_length"): v._within(1, 200),
}
OBJECT_CHECKS: dict[type, Any] = {q.QueueSpec: _queue_spec}
