"""The plan model: a small graph of steps with exits, like a PBX's destinations.

`routing` builds a `Plan`; `calls` runs it. A plan starts at one step; each step,
when it ends, leaves by an `Exit` and names the next step for that exit, until the
plan reaches `DONE` (the call is connected to whoever answered and stays there) or a
`Hangup` step. `check_plan` proves that every exit leads somewhere and that no path
loops, so a plan always ends.

Steps that ring people (`RingStep`: `Preferred`, `RingGroup`, `ForwardChain`, `Duty`)
hold a tuple of `Target`s rung one after the other, each for its own `ring_time_s`, the
whole step bounded by `total_ring_time_s` (R13); a ring-all group (`RingGroup.together`,
R4) rings them all at once instead. Their exits, as the call controller reports
them:

- `answered`: a target answered (then `DONE`).
- `busy`: every target that was tried was busy.
- `no_answer`: at least one target rang out, or the step's total ring time ran out.
- `all_unavailable`: no target could be rung at all (unreachable, out of service,
  no free line).

`next_ring` tells the controller, after each target, which one to ring next and for
how long; `planned_rings` is the timeline when every target rings out (for `explain`).

New step kinds (greeting, IVR menu, queue, voicemail: issue #4 and later) are new
subclasses of `Step` with their own `EXITS` (an IVR menu's exits are digits, say);
`check_plan` and `explain` need no change.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar

from firmware.config import graph
from firmware.config.schema import Strategy
from firmware.errors import SwitchboardError
from firmware.routing.stats import Turn

DONE = "done"  # the exit target meaning "the plan is finished: the call is connected"


class PlanError(SwitchboardError, ValueError):
    """A plan that could not run to an end (an exit leads nowhere, or a loop)."""


class Exit(enum.StrEnum):
    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    ALL_UNAVAILABLE = "all_unavailable"


class TargetKind(enum.StrEnum):
    EXTENSION = "extension"  # a desk phone on an FXS port
    MOBILE = "mobile"  # a bound number (staff mobile or landline), by its id
    NUMBER = "number"  # a plain outside number (forward chain)


class HangupCause(enum.StrEnum):
    NOBODY_ANSWERED = "nobody_answered"  # everyone was tried
    NO_ROUTE = "no_route"  # nobody to try (no group, nobody on duty, nothing left)
    CLOSED = "closed"  # closed, and this box cannot pass the call on itself
    BLOCKED = "blocked"  # the caller is blocked (G6)
    CAP_REACHED = "cap_reached"  # a monthly cap of the line is reached (G7)
    REFUSED = "refused"  # the caller did not pass a PIN or verification step (G4, G5)
    ROUTE = "route"  # a route or plan step says so ("busy", "announcement", "hangup")


class Treatment(enum.StrEnum):
    """How a Hangup ends the call for the caller."""

    REJECT = "reject"  # refuse the ringing call (the caller hears the network's tone)
    BUSY = "busy"  # refuse it as busy
    ANNOUNCEMENT = "announcement"  # answer, play an information tone, hang up
    HANGUP = "hangup"  # answer and hang up at once


@dataclass(frozen=True)
class Target:
    """Someone to ring. An extension rings its FXS `port`; the others dial `number` (E.164)
    through a second outside line, bridged to the caller's line."""

    kind: TargetKind
    id: str  # extension number, bound-number id, or the E.164 number itself
    name: str
    ring_time_s: int
    port: str | None = None
    number: str | None = None
    # The ring groups it rings for, outer first (a nested group's member: both);
    # for the records' per-group counts, not part of what the target is.
    groups: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """What makes two targets the same phone: the port, or the number dialled."""
        return (self.port if self.kind is TargetKind.EXTENSION else self.number) or self.id

    @property
    def outside(self) -> bool:
        """Reached through an outside line (needs a line of its own to bridge)."""
        return self.kind is not TargetKind.EXTENSION

    def __str__(self) -> str:
        where = self.port if self.kind is TargetKind.EXTENSION else self.number
        if self.kind is TargetKind.NUMBER:
            return f"{self.number}"
        return f"{self.id} {self.name} ({where})"


