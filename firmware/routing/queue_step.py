"""The hold queue as a routing step (Q1, Q2, Q4, R7): what routing tells the call core.

A configured queue step (config/queue_rules.py) becomes a `QueueStep` for one call:
the members of its ring group as `Target`s, in the order the group's strategy gives
them for this call (strategies.py, like a ring step), with the queue's settings. The
call core runs it (calls/queue_call.py). Exits: `answered` (a member took the call:
DONE), `timeout`, `full`, `left`; only `left` needs the caller to key something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from firmware.config.queue_rules import QUEUE_EXITS
from firmware.config.rules import PlanStep
from firmware.config.schema import Strategy
from firmware.routing.context import CallContext
from firmware.routing.inbound import ring_group_step
from firmware.routing.plan import Exit, PlanBuilder, Step, Target


@dataclass(frozen=True, kw_only=True)
class QueueStep(Step):
    """Wait with music for a free member of ring group `name` (the queue's name)."""

    name: str
    targets: tuple[Target, ...] = ()
    strategy: Strategy = Strategy.SEQUENTIAL
    music: str = "music"
    announce_every_s: int = 30
    max_wait_s: int = 600
    max_length: int = 10
    leave_key: str | None = None
    callback_key: str | None = None
    after_hours: bool = True
    entry_prompt: str | None = "queue_hold"

    kind: ClassVar[str] = "queue"
    EXITS: ClassVar[tuple[str, ...]] = (Exit.ANSWERED, *QUEUE_EXITS)  # type: ignore[assignment]

    def caller_moves(self, exit: str) -> bool:
        return exit == "left"


def queue_step(ctx: CallContext, builder: PlanBuilder, spec: PlanStep) -> QueueStep:
    """The routing step for a validated "queue" plan step."""
    q = spec.queue
    assert q is not None, spec
    ring = ring_group_step(ctx, builder, q.group, "queue for ring group", spec.id,
                           keep_empty=True)
    targets = ring.targets if ring is not None else ()
    strategy = ring.strategy if ring is not None else Strategy.SEQUENTIAL
    return QueueStep(id=spec.id, name=q.group, targets=targets, strategy=strategy,
                     music=q.music, announce_every_s=q.announce_every_s,
                     max_wait_s=q.max_wait_s, max_length=q.max_length,
                     leave_key=q.leave_key, callback_key=q.callback_key,
                     after_hours=q.after_hours, entry_prompt=q.entry_prompt,
                     reason=f"plan step {spec.id}: queue for ring group {q.group}")


def describe_queue(step: QueueStep) -> str:
    """One line for explain: who takes the queue's calls and how long a caller waits."""
    members = ", ".join(t.id for t in step.targets) or "nobody"
    keys = [f"{step.leave_key} leaves"] if step.leave_key else []
    keys += [f"{step.callback_key} asks for a callback"] if step.callback_key else []
    every = f"every {step.announce_every_s} s" if step.announce_every_s else "never"
    return (f"queue {step.name}: members {members} ({step.strategy.value}); music "
            f"{step.music}, position announced {every}; at most {step.max_length} "
            f"waiting, {step.max_wait_s} s each"
            + (f"; key {', '.join(keys)}" if keys else "")
            + ("" if step.after_hours else "; callers leave when the office closes"))


def queue_details(step: QueueStep) -> dict[str, object]:
    """A queue step as data for the page (route explain's `step_details`)."""
    return {"name": step.name, "members": [t.id for t in step.targets],
            "strategy": step.strategy.value, "music": step.music,
            "announce_every_s": step.announce_every_s, "max_wait_s": step.max_wait_s,
            "max_length": step.max_length, "leave_key": step.leave_key,
            "callback_key": step.callback_key, "after_hours": step.after_hours}
