"""The plan form's hold queue, voicemail and "SMS to the caller" steps (docs/config.md
"The hold queue", "Nobody available"; docs/web.md), beside the keypad steps
(keypad_forms.py, which hands these kinds to this module).

A step's settings are fields of its row named by their path below the step
(`steps[2].queue.max_wait_s`, `steps[4].voicemail.box`), so a validator reason at
`plans[0].steps[2].queue.max_wait_s` shows at that field. Every field of the config's
spec is on the form, so nothing is kept from the stored step: what the form shows is
what is saved. A number left blank takes the config's default; a prompt left at "(none)"
or "(the default)" is `null`.

- queue: the ring group (its members and strategy shown beside it), the music and the
  prompt said on entry (picked from the prompt list), position announcements, max
  wait, max length, the leave and callback keys, staying after closing time; exits if
  waited too long / full / left by key.
- voicemail: the box (an extension or a ring group), its greeting, max length, silence
  that ends a message. No exits: the call ends there.
- sms_caller: the step's own SMS text and prompt (blank: the owner's defaults). No exits.

A queue or voicemail step needs its group or box: a step just changed to one comes back
with its fields to fill in (`kf_fill_settings`), and a blank group or box is refused at
its field (`kf_pick_group`, `kf_pick_box`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from firmware.config.queue_rules import QUEUE_EXITS, QueueSpec
from firmware.config.voicemail_schema import CallerSmsSpec, VoicemailSpec

HOLDING = ("queue", "voicemail", "sms_caller")
NEEDS = {"queue": "group", "voicemail": "box"}  # the one field without a default
EXITS: dict[str, tuple[str, ...]] = {"queue": QUEUE_EXITS, "voicemail": (), "sms_caller": ()}
# (field, kind of value): pick (a required choice), prompt (a prompt name or None),
# key (a keypad key or None), text (None when blank), whole, flag
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "queue": (("group", "pick"), ("music", "prompt"), ("entry_prompt", "prompt"),
              ("announce_every_s", "whole"), ("max_wait_s", "whole"),
              ("max_length", "whole"), ("leave_key", "key"), ("callback_key", "key"),
              ("after_hours", "flag")),
    "voicemail": (("box", "pick"), ("greeting", "prompt"), ("max_s", "whole"),
                  ("silence_s", "whole")),
    "sms_caller": (("text", "text"), ("prompt", "prompt")),
}
SPECS = {"queue": QueueSpec, "voicemail": VoicemailSpec, "sms_caller": CallerSmsSpec}
REQUIRED_PROMPTS = {("queue", "music")}  # a prompt that cannot be "none"


def defaults(kind: str) -> dict[str, Any]:
    """The config's defaults of a `kind` step's settings (the required one blank)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(SPECS[kind]):
        out[f.name] = "" if f.default is dataclasses.MISSING else f.default
    return out


def _shown(value: Any, how: str) -> str:
    if how == "flag":
        return "on" if value else ""
    return "" if value is None else str(value)


def settings_draft(step: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields of a stored step's settings."""
    kind = step.get("do", "")
    spec = {**defaults(kind), **(step.get(kind) or {})}
    out = {"settings_for": kind}
    for name, how in FIELDS[kind]:
        out[f"{kind}.{name}"] = _shown(spec.get(name), how)
    return out


def settings_from_form(get: Callable[[str], str], kind: str) -> dict[str, str]:
    """The settings a post carried for a step of `kind`; a kind just chosen (the post
    has neither `settings_for` of this kind nor any of its fields filled in): its
    fields with the defaults."""
    carried = get("settings_for")
    typed = {f"{kind}.{name}": get(f"{kind}.{name}") for name, _how in FIELDS[kind]}
    if carried != kind and not any(typed.values()):
        return {**settings_draft({"do": kind}), "settings_for": carried}
    return {"settings_for": kind, **typed}


def settings_json(step: Mapping[str, Any], index: int) -> dict[str, Any] | None:
    """The step's settings in the config's JSON form (None: an SMS step with none of
    its own). FormProblem: a kind just chosen, a blank group or box, or a number
    that is not a whole number."""
    from web_ui.rule_forms import FormProblem, whole

    kind = step["do"]
    if step.get("settings_for") != kind:
        if kind in NEEDS:
            raise FormProblem(f"steps[{index}].do", "kf_fill_settings")
        return None
    spec: dict[str, Any] = {}
    for name, how in FIELDS[kind]:
        field = f"steps[{index}].{kind}.{name}"
        raw = step.get(f"{kind}.{name}", "")
        if how == "pick" and not raw:
            raise FormProblem(field, f"kf_pick_{name}")
        if how == "whole":
            if not raw:
                continue  # left blank: the default
            spec[name] = whole(raw)
            if spec[name] is None:
                raise FormProblem(field, "rf_whole_number", value=raw)
        elif how == "flag":
            spec[name] = raw == "on"
        elif (kind, name) in REQUIRED_PROMPTS and not raw:
            continue
        else:
            spec[name] = raw or None
    if kind == "sms_caller" and not any(spec.values()):
        return None  # the owner's text and the default prompt
    return spec


def group_choices(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ring groups a queue can take callers for: name, members, strategy."""
    return [{"name": g["name"], "members": ", ".join(g.get("members") or []),
             "strategy": g.get("strategy") or "sequential"}
            for g in config.get("ring_groups") or []]


def box_choices(config: Mapping[str, Any]) -> list[dict[str, str]]:
    """The voicemail boxes a step can record for: each extension (number, name) and
    each ring group, as {"box", "label", "kind"}."""
    out = [{"box": e["number"], "label": e.get("name") or "", "kind": "extension"}
           for e in config.get("extensions") or [] if e.get("number")]
    out += [{"box": g["name"], "label": ", ".join(g.get("members") or []), "kind": "group"}
            for g in config.get("ring_groups") or []]
    return out
