"""The Rules page: VIP callers, designated agents, returning callers, block lists, the
inbound routes in order, the plans, the monthly caps with this month's counters, and
"test a call".

Every form saves through `pages._save` like every other form: the box's own validator
decides, a refusal shows its reasons at the form (below the item the form edits, each
names the form's own field: rule_forms.local_errors), keeps what the owner typed and
changes nothing. The route, plan and cap editors (fields <-> JSON: rule_forms.py):

- `POST /rules/route`: save (a new route goes last), delete, or move one place up or
  down (`op=up|down`; first match wins). Nothing names a route, so a rename is free.
- `POST /rules/plan`: save, delete (refused while a route goes to the plan), or a
  step added, removed or moved (`op=add|remove:N|up:N|down:N`: the form comes back
  with the change, nothing saved yet). A rename carries the routes' `plan:NAME` along.
- `POST /rules/caps`: one line's limits and who is told; a limit added or removed
  (`op=add|remove:N`); saved with no limits, the line has no cap.

The counters come from the call records through the service (read-only). "Test a call"
shows the routing engine's own answer (`firmware.routing.route_answer` through the
service), the same as `switchboard route explain` and `/api/explain`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import bottle

from firmware.service import BadQuery, rename_plan, routes_using_plan
from web_ui import api, forms, i18n, keypad_forms, pages, queue_forms, rule_forms
from web_ui import app as core
from web_ui.app import Web
from web_ui.keypad_forms import keep_keypad
from web_ui.rule_forms import FormProblem

MATCH_FIELDS = rule_forms.MATCH_FIELDS


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get("/rules")
    def rules() -> Any:
        return rules_page(web)

    @app.post("/rules/vip")
    def save_vip() -> Any:
        form = core.form()
        try:
            change = {"vip": forms.vip(form),
                      "designated": forms.designated(form.get("designated", "")),
                      "returning_caller_days": forms.days(form, "returning_caller_days")}
        except BadQuery as exc:
            return rules_page(web, errors=[(exc.field, exc.reason)], draft=dict(form))
        return pages._save(web, change, None, "/rules",
                           lambda e: rules_page(web, errors=e, draft=dict(form)))

    @app.post("/rules/blocking")
    def save_blocking() -> Any:
        form = core.form()
        try:
            blocking = forms.blocking(form, web.service.config()["blocking"])
        except BadQuery as exc:
            return rules_page(web, errors=[(exc.field, exc.reason)], draft=dict(form))
        return pages._save(web, "blocking", blocking, "/rules",
                           lambda e: rules_page(web, errors=e, draft=dict(form)))

    @app.post("/rules/route")
    def save_route() -> Any:
        return _route_post(web, core.form())

    @app.post("/rules/plan")
    def save_plan() -> Any:
        return _plan_post(web, core.form())

    @app.post("/rules/caps")
    def save_caps() -> Any:
        return _caps_post(web, core.form())


def _problem(exc: BadQuery) -> list[tuple[str, str]]:
    reason = exc.text(core.current_lang()) if isinstance(exc, FormProblem) else exc.reason
    return [(exc.field, reason)]


# --- routes ----------------------------------------------------------------------------


def _route_post(web: Web, form: Any) -> Any:
    draft = rule_forms.route_from_form(form)
    original = draft["original"]

    def again(errors: list, prefix: str = "") -> str:
        shown = rule_forms.local_errors(errors, prefix) if prefix else errors
        return rules_page(web, errors=shown, errors_for="routes", route=draft)

    config = web.service.config()
    routes = list(config["routes"])
    index = next((i for i, r in enumerate(routes) if r["name"] == original), None)
    try:
        op, _row = rule_forms.operation(form)
        if original and index is None:
            raise FormProblem("original", "rf_no_route", name=original)
        if op in ("up", "down"):
            moved = rule_forms.moved_routes(routes, original, op)
            return pages._save(web, "routes", moved, "/rules#routes",
                               lambda e: rules_page(web, errors=e, errors_for="routes"))
        if op == "delete":
            if index is None:
                raise FormProblem("original", "rf_no_route", name=original)
            del routes[index]
            return pages._save(web, "routes", routes, "/rules#routes", again)
        if op != "save":
            raise FormProblem("op", "rf_bad_button")
        route = rule_forms.route(draft)
    except BadQuery as exc:
        return again(_problem(exc))
    if index is None:
        index = len(routes)
        routes.append(route)
    else:
        routes[index] = route
    return pages._save(web, "routes", routes, "/rules#routes",
                       lambda e: again(e, f"routes[{index}]."))


# --- plans -----------------------------------------------------------------------------


def _plan_post(web: Web, form: Any) -> Any:
    try:
        draft = rule_forms.plan_from_form(form)
    except BadQuery as exc:  # rows in the wrong shape: show the plan as it is stored
        return rules_page(web, errors=_problem(exc), errors_for="plans",
                          plan=_stored_plan(web, rule_forms.get_text(form, "original")))
    original = draft["original"]

    def again(errors: list, prefix: str = "") -> str:
        shown = rule_forms.local_errors(errors, prefix) if prefix else errors
        return rules_page(web, errors=shown, errors_for="plans", plan=draft)

    config = web.service.config()
    plans = list(config["plans"])
    index = next((i for i, p in enumerate(plans) if p["name"] == original), None)
    try:
        op, row = rule_forms.operation(form, len(draft["steps"]))
        if original and index is None:
            raise FormProblem("original", "rf_no_plan", name=original)
        if op in ("add", "remove", "up", "down"):
            rule_forms.plan_edit(draft, op, row)
            return rules_page(web, plan=draft)  # not saved yet: the owner goes on
        if op == "delete":
            used = routes_using_plan(config, original)
            if used:
                raise FormProblem("name", "rf_plan_in_use", name=original,
                                  routes=", ".join(used))
            if index is None:
                raise FormProblem("original", "rf_no_plan", name=original)
            del plans[index]
            return pages._save(web, "plans", plans, "/rules#plans", again)
        plan = keep_keypad(rule_forms.plan(draft), plans[index] if index is not None else None)
    except BadQuery as exc:
        return again(_problem(exc))
    renamed = rename_plan(config, original, plan["name"]) if original else config
    if index is None:
        index = len(plans)
        plans.append(plan)
    else:
        plans[index] = plan
    done = f"/rules?plan={quote(plan['name'])}#plans"
    return pages._save(web, {"plans": plans, "routes": renamed["routes"]}, None, done,
                       lambda e: again(e, f"plans[{index}]."))


def _stored_plan(web: Web, name: str) -> dict[str, Any]:
    found = next((p for p in web.service.config()["plans"] if p["name"] == name), None)
    return rule_forms.plan_draft(found)


# --- caps ------------------------------------------------------------------------------


def _caps_post(web: Web, form: Any) -> Any:
    config = web.service.config()
    line = rule_forms.get_text(form, "line")
    if line not in outside_lines(config):
        problem = FormProblem("line", "rf_no_line", name=line)
        return rules_page(web, errors=_problem(problem), errors_for="caps")
    try:
        draft = rule_forms.caps_from_form(form)
    except BadQuery as exc:
        return rules_page(web, errors=_problem(exc), errors_for=f"caps-{line}")

    def again(errors: list, prefix: str = "") -> str:
        shown = rule_forms.local_errors(errors, prefix) if prefix else errors
        return rules_page(web, errors=shown, errors_for=f"caps-{line}", caps={line: draft})

    all_caps = list(config["caps"])
    index = next((i for i, c in enumerate(all_caps) if c["line"] == line), None)
    try:
        op, row = rule_forms.operation(form, len(draft["limits"]))
        if op in ("add", "remove"):
            rule_forms.caps_edit(draft, op, row)
            return rules_page(web, caps={line: draft})
        if op != "save":
            raise FormProblem("op", "rf_bad_button")
        caps = rule_forms.caps(draft)
    except BadQuery as exc:
        return again(_problem(exc))
    if caps is None:  # no limits left: the line has no cap
        if index is not None:
            del all_caps[index]
    elif index is None:
        index = len(all_caps)
        all_caps.append(caps)
    else:
        all_caps[index] = caps
    return pages._save(web, "caps", all_caps, f"/rules#caps-{line}",
                       lambda e: again(e, f"caps[{index}]."))


# --- the page --------------------------------------------------------------------------


def rules_page(web: Web, errors: list | None = None, draft: dict | None = None,
               errors_for: str | None = None, route: dict | None = None,
               plan: dict | None = None, caps: dict | None = None) -> str:
    """The page; `errors` are shown at the form `errors_for` names ("routes", "plans",
    "caps-gsm0"; None: at the top), `route`, `plan` and `caps` ({line: draft}) are the
    editors' drafts (else the item chosen by `?route=` / `?plan=`, or a new one)."""
    params = core.query()
    result, test_errors = None, []
    if "caller" in params:
        try:
            result = api.explain(web, params)
        except BadQuery as exc:
            test_errors = [(exc.field, exc.reason)]
            bottle.response.status = 400
    if errors:
        bottle.response.status = 422
    config = web.service.config()
    usage = web.service.month_usage()
    _ = i18n.translator(core.current_lang())
    if route is None:
        chosen = next((r for r in config["routes"] if r["name"] == params.get("route")), None)
        route = rule_forms.route_draft(chosen)
    if plan is None:
        chosen = next((p for p in config["plans"] if p["name"] == params.get("plan")), None)
        plan = rule_forms.plan_draft(chosen)
    bound_ids = {b["id"] for b in config["bound_numbers"]}
    cap_forms = []
    for line in outside_lines(config):
        stored = next((c for c in config["caps"] if c["line"] == line), None)
        shown = (caps or {}).get(line) or rule_forms.caps_draft(line, stored, bound_ids)
        cap_forms.append(_with_usage(shown, usage))
    errors = errors or []
    return pages.render(
        "rules", web, config=config, result=result, errors=errors, errors_for=errors_for,
        test_errors=test_errors, params=params, fields=_fields(config, draft),
        routes=[_route(r) for r in config["routes"]], route=route,
        route_lines=_route_lines(config, route), time_rules=_time_rules(config),
        destinations=_destinations(config), plans=[_plan_summary(config, p)
                                                   for p in config["plans"]],
        plan=plan, step_actions=_step_actions(config), cap_forms=cap_forms,
        treatments=forms.TREATMENTS, match_fields=MATCH_FIELDS,
        exits=rule_forms.EXITS, endings=rule_forms.ENDINGS, counters=rule_forms.COUNTERS,
        cap_actions=rule_forms.CAP_ACTIONS, bad=lambda name: _bad(errors, name),
        step_exits=keypad_forms.exits_of, answering=keypad_forms.ANSWERING,
        menu_keys=keypad_forms.KEYS, prompt_names=_prompt_names(web),
        queue_groups=queue_forms.group_choices(config),
        voicemail_boxes=queue_forms.box_choices(config),
        caller_sms_text=(config.get("notifications") or {}).get("caller_sms_text", ""),
        dest=lambda value: destination_text(_, value), when_text=lambda v: when_text(_, v),
        exit_text=lambda kind, e: exit_text(_, kind, e))


