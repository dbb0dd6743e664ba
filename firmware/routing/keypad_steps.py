"""The keypad steps of a configured plan (config/ivr_rules.py) as routing steps
(keypad.py) for one call: the caller's own PIN picked, the extensions a menu may
ring directly resolved to their desk phones. Exits are wired by routes.graph_plan.
"""

from __future__ import annotations

from firmware.config.rules import PlanStep
from firmware.routing.context import CallContext
from firmware.routing.keypad import Hook, KeypadStep, Menu, PinCheck, Verify
from firmware.routing.plan import Target, TargetKind

DIRECT_RING_TIME_S = 20  # an extension dialled from a menu rings this long (G3)


def keypad_step(ctx: CallContext, spec: PlanStep) -> KeypadStep:
    """The routing step for a validated "menu", "pin" or "verify" plan step."""
    if spec.menu is not None:
        return _menu(ctx, spec)
    if spec.pin is not None:
        return _pin(ctx, spec)
    assert spec.verify is not None, spec
    v = spec.verify
    hook = None if v.hook is None else Hook(v.hook.url, v.hook.timeout_s, v.hook.retries,
                                            v.hook.when_down)
    return Verify(id=spec.id, prompt=v.prompt, timeout_s=v.timeout_s, min_digits=v.min_digits,
                  max_digits=v.max_digits, numbers=frozenset(v.numbers), hook=hook,
                  extra_exits=tuple(x.name for x in v.exits), tries=v.tries,
                  wrong_prompt=v.wrong_prompt, failed_prompt=v.failed_prompt,
                  reason=f"plan step {spec.id}: verify an account or order number")


def _menu(ctx: CallContext, spec: PlanStep) -> Menu:
    m = spec.menu
    assert m is not None
    extensions = tuple(Target(TargetKind.EXTENSION, e.number, e.name, DIRECT_RING_TIME_S,
                              port=e.port)
                       for e in ctx.config.extensions if e.port) if m.direct_dial else ()
    return Menu(id=spec.id, prompt=m.prompt, timeout_s=m.timeout_s,
                choices=tuple(c.digit for c in m.choices), max_tries=m.max_tries,
                direct_dial=m.direct_dial, extensions=extensions,
                invalid_prompt=m.invalid_prompt, timeout_prompt=m.timeout_prompt,
                reason=f"plan step {spec.id}: a voice menu")


def _pin(ctx: CallContext, spec: PlanStep) -> PinCheck:
    p = spec.pin
    assert p is not None
    own = next((c.pin for c in p.callers if ctx.caller and c.caller == ctx.caller), None)
    pins = (own,) if own is not None else p.pins
    whose = "the caller's own PIN" if own is not None else "the step's PINs"
    return PinCheck(id=spec.id, prompt=p.prompt, timeout_s=p.timeout_s, pins=tuple(pins),
                    max_digits=p.max_digits, tries=p.tries, wrong_prompt=p.wrong_prompt,
                    failed_prompt=p.failed_prompt,
                    reason=f"plan step {spec.id}: a PIN ({whose})")
