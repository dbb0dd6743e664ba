"""Checks of the keypad steps of a plan (ivr_rules.py: menu, pin, verify).

validate_rules.py merges these tables into validate's; its plan check calls
`step_targets` for the steps a menu's choices and a verification step's own exits
name. Every refusal is a catalogue reason (reasons.py) at the field's path.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from firmware.config import ivr_rules as i
from firmware.config import rules as r
from firmware.config import validate as v
from firmware.config.greeting_rules import GREETING, GreetingSpec
from firmware.config.reasons import reason

PROMPT_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}", re.ASCII)
MAX_PIN_DIGITS = 16
MAX_VERIFY_DIGITS = 32
FIXED_VERIFY_EXITS = ("ok", "failed")


def _prompt(value: str, ctx: v._Ctx) -> str:
    if not PROMPT_RE.fullmatch(value):
        raise v._Bad("not_prompt_name", value=value)
    return value


def _digit(value: str, ctx: v._Ctx) -> str:
    if len(value) != 1 or value not in i.MENU_DIGITS:
        raise v._Bad("not_menu_digit", value=value)
    return value


def _pin(value: str, ctx: v._Ctx) -> str:
    if not re.fullmatch(rf"\d{{1,{MAX_PIN_DIGITS}}}", value, re.ASCII):
        raise v._Bad("not_pin", value="*" * min(len(value), MAX_PIN_DIGITS) or '""',
                     max=MAX_PIN_DIGITS)
    return value


def _account(value: str, ctx: v._Ctx) -> str:
    if not re.fullmatch(rf"\d{{1,{MAX_VERIFY_DIGITS}}}", value, re.ASCII):
        raise v._Bad("not_digits", value=value, low=1, high=MAX_VERIFY_DIGITS)
    return value


def _url(value: str, ctx: v._Ctx) -> str:
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        raise v._Bad("not_hook_url", value=value) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(value) > 500:
        raise v._Bad("not_hook_url", value=value)
    return value


def _exit_name(value: str, ctx: v._Ctx) -> str:
    value = v._matches(v.ID_RE, "not_name")(value, ctx)
    if value in FIXED_VERIFY_EXITS:
        raise v._Bad("exit_name_taken", name=value)
    return value


def _once(attr: str, code: str, param: str) -> Any:
    """A list check: an item whose `attr` repeats an earlier one's is refused (`code`)."""
    def check(items: tuple, ctx: v._Ctx) -> tuple:
        seen: dict[str, int] = {}
        out = list(items)
        for j, item in enumerate(items):
            key = getattr(item, attr) if item is not v.INVALID else v.INVALID
            if key is v.INVALID:
                continue
            if key in seen:
                ctx.flag(f"[{j}]", reason(code, **{param: key, "first": seen[key]}))
                out[j] = v.INVALID
            else:
                seen[key] = j
        return tuple(out)

    return check


def _plan_step(step: r.PlanStep, path: str, ctx: v._Ctx) -> None:
    """A keypad step has its settings; no other step has any (a voicemail step: its
    own module)."""
    from firmware.config.validate_voicemail import _plan_step as voicemail_step

    voicemail_step(step, path, ctx)
    kind = step.do.partition(":")[0]
    for field in i.KEYPAD_STEPS:
        spec = getattr(step, field)
        if kind == field and spec is None:
            ctx.add(f"{path}.{field}", reason("step_needs", action=step.do, field=field))
        elif kind != field and spec is not None:
            ctx.add(f"{path}.{field}", reason("step_setting_unused", field=field,
                                              action=step.do))
    if step.greeting is not None and kind != GREETING:  # optional on a greeting step
        ctx.add(f"{path}.greeting", reason("step_setting_unused", field=GREETING,
                                           action=step.do))


def _pin_spec(spec: i.PinSpec, path: str, ctx: v._Ctx) -> None:
    if not spec.pins and not spec.callers:
        ctx.add(f"{path}.pins", reason("pin_needs_source"))
    for j, pin in enumerate(spec.pins):
        if pin is not v.INVALID and len(pin) > spec.max_digits:
            ctx.add(f"{path}.pins[{j}]", reason("not_pin", value="*" * len(pin),
                                                max=spec.max_digits))
    for j, entry in enumerate(spec.callers):
        if entry is not v.INVALID and entry.pin is not v.INVALID \
                and len(entry.pin) > spec.max_digits:
            ctx.add(f"{path}.callers[{j}].pin", reason("not_pin", value="*" * len(entry.pin),
                                                       max=spec.max_digits))


