"""The Schedules page: weekly open hours, the duty roster, time rules, the company's own
holidays and adjusted working days, the year's holiday calendar, and who would be on
duty at a chosen time.

Every form is a whole section (or one entry of it) the page writes into a copy of the
config and saves through `pages._save`, like the other pages: the box's validator
decides, a refusal comes back as 422 beside the form it belongs to, naming the fields,
with what the owner typed, and nothing changes. Renaming a time rule renames it in the
routes' `when` / `unless` too (firmware/config/refs.py); a rule a route uses is not
deleted, and the page says which routes use it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import bottle

from firmware.service import WEEKDAYS, BadQuery, is_digits, rename_time_rule, time_rule_users
from web_ui import api, i18n, pages, queries
from web_ui import app as core
from web_ui import schedule_forms as sf
from web_ui.app import Web

HERE = "/schedule"


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def schedule() -> Any:
        return schedule_page(web)

    @app.post(HERE)
    def save_hours() -> Any:
        form = core.form()
        current = web.service.config()["schedule"]
        try:
            schedule = sf.schedule(form, current)
        except BadQuery as exc:
            return schedule_page(web, _refusal(exc), "hours", dict(form))
        return _save(web, {"schedule": schedule}, "hours", dict(form))

    @app.post("/schedule/roster")
    def save_roster_entry() -> Any:
        return _roster_entry(web, core.form())

    @app.post("/schedule/roster/default")
    def save_roster_default() -> Any:
        form = core.form()
        roster = web.service.config()["duty_roster"]
        chosen = (form.get("default") or "").strip()
        return _save(web, {"duty_roster": {**roster, "default": chosen or None}}, "default",
                     {"default": chosen})

    @app.post("/schedule/roster/holiday")
    def save_holiday_duty() -> Any:
        form = core.form()
        roster = web.service.config()["duty_roster"]
        chosen = (form.get("holiday") or "").strip()
        return _save(web, {"duty_roster": {**roster, "holiday": chosen or None}}, "holiday",
                     {"holiday": chosen})

    @app.post("/schedule/rule")
    def save_time_rule() -> Any:
        return _time_rule(web, core.form())

    @app.post("/schedule/calendar")
    def save_company_days() -> Any:
        form = core.form()
        draft = {k: form.get(k) or "" for k in ("kind", "first", "last", "name")}
        try:
            kind, dates, name = sf.company_days(form)
        except BadQuery as exc:
            return schedule_page(web, _refusal(exc), "calendar", draft)
        calendar = web.service.config()["calendar"]
        if form.get("remove"):
            changed = sf.remove_days(calendar, kind, dates)
            draft = {}
        else:
            changed = sf.add_days(calendar, kind, dates, name)
        # back to the year of the days changed, where the table shows them
        return _save(web, {"calendar": changed}, "calendar", draft, f"?day={dates[0]}")


def _roster_entry(web: Web, form: Any) -> Any:
    roster = web.service.config()["duty_roster"]
    entries = list(roster["entries"])
    draft = sf.roster_draft(form)
    where = f"roster:{(form.get('index') or '').strip() or 'new'}"
    try:
        index = sf.entry_index(form, len(entries))
        if form.get("delete") and index is not None:
            del entries[index]
            draft = {}
        else:
            entry = sf.roster_entry(form)
            if index is None:
                entries.append(entry)
            else:
                entries[index] = entry
    except BadQuery as exc:
        return schedule_page(web, _refusal(exc), where, draft)
    return _save(web, {"duty_roster": {**roster, "entries": entries}}, where, draft)


def _time_rule(web: Web, form: Any) -> Any:
    config = web.service.config()
    rules = list(config["time_rules"])
    original = (form.get("original") or "").strip()
    draft = {k: form.get(k) or "" for k in sf.new_time_rule_fields()}
    draft["original"] = original
    index = next((i for i, r in enumerate(rules) if r["name"] == original), None)
    if original and index is None:
        return schedule_page(web, [("original", _("form_gone"))], "rule", draft)
    if form.get("delete") and index is not None:
        users = time_rule_users(config, original)
        if users:
            routes = ", ".join(_("tr_route_use", route=name, use=_("rules_" + key))
                               for name, key in users)
            return schedule_page(web, [(f"time_rules[{index}]", _("tr_in_use", name=original,
                                                                  routes=routes))],
                                 "rule", draft)
        del rules[index]
        return _save(web, {"time_rules": rules}, "rule", {})
    try:
        rule = sf.time_rule(form)
    except BadQuery as exc:
        return schedule_page(web, _refusal(exc), "rule", draft)
    change: dict[str, Any] = {}
    if index is None:
        rules.append(rule)
    else:
        rules[index] = rule
        if rule["name"] != original:  # a rename: the routes that name it follow
            change["routes"] = rename_time_rule(config, original, rule["name"])["routes"]
    change["time_rules"] = rules
    return _save(web, change, "rule", draft)


def _(key: str, **values: Any) -> str:
    """A message in the page's language (for reasons the page itself gives)."""
    return i18n.text(core.current_lang(), key, **values)


