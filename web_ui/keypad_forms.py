"""The plan editor and keypad steps (menu, PIN, verification: docs/config.md): the
Rules page's plan form edits a step's id, action and ringing exits; a keypad step's
settings and its own exits (timeout, invalid, ok, failed) are kept from the stored
plan, by step id, so renaming a plan, moving its steps or editing its ringing steps
loses none of them. Their settings are edited in the config's JSON (the System page's
"plans" editor or the API)."""

from __future__ import annotations

from typing import Any

KEYPAD = ("menu", "pin", "verify", "queue")  # a queue step's settings are kept the same way
KEYPAD_EXITS = ("timeout", "invalid", "ok", "failed", "full", "left")


def keep_keypad(plan: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """`plan` (from the form) with each keypad step's settings and exits from `stored`
    (the plan as saved), where a step of the same id does the same."""
    if not stored:
        return plan
    before = {s.get("id"): s for s in stored.get("steps") or []}
    for step in plan["steps"]:
        old = before.get(step["id"])
        kind = step["do"]
        if kind not in KEYPAD or old is None or old.get("do") != kind:
            continue
        if old.get(kind) is not None:
            step[kind] = old[kind]
        exits = {e: t for e, t in (old.get("on") or {}).items()
                 if e in KEYPAD_EXITS and t is not None}
        if exits:
            step["on"] = {**step.get("on", {}), **exits}
    return plan
