"""The first-run setup: a few screens right after the owner's password is set, in Chinese
or English: the company (name, timezone, country), the outside lines (a SIM's number
and PIN; an analog line's number, its exchange profile defaulting to the country's,
and its disconnect method), office hours,
the first desk phones (an extension on each FXS port the board has, ringing together
for company calls) and who answers after hours. Then the box takes calls.

Each screen saves its part through the box like every other form (validated; a refusal
answers 422 with the reasons beside the form and what was typed, never the PIN). Any
screen can be skipped ("Skip this step") or the whole setup left for later ("Finish
later": the dashboard); `/welcome` resumes at the screen last shown, and the Settings
page links to it. Where it stands is kept in `<data>/web/welcome.json` (not the config).
After the password is set, a box with no extension yet goes to the setup.
"""

from __future__ import annotations

import json
from typing import Any

import bottle

from firmware.service import WEEKDAYS, BadQuery, ConfigError, write_private_file
from web_ui import analog_forms, i18n, pages
from web_ui import app as core
from web_ui import schedule_forms as sf
from web_ui import settings_forms as sfm
from web_ui.app import Web
from web_ui.messages_reasons import form_reason
from web_ui.settings_pages import analog_choices, board_lines

STEPS = ("company", "line", "hours", "phones", "after_hours", "done")
STATE_FILE = "welcome.json"
OFFICE_DAY = ["09:00-18:00"]
ACTIONS = ("next", "skip", "later")


def needs_setup(web: Web) -> bool:
    """A box with no desk phone or mobile configured yet: the owner is led to the setup."""
    config = web.service.config()
    return not config["extensions"] and not config["bound_numbers"]


def start(web: Web) -> None:
    """The setup begins (again) at its first screen."""
    _store(web, {"state": "pending", "step": STEPS[0]})


def state(web: Web) -> dict[str, Any]:
    try:
        found = json.loads((web.service.web_dir / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {"state": "none", "step": STEPS[0]}
    if not isinstance(found, dict) or found.get("step") not in STEPS:
        return {"state": "none", "step": STEPS[0]}
    return found


def _store(web: Web, value: dict[str, Any]) -> None:
    write_private_file(web.service.web_dir / STATE_FILE, json.dumps(value).encode())


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get("/welcome")
    def resume() -> Any:
        bottle.redirect(f"/welcome/{state(web)['step']}")

    @app.get("/welcome/<step>")
    def show(step: str) -> Any:
        _known(step)
        _store(web, {"state": "done" if step == "done" else "pending", "step": step})
        return screen(web, step)

    @app.post("/welcome/<step>")
    def save(step: str) -> Any:
        _known(step)
        form = core.form()
        action = form.get("action") or "next"
        if action not in ACTIONS:
            why = form_reason("not_choice", value=action, choices=list(ACTIONS))
            return screen(web, step, [("action", why)], dict(form))
        if action == "later":
            pages.flash("ok", "wz_later")
            bottle.redirect("/")
        if action == "next" and step != "done":
            refused = _apply(web, step, form)
            if refused is not None:
                return screen(web, step, refused, dict(form))
        bottle.redirect(f"/welcome/{_after(step)}")


def _known(step: str) -> None:
    if step not in STEPS:
        bottle.abort(404)


def _after(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def _apply(web: Web, step: str, form: Any) -> list | None:
    """Save what screen `step` asks; the (field, reason) list if refused, else None."""
    config = web.service.config()
    try:
        new = _changed(web, step, form, config)
        web.service.replace_config(new)
    except BadQuery as exc:
        return [(exc.field, exc.reason)]
    except ConfigError as exc:
        return sfm.hide_pins(exc.errors)
    return None


def _changed(web: Web, step: str, form: Any, config: dict[str, Any]) -> dict[str, Any]:
    new = dict(config)
    if step == "company":
        new["settings"] = sfm.settings(form, config["settings"])
    elif step == "line":
        new["lines"] = {**config["lines"],
                        "gsm": sfm.gsm_lines(form, config["lines"].get("gsm") or []),
                        "fxo": analog_forms.fxo_lines(form, _analog(config))}
    elif step == "hours":
        new["schedule"] = sf.week(form)
    elif step == "phones":
        phones = sfm.desk_phones(form, board_lines(web, config)["fxs"])
        name = i18n.text(core.current_lang(), "wz_group_name")
        new = sfm.with_desk_phones(config, phones, name)
    elif step == "after_hours":
        new = sfm.after_hours(form, config)
    return new


def screen(web: Web, step: str, errors: list | None = None,
           typed: dict[str, Any] | None = None) -> str:
    """Screen `step`, filled from the config, or with what was `typed` after a refusal."""
    config = web.service.config()
    if errors:
        bottle.response.status = 422
    values = _values(web, step, config)
    if typed:
        values.update({k: v for k, v in typed.items() if "pin" not in k})
    lines = sfm.mask_pins(config["lines"])
    lines["fxo"] = analog_forms.fxo_lines(typed or {}, _analog(config))
    return pages.render("welcome", web, step=step, steps=STEPS, n=STEPS.index(step) + 1,
                        errors=errors or [], bad={f for f, _ in errors or []}, values=values,
                        config=config, lines=lines, **analog_choices(),
                        ports=board_lines(web, config)["fxs"], weekdays=WEEKDAYS,
                        timezones=sfm.TIMEZONES, back=_before(step))


def _analog(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The analog lines as the setup offers them: a line on the default profile takes the
    country's (a box set up in the US or Canada: North America)."""
    return analog_forms.with_country_profile(config["lines"].get("fxo") or [],
                                             config["settings"].get("country") or "CN")


def _before(step: str) -> str | None:
    i = STEPS.index(step)
    return STEPS[i - 1] if i else None


def _values(web: Web, step: str, config: dict[str, Any]) -> dict[str, Any]:
    """The fields of screen `step` as the config has them now (office hours: Monday to
    Friday 9 to 6 when none are set)."""
    if step == "company":
        return dict(config["settings"])
    if step == "line":
        return {f"gsm{i}_number": g.get("number") or ""
                for i, g in enumerate(config["lines"].get("gsm") or [])}
    if step == "hours":
        week = config["schedule"]
        if not any(week.get(day) for day in WEEKDAYS):
            week = {day: OFFICE_DAY if day not in ("sat", "sun") else [] for day in WEEKDAYS}
        return sf.week_fields(week)
    if step == "phones":
        on_port = {e["port"]: e for e in config["extensions"]}
        values: dict[str, Any] = {}
        for port in board_lines(web, config)["fxs"]:
            ext = on_port.get(port)
            values[f"ext_{port}"] = ext["number"] if ext else ""
            values[f"name_{port}"] = ext["name"] if ext else ""
        return values
    if step == "after_hours":
        default = config["duty_roster"].get("default")
        return {"who": default or ("new" if not config["bound_numbers"] else "nobody"),
                "name": "", "number": ""}
    return {}
