"""Form fields -> the config's JSON form, for the Settings page and the first-run setup:
the company's settings, the lines (a SIM's number and PIN, the FXS ports in use), who
answers the company line, the forward chain, the first desk phones and who answers
after hours.

Only shape is checked here; phone numbers, names, references and ranges are the config
validator's, so the page and the API refuse the same things with the same words (a
refusal names the config's field: `settings.timezone`, `lines.gsm[0].sim_pin`).

The SIM PIN is a secret: it is never put back into a page or an API answer in clear.
`mask_pins` shows a set PIN as `PIN_MASK`; a PIN field left empty (a form) or sent as
`PIN_MASK` (JSON) keeps the PIN the line has (`keep_pins`); `clear_pin` removes it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from firmware.service import BadQuery
from web_ui.messages_reasons import form_reason

PIN_MASK = "********"
SETTINGS_FIELDS = ("company_name", "country", "timezone", "outside_line_prefix")
HOLIDAY_CALENDARS = ("CN", "none")
# Offered in the timezone list (any IANA name may be typed): where our owners are.
TIMEZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei",
             "Asia/Singapore", "Asia/Tokyo", "Europe/London", "America/New_York", "UTC")
DESK_GROUP = "desk phones"


def _text(form: Mapping[str, Any], name: str) -> str:
    return str(form.get(name) or "").strip()


def settings(form: Mapping[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The `settings` section with the form's fields over the current ones."""
    new = dict(current)
    for name in SETTINGS_FIELDS:
        if name in form:
            new[name] = _text(form, name)
    if "holiday_calendar" in form:
        new["holiday_calendar"] = _text(form, "holiday_calendar")
    return new


