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
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firmware.config.schema import Config
from firmware.routing.caps import Usage
from firmware.routing.explain import explain
from firmware.routing.forwarding import ForwardingState, network_forwarding
from firmware.routing.inbound import plan_inbound
from firmware.routing.keypad import KeyExit, KeypadStep, Menu, keypad_details
from firmware.routing.plan import (
    DONE,
    Exit,
    Hangup,
    Plan,
    RingGroup,
    RingStep,
    Step,
    Target,
    TargetKind,
    next_ring,
    planned_rings,
)
from firmware.routing.queue_step import QueueStep, queue_details
from firmware.routing.stats import NO_STATS, AgentStats
from firmware.routing.voicemail_steps import EndStep, voicemail_details

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
            "agent_state": self.state_json(),
            "step_details": [step_details(s) for s in self.plan],
            "ring_names": {t: name for t, name in self.names.items()},
            "end": self.end,
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

    @property
    def names(self) -> dict[str, str]:
        """Each target of the ring order as the owner knows it: "801" -> "801 前台"."""
        out: dict[str, str] = {}
        for step in self.plan:
            for target in getattr(step, "targets", ()):
                key = target.id if target.kind is TargetKind.EXTENSION \
                    else target.number or target.id
                out.setdefault(key, _target_name(target))
        return out

    @property
    def end(self) -> dict[str, str]:
        """How the walk in `ring_order` ended: {"cause", "treatment"} of its hang up,
        {"cause": "forwarded", "number"} when the network forwards the call, or
        {"cause": "connected"}; the words of `ending`, for the page to say them."""
        found = _END.match(self.ending)
        if found:
            return {"cause": found[1], "treatment": found[2]}
        if self.forwarded and self.forwarding is not None:
            return {"cause": "forwarded", "number": self.forwarding.number or ""}
        if self.ending.startswith("voicemail for "):  # routing/voicemail_steps.py
            return {"cause": "voicemail", "box": self.ending.removeprefix("voicemail for ")}
        if self.ending.startswith("an SMS to the caller"):
            return {"cause": "sms_caller"}
        return {"cause": "connected"}

    def text(self) -> str:
        order = ", ".join(self.targets) or "nobody"
        first = f"\nrings first: {self.targets[0]}" if self.targets else ""
        ends = f"ring order: {order}{first}\nif nobody answers: {self.ending}"
        state = self.state_text()
        if self.forwarding is None:
            return f"{explain(self.plan)}\n{ends}\n{state}"
        if self.forwarded:
            return (f"network forwarding: ON to {self.forwarding.number}: the network "
                    f"forwards this call there; it does not reach the box\n"
                    f"  - {self.forwarding.reason}\n{ends}\n"
                    f"if a call reached the box anyway:\n{explain(self.plan)}\n{state}")
        return (f"{explain(self.plan)}\n{ends}\nnetwork forwarding: off\n"
                f"  - {self.forwarding.reason}\n{state}")


_END = re.compile(r"^hang up \((\w+), (\w+)\)$")


def _target_name(target: Target) -> str:
    if target.kind is TargetKind.NUMBER:
        return target.number or target.id
    if target.kind is TargetKind.EXTENSION:
        return f"{target.id} {target.name}".strip()
    return target.name or target.id


def step_details(step: Step) -> dict[str, Any]:
    """A plan step as data, for a page that says it in another language: what `explain`
    prints as text (kind, group, strategy, ring times, each target's turn, exits)."""
    out: dict[str, Any] = {"id": step.id, "kind": step.kind, "reason": str(step.reason),
                           "exits": {str(e): step.exits.get(e, "?") for e in step.exit_names()}}
    if isinstance(step, RingGroup):
        out.update(name=step.name, strategy=step.strategy.value, together=step.together,
                   ring_time_s=step.ring_time_s, total_ring_time_s=step.total_ring_time_s)
    if isinstance(step, Hangup):
        out.update(cause=step.cause.value, treatment=step.treatment.value)
    if isinstance(step, KeypadStep):
        out.update(keypad_details(step))
    out.update(voicemail_details(step))
    if isinstance(step, QueueStep):
        out.update(queue_details(step))
    if isinstance(step, RingStep):
        rings = planned_rings(step)
        out["rings"] = [{"target": _target_name(r.target), "start_s": r.start_s,
                         "end_s": r.start_s + r.ring_s,
                         "cut": r.ring_s < r.target.ring_time_s} for r in rings]
        reached = {r.position for r in rings}
        out["not_reached"] = [_target_name(t) for i, t in enumerate(step.targets)
                              if i not in reached]
    return out


def route_answer(config: Config, line: str, caller: str | None, at: datetime,
                 outside_lines: int | None = None, *, usage: Usage | None = None,
                 rng: random.Random | None = None, stats: AgentStats | None = None
                 ) -> RouteAnswer:
    """What a call from `caller` on `line` at `at` would get (no I/O: pure routing).

    `outside_lines` defaults to the outside lines (GSM and analog) the config has.
    `stats`: the running box's agent state (None: a fresh one); nothing in it is
    advanced: the plan's `turns` are left unkept. With fewer than two lines, the answer
    carries the line's network forwarding; when it is on, `targets` is the number the
    network forwards to and `ending` says so."""
    lines = len(config.lines.outside()) if outside_lines is None else outside_lines
    plan = plan_inbound(config, line, caller, at, lines, usage=usage,
                        rng=rng or random.Random(0), stats=stats)
    targets, ending = ring_order(plan)
    state = STATE_FRESH if stats is None else STATE_BOX
    if lines >= 2:
        return RouteAnswer(plan, targets, ending, stats or NO_STATS, state)
    forwarding = network_forwarding(config, at, line)
    if forwarding.enabled and forwarding.number:
        targets = (forwarding.number,)
        ending = f"forwarded by the network to {forwarding.number}"
    return RouteAnswer(plan, targets, ending, stats or NO_STATS, state, forwarding)


def ring_order(plan: Plan) -> tuple[tuple[str, ...], str]:
    """Who rings, in order, when every target rings out (and a caller asked to key
    something keys nothing: a menu's timeout, a check's failed); and the Hangup reached."""
    rung: set[str] = set()
    order: list[str] = []
    step_id = plan.start
    for _ in range(MAX_WALK):
        if step_id == DONE:
            return tuple(order), "connected"
        step = plan.step(step_id)
        if isinstance(step, Hangup):
            return tuple(order), f"hang up ({step.cause.value}, {step.treatment.value})"
        if isinstance(step, KeypadStep) and step.kind == "greeting":
            step_id = step.next("next")
            continue
        if isinstance(step, EndStep):  # voicemail, an SMS to the caller
            return tuple(order), step.ending()
        if isinstance(step, KeypadStep):  # a caller who keys nothing
            step_id = step.next(KeyExit.TIMEOUT if isinstance(step, Menu) else KeyExit.FAILED)
            continue
        if isinstance(step, QueueStep):  # members as they become free; then the max wait
            order += [t.id for t in step.targets if t.id not in order]
            step_id = step.next("timeout")
            continue
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