@dataclass(frozen=True, kw_only=True)
class Step:
    """One node of a plan. `exits` maps each of the kind's `EXITS` to a step id or DONE."""

    id: str
    exits: Mapping[str, str] = field(default_factory=dict, hash=False)
    reason: str = ""

    kind: ClassVar[str] = "step"
    EXITS: ClassVar[tuple[Exit, ...]] = ()

    def exit_names(self) -> tuple[str, ...]:
        """The exits this step has: its kind's `EXITS` (keypad steps, keypad.py, have
        `KeyExit`s and a menu its choices' digits)."""
        return self.EXITS

    def next(self, exit: str) -> str:
        """The step id (or DONE) to go to when this step ends by `exit`."""
        try:
            return self.exits[exit]
        except KeyError:
            raise PlanError(f"step {self.id} has no exit {exit}") from None


RING_EXITS = (Exit.ANSWERED, Exit.BUSY, Exit.NO_ANSWER, Exit.ALL_UNAVAILABLE)


@dataclass(frozen=True, kw_only=True)
class RingStep(Step):
    """Rings `targets` one at a time in order, each for its ring time, within the total."""

    targets: tuple[Target, ...]
    total_ring_time_s: int | None = None  # None: no bound beyond the targets' own

    EXITS: ClassVar[tuple[Exit, ...]] = RING_EXITS


@dataclass(frozen=True, kw_only=True)
class RingGroup(RingStep):
    """A configured ring group (R1, R11, R13), rung with `strategy`."""

    name: str
    strategy: Strategy = Strategy.SEQUENTIAL
    ring_time_s: int = 20

    kind: ClassVar[str] = "ring_group"

    @property
    def together(self) -> bool:
        """Ring all (R4): every target rings at once, each for its own ring time within
        the total; the first to answer wins (the controller does not use `next_ring`)."""
        return self.strategy is Strategy.RING_ALL


@dataclass(frozen=True, kw_only=True)
class ForwardChain(RingStep):
    """Busy/no-answer forwarding (R14): outside numbers in order until one answers."""

    kind: ClassVar[str] = "forward_chain"


@dataclass(frozen=True, kw_only=True)
class Duty(RingStep):
    """After hours (D5): the duty person's number first, then the fallback duty numbers."""

    kind: ClassVar[str] = "duty"


@dataclass(frozen=True, kw_only=True)
class Preferred(RingStep):
    """Before the ring group: the caller's designated agent and the agent who last
    answered them (R8), then a VIP's dedicated staff (R7), one after the other."""

    kind: ClassVar[str] = "preferred"


@dataclass(frozen=True, kw_only=True)
class Hangup(Step):
    """End the call: `cause` says why (the controller picks the tone or reject for it)."""

    cause: HangupCause
    treatment: Treatment = Treatment.REJECT

    kind: ClassVar[str] = "hangup"


@dataclass(frozen=True)
class Ring:
    """One target's turn: ring `target` (at `position` in the step) for `ring_s` seconds,
    starting `start_s` seconds into the step."""

    target: Target
    position: int
    start_s: float
    ring_s: float


def next_ring(step: RingStep, position: int, elapsed_s: float,
              rung: Collection[str] = ()) -> Ring | None:
    """Who rings next, and for how long, `elapsed_s` seconds into the step.

    `position` is where to look in `step.targets` (0 first, then the last ring's
    position + 1). Targets whose `key` is in `rung` (already rung earlier in this call,
    say a mobile that is in both the ring group and the forward chain) are passed over.
    None when the targets are used up or the step's total ring time has run out; when
    the total runs out during a target's turn, that target's ring is cut short (R13).
    """
    while position < len(step.targets) and step.targets[position].key in rung:
        position += 1
    if position >= len(step.targets):
        return None
    target = step.targets[position]
    ring = float(target.ring_time_s)
    if step.total_ring_time_s is not None:
        ring = min(ring, step.total_ring_time_s - elapsed_s)
    if ring <= 0:
        return None
    return Ring(target, position, elapsed_s, ring)