def _verify_spec(spec: i.VerifySpec, path: str, ctx: v._Ctx) -> None:
    if not spec.numbers and spec.hook is None:
        ctx.add(f"{path}.numbers", reason("verify_needs_source"))
    if spec.min_digits > spec.max_digits:
        ctx.add(f"{path}.min_digits", reason("min_over_max", min=spec.min_digits,
                                             max=spec.max_digits))
    for j, number in enumerate(spec.numbers):
        if number is not v.INVALID and not spec.min_digits <= len(number) <= spec.max_digits:
            ctx.add(f"{path}.numbers[{j}]", reason("not_digits", value=number,
                                                   low=spec.min_digits, high=spec.max_digits))
    if spec.hook is not None and spec.hook.when_down is not v.INVALID:
        exits = [*FIXED_VERIFY_EXITS, *(x.name for x in spec.exits
                                        if x is not v.INVALID and x.name is not v.INVALID)]
        if spec.hook.when_down not in exits:
            ctx.add(f"{path}.hook.when_down", reason("not_step_exit",
                                                     value=spec.hook.when_down, exits=exits))


def step_targets(step: r.PlanStep, path: str, plan: str, ids: set[str], ctx: v._Ctx) -> None:
    """A menu's choices and a verification step's own exits name steps of the plan."""
    named: list[tuple[str, Any]] = []
    if step.menu not in (None, v.INVALID) and step.menu.choices is not v.INVALID:
        named = [(f"{path}.menu.choices[{j}].to", c.to) for j, c in enumerate(step.menu.choices)
                 if c is not v.INVALID]
    if step.verify not in (None, v.INVALID) and step.verify.exits is not v.INVALID:
        named = [(f"{path}.verify.exits[{j}].to", x.to) for j, x in enumerate(step.verify.exits)
                 if x is not v.INVALID]
    for where, target in named:
        if target is not v.INVALID and target not in ids:
            ctx.add(where, reason("no_such_step", step=target, plan=plan))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (i.MenuSpec, "prompt"): _prompt,
    (GreetingSpec, "prompt"): _prompt,
    (i.MenuSpec, "invalid_prompt"): _prompt,
    (i.MenuSpec, "timeout_prompt"): _prompt,
    (i.MenuSpec, "choices"): _once("digit", "key_repeats", "key"),
    (i.MenuSpec, "timeout_s"): v._within(1, 60),
    (i.MenuSpec, "max_tries"): v._within(1, 10),
    (i.MenuChoice, "digit"): _digit,
    (i.MenuChoice, "to"): v._matches(v.ID_RE, "not_step_id"),
    (i.PinSpec, "prompt"): _prompt,
    (i.PinSpec, "wrong_prompt"): _prompt,
    (i.PinSpec, "failed_prompt"): _prompt,
    (i.PinSpec, "max_digits"): v._within(1, MAX_PIN_DIGITS),
    (i.PinSpec, "tries"): v._within(1, 10),
    (i.PinSpec, "timeout_s"): v._within(1, 60),
    (i.PinSpec, "callers"): v._unique(lambda c: c.caller, "caller"),
    (i.CallerPin, "caller"): v._phone,
    (i.CallerPin, "pin"): _pin,
    (i.VerifySpec, "prompt"): _prompt,
    (i.VerifySpec, "wrong_prompt"): _prompt,
    (i.VerifySpec, "failed_prompt"): _prompt,
    (i.VerifySpec, "min_digits"): v._within(1, MAX_VERIFY_DIGITS),
    (i.VerifySpec, "max_digits"): v._within(1, MAX_VERIFY_DIGITS),
    (i.VerifySpec, "tries"): v._within(1, 10),
    (i.VerifySpec, "timeout_s"): v._within(1, 60),
    (i.VerifySpec, "exits"): _once("name", "exit_repeats", "name"),
    (i.VerifyHook, "url"): _url,
    (i.VerifyHook, "timeout_s"): v._within(1, 30),
    (i.VerifyHook, "retries"): v._within(0, 5),
    (i.VerifyExit, "name"): _exit_name,
    (i.VerifyExit, "to"): v._matches(v.ID_RE, "not_step_id"),
}
ITEM_CHECKS: dict[tuple[type, str], Any] = {
    (i.PinSpec, "pins"): _pin,
    (i.VerifySpec, "numbers"): _account,
}
OBJECT_CHECKS: dict[type, Any] = {
    r.PlanStep: _plan_step,
    i.PinSpec: _pin_spec,
    i.VerifySpec: _verify_spec,
}