def gsm_lines(form: Mapping[str, Any], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each GSM line's number and PIN from `gsm{i}_number`, `gsm{i}_pin`, `gsm{i}_clear_pin`
    (i: the line's place in `current`); an empty PIN keeps the line's PIN."""
    lines = []
    for i, line in enumerate(current):
        new = dict(line)
        if f"gsm{i}_number" in form:
            new["number"] = _text(form, f"gsm{i}_number") or None
        pin = _text(form, f"gsm{i}_pin")
        if form.get(f"gsm{i}_clear_pin"):
            new["sim_pin"] = None
        elif pin:
            new["sim_pin"] = pin
        lines.append(new)
    return lines


def fxs_ports(form: Any, board_ports: list[str]) -> list[dict[str, str]]:
    """The FXS ports ticked (`fxs` checkboxes), in the board's order; a port the board
    does not have is refused here by name."""
    ticked = [p.strip() for p in form.getall("fxs")] if hasattr(form, "getall") else []
    for port in ticked:
        if board_ports and port not in board_ports:
            raise BadQuery("lines.fxs", form_reason("not_choice", value=port, choices=board_ports))
    order = board_ports or sorted(set(ticked))
    return [{"name": port} for port in order if port in ticked]


INBOUND_PLAN_ROUTE = "inbound plan"  # the route a plan chosen on the Settings page takes


def inbound_answer(config: dict[str, Any]) -> str:
    """Who answers in open hours as the form's choice: "plan:NAME" (the route
    INBOUND_PLAN_ROUTE), "group:NAME" (inbound.ring_group) or "" (nobody)."""
    route = next((r for r in config["routes"] if r["name"] == INBOUND_PLAN_ROUTE), None)
    if route is not None and str(route.get("to", "")).startswith("plan:"):
        return route["to"]
    group = config["inbound"].get("ring_group")
    return f"group:{group}" if group else ""


def inbound_sections(form: Mapping[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """The sections the `answer` choice changes: a ring group is `inbound.ring_group`; a
    plan is a last route INBOUND_PLAN_ROUTE to it in office hours (after hours, duty as
    always); nobody clears both. A form with only `ring_group` sets that group."""
    groups = [g["name"] for g in config["ring_groups"]]
    plans = [p["name"] for p in config["plans"]]
    choice = _text(form, "answer") if "answer" in form else (
        f"group:{_text(form, 'ring_group')}" if _text(form, "ring_group") else "")
    offered = [f"group:{g}" for g in groups] + [f"plan:{p}" for p in plans]
    if choice and choice not in offered:
        field = "inbound.ring_group" if choice.startswith("group:") else "answer"
        raise BadQuery(field, form_reason("not_choice", value=choice, choices=offered))
    routes = [r for r in config["routes"] if r["name"] != INBOUND_PLAN_ROUTE]
    group = choice.removeprefix("group:") if choice.startswith("group:") else None
    if choice.startswith("plan:"):
        routes.append({"name": INBOUND_PLAN_ROUTE, "to": choice, "when": "office_hours"})
        group = config["inbound"].get("ring_group")
    return {"inbound": {**config["inbound"], "ring_group": group}, "routes": routes}


def forward_chain(form: Mapping[str, Any]) -> list[str]:
    """The chain, one number or bound-number id a line (or comma-separated); empty: off."""
    text = str(form.get("chain") or "").replace("，", ",").replace("、", ",")
    return [part.strip() for line in text.splitlines() for part in line.split(",")
            if part.strip()]


def desk_phones(form: Mapping[str, Any], ports: list[str]) -> list[dict[str, str]]:
    """The first extensions: for each FXS port a number (`ext_PORT`) and a name
    (`name_PORT`); a port with neither has no extension."""
    found = []
    for port in ports:
        number, name = _text(form, f"ext_{port}"), _text(form, f"name_{port}")
        if number or name:
            found.append({"number": number, "name": name or number, "port": port})
    return found


def with_desk_phones(config: dict[str, Any], phones: list[dict[str, str]],
                     group_name: str) -> dict[str, Any]:
    """`config` with `phones` as the extensions of their ports (other extensions kept),
    ringing together in the inbound ring group (made, named `group_name`, if it has none)."""
    new = copy.deepcopy(config)
    ports = {p["port"] for p in phones}
    new["extensions"] = [e for e in new["extensions"] if e["port"] not in ports] + phones
    numbers = [p["number"] for p in phones]
    wanted = new["inbound"].get("ring_group")
    group = next((g for g in new["ring_groups"] if g["name"] == wanted), None)
    if group is None and not phones:
        return new  # no desk phone: no group to make
    if group is None:
        group = {"name": group_name, "members": [], "strategy": "ring_all",
                 "ring_time": 20, "total_ring_time": 60}
        new["ring_groups"] = [g for g in new["ring_groups"] if g["name"] != group_name]
        new["ring_groups"].append(group)
        new["inbound"] = {**new["inbound"], "ring_group": group_name}
    gone = {e["number"] for e in config["extensions"] if e["port"] in ports} - set(numbers)
    members = [m for m in group["members"] if _member_name(m) not in gone]
    members += [n for n in numbers if n and n not in {_member_name(m) for m in members}]
    group["members"] = members
    return new


def _member_name(member: Any) -> Any:
    if isinstance(member, dict):
        return member.get("target") or member.get("group")
    return member


def after_hours(form: Mapping[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Who takes calls when the office is closed: a person (name and mobile, kept as the
    bound number `duty`, or one already there chosen by id) or nobody."""
    new = copy.deepcopy(config)
    choice = _text(form, "who")
    roster = new["duty_roster"]
    if choice == "nobody":
        roster["default"] = None
        return new
    if choice and choice != "new":
        if choice not in {b["id"] for b in new["bound_numbers"]}:
            ids = [b["id"] for b in new["bound_numbers"]]
            raise BadQuery("who", form_reason("not_choice", value=choice,
                                              choices=["nobody", "new", *ids]))
        roster["default"] = choice
        return new
    ident = _free_id(new["bound_numbers"], "duty")
    new["bound_numbers"].append({"id": ident, "name": _text(form, "name") or ident,
                                 "number": _text(form, "number")})
    roster["default"] = ident
    return new


def _free_id(bound: list[dict[str, Any]], stem: str) -> str:
    taken = {b["id"] for b in bound}
    n = 1
    ident = stem
    while ident in taken:
        n += 1
        ident = f"{stem}{n}"
    return ident


# --- the PIN, a secret -------------------------------------------------------------


def mask_pins(lines: dict[str, Any]) -> dict[str, Any]:
    """The `lines` section with every set PIN shown as PIN_MASK."""
    out = copy.deepcopy(lines)
    for line in out.get("gsm") or []:
        if isinstance(line, dict) and line.get("sim_pin"):
            line["sim_pin"] = PIN_MASK
    return out


def keep_pins(new: Any, current: dict[str, Any]) -> Any:
    """`new` lines (JSON, as sent) with a PIN_MASK PIN replaced by the PIN the line of
    that name has now (none if it has none); anything else is left for the validator."""
    if not isinstance(new, dict) or not isinstance(new.get("gsm"), list):
        return new
    pins = {g.get("name"): g.get("sim_pin") for g in current.get("gsm") or []}
    out = copy.deepcopy(new)
    for line in out["gsm"]:
        if isinstance(line, dict) and line.get("sim_pin") == PIN_MASK:
            line["sim_pin"] = pins.get(line.get("name"))
    return out


def hide_pins(errors: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Refusals with a PIN's reason said without the PIN (the validator's names the value)."""
    return [(field, form_reason("pin_digits") if field.endswith(".sim_pin") else why)
            for field, why in errors]