def _prompt_names(web: Web) -> list[str]:
    """Every prompt name that plays (the owner's and the defaults), for the plan form."""
    try:
        return sorted({entry["name"] for entry in web.service.prompts().list()})
    except Exception:  # a prompts folder unreadable: the form still works
        return []


def _bad(errors: list, name: str) -> str:
    return "bad" if rule_forms.field_has_error(errors, name) else ""


def _fields(config: dict[str, Any], draft: dict | None) -> dict[str, str]:
    """The VIP and block forms' values: what the owner typed when it was refused, else
    the config's."""
    vip, blocking = config["vip"], config["blocking"]
    shown = {"vip_numbers": forms.items_text(vip["numbers"]),
             "vip_prefixes": forms.items_text(vip["prefixes"]),
             "vip_targets": forms.items_text(vip["targets"]),
             "vip_ring_time": str(vip["ring_time"]),
             "designated": forms.designated_text(config["designated"]),
             "returning_caller_days": str(config["returning_caller_days"]),
             "blacklist": forms.items_text(blocking["blacklist"]),
             "whitelist": forms.items_text(blocking["whitelist"]),
             "block_withheld": "1" if blocking["block_withheld"] else "",
             "treatment": blocking["treatment"]}
    for kind in ("deny_regions", "allow_regions"):
        for f in MATCH_FIELDS:
            shown[f"{kind}.{f}"] = ", ".join(blocking[kind].get(f, []))
    if draft:
        shown.update({k: v for k, v in draft.items() if k in shown})
        if "treatment" in draft:  # a refused blocking form: its checkbox as sent
            shown["block_withheld"] = draft.get("block_withheld", "")
    return shown


