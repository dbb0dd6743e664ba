"""What a call on a line gets at an instant by the time alone, whoever calls.

The mobile network forwards a single-line box's calls (AT+CCFC, forwarding.py) without
asking who calls, so it can only follow what the routes decide by line and time. This
is the part of `plan_inbound` that does not depend on the caller, taken through the
same functions: the routes in order (`routes.match_route`: line, `when`, `unless`),
skipping those that name callers, and when none matches the office hours
(`hours.office_hours`, with the calendar), as `default_plan` does. `route explain`,
"test a call", the dashboard's "open now" and the forwarding keeper all read it, so
they say what the box then does:

- `office`: the call rings the office (a ring group, desk phones): forwarding off;
- `duty`: the duty person takes it (closed, or a route to duty);
- `forward_chain`: a route sends it to the forward chain;
- `refuse`: a route ends it (busy, announcement, hang up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from firmware.config.schema import Config
from firmware.routing.callers import caller_info
from firmware.routing.context import LINES_TO_BRIDGE, CallContext
from firmware.routing.hours import OfficeHours, office_hours

OFFICE, DUTY, FORWARD_CHAIN, REFUSE = "office", "duty", "forward_chain", "refuse"
_ENDINGS = ("busy", "announcement", "hangup")


@dataclass(frozen=True)
class LineDecision:
    """`kind` (OFFICE, DUTY, FORWARD_CHAIN, REFUSE); `route`: the route that decided
    ("" when none matched: the office hours did); `hours`: the office hours then."""

    kind: str
    route: str
    reason: str
    hours: OfficeHours

    @property
    def open(self) -> bool:
        """Calls ring the office now (what "open" means to the owner)."""
        return self.kind == OFFICE


def line_decision(config: Config, at: datetime, line: str | None = None) -> LineDecision:
    """What a call on `line` (None: any line) at `at` gets, for any caller."""
    from firmware.routing.routes import match_route  # routes builds on inbound, on us

    hours = office_hours(config, at)
    ctx = CallContext(config, line or "", None, at, LINES_TO_BRIDGE)
    info = caller_info(config, None)
    for route in config.routes:
        if not route.callers.empty or (line is None and route.lines):
            continue  # about some callers (or lines) only: the network cannot tell
        ok, why = match_route(route, ctx, info)
        if ok:
            kind = _destination_kind(config, route.to, hours)
            return LineDecision(kind, route.name, f"route {route.name} ({why}): "
                                f"{_KIND_TEXT[kind]}", hours)
    kind = OFFICE if hours.open else DUTY
    return LineDecision(kind, "", f"{hours.reason}: {_KIND_TEXT[kind]}", hours)


def _destination_kind(config: Config, to: str, hours: OfficeHours) -> str:
    kind, _, name = to.partition(":")
    if kind == "default":
        return OFFICE if hours.open else DUTY
    if kind == "plan":
        plan = config.plan(name)
        if plan is None or not plan.steps:  # a validated config cannot get here
            return REFUSE
        return _destination_kind(config, plan.steps[0].do, hours)
    if kind in _ENDINGS:
        return REFUSE
    # a plan that starts with a keypad step (menu, PIN, verify) is answered by the box
    return {"ring_group": OFFICE, "duty": DUTY, "forward_chain": FORWARD_CHAIN,
            "menu": OFFICE, "pin": OFFICE, "verify": OFFICE, "greeting": OFFICE,
            "voicemail": OFFICE, "sms_caller": OFFICE, "queue": OFFICE}[kind]


_KIND_TEXT = {OFFICE: "calls ring the office", DUTY: "calls go to the duty person",
              FORWARD_CHAIN: "calls go to the forward chain",
              REFUSE: "calls are refused by the route"}
