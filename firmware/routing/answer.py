"""`route explain` as data: the plan a call would get, for the CLI and the web page.

`route_answer(config, line, caller, at, ...)` runs the same `plan_inbound` the call
controller runs and returns a `RouteAnswer`: the matching route's name, whether the
caller is blocked, the targets in ring order (extensions by number, outside parties by
E.164 number: who would ring first, then next, when nobody answers), every rule tried
with why it matched or not, and the plan itself. `to_json()` is what
`switchboard route explain --json` prints; `text()` is the human account.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firmware.config.schema import Config
from firmware.routing.caps import Usage
from firmware.routing.explain import explain
from firmware.routing.inbound import plan_inbound
from firmware.routing.plan import (
    DONE,
    Exit,
    Hangup,
    Plan,
    RingStep,
    TargetKind,
    next_ring,
)
from firmware.routing.stats import NO_STATS, AgentStats

MAX_WALK = 64  # steps: a plan graph that loops is walked until its loop is used up


# Where the agent state an answer used came from.
STATE_BOX = "box"  # the running box's, read without changing it
STATE_FRESH = "fresh"  # no box answered: everyone available, every rotation at its start


@dataclass(frozen=True)
class RouteAnswer:
    plan: Plan
    targets: tuple[str, ...]
    ending: str  # how the call ends when nobody answers: "hangup (nobody_answered)"
    stats: AgentStats = NO_STATS
    state: str = STATE_FRESH  # STATE_BOX or STATE_FRESH

    @property
    def route(self) -> str:
        return self.plan.route

    @property
    def blocked(self) -> bool:
        return self.plan.blocked

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.plan.route or None,
            "blocked": self.plan.blocked,
            "targets": list(self.targets),
            "ending": self.ending,
            "rules": [t.to_json() for t in self.plan.trials],
            "reasons": list(self.plan.reasons),
            "caps_reached": [hit.text for hit in self.plan.cap_hits],
            "start": self.plan.start,
            "steps": [{"id": s.id, "kind": s.kind, "exits": {str(e): t for e, t in
                                                            s.exits.items()}}
                      for s in self.plan],
            "agent_state": self.state_json(),
        }

    def state_json(self) -> dict[str, Any]:
        """The agent state the plan was made with: where from, and what of it matters
        to an owner (who is unavailable, where rotations and splits stand)."""
        stats = self.stats
        return {"source": self.state, "text": self.state_text(),
                "unavailable": sorted(stats.unavailable), "talking": sorted(stats.talking),
                "rotation": dict(stats.rotation),
                "split": {g: dict(zip((k for k, _ in v.shares), v.counts, strict=True))
                          for g, v in stats.split.items()},
                "answered_today": dict(stats.answered_today),
                "returning_callers": len(stats.last_answered)}

    def state_text(self) -> str:
        if self.state != STATE_BOX:
            return ("agent state: fresh (the box is not running): everyone available, "
                    "rotations at their first member, no returning callers")
        away = ", ".join(sorted(self.stats.unavailable)) or "nobody"
        return (f"agent state: the running box's, read without changing it "
                f"(unavailable: {away})")

    def text(self) -> str:
        order = ", ".join(self.targets) or "nobody"
        first = f"\nrings first: {self.targets[0]}" if self.targets else ""
        return (f"{explain(self.plan)}\nring order: {order}{first}\n"
                f"if nobody answers: {self.ending}\n{self.state_text()}")


def route_answer(config: Config, line: str, caller: str | None, at: datetime,
                 outside_lines: int | None = None, *, usage: Usage | None = None,
                 rng: random.Random | None = None, stats: AgentStats | None = None
                 ) -> RouteAnswer:
    """What a call from `caller` on `line` at `at` would get (no I/O: pure routing).

    `outside_lines` defaults to the GSM lines the config has. `stats`: the running
    box's agent state (None: a fresh one); nothing in it is advanced: the plan's
    `turns` are left unkept."""
    lines = len(config.lines.gsm) if outside_lines is None else outside_lines
    plan = plan_inbound(config, line, caller, at, lines, usage=usage,
                        rng=rng or random.Random(0), stats=stats)
    targets, ending = ring_order(plan)
    return RouteAnswer(plan, targets, ending, stats or NO_STATS,
                       STATE_FRESH if stats is None else STATE_BOX)


def ring_order(plan: Plan) -> tuple[tuple[str, ...], str]:
    """Who rings, in order, when every target rings out; and the Hangup reached."""
    rung: set[str] = set()
    order: list[str] = []
    step_id = plan.start
    for _ in range(MAX_WALK):
        if step_id == DONE:
            return tuple(order), "connected"
        step = plan.step(step_id)
        if isinstance(step, Hangup):
            return tuple(order), f"hang up ({step.cause.value}, {step.treatment.value})"
        assert isinstance(step, RingStep), step
        position, elapsed, exit = 0, 0.0, Exit.ALL_UNAVAILABLE
        while (ring := next_ring(step, position, elapsed, rung)) is not None:
            target = ring.target
            order.append(target.id if target.kind is TargetKind.EXTENSION
                         else target.number or target.id)
            rung.add(target.key)
            position, elapsed, exit = ring.position + 1, elapsed + ring.ring_s, Exit.NO_ANSWER
        step_id = step.next(exit)
    return tuple(order), "the plan did not end within its loop bound"
