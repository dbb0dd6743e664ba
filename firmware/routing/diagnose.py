"""Can the box route calls as the owner expects? Findings for the dashboard (issue 9 §1).

Pure, like the rest of routing: `diagnose(config, at, outside_lines, ...)` looks at
the config, what the box knows of its lines and ports, its agents' availability and
the instant, and returns the office's state now (open, closed, or a holiday) and a
list of findings. "Open" is the routing's own time decision (`decision.line_decision`:
the routes that name no caller, else `office_hours` with the holiday calendar), the
one `route explain` and the forwarding keeper follow, so the page always agrees with
what the box does, on holidays and adjusted working days too. A finding has a stable
`code`, `params` (strings, whole numbers, lists of strings) and a severity:

- "error": calls are refused, or nobody answers them (no answering extension, no open
  hours and nobody on duty, a route that refuses every call, no line in service);
- "warning": some calls are refused or cannot go where the config says (a one-line
  box's mobiles and forward chain, closed hours with nobody on duty, a network
  forwarding not confirmed);
- "info": what the box does now that the owner should know (the network forwards
  the line's calls to the duty person while the office is closed).

`FINDINGS` is the English catalogue (code -> template); the page has the Chinese
(web_ui/messages_diagnosis.py) and a test checks both have the same placeholders.
A call "now" is also planned with `plan_inbound` for an ordinary caller: a plan that
rings nobody is a finding of its own unless an error already says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import phonenumbers

from firmware.config.reasons import Reason, placeholders
from firmware.config.rules import Route
from firmware.config.schema import WEEKDAYS, Config
from firmware.routing.calendar import day_info
from firmware.routing.caps import Usage
from firmware.routing.decision import line_decision
from firmware.routing.forwarding import network_forwarding
from firmware.routing.hours import duty_at, local_time, next_change
from firmware.routing.inbound import plan_inbound
from firmware.routing.plan import Hangup, RingStep
from firmware.routing.stats import AgentStats

ERROR, WARNING, INFO = "error", "warning", "info"
REFUSING = ("busy", "announcement", "hangup")  # route destinations that connect nobody
# Line states that take no call: a GSM line's, and an analog line's ("no_battery": the
# exchange's battery is gone, the line is cut or unplugged; "fault": the port failed).
LINE_DOWN = ("no_sim", "pin_required", "sim_error", "not_registered", "out_of_service",
             "no_battery", "fault")
WEEK = timedelta(days=7)

FINDINGS: dict[str, str] = {
    "no_outside_line": "no outside line: the box has no GSM line and no analog line (FXO), "
                       "so no call reaches it",
    "all_lines_down": "no line takes calls now: {lines}",
    "line_down": "line {line} takes no calls now: {state}",
    "no_inbound_group": "no extension answers calls: no inbound ring group is set",
    "inbound_group_missing": "no extension answers calls: the inbound ring group {group} "
                             "does not exist",
    "inbound_group_empty": "no extension answers calls: ring group {group} has no members",
    "inbound_group_nobody": "no extension answers calls: nobody in ring group {group} can "
                            "ring now ({details})",
    "no_open_hours": "every call is refused: no open hours, and nobody is on duty",
    "never_open": "no open hours: every call goes to the duty person",
    "route_refuses_all": "every call is refused: route {route} takes every call ({action})",
    "closed_nobody": "after hours nobody takes calls from {start} to {end}: no duty person "
                     "and no forward chain",
    "needs_second_line": "mobiles, duty and the forward chain need a second line: with one "
                         "outside line the box cannot ring {details}; after hours the network "
                         "forwards calls to the duty person instead",
    "network_forwarding": "forwarded by the network to {number} ({person}) while the office "
                          "is closed, until {until}",
    "forwarding_pending": "network forwarding of {line} to {number} is not confirmed by the "
                          "network yet",
    "refused_now": "a call now rings nobody: {cause}",
}
# `{details}` of a template: its list parameters that are not empty, each said with its
# part template ({items}: the list), joined with "; " (PART_SEP); the page has the same
# in Chinese (web_ui/messages_diagnosis.py).
PARTS: dict[str, dict[str, str]] = {
    "inbound_group_nobody": {"unavailable": "unavailable: {items}",
                             "out_of_service": "out of service: {items}",
                             "mobiles": "mobiles a one-line box cannot ring: {items}"},
    "needs_second_line": {"mobiles": "mobiles ({items})",
                          "forward_chain": "the forward chain ({items})",
                          "routes": "duty or the forward chain for routes ({items})",
                          "plans": "duty or the forward chain in plans ({items})"},
}
PART_SEP, ITEM_SEP = "; ", ", "


def say(template: str, parts: Mapping[str, str], params: Mapping[str, Any], *,
        part_sep: str = PART_SEP, item_sep: str = ITEM_SEP, word: Any = None) -> str:
    """`template` with `params` in; `{details}` from `parts` (see PARTS). `word(name,
    value)` may put a parameter's words into another language."""
    def one(name: str, value: Any) -> str:
        return word(name, str(value)) if word else str(value)

    def text(name: str, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return item_sep.join(one(name, v) for v in value)
        return one(name, value)

    values = {k: text(k, v) for k, v in params.items() if k not in parts}
    if parts:
        values["details"] = part_sep.join(
            part.format(items=text(name, params[name])) for name, part in parts.items()
            if params.get(name))
    return template.format(**values)


def parameters(code: str) -> set[str]:
    """The parameters finding `code` takes: its template's, its PARTS' for `details`."""
    return (placeholders(FINDINGS[code]) - {"details"}) | set(PARTS.get(code, {}))


def finding(code: str, **params: Any) -> Reason:
    """A finding's reason: `code` with exactly its `parameters`, the English text said
    with `say`."""
    template, parts = FINDINGS[code], PARTS.get(code, {})
    wanted = parameters(code)
    if set(params) != wanted:
        raise TypeError(f"finding {code!r} takes {sorted(wanted)}, got {sorted(params)}")
    clean = {k: [str(v) for v in value] if isinstance(value, (list, tuple)) else value
             for k, value in params.items()}
    return Reason(code, clean, say(template, parts, clean))

# A plan's hangup cause, as the `cause` parameter of "refused_now" (a word the page
# translates).
CAUSE_WORDS = {
    "closed": "closed, and nobody takes calls after hours",
    "no_route": "nobody to ring",
    "cap_reached": "a monthly cap of the line is reached",
    "route": "a route refuses it",
    "nobody_answered": "nobody to ring",
}


@dataclass(frozen=True)
class Finding:
    severity: str
    reason: Reason  # its code, params and English text

    @property
    def code(self) -> str:
        return self.reason.code

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity,
                "params": self.reason.as_dict()["params"], "text": self.reason.text}


