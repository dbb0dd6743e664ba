"""Form fields <-> inbound routes, plans and monthly caps, for the Rules page's editors.

Each editor works on a *draft*: the form's fields as the owner typed them (text, the
chosen options), so a refused save, or a row added, removed or moved, shows them again
exactly. `*_draft` builds one from the config's JSON form, `*_from_form` from a post,
and `route`, `plan` and `caps` turn a draft into the config's JSON form.

Only shape is checked here (a choice that is one of the choices, a whole number, a row
that exists); everything else (phone numbers, provinces, references, the plan's graph)
is the config validator's, so the page and the API refuse the same things with the
same words. A shape problem raises `FormProblem(field, key, **values)`, a `BadQuery`
whose reason the page shows in its language.

The fields are named by their path below the item (`callers.provinces`,
`steps[2].on.busy`, `limits[0].max`), so `local_errors` shows a validator reason such
as `routes[3].callers.provinces[0]` at the field it is about. A plan step's exits name
a row of the form ("2"), not a step id, so an exit follows its step when the step's id
is typed anew, and rows added on the page can be chosen at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from firmware.service import BadQuery
from web_ui import i18n, keypad_forms
from web_ui.keypad_forms import ALL_EXITS

MATCH_FIELDS = ("numbers", "provinces", "cities", "area_codes", "carriers")
WITHHELD = {"": None, "only": True, "never": False}  # a caller match's `withheld`
EXITS = ("busy", "no_answer", "unavailable")
ENDINGS = ("busy", "announcement", "hangup")  # steps that end the call: no exits
STEP_ACTIONS = ("duty", "forward_chain", *ENDINGS, *keypad_forms.ANSWERING)  # ring_group:
DESTINATIONS = ("default", "duty", "forward_chain", *ENDINGS)  # and ring_group:, plan:
COUNTERS = ("inbound_calls", "inbound_minutes", "outbound_minutes")
CAP_ACTIONS = ("reject", "voicemail", "no_mobiles")
MAX_ROWS = 40  # steps of a plan, limits of a cap: far more than anyone needs
_SEPARATORS = re.compile(r"[,，、;；\n]")
_DIGITS = re.compile(r"[0-9]{1,12}")  # str.isdigit() also takes "²", which int() refuses


def whole(text: str) -> int | None:
    """`text` as a whole number (ASCII digits), else None."""
    return int(text) if _DIGITS.fullmatch(text) else None


class FormProblem(BadQuery):
    """A form field in the wrong shape: `key` (messages_rules.py) says why."""

    def __init__(self, field: str, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(field, i18n.text("en", key, **values))

    def text(self, lang: str) -> str:
        return i18n.text(lang, self.key, **self.values)


def items(text: str) -> list[str]:
    """Entries typed separated by commas (either width), 、, semicolons or new lines."""
    return [p.strip() for p in _SEPARATORS.split(text.replace("\r", "")) if p.strip()]


def get_text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def get_all(form: Mapping[str, Any], name: str) -> list[str]:
    values = form.getall(name) if hasattr(form, "getall") else form.get(name) or []
    values = [values] if isinstance(values, str) else values
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _rows(form: Mapping[str, Any], list_name: str, first_field: str) -> list[str]:
    """The row numbers a post carries (`steps[3].id` -> "3"), in order."""
    pattern = re.compile(rf"{re.escape(list_name)}\[(\d{{1,3}})\]\.{first_field}")
    numbers = sorted({int(m.group(1)) for key in form if (m := pattern.fullmatch(key))})
    if len(numbers) > MAX_ROWS:
        raise FormProblem(list_name, "rf_too_many_rows", n=MAX_ROWS)
    return [str(n) for n in numbers]


# --- what a button asks for: save, delete, or a row added, removed or moved ------------


def operation(form: Mapping[str, Any], rows: int = 0) -> tuple[str, int | None]:
    """The form's `op`: ("save" | "delete" | "add" | "up" | "down", None) or
    ("remove" | "up" | "down", row) for a row's button (`remove:2`)."""
    text = get_text(form, "op") or "save"
    name, _, row = text.partition(":")
    if name in ("save", "delete", "add", "up", "down") and not row:
        return name, None
    number = whole(row)
    if name in ("remove", "up", "down") and number is not None and number < rows:
        return name, number
    raise FormProblem("op", "rf_bad_button")


