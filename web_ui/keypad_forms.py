"""The plan form's steps that answer the call (docs/config.md "Keypad steps", docs/web.md):
a menu, a PIN, a verification and a greeting, edited on the Rules page without
JavaScript, beside the ringing steps (rule_forms.py); a hold queue, a voicemail and an
SMS to the caller are handed to queue_forms.py.

A step's settings are fields of its row, named by their path below the step
(`steps[2].menu.prompt`, `steps[2].menu.key.1`, `steps[2].pin.pins`), so a validator
reason at `plans[0].steps[2].menu.timeout_s` shows at that field. The page shows the
settings of the step's kind; `steps[N].settings_for` says which kind's fields a post
carried. A step whose kind the owner has just changed to a menu, PIN or verification
comes back with that kind's fields to fill in (nothing saved), since a menu without
its prompt and choices cannot run.

A menu's choices are one select per key (0-9, *, #), each naming a row of the form
like the exits do. PINs are never put in the page: the PIN field is a password field,
left blank it keeps the stored PINs, typed it replaces them. What the form does not
edit (callers' own PINs, a verification's own exits, the "wrong" and "failed"
prompts) is kept from the stored step of the same id and kind (`keep_keypad`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from firmware.config.ivr_rules import MENU_DIGITS
from web_ui import queue_forms
from web_ui.queue_forms import HOLDING

KEYPAD = ("menu", "pin", "verify")
ANSWERING = (*KEYPAD, "greeting", *HOLDING)  # steps with settings on the form
RING_EXITS = ("busy", "no_answer", "unavailable")
KIND_EXITS = {"menu": ("timeout", "invalid", "no_answer"), "pin": ("ok", "failed"),
              "verify": ("ok", "failed"), "greeting": ("next",), **queue_forms.EXITS}
ALL_EXITS = tuple(dict.fromkeys((*RING_EXITS, *(e for x in KIND_EXITS.values() for e in x))))
KEYS = tuple(MENU_DIGITS)
# (field, kind of value) per step kind: text, whole (a whole number), flag, list
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "menu": (("prompt", "text"), ("timeout_s", "whole"), ("max_tries", "whole"),
             ("direct_dial", "flag")),
    "pin": (("prompt", "text"), ("max_digits", "whole"), ("tries", "whole"),
            ("timeout_s", "whole")),
    "verify": (("prompt", "text"), ("numbers", "list"), ("min_digits", "whole"),
               ("max_digits", "whole"), ("tries", "whole"), ("timeout_s", "whole"),
               ("hook.url", "text"), ("hook.timeout_s", "whole"), ("hook.retries", "whole"),
               ("hook.when_down", "text")),
    "greeting": (("prompt", "text"),),
}
DEFAULTS = {"menu": {"prompt": "", "timeout_s": 5, "max_tries": 3, "direct_dial": False},
            "pin": {"prompt": "pin_enter", "max_digits": 8, "tries": 3, "timeout_s": 10},
            "verify": {"prompt": "verify_enter", "numbers": [], "min_digits": 4,
                       "max_digits": 20, "tries": 3, "timeout_s": 10},
            "greeting": {"prompt": None}}
HOOK_DEFAULTS = {"url": "", "timeout_s": 3, "retries": 1, "when_down": "failed"}


def exits_of(kind: str) -> tuple[str, ...]:
    """The exits the form shows for a step that does `kind` (a ring step's three)."""
    return KIND_EXITS.get(kind.partition(":")[0], RING_EXITS)


def _shown(value: Any, how: str) -> str:
    if value is None:
        return ""
    if how == "flag":
        return "on" if value else ""
    if how == "list":
        return ", ".join(value)
    return str(value)


def settings_draft(step: Mapping[str, Any], row_of: Mapping[Any, str]) -> dict[str, str]:
    """The form's fields of a stored step's settings (none for a ringing step)."""
    kind = step.get("do", "")
    if kind in HOLDING:
        return queue_forms.settings_draft(step)
    if kind not in ANSWERING:
        return {}
    spec = {**DEFAULTS[kind], **(step.get(kind) or {})}
    hook = {**HOOK_DEFAULTS, **(spec.get("hook") or {})}
    out: dict[str, str] = {"settings_for": kind}
    for name, how in FIELDS[kind]:
        value = hook[name[5:]] if name.startswith("hook.") else spec.get(name)
        out[f"{kind}.{name}"] = _shown(value, how)
    if kind == "menu":
        to = {c.get("digit"): c.get("to") for c in spec.get("choices") or []}
        out.update({f"menu.key.{k}": row_of.get(to.get(k), "") for k in KEYS})
    if kind == "pin":
        out["pin.kept"] = str(len(spec.get("pins") or []))
        out["pin.pins"] = ""
    if kind == "verify":
        out["verify.exit_names"] = ", ".join(x.get("name", "") for x in spec.get("exits") or [])
    return out


def settings_from_form(get: Callable[[str], str], kind: str, pick_row: Callable[[str, str], str]
                       ) -> dict[str, str]:
    """The settings fields a post carried for a step of `kind` (`get(name)`: the
    field below the step; `pick_row(field, value)`: a row number, checked)."""
    carried = get("settings_for")
    if kind in HOLDING:
        return queue_forms.settings_from_form(get, kind)
    if kind not in ANSWERING:
        return {"settings_for": carried} if carried else {}
    if carried != kind:  # the kind was just chosen: its fields with their defaults
        return {**settings_draft({"do": kind}, {}), "settings_for": carried}
    out = {"settings_for": kind}
    for name, _how in FIELDS[kind]:
        out[f"{kind}.{name}"] = get(f"{kind}.{name}")
    if kind == "menu":
        out.update({f"menu.key.{k}": pick_row(f"menu.key.{k}", get(f"menu.key.{k}"))
                    for k in KEYS})
    if kind == "pin":
        out["pin.pins"] = get("pin.pins")
        out["pin.kept"] = get("pin.kept")
    if kind == "verify":
        out["verify.exit_names"] = get("verify.exit_names")
    return out


def row_fields(step: Mapping[str, Any]) -> list[str]:
    """The fields of a step's draft that name a row (exits, a menu's keys)."""
    return [*ALL_EXITS, *(f"menu.key.{k}" for k in KEYS if f"menu.key.{k}" in step)]


def settings_json(step: Mapping[str, Any], index: int, ids: list[str]) -> dict[str, Any] | None:
    """A step's settings in the config's JSON form from its draft (None: a ringing
    step, or a greeting with its fields not on the form). FormProblem: a whole number
    that is not one, or a keypad step whose kind was just chosen (fill in its fields)."""
    from web_ui.rule_forms import FormProblem, items, whole

    kind = step["do"]
    if kind in HOLDING:
        return queue_forms.settings_json(step, index)
    if kind not in ANSWERING:
        return None
    if step.get("settings_for") != kind:
        if kind in KEYPAD:
            raise FormProblem(f"steps[{index}].do", "kf_fill_settings")
        return None
    spec: dict[str, Any] = {}
    hook: dict[str, Any] = {}
    for name, how in FIELDS[kind]:
        raw = step.get(f"{kind}.{name}", "")
        if how == "whole" and raw:
            value: Any = whole(raw)
            if value is None:
                raise FormProblem(f"steps[{index}].{kind}.{name}", "rf_whole_number", value=raw)
        elif how == "whole" or (how == "text" and not raw and kind in ("pin", "verify")):
            continue  # left blank: the default
        else:
            value = {"flag": raw == "on", "list": items(raw)}.get(how, raw or None)
        (hook if name.startswith("hook.") else spec)[name.removeprefix("hook.")] = value
    if kind == "verify":
        spec["hook"] = hook if hook.get("url") else None
    if kind == "menu":
        spec["prompt"] = spec.get("prompt") or ""
        spec["choices"] = [{"digit": k, "to": ids[int(step[f"menu.key.{k}"])]}
                           for k in KEYS if step.get(f"menu.key.{k}")]
    if kind == "pin" and step.get("pin.pins"):
        spec["pins"] = items(step["pin.pins"])
    if kind == "greeting" and not spec.get("prompt"):
        return None  # the greeting of the time of the call: no settings
    return spec


def keep_keypad(plan: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """`plan` (from the form) with what the form does not edit kept from `stored` (the
    plan as saved), where a step of the same id does the same: PINs left blank,
    callers' own PINs, a verification's own exits, the other prompts. A greeting's
    one setting, and every setting of a queue, voicemail or SMS step, are on the form."""
    if not stored:
        return plan
    before = {s.get("id"): s for s in stored.get("steps") or []}
    for step in plan["steps"]:
        old = before.get(step["id"])
        kind = step["do"]
        if kind not in KEYPAD or old is None or old.get("do") != kind:
            continue
        if old.get(kind) is not None:
            step[kind] = {**old[kind], **(step.get(kind) or {})}
        if kind == "menu" and old.get("menu"):
            step["menu"]["choices"] = _in_order(step["menu"].get("choices") or [],
                                                old["menu"].get("choices") or [])
    return plan


def _in_order(choices: list[dict[str, Any]], before: list[dict[str, Any]]
              ) -> list[dict[str, Any]]:
    """A menu's choices in the order the stored menu lists them, new keys after."""
    order = {c.get("digit"): i for i, c in enumerate(before)}
    return sorted(choices, key=lambda c: (order.get(c["digit"], len(order)),
                                          KEYS.index(c["digit"])))