@dataclass(frozen=True)
class OfficeNow:
    """The office now: `state` "open", "closed" or "holiday" (closed on a holiday)."""

    state: str
    date: str  # today in the box's zone, ISO
    open: bool
    holiday: str | None  # the holiday's name when today is one
    adjusted_workday: bool
    reason: str  # the routing's own words (English)
    until: datetime | None  # when open/closed next changes (aware; None: never)

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "date": self.date, "open": self.open, "holiday": self.holiday,
                "adjusted_workday": self.adjusted_workday, "reason": self.reason,
                "until": self.until.isoformat() if self.until else None}


@dataclass(frozen=True)
class Diagnosis:
    office: OfficeNow
    findings: tuple[Finding, ...]
    outside_lines: int

    @property
    def ok(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "office": self.office.as_dict(),
                "outside_lines": self.outside_lines,
                "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class BoxState:
    """What the running box knows, beside the config (all optional: a box not running)."""

    outside_lines: int
    lines: Mapping[str, str] = field(default_factory=dict)  # outside line -> state
    ports: Mapping[str, str] = field(default_factory=dict)  # analog port -> state
    unavailable: frozenset[str] = frozenset()  # agents unavailable by choice
    forwarding: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    usage: Usage | None = None


def analog_line_state(line: Mapping[str, Any]) -> str:
    """An analog line's state for the findings, from its status entry ({"state",
    "battery", ...}): "no_battery" when the exchange's battery is gone (a cut line takes
    no call, whatever else it says), else its state ("idle", "ringing", "in_use", "fault")."""
    if line.get("battery") is False:
        return "no_battery"
    return str(line.get("state"))


def office_now(config: Config, at: datetime) -> OfficeNow:
    """Open, closed or a holiday at `at`, by the routing's own time decision: "open"
    when a call then rings the office; "holiday" when it does not and the office hours
    are closed for a holiday. `holiday` and `adjusted_workday` say what the calendar
    says of today (a holiday may be open when a route or the owner's switch says so)."""
    decision = line_decision(config, at)
    local = decision.hours.local
    info = day_info(local.date(), config.settings.holiday_calendar, config.calendar)
    state = "open" if decision.open else "holiday" if decision.hours.holiday else "closed"
    until = next_change(config, at, lambda t: _open(config, t))
    return OfficeNow(state, local.date().isoformat(), decision.open, info.holiday,
                     info.adjusted_workday, decision.reason, until and local_time(config, until))


def _open(config: Config, at: datetime) -> bool:
    """Calls ring the office at `at` (what "open" means to the owner and the box)."""
    return line_decision(config, at).open


def diagnose(config: Config, at: datetime, box: BoxState) -> Diagnosis:
    """The office now and every finding, errors first."""
    found: list[Finding] = []
    found += _lines(config, box)
    found += _answering(config, box)
    found += _hours(config, at, box)
    found += _second_line(config, box)
    found += _forwarding(config, at, box)
    gap_now = any(f.code == "closed_nobody" for f in found) and not _open(config, at)
    if not gap_now and not any(f.severity == ERROR for f in found):
        found += _probe(config, at, box)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    found.sort(key=lambda f: order[f.severity])
    return Diagnosis(office_now(config, at), tuple(found), box.outside_lines)


# --- lines ---------------------------------------------------------------------------


def _lines(config: Config, box: BoxState) -> list[Finding]:
    if box.outside_lines < 1:
        return [Finding(ERROR, finding("no_outside_line"))]
    down = {name: state for name, state in sorted(box.lines.items()) if state in LINE_DOWN}
    if box.lines and len(down) == len(box.lines):
        return [Finding(ERROR, finding("all_lines_down", lines=list(down)))]
    return [Finding(WARNING, finding("line_down", line=name, state=state))
            for name, state in down.items()]


# --- who answers in open hours ----------------------------------------------------------


def catch_all(route: Route) -> bool:
    """A route every call matches (any line, any caller, any time)."""
    return not route.lines and route.callers.empty and route.when is None \
        and route.unless is None


def _answering(config: Config, box: BoxState) -> list[Finding]:
    """The ring group that answers in open hours: the inbound one, unless a route
    before the default takes every call."""
    first = next((r for r in config.routes if catch_all(r)), None)
    if first is not None:
        action = _refusal(config, first.to)
        if action is not None:
            return [Finding(ERROR, finding("route_refuses_all", route=first.name,
                                           action=action))]
        if first.to.startswith("ring_group:"):
            return _group(config, first.to.partition(":")[2], box)
        if first.to != "default":
            return []
    if not _has_open_hours(config):
        return []  # "no open hours" says it
    name = config.inbound.ring_group
    if name is None:
        return [Finding(ERROR, finding("no_inbound_group"))]
    return _group(config, name, box)


def _refusal(config: Config, to: str) -> str | None:
    """"busy", "announcement" or "hangup" when destination `to` (a route's) connects
    nobody: one of those, or a plan whose first step is one."""
    if to in REFUSING:
        return to
    plan = config.plan(to.partition(":")[2]) if to.startswith("plan:") else None
    if plan is not None and plan.steps and plan.steps[0].do in REFUSING:
        return plan.steps[0].do
    return None


def _group(config: Config, name: str, box: BoxState) -> list[Finding]:
    group = config.ring_group(name)
    if group is None:
        return [Finding(ERROR, finding("inbound_group_missing", group=name))]
    agents = list(_agents_of(config, name, set()))
    if not agents:
        return [Finding(ERROR, finding("inbound_group_empty", group=name))]
    unavailable, down, mobiles = [], [], []
    for agent in agents:
        why = _cannot_ring(config, agent, box)
        if why is None:
            return []
        {"unavailable": unavailable, "down": down, "mobile": mobiles}[why].append(agent)
    return [Finding(ERROR, finding("inbound_group_nobody", group=name, unavailable=unavailable,
                                   out_of_service=down, mobiles=mobiles))]


def _agents_of(config: Config, name: str, seen: set[str]) -> Iterable[str]:
    """Every agent of ring group `name`, nested groups opened, each once."""
    group = config.ring_group(name)
    if group is None or name in seen:
        return
    seen.add(name)
    for member in group.members:
        if member.group is not None:
            yield from _agents_of(config, member.group, seen)
        elif member.target and member.target not in seen:
            seen.add(member.target)
            yield member.target


def _cannot_ring(config: Config, agent: str, box: BoxState) -> str | None:
    """Why `agent` cannot ring now ("unavailable", "down", "mobile"), None if it can."""
    if agent in box.unavailable:
        return "unavailable"
    extension = config.extension(agent)
    if extension is not None:
        if box.ports and box.ports.get(extension.port, "fault") == "fault":
            return "down"
        return None
    if config.bound_number(agent) is not None and box.outside_lines < 2:
        return "mobile"
    return None if config.bound_number(agent) is not None else "down"


def _has_open_hours(config: Config) -> bool:
    return any(config.schedule.day(day) for day in WEEKDAYS)


# --- open hours and duty -------------------------------------------------------------------


def _hours(config: Config, at: datetime, box: BoxState) -> list[Finding]:
    chain = bool(config.forward_chain) and box.outside_lines >= 2
    if not _has_open_hours(config):
        if _anyone_on_duty(config) or chain:
            return [Finding(WARNING, finding("never_open"))]
        if _routes_pass_on(config):
            return []
        return [Finding(ERROR, finding("no_open_hours"))]
    if chain:
        return []
    gap = _first_gap(config, at)
    if gap is None:
        return []
    start, end = gap
    return [Finding(WARNING, finding("closed_nobody", start=_when(config, start),
                                     end=_when(config, end) if end else "-"))]


def _anyone_on_duty(config: Config) -> bool:
    roster = config.duty_roster
    return roster.default is not None or bool(roster.entries)


def _routes_pass_on(config: Config) -> bool:
    """A route for every caller on every line (at some time, maybe) that connects calls
    somewhere: not the default, not a refusal."""
    return any(r.to not in (*REFUSING, "default") and not r.lines and r.callers.empty
               for r in config.routes)


def _first_gap(config: Config, at: datetime) -> tuple[datetime, datetime | None] | None:
    """The first stretch of the coming week when the office is closed and nobody is on
    duty: (start, end; None: not within the week)."""
    def key(t: datetime) -> tuple[bool, str | None]:
        duty = duty_at(config, t)
        return _open(config, t), duty.person.id if duty.person else None

    t, start = at, None
    while t < at + WEEK:
        is_open, person = key(t)
        gap = not is_open and person is None
        if gap and start is None:
            start = t
        elif not gap and start is not None:
            return start, t
        nxt = next_change(config, t, key)
        if nxt is None:
            break
        t = nxt
    return (start, None) if start is not None else None


def _when(config: Config, at: datetime) -> str:
    local = local_time(config, at)
    return f"{WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


# --- a one-line box -----------------------------------------------------------------------------


def _second_line(config: Config, box: BoxState) -> list[Finding]:
    if box.outside_lines != 1:
        return []
    mobiles = sorted({a for g in config.ring_groups for a in _agents_of(config, g.name, set())
                      if config.bound_number(a) is not None}
                     | {t for t in config.vip.targets if config.bound_number(t) is not None}
                     | {d.agent for d in config.designated
                        if config.bound_number(d.agent) is not None})
    mobiles = [_name(config, a) for a in mobiles]
    routes = [r.name for r in config.routes if r.to in ("duty", "forward_chain")]
    plans = [p.name for p in config.plans
             if any(s.do in ("duty", "forward_chain") for s in p.steps)]
    chain = [_name(config, t) for t in config.forward_chain]
    if not (mobiles or routes or plans or chain):
        return []
    return [Finding(WARNING, finding("needs_second_line", mobiles=mobiles, forward_chain=chain,
                                     routes=routes, plans=plans))]


def _forwarding(config: Config, at: datetime, box: BoxState) -> list[Finding]:
    if box.outside_lines != 1:
        return []
    state = network_forwarding(config, at)
    if not state.enabled:
        return []
    person = config.bound_number(state.person or "")
    opens = next_change(config, at, lambda t: _open(config, t))
    until = _when(config, opens) if opens else "-"
    out = [Finding(INFO, finding("network_forwarding", number=state.number or "",
                                 person=person.name if person else state.person or "",
                                 until=until))]
    for line, kept in sorted(box.forwarding.items()):
        if kept.get("wanted") and not kept.get("in_step"):
            out.append(Finding(WARNING, finding("forwarding_pending", line=line,
                                                number=str(kept["wanted"]))))
    return out


def _name(config: Config, agent: str) -> str:
    """A bound number by its name (the page's word for the person), else as written."""
    bound = config.bound_number(agent)
    return bound.name if bound is not None else agent


# --- a call now ----------------------------------------------------------------------------


def _probe(config: Config, at: datetime, box: BoxState) -> list[Finding]:
    """Plan a call from an ordinary caller now; one that rings nobody is a finding
    (unless the network forwards the line's calls now: then no call reaches the box)."""
    if box.outside_lines == 1 and network_forwarding(config, at).enabled:
        return []
    names = config.lines.outside_names()
    line = names[0] if names else "gsm0"
    plan = plan_inbound(config, line, probe_caller(config.settings.country), at,
                        box.outside_lines, stats=AgentStats(unavailable=box.unavailable),
                        usage=box.usage)
    if plan.blocked or any(isinstance(step, RingStep) and step.targets for step in plan):
        return []  # (blocking is by caller: the owner's choice, not a fault)
    end = next((s for s in plan if isinstance(s, Hangup)), None)
    cause = end.cause.value if end is not None else "no_route"
    severity = ERROR if _open(config, at) else WARNING
    return [Finding(severity, finding("refused_now", cause=CAUSE_WORDS.get(cause, cause)))]


def probe_caller(country: str) -> str | None:
    """An ordinary mobile caller of `country` (phonenumbers' example number)."""
    number = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