def _route(route: dict[str, Any]) -> dict[str, Any]:
    """One route as the list shows it: what it matches, when, and where it goes."""
    callers = route.get("callers") or {}
    return {"name": route["name"], "lines": ", ".join(route.get("lines") or []),
            "callers": [(f, ", ".join(callers[f])) for f in MATCH_FIELDS if callers.get(f)],
            "withheld": {None: "", True: "only", False: "never"}[callers.get("withheld")],
            "when": route.get("when") or "", "unless": route.get("unless") or "",
            "to": route["to"]}


def _route_lines(config: dict[str, Any], draft: dict[str, Any]) -> list[str]:
    """The lines a route's checkboxes offer: the outside lines, GSM and analog (calls come
    in on them), and any other line the route already names, so saving never drops one."""
    names = outside_lines(config)
    return names + [n for n in draft["lines"] if n not in names]


def outside_lines(config: dict[str, Any]) -> list[str]:
    """The outside lines' names (the config's JSON form), GSM first, as Lines.outside()."""
    return [line["name"] for kind in ("gsm", "fxo") for line in config["lines"].get(kind) or []]


def _time_rules(config: dict[str, Any]) -> list[str]:
    return ["office_hours", *(t["name"] for t in config["time_rules"])]


def _destinations(config: dict[str, Any]) -> list[str]:
    """Every `to` a route can have, as the select lists them."""
    groups = [f"ring_group:{g['name']}" for g in config["ring_groups"]]
    plans = [f"plan:{p['name']}" for p in config["plans"]]
    return ["default", *groups, "duty", "forward_chain", *plans, *rule_forms.ENDINGS]