def planned_rings(step: RingStep, rung: Collection[str] = ()) -> tuple[Ring, ...]:
    """The rings if every target rings out (nobody busy, nobody answers)."""
    if isinstance(step, RingGroup) and step.together:
        total = step.total_ring_time_s
        return tuple(Ring(t, i, 0.0, float(t.ring_time_s if total is None
                                           else min(t.ring_time_s, total)))
                     for i, t in enumerate(step.targets) if t.key not in rung)
    rings: list[Ring] = []
    elapsed, position = 0.0, 0
    while (ring := next_ring(step, position, elapsed, rung)) is not None:
        rings.append(ring)
        elapsed, position = elapsed + ring.ring_s, ring.position + 1
    return tuple(rings)


@dataclass(frozen=True)
class RuleTrial:
    """One rule routing tried for a call: blocking, a cap, a route; matched or not, why."""

    kind: str  # "blocking", "cap", "route"
    name: str
    matched: bool
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "matched": self.matched,
                "reason": self.reason}


@dataclass(frozen=True)
class CapHit:
    """A monthly cap reached on `line` (G7): the owner is told once a month."""

    line: str
    counter: str  # inbound_calls, inbound_minutes, outbound_minutes
    used: float
    limit: int
    action: str  # no_mobiles, voicemail, reject
    notify: tuple[str, ...] = ()  # E.164 numbers to send the SMS to
    month: str = ""  # "2026-11" in the box's zone: one notice per line, counter, month

    @property
    def text(self) -> str:
        unit = "calls" if self.counter == "inbound_calls" else "minutes"
        return (f"{self.line}: {self.counter.replace('_', ' ')} cap reached "
                f"({self.used:g} of {self.limit} {unit} in {self.month}); {self.action}")


@dataclass(frozen=True)
class Plan:
    """Steps by id, where to start, and why this plan was chosen (for logs and explain).

    `route`: the name of the route that matched ("" when none did: the default plan);
    `blocked`: the caller is blocked (G6); `cap_hits`: caps reached (G7), for the
    owner's SMS; `avoid_lines`: lines not to dial out on (their outbound cap is reached);
    `vip`: the caller is a VIP (R7): the call core lets this call's ring take a desk
    phone that is only ringing for another, non-VIP call.
    """

    start: str
    steps: Mapping[str, Step] = field(hash=False)
    reasons: tuple[str, ...] = ()
    turns: tuple[Turn, ...] = ()  # group state for the call core to keep (R3, R5)
    route: str = ""
    blocked: bool = False
    cap_hits: tuple[CapHit, ...] = ()
    avoid_lines: tuple[str, ...] = ()
    trials: tuple[RuleTrial, ...] = ()
    vip: bool = False

    def step(self, step_id: str) -> Step:
        try:
            return self.steps[step_id]
        except KeyError:
            raise PlanError(f"the plan has no step {step_id!r}") from None

    def __iter__(self) -> Iterator[Step]:
        """The steps in the order they were added (for a linear plan: the order they run)."""
        return iter(self.steps.values())


def check_plan(plan: Plan, *, loops: bool = False) -> None:
    """Raise PlanError unless every path from `start` ends at DONE or a Hangup.

    `loops=False`: no path may loop (plans routing builds itself). `loops=True`
    (plans the owner drew): a loop is allowed when it has a way out and its
    all_unavailable exits do not loop, so the call always ends (config/graph.py).
    """
    if plan.start not in plan.steps:
        raise PlanError(f"the plan starts at {plan.start!r}, which is not one of its steps")
    for step in plan:
        _check_exits(plan, step)
    if not loops:
        _check_no_loop(plan)
        return
    edges = {sid: [t for e, t in step.exits.items() if e != Exit.ANSWERED]
             for sid, step in plan.steps.items()
             if not isinstance(step, Hangup) and step.exit_names()}
    # hang-ups, steps without exits (voicemail) and DONE are not nodes: they are ends
    stuck = graph.exitless_loop(edges)
    if stuck:
        raise PlanError(f"the plan loops with no exit: {', '.join(stuck)}")
    cycle = graph.find_cycle({sid: [t for e, t in plan.steps[sid].exits.items()
                                    if e == Exit.ALL_UNAVAILABLE] for sid in edges})
    if cycle:
        raise PlanError(f"the plan loops on all_unavailable: {' -> '.join(cycle)}")
    cycle = graph.find_cycle({sid: [t for e, t in plan.steps[sid].exits.items()
                                    if _idle(plan.steps[sid], e)] for sid in edges})
    if cycle:
        raise PlanError(f"the plan loops without the caller keying anything: "
                        f"{' -> '.join(cycle)}")


