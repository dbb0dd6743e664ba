"""`route explain` as data: the plan a call would get, for the CLI and the web page.

`route_answer(config, line, caller, at, ...)` runs the same `plan_inbound` the call
controller runs and returns a `RouteAnswer`: the matching route's name, whether the
caller is blocked, the targets in ring order (extensions by number, outside parties by
E.164 number: who would ring first, then next, when nobody answers), every rule tried
with why it matched or not, and the plan itself. `to_json()` is what
`switchboard route explain --json` prints; `text()` is the human account.

On a single-line box the network forwards the line's calls while the office is closed
(`network_forwarding`, what the box's keeper sets with AT+CCFC): then the answer says
the call goes to that number and never reaches the box, whoever calls, and the plan
shown is what the box would do with a call that reached it anyway.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firmware.config.schema import Config
from firmware.routing.caps import Usage
from firmware.routing.explain import explain
from firmware.routing.forwarding import ForwardingState, network_forwarding
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

MAX_WALK = 64  # steps: a plan graph that loops is walked until its loop is used up


@dataclass(frozen=True)
class RouteAnswer:
    plan: Plan
    targets: tuple[str, ...]
    ending: str  # how the call ends when nobody answers: "hangup (nobody_answered)"
    forwarding: ForwardingState | None = None  # a single-line box's network forwarding

    @property
    def forwarded(self) -> bool:
        """The network forwards this call: it never reaches the box."""
        return self.forwarding is not None and self.forwarding.enabled

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
            "network_forwarding": None if self.forwarding is None else {
                "enabled": self.forwarding.enabled, "number": self.forwarding.number,
                "person": self.forwarding.person, "reason": self.forwarding.reason},
            "start": self.plan.start,
            "steps": [{"id": s.id, "kind": s.kind, "exits": {str(e): t for e, t in
                                                            s.exits.items()}}
                      for s in self.plan],
        }

    def text(self) -> str:
        order = ", ".join(self.targets) or "nobody"
        ends = f"ring order: {order}\nif nobody answers: {self.ending}"
        if self.forwarding is None:
            return f"{explain(self.plan)}\n{ends}"
        if self.forwarded:
            return (f"network forwarding: ON to {self.forwarding.number}: the network "
                    f"forwards this call there; it does not reach the box\n"
                    f"  - {self.forwarding.reason}\n{ends}\n"
                    f"if a call reached the box anyway:\n{explain(self.plan)}")
        return (f"{explain(self.plan)}\n{ends}\nnetwork forwarding: off\n"
                f"  - {self.forwarding.reason}")


def route_answer(config: Config, line: str, caller: str | None, at: datetime,
                 outside_lines: int | None = None, *, usage: Usage | None = None,
                 rng: random.Random | None = None) -> RouteAnswer:
    """What a call from `caller` on `line` at `at` would get (no I/O: pure routing).

    `outside_lines` defaults to the GSM lines the config has. With fewer than two, the
    answer carries the line's network forwarding; when it is on, `targets` is the
    number the network forwards to and `ending` says so."""
    lines = len(config.lines.gsm) if outside_lines is None else outside_lines
    plan = plan_inbound(config, line, caller, at, lines, usage=usage,
                        rng=rng or random.Random(0))
    targets, ending = ring_order(plan)
    if lines >= 2:
        return RouteAnswer(plan, targets, ending)
    forwarding = network_forwarding(config, at, line)
    if forwarding.enabled and forwarding.number:
        targets = (forwarding.number,)
        ending = f"forwarded by the network to {forwarding.number}"
    return RouteAnswer(plan, targets, ending, forwarding)


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
