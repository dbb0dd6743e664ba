"""The hold queue step in the owner's words (explain_text.py asks here): a queue step of
"test a call" (`step_details`, routing/queue_step.py `queue_details`) and a record's
route part ("queue sales: waited 45 s, position 2 on entry, left"), in zh and en."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ROUTE_RE = re.compile(r"queue (?P<name>.+?): (?:waited (?P<waited>\d+) s, position "
                      r"(?P<position>\d+) on entry(?:, (?P<how>.+))?|full: (?P<full>.+))")
HOW = {"left": "qx_how_left", "timeout": "qx_how_timeout", "office closed": "qx_how_closed",
       "callback": "qx_how_callback"}
EXITS = {"answered": "ex_exit_answered", "timeout": "qx_exit_timeout", "full": "qx_exit_full",
         "left": "qx_exit_left"}


def queue_lines(_: Callable[..., str], step: dict[str, Any], step_name: Callable[..., str]
                ) -> dict[str, Any]:
    """A queue step as step_lines gives every step: id, head, rings (none), exits."""
    keys = []
    if step.get("leave_key"):
        keys.append(_("qx_leave_key", digit=step["leave_key"]))
    if step.get("callback_key"):
        keys.append(_("qx_callback_key", digit=step["callback_key"]))
    every = step.get("announce_every_s") or 0
    head = _("qx_step", name=step.get("name", ""),
             members=", ".join(step.get("members") or []) or "-",
             strategy=_(f"strategy_{step.get('strategy')}"), music=step.get("music", ""),
             every=_("qx_every", s=every) if every else _("qx_never"),
             length=step.get("max_length"), wait=step.get("max_wait_s"))
    head += "".join(_("qx_sep") + k for k in keys)
    if step.get("after_hours") is False:
        head += _("qx_sep") + _("qx_leaves_at_closing")
    by_target: dict[str, list[str]] = {}
    for exit, target in (step.get("exits") or {}).items():
        by_target.setdefault(target, []).append(_(EXITS.get(exit, "ex_exit_timeout")))
    exits = _("ex_sep").join(_("ex_exit_to", exits=_("ex_list").join(words),
                                to=_("ex_done") if target == "done" else step_name(_, target))
                              for target, words in by_target.items())
    return {"id": step_name(_, step.get("id") or ""), "head": head, "rings": [],
            "exits": exits}


def queue_route_part(_: Callable[..., str], part: str) -> str:
    """A record's queue part in words; as written when it is not one the box writes."""
    found = ROUTE_RE.fullmatch(part)
    if found is None:
        return part
    name = found["name"]
    if found["full"] is not None:
        waiting = re.fullmatch(r"(\d+) waiting", found["full"])
        return _("qx_route_full", name=name) + (
            _("qx_full_waiting", n=waiting[1]) if waiting else _("qx_full_media"))
    said = _("qx_route_waited", name=name, waited=found["waited"], position=found["position"])
    how = found["how"]
    if how:
        said += _("qx_sep") + (_(HOW[how]) if how in HOW else how)
    return said