def _idle(step: Step, exit: str) -> bool:
    """An exit a silent caller can take again and again: a ring step's all_unavailable,
    a keypad step's exit that needs no key (keypad.py `caller_moves`)."""
    moves = getattr(step, "caller_moves", None)
    if moves is None:
        return exit == Exit.ALL_UNAVAILABLE
    return not moves(exit)


def _check_exits(plan: Plan, step: Step) -> None:
    if set(step.exits) != set(step.exit_names()):
        raise PlanError(f"step {step.id} ({step.kind}) has exits {sorted(step.exits)}, "
                        f"needs {sorted(step.exit_names())}")
    for exit, target in step.exits.items():
        if target != DONE and target not in plan.steps:
            raise PlanError(f"step {step.id}: exit {exit} leads to unknown step {target!r}")


def _check_no_loop(plan: Plan) -> None:
    """Depth-first search from the start; a step met again on the current path is a loop."""
    done: set[str] = set()

    def visit(step_id: str, path: tuple[str, ...]) -> None:
        if step_id == DONE or step_id in done:
            return
        if step_id in path:
            loop = " -> ".join((*path[path.index(step_id):], step_id))
            raise PlanError(f"the plan loops: {loop}")
        for target in plan.steps[step_id].exits.values():
            visit(target, (*path, step_id))
        done.add(step_id)

    visit(plan.start, ())


class PlanBuilder:
    """Builds a linear plan: ring steps in order, each one's unanswered exits leading to
    the next, ending in a Hangup. `note` records the reasons along the way."""

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self.reasons: list[str] = []
        self.turns: list[Turn] = []
        self.trials: list[RuleTrial] = []

    def note(self, reason: str) -> None:
        self.reasons.append(reason)

    def trial(self, kind: str, name: str, matched: bool, reason: str) -> None:
        """A rule was tried (it goes to `plan.trials`; `explain` prints them)."""
        self.trials.append(RuleTrial(kind, name, matched, reason))

    def add(self, step: RingStep) -> None:
        self._steps.append(step)

    @property
    def rings(self) -> tuple[RingStep, ...]:
        return tuple(s for s in self._steps if isinstance(s, RingStep))

    def finish(self, hangup: Hangup) -> Plan:
        """Wire the exits (answered: DONE; otherwise: the next step) and check the plan."""
        chain = [*self._steps, hangup]
        ids = _unique_ids(chain)
        wired: dict[str, Step] = {}
        for i, (step, step_id) in enumerate(zip(chain, ids, strict=True)):
            following = ids[i + 1] if i + 1 < len(chain) else DONE
            exits = {e: (DONE if e is Exit.ANSWERED else following) for e in step.EXITS}
            wired[step_id] = replace(step, id=step_id, exits=exits)
        plan = Plan(ids[0], wired, tuple(self.reasons), tuple(self.turns),
                    trials=tuple(self.trials))
        check_plan(plan)
        return plan

    def finish_graph(self, start: str, steps: list[Step]) -> Plan:
        """A plan whose steps are wired already (a plan graph from the config); loops
        are allowed when the call still always ends (`check_plan(loops=True)`)."""
        plan = Plan(start, {step.id: step for step in steps}, tuple(self.reasons),
                    tuple(self.turns), trials=tuple(self.trials))
        check_plan(plan, loops=True)
        return plan


def _unique_ids(steps: list[Step]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for step in steps:
        n = seen[step.id] = seen.get(step.id, 0) + 1
        out.append(step.id if n == 1 else f"{step.id}#{n}")
    return out
