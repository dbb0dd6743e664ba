"""The Rules page: VIP callers, designated agents, returning callers, block lists, the
routes in order, the monthly caps with this month's counters, and "test a call".

The VIP and blocking forms save through `pages.save` like every other form: the box's
own validator decides, a refusal names the field and changes nothing. Routes, plans
and caps are listed here and edited as JSON (`/config/routes`, ...); the counters come
from the call records through the service (read-only). "Test a call" shows the routing
engine's own answer (`firmware.routing.route_answer` through the service), the same as
`switchboard route explain` and `/api/explain`.
"""

from __future__ import annotations

from typing import Any

import bottle

from firmware.service import BadQuery
from web_ui import api, forms, pages
from web_ui import app as core
from web_ui.app import Web

MATCH_FIELDS = ("numbers", "provinces", "cities", "area_codes", "carriers")


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


def rules_page(web: Web, errors: list | None = None, draft: dict | None = None) -> str:
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
    return pages.render("rules", web, config=config, result=result, errors=errors or [],
                        test_errors=test_errors, params=params,
                        fields=_fields(config, draft), routes=[_route(r) for r in
                                                               config["routes"]],
                        caps=caps_rows(config, web.service.month_usage()),
                        treatments=forms.TREATMENTS, match_fields=MATCH_FIELDS)


def _fields(config: dict[str, Any], draft: dict | None) -> dict[str, str]:
    """The forms' values: what the owner typed when it was refused, else the config's."""
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
    matches = [f"{f}: {', '.join(callers[f])}" for f in MATCH_FIELDS if callers.get(f)]
    if callers.get("withheld") is not None:
        matches.append(f"withheld: {'yes' if callers['withheld'] else 'no'}")
    return {"name": route["name"], "lines": ", ".join(route.get("lines") or []),
            "callers": "; ".join(matches), "when": route.get("when") or "",
            "unless": route.get("unless") or "", "to": route["to"]}


def caps_rows(config: dict[str, Any], usage: dict[str, Any]) -> list[dict[str, Any]]:
    """Every monthly limit with what its line used this month (whole minutes shown)."""
    rows = []
    for caps in config["caps"]:
        used_by_line = usage["lines"].get(caps["line"], {})
        for limit in caps["limits"]:
            used = used_by_line.get(limit["counter"], 0)
            rows.append({"line": caps["line"], "counter": limit["counter"],
                         "used": round(used, 1), "max": limit["max"],
                         "action": limit.get("action", "reject"),
                         "reached": used >= limit["max"],
                         "notify": ", ".join(caps.get("notify") or [])})
    return rows
