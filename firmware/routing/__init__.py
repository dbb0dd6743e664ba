"""Routing: PURE decision code, (call, config, clock) -> plan (DESIGN.md "Layers").

No I/O, no asyncio, no threads, no pjsua2: time comes in as an aware datetime, and
randomness (later strategies) as a seeded `random.Random`. `calls` asks for a plan
and runs it; the web page and `route explain` print `explain(...)`.

- `plan_inbound(config, line, caller, at, outside_lines, *, usage, region, rng, stats)`
  -> `Plan` (inbound.py: blocking, caps, routes in order, else office hours; routes.py,
  blocking.py, caps.py, callers.py, timerules.py, calendar.py; ring-group strategies in
  strategies.py, VIP and returning callers in preferred.py, the call core's statistics
  as `AgentStats`, stats.py)
- `route_answer(...)` -> `RouteAnswer`: `route explain` as text or JSON (answer.py)
- `network_forwarding(config, at, line)` -> `ForwardingState` (forwarding.py), on
  `line_decision(config, at, line)` -> `LineDecision`: what a call gets by line and time
  alone, whoever calls (decision.py: routes by time, else the office hours)
- `classify_dialed(digits, config, final=False)` -> `Dialed` (numbers.py)
- `office_hours`, `duty_at`, `next_change` (hours.py: the weekly hours with the holiday
  calendar, ranges past midnight, holiday duty)
- `explain(plan | state | dialed | hours | pick)` -> str (explain.py)
- the plan model: `Plan`, steps, exits, `next_ring`, `check_plan` (plan.py)

See docs/routing.md.
"""

from firmware.routing.answer import RouteAnswer, route_answer
from firmware.routing.caps import LineUsage, Usage
from firmware.routing.decision import LineDecision, line_decision
from firmware.routing.explain import explain
from firmware.routing.forwarding import ForwardingState, network_forwarding
from firmware.routing.hours import DutyPick, OfficeHours, duty_at, next_change, office_hours
from firmware.routing.inbound import plan_inbound
from firmware.routing.numbers import (
    FEATURE_CODES,
    Dialed,
    DialedKind,
    Feature,
    classify_dialed,
    normalise,
)
from firmware.routing.plan import (
    DONE,
    Duty,
    Exit,
    ForwardChain,
    Hangup,
    HangupCause,
    Plan,
    PlanError,
    Preferred,
    Ring,
    RingGroup,
    RingStep,
    RuleTrial,
    Step,
    Target,
    TargetKind,
    Treatment,
    check_plan,
    next_ring,
    planned_rings,
)
from firmware.routing.stats import AgentStats, LastAnswer, SplitCounts, Turn

__all__ = [
    "DONE",
    "FEATURE_CODES",
    "AgentStats",
    "Dialed",
    "DialedKind",
    "Duty",
    "DutyPick",
    "Exit",
    "Feature",
    "ForwardChain",
    "ForwardingState",
    "Hangup",
    "HangupCause",
    "LastAnswer",
    "LineDecision",
    "LineUsage",
    "OfficeHours",
    "Plan",
    "PlanError",
    "Preferred",
    "Ring",
    "RingGroup",
    "RingStep",
    "RouteAnswer",
    "RuleTrial",
    "SplitCounts",
    "Step",
    "Target",
    "TargetKind",
    "Treatment",
    "Turn",
    "Usage",
    "check_plan",
    "classify_dialed",
    "duty_at",
    "explain",
    "line_decision",
    "network_forwarding",
    "next_change",
    "next_ring",
    "normalise",
    "office_hours",
    "plan_inbound",
    "planned_rings",
    "route_answer",
]