def _step_actions(config: dict[str, Any]) -> list[str]:
    return [*(f"ring_group:{g['name']}" for g in config["ring_groups"]),
            *rule_forms.STEP_ACTIONS]


def destination_text(_: Callable[..., str], value: str) -> str:
    """A route's `to` or a step's `do` in the page's language."""
    kind, _sep, name = value.partition(":")
    if kind in ("ring_group", "plan") and name:
        return _(f"rf_to_{kind}", name=name)
    key = f"rf_to_{kind}"
    return _(key) if key in i18n.MESSAGES else value


def exit_text(_: Callable[..., str], kind: str, exit: str) -> str:
    """An exit's label on the plan form: the step kind's own words when it has them
    (a queue's `timeout` is "waited too long"), else the exit's."""
    own = f"rf_exit_{kind.partition(':')[0]}_{exit}"
    return _(own) if own in i18n.MESSAGES else _(f"rf_exit_{exit}")


def when_text(_: Callable[..., str], value: str) -> str:
    return _("rf_office_hours") if value == "office_hours" else value


def _plan_summary(config: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    return {"name": plan["name"], "steps": [s["id"] for s in plan["steps"]],
            "used_by": routes_using_plan(config, plan["name"])}


def _with_usage(draft: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
    """A cap form with each limit's counter this month beside it (minutes to a tenth)."""
    used_by_line = usage["lines"].get(draft["line"], {})
    limits = []
    for limit in draft["limits"]:
        used = used_by_line.get(limit["counter"], 0)
        top = rule_forms.whole(limit["max"])
        shown = round(used, 1)
        limits.append({**limit, "used": int(shown) if shown == int(shown) else shown,
                       "reached": top is not None and used >= top})
    return {**draft, "limits": limits}