def _move(rows: list[Any], op: str, row: int) -> list[int]:
    """Remove or move row `row` of `rows` in place; the new position of every old row
    (-1: removed)."""
    where = list(range(len(rows)))
    if op == "remove":
        del rows[row]
        return [-1 if i == row else i - (i > row) for i in where]
    other = row - 1 if op == "up" else row + 1
    if not 0 <= other < len(rows):
        return where
    rows[row], rows[other] = rows[other], rows[row]
    where[row], where[other] = other, row
    return where


# --- routes ------------------------------------------------------------------------


def route_draft(route: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The route form's fields for `route` (None: a new route)."""
    route = route or {}
    callers = route.get("callers") or {}
    withheld = callers.get("withheld")
    draft: dict[str, Any] = {"original": route.get("name", ""), "name": route.get("name", ""),
                             "lines": list(route.get("lines") or []),
                             "when": route.get("when") or "",
                             "unless": route.get("unless") or "",
                             "to": route.get("to") or "default",
                             "callers.withheld": {None: "", True: "only",
                                                  False: "never"}[withheld]}
    for f in MATCH_FIELDS:
        draft[f"callers.{f}"] = ", ".join(callers.get(f) or [])
    return draft


def route_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    draft: dict[str, Any] = {k: get_text(form, k) for k in ("original", "name", "when", "unless",
                                                        "to", "callers.withheld")}
    draft["lines"] = get_all(form, "lines")
    for f in MATCH_FIELDS:
        draft[f"callers.{f}"] = get_text(form, f"callers.{f}")
    return draft


def route(draft: Mapping[str, Any]) -> dict[str, Any]:
    """The route in the config's JSON form."""
    withheld = draft["callers.withheld"]
    if withheld not in WITHHELD:
        raise FormProblem("callers.withheld", "rf_bad_choice", value=withheld)
    callers: dict[str, Any] = {f: items(draft[f"callers.{f}"]) for f in MATCH_FIELDS}
    callers["withheld"] = WITHHELD[withheld]
    return {"name": draft["name"], "to": draft["to"] or "default",
            "lines": list(dict.fromkeys(draft["lines"])), "callers": callers,
            "when": draft["when"] or None, "unless": draft["unless"] or None}


def moved_routes(routes: list[dict[str, Any]], name: str, op: str) -> list[dict[str, Any]]:
    """The routes with route `name` one place up or down (first match wins)."""
    index = next((i for i, r in enumerate(routes) if r.get("name") == name), None)
    if index is None:
        raise FormProblem("original", "rf_no_route", name=name)
    out = list(routes)
    _move(out, op, index)
    return out


# --- plans --------------------------------------------------------------------------


def plan_draft(plan: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The plan form's fields for `plan` (None: a new plan with one empty step)."""
    if plan is None:
        return {"original": "", "name": "", "steps": [_blank_step()]}
    steps = list(plan.get("steps") or [])
    row_of = {step.get("id"): str(i) for i, step in enumerate(steps)}
    return {"original": plan.get("name", ""), "name": plan.get("name", ""),
            "steps": [{"id": step.get("id", ""), "do": step.get("do", ""),
                       **{e: row_of.get((step.get("on") or {}).get(e), "") for e in ALL_EXITS},
                       **keypad_forms.settings_draft(step, row_of)}
                      for step in steps]}


def _blank_step() -> dict[str, str]:
    return {"id": "", "do": "", **dict.fromkeys(ALL_EXITS, "")}


def plan_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    numbers = _rows(form, "steps", "id")
    row_of = {n: str(i) for i, n in enumerate(numbers)}
    steps = []
    for i, n in enumerate(numbers):
        step = {"id": get_text(form, f"steps[{n}].id"), "do": get_text(form, f"steps[{n}].do")}

        def pick_row(field: str, target: str, i: int = i) -> str:
            if target and target not in row_of:
                raise FormProblem(f"steps[{i}].{field}", "rf_bad_choice", value=target)
            return row_of.get(target, "")

        for e in ALL_EXITS:
            step[e] = pick_row(f"on.{e}", get_text(form, f"steps[{n}].on.{e}"))
        step.update(keypad_forms.settings_from_form(
            lambda name, n=n: get_text(form, f"steps[{n}].{name}"), step["do"], pick_row))
        steps.append(step)
    return {"original": get_text(form, "original"), "name": get_text(form, "name"), "steps": steps}


def plan_edit(draft: dict[str, Any], op: str, row: int | None) -> None:
    """Add a step, or remove or move step `row`; exits keep pointing at their steps
    (an exit to a removed step becomes "next step")."""
    steps = draft["steps"]
    if op == "add":
        if len(steps) >= MAX_ROWS:
            raise FormProblem("steps", "rf_too_many_rows", n=MAX_ROWS)
        steps.append(_blank_step())
        return
    if row is None:
        return
    where = _move(steps, op, row)
    for step in steps:
        for e in keypad_forms.row_fields(step):
            if step[e]:
                new = where[int(step[e])]
                step[e] = "" if new < 0 else str(new)


def plan(draft: Mapping[str, Any]) -> dict[str, Any]:
    """The plan in the config's JSON form; an ending step's exits are left out."""
    ids = [step["id"] for step in draft["steps"]]
    steps = []
    for i, step in enumerate(draft["steps"]):
        out: dict[str, Any] = {"id": step["id"], "do": step["do"]}
        if step["do"] not in ENDINGS:
            on = {e: ids[int(step[e])] for e in keypad_forms.exits_of(step["do"]) if step[e]}
            if on:
                out["on"] = on
        settings = keypad_forms.settings_json(step, i, ids)
        if settings is not None:
            out[step["do"]] = settings
        steps.append(out)
    return {"name": draft["name"], "steps": steps}


# --- monthly caps --------------------------------------------------------------------


def caps_draft(line: str, caps: Mapping[str, Any] | None, bound_ids: set[str]
               ) -> dict[str, Any]:
    """The cap form of `line`: its limits, bound numbers told (checkboxes) and other
    numbers told (text)."""
    caps = caps or {}
    notify = list(caps.get("notify") or [])
    return {"line": line,
            "limits": [{"counter": limit.get("counter", ""), "max": str(limit.get("max", "")),
                        "action": limit.get("action") or "reject"}
                       for limit in caps.get("limits") or []],
            "notify": [n for n in notify if n in bound_ids],
            "notify_extra": ", ".join(n for n in notify if n not in bound_ids),
            "voicemail": caps.get("voicemail") or ""}


def caps_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    limits = [{f: get_text(form, f"limits[{n}].{f}") for f in ("counter", "max", "action")}
              for n in _rows(form, "limits", "counter")]
    return {"line": get_text(form, "line"), "limits": limits, "notify": get_all(form, "notify"),
            "notify_extra": get_text(form, "notify_extra"),
            "voicemail": get_text(form, "voicemail")}


def caps_edit(draft: dict[str, Any], op: str, row: int | None) -> None:
    """Add a limit (for a counter not limited yet) or remove limit `row`."""
    limits = draft["limits"]
    if op == "add":
        if len(limits) >= len(COUNTERS):
            raise FormProblem("limits", "rf_one_limit_each")
        used = {limit["counter"] for limit in limits}
        counter = next(c for c in COUNTERS if c not in used)
        limits.append({"counter": counter, "max": "", "action": "reject"})
    elif row is not None:
        _move(limits, op, row)


def caps(draft: Mapping[str, Any]) -> dict[str, Any] | None:
    """The line's caps in the config's JSON form; no limits: None (the line has no cap)."""
    limits = []
    for i, row in enumerate(draft["limits"]):
        if row["counter"] not in COUNTERS:
            raise FormProblem(f"limits[{i}].counter", "rf_bad_choice", value=row["counter"])
        if row["action"] not in CAP_ACTIONS:
            raise FormProblem(f"limits[{i}].action", "rf_bad_choice", value=row["action"])
        top = whole(row["max"])
        if top is None:
            raise FormProblem(f"limits[{i}].max", "rf_whole_number", value=row["max"])
        limits.append({"counter": row["counter"], "max": top,
                       "action": row["action"]})
    if not limits:
        return None
    notify = list(dict.fromkeys([*draft["notify"], *items(draft["notify_extra"])]))
    out = {"line": draft["line"], "limits": limits, "notify": notify}
    if draft.get("voicemail"):  # empty: the inbound ring group's box (routing/caps.py)
        out["voicemail"] = draft["voicemail"]
    return out


# --- the validator's reasons at the form's fields -------------------------------------


def local_errors(errors: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    """The validator's (path, reason) with `prefix` ("routes[3].") taken off the paths
    below the item the form edits, so each names the form's own field."""
    return [(path[len(prefix):] if path.startswith(prefix) else path, reason)
            for path, reason in errors]


def field_has_error(errors: list[tuple[str, str]], name: str) -> bool:
    """Whether a reason is about field `name` or something inside it
    (`callers.provinces[1]` is about `callers.provinces`)."""
    return any(path == name or path.startswith((name + "[", name + ".")) for path, _ in errors)
