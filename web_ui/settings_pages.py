"""The Settings page: the company's settings, the lines, who answers the company line and
the forward chain, each a form (forms: web_ui/settings_forms.py), and their API.

Every form writes its part into a copy of the config and saves it through
`pages._save`: the box validates, a refusal answers 422 with the reasons in the card of
the form that was sent, naming the fields, with what the owner typed (never the PIN),
and nothing changes. The lines are the board's (firmware/config/hardware.py): the
page offers the board's FXS ports and shows one form row per GSM line of the config.

API: `GET /api/board` (the lines the board has), `GET|PUT /api/settings`,
`GET|PUT /api/lines` (a set PIN reads `********`; sending it back keeps the PIN),
`GET|PUT /api/inbound`, `GET|PUT /api/forward_chain`.
"""

from __future__ import annotations

from typing import Any

import bottle

from firmware.service import BadQuery, ConfigError, ServiceError
from web_ui import analog_forms, api, pages
from web_ui import app as core
from web_ui import settings_forms as sfm
from web_ui.app import Web

HERE = "/settings"
API_SECTIONS = ("settings", "lines", "inbound", "forward_chain")
LINE_KINDS = ("gsm", "fxo", "fxs")


def board_lines(web: Web, config: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """The lines the box's board has, by kind (`{"gsm": [...], "fxo": [...], "fxs":
    [...]}`); without a box to ask, the lines the config names."""
    try:
        hardware = web.service.hardware()
    except (ServiceError, ConfigError):
        hardware = None
    config = config if config is not None else web.service.config()
    named = {kind: [line["name"] for line in config["lines"].get(kind) or []]
             for kind in LINE_KINDS}
    if isinstance(hardware, dict) and isinstance(hardware.get("lines"), dict):
        known = hardware["lines"]
        return {kind: list(known.get(kind) or named[kind]) for kind in LINE_KINDS}
    return named


def board_name(web: Web) -> str:
    try:
        return str((web.service.hardware() or {}).get("board") or "")
    except (ServiceError, ConfigError):
        return ""


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def settings_page() -> Any:
        return page(web)

    @app.post("/settings/company")
    def save_company() -> Any:
        form = core.form()
        current = web.service.config()["settings"]
        draft = sfm.settings(form, current)
        return _save(web, {"settings": draft}, "company", {"settings": draft})

    @app.post("/settings/lines")
    def save_lines() -> Any:
        return _save_lines(web, core.form())

    @app.post("/settings/inbound")
    def save_inbound() -> Any:
        form = core.form()
        config = web.service.config()
        try:
            change = sfm.inbound_sections(form, config)
        except BadQuery as exc:
            return page(web, [(exc.field, exc.reason)], "inbound")
        return _save(web, change, "inbound", {"answer": sfm.inbound_answer({**config,
                                                                            **change})})

    @app.post("/settings/forward")
    def save_forward() -> Any:
        form = core.form()
        chain = sfm.forward_chain(form)
        return _save(web, {"forward_chain": chain}, "forward",
                     {"chain": str(form.get("chain") or "")})

    _install_api(app, web)


def _save_lines(web: Web, form: Any) -> Any:
    config = web.service.config()
    lines = config["lines"]
    try:
        fxs = sfm.fxs_ports(form, board_lines(web, config)["fxs"])
    except BadQuery as exc:
        return page(web, [(exc.field, exc.reason)], "lines", _lines_draft(form, lines))
    new = {**lines, "gsm": sfm.gsm_lines(form, lines.get("gsm") or []), "fxs": fxs,
           "fxo": analog_forms.fxo_lines(form, lines.get("fxo") or [])}
    return _save(web, {"lines": new}, "lines", _lines_draft(form, lines))


def _lines_draft(form: Any, lines: dict[str, Any]) -> dict[str, Any]:
    """What the owner typed, to show again: the numbers and the ports ticked; no PIN."""
    gsm = [{**line, "number": form.get(f"gsm{i}_number", line.get("number") or "")}
           for i, line in enumerate(lines.get("gsm") or [])]
    return {"lines": {"gsm": sfm.mask_pins({"gsm": gsm})["gsm"],
                      "fxo": analog_forms.fxo_lines(form, lines.get("fxo") or []),
                      "fxs": [{"name": p} for p in form.getall("fxs")]}}


def _save(web: Web, change: dict[str, Any], where: str, draft: dict[str, Any]) -> Any:
    return pages._save(web, change, None, f"{HERE}#{where}",
                       lambda errors: page(web, sfm.hide_pins(errors), where, draft))


def page(web: Web, errors: list | None = None, where: str = "",
         draft: dict[str, Any] | None = None) -> str:
    """The Settings page; `errors` go in the card `where`, showing `draft` there."""
    config = web.service.config()
    shown = {**config, **{k: v for k, v in (draft or {}).items() if k in config}}
    if errors:
        bottle.response.status = 422
    answer = (draft or {}).get("answer", sfm.inbound_answer(config))
    chain_text = (draft or {}).get("chain")
    if chain_text is None:
        chain_text = "\n".join(config["forward_chain"])
    return pages.render("settings", web, config=config, shown=shown,
                        lines=sfm.mask_pins(shown["lines"]), errors=errors or [],
                        where=where, bad={field for field, _ in errors or []},
                        board=board_lines(web, config), board_name=board_name(web),
                        timezones=sfm.TIMEZONES, calendars=sfm.HOLIDAY_CALENDARS,
                        chain_text=chain_text, pin_mask=sfm.PIN_MASK,
                        groups=[g["name"] for g in config["ring_groups"]], answer=answer,
                        plans=[p["name"] for p in config["plans"]], **analog_choices())


def analog_choices() -> dict[str, Any]:
    """What the analog lines' form offers: the exchange profiles, the disconnect methods,
    and each profile's usual method (shown as the default)."""
    return {"analog_profiles": analog_forms.ANALOG_PROFILES,
            "disconnect_methods": analog_forms.DISCONNECT_METHODS,
            "disconnect_defaults": {p: analog_forms.disconnect_default(p)
                                    for p in analog_forms.ANALOG_PROFILES}}


# --- API ---------------------------------------------------------------------------


def _install_api(app: bottle.Bottle, web: Web) -> None:
    @app.get("/api/board")
    def board() -> Any:
        return api._guarded(lambda: {"board": board_name(web), "lines": board_lines(web)})

    for section in API_SECTIONS:
        app.route(f"/api/{section}", "GET", _reader(web, section))
        app.route(f"/api/{section}", "PUT", _writer(web, section))

    @app.get("/api/lines/fxo/<name>")
    def get_analog_line(name: str) -> Any:
        return api._guarded(lambda: _analog_line(web, name))

    @app.put("/api/lines/fxo/<name>")
    def put_analog_line(name: str) -> Any:
        return api._guarded(lambda: _put_analog_line(web, name, api._body()))


def _analog_line(web: Web, name: str) -> Any:
    """Analog line `name` as the config has it (404 JSON when there is none)."""
    line = next((f for f in web.service.config()["lines"].get("fxo") or []
                 if f.get("name") == name), None)
    if line is None:
        return api._json({"error": f'no analog line "{name}"'}, 404)
    return analog_forms.line_view(line)


def _put_analog_line(web: Web, name: str, body: Any) -> Any:
    found = _analog_line(web, name)
    if isinstance(found, bottle.HTTPResponse):
        return found
    config = web.service.config()
    config["lines"] = analog_forms.patched(config["lines"], name, body)
    web.service.replace_config(config)
    return _analog_line(web, name)


def _reader(web: Web, section: str) -> Any:
    def read() -> Any:
        return api._guarded(lambda: _shown(section, web.service.config()[section]))

    read.__name__ = f"get_{section}"
    return read


def _writer(web: Web, section: str) -> Any:
    def write() -> Any:
        return api._guarded(lambda: _put(web, section, api._body()))

    write.__name__ = f"put_{section}"
    return write


def _put(web: Web, section: str, value: Any) -> Any:
    """Replace one section (lines: a masked PIN keeps the line's PIN); the stored section."""
    config = web.service.config()
    if section == "lines":
        value = sfm.keep_pins(value, config["lines"])
    config[section] = value
    try:
        web.service.replace_config(config)
    except ConfigError as exc:
        raise ConfigError(sfm.hide_pins(exc.errors)) from None
    return _shown(section, web.service.config()[section])


def _shown(section: str, value: Any) -> Any:
    return sfm.mask_pins(value) if section == "lines" else value
