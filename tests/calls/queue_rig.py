"""A call core with a hold queue office for the queue-step tests (calls/queue_call.py):
the ivr rig's fake lines and prompt-recording audio, ring group "sales" (802, 803)
queued for by plan step "q", its exits to step "after" (reception: 801)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from firmware.config.schema import Config
from tests.calls.ivr_rig import front_door

GROUPS = [{"name": "sales", "members": ["802", "803"], "strategy": "sequential",
           "ring_time": 5, "total_ring_time": 10},
          {"name": "reception", "members": ["801"], "strategy": "sequential", "ring_time": 5,
           "total_ring_time": 10}]


def queue_office(queue: dict[str, Any] | None = None, on: dict[str, str] | None = None,
                 **fast: Any) -> Config:
    """The office; `fast`: queue settings below what the config allows (seconds in tests)."""
    spec = {"group": "sales", "leave_key": "1", "callback_key": "2", **(queue or {})}
    steps = [{"id": "q", "do": "queue", "queue": spec,
              "on": on if on is not None else {"left": "after", "timeout": "after",
                                               "full": "after"}},
             {"id": "after", "do": "ring_group:reception"}]
    config = front_door(steps, ring_groups=GROUPS)
    return with_queue(config, **fast) if fast else config


def with_queue(config: Config, **changes: Any) -> Config:
    """`config` with its plan's queue settings changed (no validation)."""
    plan = config.plans[0]
    steps = tuple(replace(s, queue=replace(s.queue, **changes)) if s.queue else s
                  for s in plan.steps)
    return replace(config, plans=(replace(plan, steps=steps),))
