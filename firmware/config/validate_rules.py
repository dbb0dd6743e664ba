"""Checks of the version-2 sections (rules.py): time rules, routes, plans, blocking, caps.

validate.py imports this module at its end; it adds its field, item and object
checks to validate's tables and `cross_check` runs at the end of validate's pass 3.
Numbers in rules are stored as E.164 (exact) or E.164 prefixes ("+86135*"), read
in `settings.country` the way bound numbers are: "135*" and "0571*" become
"+86135*" and "+86571*". Plans are checked as graphs (graph.py): an exit naming no
step, a step nothing leads to, a loop with no way out, and a loop of "unavailable"
exits (round forever once everyone has rung) are refused with the steps named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import phonenumbers

from firmware.config import graph, validate_ivr, validate_queue
from firmware.config import plan_exits as pe
from firmware.config import rules as r
from firmware.config import schema as s
from firmware.config import validate as v
from firmware.config.greeting_rules import GREETING_EXITS
from firmware.config.ivr_rules import KEYPAD_EXITS, KEYPAD_STEPS, RING_STEP_EXITS
from firmware.config.reasons import BadValue, reason
from firmware.region import province_name

ALL_KEYPAD_EXITS = tuple(dict.fromkeys(e for names in KEYPAD_EXITS.values() for e in names
                                      if e not in RING_STEP_EXITS))
PREFIX_RE = re.compile(r"\+?\d{1,15}\*", re.ASCII)


def _holiday_calendar(value: str, ctx: v._Ctx) -> str:
    if value not in ("CN", "none"):
        raise v._Bad("not_holiday_calendar", value=value)
    return value


def number_or_prefix(value: str, country: str) -> str:
    """An E.164 number, or an E.164 prefix ending in "*"; BadValue (a ValueError) says
    why not."""
    text = re.sub(r"[\s-]", "", value)
    if not text.endswith("*"):
        return v.phone_number(value, country)
    if not PREFIX_RE.fullmatch(text):
        raise BadValue("not_number_prefix", value=value)
    if text.startswith("+"):
        return text
    code = phonenumbers.country_code_for_region(country)
    trunk = phonenumbers.PhoneMetadata.metadata_for_region(country).national_prefix or ""
    digits = text[len(trunk):] if trunk and text.startswith(trunk) else text
    return f"+{code}{digits}"


def _number_item(value: str, ctx: v._Ctx) -> str:
    try:
        return number_or_prefix(value, ctx.country)
    except BadValue as exc:
        raise v._Bad(exc.reason) from None


def _province(value: str, ctx: v._Ctx) -> str:
    full = province_name(value)
    if full is None:
        raise v._Bad("not_province", value=value)
    return full


def _area_code(value: str, ctx: v._Ctx) -> str:
    if not re.fullmatch(r"0?\d{2,4}", value.strip(), re.ASCII):
        raise v._Bad("not_area_code", value=value)
    return value.strip().removeprefix("0")


def _date(value: str, ctx: v._Ctx) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise v._Bad("not_date", value=value) from None


def _destination(value: str, ctx: v._Ctx) -> str:
    if value in r.SIMPLE_DESTINATIONS or re.fullmatch(r"(ring_group|plan):.+", value):
        return value
    raise v._Bad("not_destination", value=value, choices=list(r.SIMPLE_DESTINATIONS))


def _step_action(value: str, ctx: v._Ctx) -> str:
    if value in r.STEP_ACTIONS or value.startswith("ring_group:"):
        return value
    raise v._Bad("not_step", value=value, choices=list(r.STEP_ACTIONS))


def _steps(steps: tuple, ctx: v._Ctx) -> tuple:
    if not steps:
        raise v._Bad("no_steps")
    return v._unique(lambda step: step.id, "step id")(steps, ctx)


def _limits(limits: tuple, ctx: v._Ctx) -> tuple:
    if not limits:
        raise v._Bad("no_limits")
    return v._unique(lambda limit: limit.counter, "counter")(limits, ctx)


def _time_rule_name(value: str, ctx: v._Ctx) -> str:
    value = v._matches(v.ID_RE, "not_name")(value, ctx)
    if value == r.BUILTIN_TIME:
        raise v._Bad("builtin_time_name", name=r.BUILTIN_TIME)
    return value


def _no_overlap(ranges: tuple, ctx: v._Ctx) -> tuple:
    """Ranges that start on one day must not overlap (a range past midnight counts
    on to the next day's minutes)."""
    spans = sorted((c.start, c.start + c.length, i) for i, c in enumerate(ranges)
                   if c is not v.INVALID)
    latest: tuple[int, int] | None = None  # (end, index) of the range reaching furthest
    for start, end, i in spans:
        if latest is not None and start < latest[0]:
            ctx.flag(f"[{i}]", reason("overlaps", range=str(ranges[i]),
                                      other=str(ranges[latest[1]])))
        if latest is None or end > latest[0]:
            latest = (end, i)
    return ranges


def _caller_match(match: r.CallerMatch, path: str, ctx: v._Ctx) -> None:
    if match.withheld is True and not match.empty and (match.numbers or match.provinces or
                                                       match.cities or match.area_codes or
                                                       match.carriers):
        ctx.add(path, reason("withheld_and_number"))


def _plan(plan: r.PlanConfig, path: str, ctx: v._Ctx) -> None:
    steps = [step for step in plan.steps if step is not v.INVALID]
    ids = {step.id for step in steps}
    for i, step in enumerate(plan.steps):
        if step is v.INVALID or step.on is v.INVALID or step.do is v.INVALID:
            continue
        _step_exit_names(step, f"{path}.steps[{i}]", plan.name, ids, ctx)
        validate_ivr.step_targets(step, f"{path}.steps[{i}]", plan.name, ids, ctx)
    if len(steps) != len(plan.steps) or any(_unbuilt(step) for step in steps):
        return
    every = {step.id: [t for _e, t in pe.step_exits(plan, i)] for i, step in enumerate(steps)}
    unreachable = [step.id for step in steps if step.id not in graph.reachable(steps[0].id,
                                                                               every)]
    if unreachable:
        ctx.add(f"{path}.steps", reason("steps_unreachable", steps=unreachable))
    edges = plan_edges(plan)
    stuck = graph.exitless_loop(edges)
    if stuck:
        ctx.add(f"{path}.steps", reason("steps_loop", steps=stuck))
        return
    cycle = graph.find_cycle({n: [t for e, t in _exits(plan, n) if e == "unavailable"]
                              for n in edges})
    if cycle:
        ctx.add(f"{path}.steps", reason("unavailable_loop", cycle=" -> ".join(cycle)))
        return
    cycle = graph.find_cycle(_idle_edges(plan))
    if cycle:
        ctx.add(f"{path}.steps", reason("idle_loop", cycle=" -> ".join(cycle)))


def _unbuilt(step: r.PlanStep) -> bool:
    """A step with a part an earlier check refused (anywhere in it: an id, an exit, a
    menu's choice), or a keypad step without its settings: its exits are not known."""
    if _has_invalid(step):
        return True
    kind = pe.kind_of(step)
    return kind in KEYPAD_STEPS and getattr(step, kind) is None


def _has_invalid(value: Any) -> bool:
    if value is v.INVALID:
        return True
    if isinstance(value, tuple):
        return any(_has_invalid(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_has_invalid(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def _step_exit_names(step: r.PlanStep, path: str, plan: str, ids: set[str],
                     ctx: v._Ctx) -> None:
    """`on` names only the exits of the step's kind, and only steps of the plan."""
    allowed = pe.allowed_exits(step)
    named = {e: getattr(step.on, e)
             for e in (*RING_STEP_EXITS, *ALL_KEYPAD_EXITS, *GREETING_EXITS)}
    if _terminal(step) and any(named.values()):
        ctx.add(f"{path}.on", reason("step_has_no_exits", action=step.do))
        return
    for exit, target in named.items():
        if target is None or target is v.INVALID:
            continue
        if exit not in allowed:
            ctx.add(f"{path}.on.{exit}", reason("exit_not_of_step", exit=exit, action=step.do,
                                                exits=list(allowed)))
        elif target not in ids:
            ctx.add(f"{path}.on.{exit}", reason("no_such_step", step=target, plan=plan))


def _terminal(step: r.PlanStep) -> bool:
    return pe.terminal(step)


END = pe.END


def _exits(plan: r.PlanConfig, step_id: str) -> list[tuple[str, str]]:
    """(exit, next step id or END) of a step that is not an ending, fall-through filled
    in (a failed PIN or verification ends the call too: END)."""
    index = next(i for i, step in enumerate(plan.steps) if step.id == step_id)
    return [(e, END if t == pe.REFUSED else t) for e, t in pe.step_exits(plan, index)]


def plan_edges(plan: r.PlanConfig) -> dict[str, list[str]]:
    """The graph of a plan's steps that are not endings: each exit but `answered` to
    the next step. Terminal steps (busy, announcement, hangup) and END are ends, not
    nodes."""
    terminal = {step.id for step in plan.steps if _terminal(step)}
    return {step.id: [END if t in terminal else t for _e, t in _exits(plan, step.id)]
            for step in plan.steps if not _terminal(step)}


def _idle_edges(plan: r.PlanConfig) -> dict[str, list[str]]:
    """The edges a call follows with a silent caller and nobody left to ring: a ring
    step's `unavailable`, a menu's timeout, a PIN or verification step's exits. A
    loop of these would go round forever (plan_exits.py `caller_moves`)."""
    terminal = {step.id for step in plan.steps if _terminal(step)}
    out: dict[str, list[str]] = {}
    for step in plan.steps:
        if _terminal(step):
            continue
        keypad = pe.answers(step)
        out[step.id] = [END if t in terminal else t for e, t in _exits(plan, step.id)
                        if (keypad and not pe.caller_moves(step, e))
                        or (not keypad and e == "unavailable")]
    return out


def _line_caps(caps: r.LineCaps, path: str, ctx: v._Ctx) -> None:
    if not caps.notify:
        return
    if len(set(caps.notify)) != len(caps.notify):
        ctx.add(f"{path}.notify", reason("listed_twice"))


def _notify_item(value: str, ctx: v._Ctx) -> str:
    return value if v.ID_RE.fullmatch(value) else v._phone(value, ctx)


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (s.Settings, "holiday_calendar"): _holiday_calendar,
    (r.TimeRule, "name"): _time_rule_name,
    (r.TimeRule, "adjusted_workday_hours"): v._weekday,
    (r.TimeRule, "dates"): v._unique(lambda d: d.date, "date"),
    **{(r.WeekHours, day): _no_overlap for day in s.WEEKDAYS},
    (r.DateHours, "date"): _date,
    (r.DateHours, "hours"): _no_overlap,
    (r.CallerMatch, "carriers"): v._unique(lambda c: c, "carrier"),
    (r.Route, "name"): v._text(64),
    (r.Route, "to"): _destination,
    (r.PlanConfig, "name"): v._matches(v.ID_RE, "not_name"),
    (r.PlanConfig, "steps"): _steps,
    (r.PlanStep, "id"): v._matches(v.ID_RE, "not_step_id"),
    (r.PlanStep, "do"): _step_action,
    (r.LineCaps, "limits"): _limits,
    (r.CapLimit, "max"): v._within(1, 1_000_000),
    (s.Config, "time_rules"): v._unique(lambda t: t.name, "time rule"),
    (s.Config, "routes"): v._unique(lambda t: t.name, "route"),
    (s.Config, "plans"): v._unique(lambda p: p.name, "plan"),
    (s.Config, "caps"): v._unique(lambda c: c.line, "line"),
}
ITEM_CHECKS: dict[tuple[type, str], Any] = {
    (r.CallerMatch, "numbers"): _number_item,
    (r.CallerMatch, "provinces"): _province,
    (r.CallerMatch, "cities"): v._text(32),
    (r.CallerMatch, "area_codes"): _area_code,
    (r.CallerMatch, "carriers"): v._text(32),
    (r.Blocking, "blacklist"): _number_item,
    (r.Blocking, "whitelist"): _number_item,
    (r.Route, "lines"): v._text(32),
    (r.LineCaps, "notify"): _notify_item,
}
OBJECT_CHECKS: dict[type, Any] = {
    r.CallerMatch: _caller_match,
    r.PlanConfig: _plan,
    r.LineCaps: _line_caps,
}

# The keypad steps (menu, pin, verify) have their own tables (validate_ivr.py).
FIELD_CHECKS.update(validate_ivr.FIELD_CHECKS)
ITEM_CHECKS.update(validate_ivr.ITEM_CHECKS)
OBJECT_CHECKS.update(validate_ivr.OBJECT_CHECKS)
FIELD_CHECKS.update(validate_queue.FIELD_CHECKS)  # the queue step (validate_queue.py)
OBJECT_CHECKS.update(validate_queue.OBJECT_CHECKS)


# --- pass 3: references ---------------------------------------------------------------


def cross_check(config: s.Config, refs: Any, ctx: v._Ctx) -> None:
    """Lines, ring groups, time rules, plans and bound numbers that rules name must exist."""
    lines = _outside(config) | \
        {p.name for _, p in v._valid(v._part(config, "lines", "fxs"), "name")}
    rule_names = {t.name for _, t in v._valid(config.time_rules, "name")} | {r.BUILTIN_TIME}
    plans = {p.name for _, p in v._valid(config.plans, "name")}
    for i, route in v._valid(config.routes, "to"):
        path = f"routes[{i}]"
        _destination_ref(route.to, f"{path}.to", refs, plans, ctx)
        for j, line in v._valid(route.lines):
            if line not in lines:
                ctx.add(f"{path}.lines[{j}]", reason("no_line", line=line, known=sorted(lines)))
        for key in ("when", "unless"):
            name = getattr(route, key)
            if name not in (None, v.INVALID) and name not in rule_names:
                ctx.add(f"{path}.{key}",
                        reason("no_time_rule", name=name, builtin=r.BUILTIN_TIME))
    for i, plan in v._valid(config.plans, "steps"):
        for j, step in v._valid(plan.steps, "do"):
            _destination_ref(step.do, f"plans[{i}].steps[{j}].do", refs, plans, ctx)
    validate_queue.cross_check(config, refs, ctx)
    outside = _outside(config)
    for i, caps in v._valid(config.caps, "line"):
        if caps.line not in outside:
            ctx.add(f"caps[{i}].line", reason("no_outside_line_named", line=caps.line,
                                              known=", ".join(sorted(outside)) or "none"))
        for j, who in v._valid(caps.notify if caps.notify is not v.INVALID else ()):
            if v.ID_RE.fullmatch(who):
                refs.bound(who, f"caps[{i}].notify[{j}]", ctx)


def _destination_ref(value: str, path: str, refs: Any, plans: set[str], ctx: v._Ctx) -> None:
    kind, _, name = value.partition(":")
    if kind == "ring_group" and refs.groups is not None and name not in refs.groups:
        ctx.add(path, reason("unknown_ring_group", name=name))
    elif kind == "plan" and name not in plans:
        ctx.add(path, reason("unknown_plan", name=name))


def _outside(config: s.Config) -> set[str]:
    """The names of the config's outside lines, whatever their kind (GSM, analog)."""
    return {line.name for kind in ("gsm", "fxo")
            for _, line in v._valid(v._part(config, "lines", kind), "name")}
