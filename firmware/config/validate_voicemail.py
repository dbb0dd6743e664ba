"""Checks of the voicemail parts of the config (voicemail_schema.py).

validate.py adds these tables to its own; `cross_check` (called from validate_rules'
cross check) says when a box names neither an extension nor a ring group. Every
refusal is a catalogue reason (reasons.py) at the field's path.
"""

from __future__ import annotations

import re
from typing import Any

from firmware.config import rules as r
from firmware.config import schema as s
from firmware.config import validate as v
from firmware.config import voicemail_schema as vm
from firmware.config.reasons import reason

BOX_RE = re.compile(r"[A-Za-z0-9_-]{1,40}", re.ASCII)
FEATURE_RE = re.compile(r"\*\d{2,3}", re.ASCII)
PROMPT_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}", re.ASCII)


def _box(value: str, ctx: v._Ctx) -> str:
    if not BOX_RE.fullmatch(value):
        raise v._Bad("not_voicemail_box", value=value)
    return value


def _pin(value: str, ctx: v._Ctx) -> str:
    if value and not re.fullmatch(r"\d{4,12}", value, re.ASCII):
        raise v._Bad("not_voicemail_pin", value="*" * min(len(value), 12))
    return value


def _feature_code(value: str, ctx: v._Ctx) -> str:
    if not FEATURE_RE.fullmatch(value):
        raise v._Bad("not_feature_code", value=value)
    # a clash with another dial-tone code: validate_feature_codes.cross_check
    return value


def _prompt(value: str, ctx: v._Ctx) -> str:
    if not PROMPT_RE.fullmatch(value):
        raise v._Bad("not_prompt_name", value=value)
    return value


def _boxes(items: tuple, ctx: v._Ctx) -> tuple:
    return v._unique(lambda b: b.box, "voicemail box")(items, ctx)


CALLER_SMS_MAX = 300  # characters, as notifications.caller_sms_text (validate_notify.py)


def _sms_text(value: str, ctx: v._Ctx) -> str:
    if len(value) > CALLER_SMS_MAX:
        raise v._Bad("too_long", max=CALLER_SMS_MAX)
    return value


def _plan_step(step: r.PlanStep, path: str, ctx: v._Ctx) -> None:
    """A voicemail step has its settings; no other step has any. An "sms_caller" step
    may have its own (optional)."""
    spec = getattr(step, "voicemail", None)
    if step.do is v.INVALID:
        return
    if step.do != "sms_caller" and getattr(step, "sms_caller", None) is not None:
        ctx.add(f"{path}.sms_caller", reason("step_setting_unused", field="sms_caller",
                                             action=step.do))
    if step.do == "voicemail" and spec is None:
        ctx.add(f"{path}.voicemail", reason("step_needs", action=step.do, field="voicemail"))
    elif step.do != "voicemail" and spec is not None:
        ctx.add(f"{path}.voicemail", reason("step_setting_unused", field="voicemail",
                                            action=step.do))


def cross_check(config: s.Config, ctx: v._Ctx) -> None:
    """Every box a voicemail step, a cap (`caps[].voicemail`) or the `voicemail.boxes`
    list names is an extension number or a ring group name."""
    known = {e.number for _, e in v._valid(config.extensions, "number")} | \
        {g.name for _, g in v._valid(config.ring_groups, "name")}
    for i, plan in v._valid(config.plans, "steps"):
        for j, step in v._valid(plan.steps, "do"):
            spec = getattr(step, "voicemail", None)
            if spec is None or spec is v.INVALID or spec.box is v.INVALID \
                    or step.do != "voicemail":
                continue
            if spec.box not in known:
                ctx.add(f"plans[{i}].steps[{j}].voicemail.box",
                        reason("unknown_voicemail_box", name=spec.box))
    for i, caps in v._valid(config.caps, "voicemail"):
        if caps.voicemail is not None and caps.voicemail not in known:
            ctx.add(f"caps[{i}].voicemail", reason("unknown_voicemail_box", name=caps.voicemail))
    section = getattr(config, "voicemail", None)
    if section is None or section is v.INVALID or section.boxes is v.INVALID:
        return
    for j, box in v._valid(section.boxes, "box"):
        if box.box not in known:
            ctx.add(f"voicemail.boxes[{j}].box", reason("unknown_voicemail_box", name=box.box))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (vm.VoicemailSpec, "box"): _box,
    (vm.VoicemailSpec, "greeting"): _prompt,
    (vm.VoicemailSpec, "max_s"): v._within(5, 600),
    (vm.VoicemailSpec, "silence_s"): v._within(0, 60),
    (vm.CallerSmsSpec, "text"): _sms_text,
    (vm.CallerSmsSpec, "prompt"): _prompt,
    (vm.VoicemailBox, "box"): _box,
    (r.LineCaps, "voicemail"): _box,
    (vm.VoicemailBox, "pin"): _pin,
    (vm.VoicemailConfig, "feature_code"): _feature_code,
    (vm.VoicemailConfig, "storage_limit_mb"): v._within(10, 100_000),
    (vm.VoicemailConfig, "boxes"): _boxes,
}