def _refusal(exc: BadQuery) -> list[tuple[str, str]]:
    key = getattr(exc, "key", None)
    return [(exc.field, _(key, **exc.values) if key else exc.reason)]


def _save(web: Web, change: dict[str, Any], where: str, draft: dict[str, Any],
          query: str = "") -> Any:
    anchor = where.partition(":")[0]
    return pages._save(web, change, None, f"{HERE}{query}#{_ANCHORS[anchor]}",
                       lambda errors: schedule_page(web, errors, where, draft))


_ANCHORS = {"hours": "hours", "roster": "roster", "default": "roster", "holiday": "roster",
            "rule": "time_rules", "calendar": "calendar"}


# --- the page ---------------------------------------------------------------------------


def schedule_page(web: Web, errors: list | None = None, where: str = "",
                  draft: dict[str, Any] | None = None) -> str:
    """The page; `errors` belong to the form `where` names ("hours", "roster:2",
    "roster:new", "default", "rule", "calendar"), which shows `draft` again."""
    if errors:
        bottle.response.status = 422
    params = core.query()
    config = web.service.config()
    draft = draft or {}
    preview, preview_errors = _preview(web, params)
    day_text = (params.get("day") or "").strip()
    try:
        day = queries.parse_date("day", day_text) if day_text else web.service.now().date()
    except BadQuery as exc:
        preview_errors.append((exc.field, exc.reason))
        day = web.service.now().date()
    calendar = web.service.calendar_year(day)
    closed_word = _("tr_closed_word")
    return pages.render(
        "schedule", web, config=config, errors=errors or [],
        weekdays=WEEKDAYS, preview=preview, preview_errors=preview_errors,
        at=params.get("at", ""), cal_day=day_text or day.isoformat(), calendar=calendar,
        spans=calendar_spans(calendar["days"]),
        hours=sf.hours_fields(config["schedule"], draft if where == "hours" else None),
        where=_form_shown(config, where),
        roster=_roster_rows(config, where, draft),
        roster_default=draft.get("default", "") if where == "default"
        else config["duty_roster"]["default"] or "",
        roster_holiday=draft.get("holiday", "") if where == "holiday"
        else config["duty_roster"].get("holiday") or "",
        rule=_rule_fields(config, params, where, draft, closed_word),
        rule_users={r["name"]: time_rule_users(config, r["name"]) for r in config["time_rules"]},
        own_days=sf.day_spans(config["calendar"]),
        own_form=draft if where == "calendar" else {"kind": "holiday"},
        closed_word=closed_word)


def _form_shown(config: dict[str, Any], where: str) -> str:
    """The form refused errors are shown beside: an entry that is gone is the new one."""
    kind, _sep, index = where.partition(":")
    if kind == "roster" and index != "new" and not (
            is_digits(index)
            and int(index) < len(config["duty_roster"]["entries"])):
        return "roster:new"
    return where


def _preview(web: Web, params: Any) -> tuple[dict | None, list]:
    if not params.get("at"):
        return None, []
    try:
        return api.explain(web, {"at": params.get("at"), "caller": ""}), []
    except BadQuery as exc:
        return None, [(exc.field, exc.reason)]


def _roster_rows(config: dict[str, Any], where: str, draft: dict[str, Any]
                 ) -> list[dict[str, Any]]:
    """Every entry's editor values, then an empty one for a new entry; the refused
    form shows what the owner sent."""
    where = _form_shown(config, where)
    rows = [{"index": str(i), **sf.roster_fields(e)}
            for i, e in enumerate(config["duty_roster"]["entries"])]
    rows.append({"index": "", "days": [], "person": "", "hours": ""})
    for row in rows:
        if where == f"roster:{row['index'] or 'new'}" and draft:
            row.update(draft)
    return rows


def _rule_fields(config: dict[str, Any], params: Any, where: str, draft: dict[str, Any],
                 closed_word: str) -> dict[str, str]:
    """The time rule editor: what was refused, else the rule `?rule=NAME`, else empty."""
    if where == "rule" and draft:
        return draft
    wanted = params.get("rule") or ""
    rule = next((r for r in config["time_rules"] if r["name"] == wanted), None)
    return sf.time_rule_fields(rule, closed_word) if rule else sf.new_time_rule_fields()


def calendar_spans(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive days off for one holiday (or adjusted working days) from one source
    as one row: {"first", "last", "days", "holiday", "adjusted_workday", "source", "name"}."""
    spans: list[dict[str, Any]] = []
    same = ("holiday", "adjusted_workday", "source", "name")
    for d in days:
        on = date.fromisoformat(d["date"])
        last = spans[-1] if spans else None
        if (last and date.fromisoformat(last["last"]) + timedelta(days=1) == on
                and all(last[k] == d.get(k) for k in same)):
            last.update(last=d["date"], days=last["days"] + 1)
        else:
            spans.append({"first": d["date"], "last": d["date"], "days": 1,
                          **{k: d.get(k) for k in same}})
    return spans
