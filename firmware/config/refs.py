"""Following a rename through the config: every place that names a ring group or a
time rule or a plan by name.

A ring group is referred to by its name from `inbound.ring_group`, a route's `to`
("ring_group:NAME"), a plan step's `do`, and another group's nested member
(`{"group": NAME}`). A time rule is referred to by a route's `when` and `unless`. A
plan is referred to only by a route's `to` ("plan:NAME"; a plan step cannot name a
plan). Renaming one on the web page must carry all of them along, or the box rightly
refuses the config as naming one that no longer exists. `time_rule_users` and
`routes_using_plan` list the routes that name one, so a page can say why it will not
delete it. Routes themselves are named by nothing (a call record keeps the name of
the route it took, as history). Works on the JSON form (what `config export`
prints), returning a new document.
"""

from __future__ import annotations

import copy
from typing import Any


def rename_ring_group(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """`doc` with ring group `old` called `new` everywhere it is named (not the group's
    own entry in `ring_groups`: the caller writes that)."""
    out = copy.deepcopy(doc)
    if old == new:
        return out
    ref_old, ref_new = f"ring_group:{old}", f"ring_group:{new}"
    inbound = out.get("inbound")
    if isinstance(inbound, dict) and inbound.get("ring_group") == old:
        inbound["ring_group"] = new
    for route in _dicts(out.get("routes")):
        if route.get("to") == ref_old:
            route["to"] = ref_new
    for plan in _dicts(out.get("plans")):
        for step in _dicts(plan.get("steps")):
            if step.get("do") == ref_old:
                step["do"] = ref_new
            queue = step.get("queue")
            if isinstance(queue, dict) and queue.get("group") == old:
                queue["group"] = new  # a queue step's ring group (queue_rules.py)
    for group in _dicts(out.get("ring_groups")):
        for member in _dicts(group.get("members")):
            if member.get("group") == old:
                member["group"] = new
    return out


def rename_time_rule(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """`doc` with time rule `old` called `new` in every route's `when` and `unless` (not
    the rule's own entry in `time_rules`: the caller writes that)."""
    out = copy.deepcopy(doc)
    if old == new:
        return out
    for route in _dicts(out.get("routes")):
        for key in ("when", "unless"):
            if route.get(key) == old:
                route[key] = new
    return out


def time_rule_users(doc: dict[str, Any], name: str) -> list[tuple[str, str]]:
    """(route name, "when" or "unless") of every route that names time rule `name`."""
    return [(str(route.get("name", "")), key) for route in _dicts(doc.get("routes"))
            for key in ("when", "unless") if route.get(key) == name]


def rename_plan(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """`doc` with plan `old` called `new` in every route's `to` (not the plan's own entry
    in `plans`: the caller writes that)."""
    out = copy.deepcopy(doc)
    if old == new:
        return out
    for route in _dicts(out.get("routes")):
        if route.get("to") == f"plan:{old}":
            route["to"] = f"plan:{new}"
    return out


def routes_using_plan(doc: dict[str, Any], name: str) -> list[str]:
    """The names of the routes whose destination is plan `name`, in order."""
    return [str(route.get("name")) for route in _dicts(doc.get("routes"))
            if route.get("to") == f"plan:{name}"]


def _dicts(items: Any) -> list[dict]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
