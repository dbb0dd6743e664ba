"""The owner's pages: first run, login, dashboard, staff, schedules, rules, records,
reports, system. Server-rendered HTML (templates in web_ui/views/, auto-escaped),
a little vanilla JS for live updates (web_ui/static/).

A page that saves builds a whole new config from the current one with one part
replaced (`_save`), and hands it to the box through the service: validation names
every field that is wrong, the form comes back with what the owner typed and the
reasons, and nothing is changed. A saved config applies from the next call on.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import bottle

from firmware.service import (
    MAX_TEXT_BYTES,
    BadQuery,
    ConfigError,
    ServiceError,
    UnknownAgent,
    UnreadableConfig,
    check_config_value,
    parse_config_text,
    rename_ring_group,
)
from web_ui import api, dashboard_cells, forms, i18n, queries, security, settings_forms
from web_ui import app as core
from web_ui.app import Web
from web_ui.field_names import field_label
from web_ui.messages_reasons import form_reason

VIEW_LOOKUP = [str(core.VIEWS)]


def editable_sections(web: Web) -> list[str]:
    """Every top-level section of the config, so one the schema gains later is editable
    at once; `schema_version` is the store's, not the owner's."""
    return [name for name in web.service.config() if name != "schema_version"]



def render(name: str, web: Web, **values: Any) -> str:
    """Render template `name` with what every page needs (language, CSRF token, flash)."""
    lang = core.current_lang()
    session = core.who().session
    flash = list(session.flash) if session else []
    if session:
        session.flash.clear()
    return bottle.template(name, template_lookup=VIEW_LOOKUP, _=i18n.translator(lang), lang=lang,
                           csrf=core.csrf_token(web), flash=flash,
                           logged_in=core.who().user is not None,
                           company=_company(web), path=bottle.request.path, **values)


def _company(web: Web) -> str:
    try:
        return web.service.config_object().settings.company_name
    except (ConfigError, ServiceError):
        return ""


def flash(kind: str, key: str) -> None:
    session = core.who().session
    if session is not None:
        session.flash.append((kind, key))


def install(app: bottle.Bottle, web: Web) -> None:
    from web_ui import (  # they render and save with these helpers
        prompt_pages,
        rule_pages,
        schedule_pages,
        settings_pages,
        welcome_pages,
    )

    _install_entry(app, web)
    settings_pages.install(app, web)
    welcome_pages.install(app, web)
    _install_staff(app, web)
    schedule_pages.install(app, web)
    rule_pages.install(app, web)
    _install_records(app, web)
    _install_system(app, web)
    prompt_pages.install(app, web)
    from web_ui import voicemail_pages

    voicemail_pages.install(app, web)
    from web_ui import feature_code_pages  # the Feature codes page and API (issue 13)

    feature_code_pages.install(app, web)
    from web_ui import recording_pages  # call recordings (issue 13, T6)

    recording_pages.install(app, web)


# --- first run, login, language ------------------------------------------------------


def _install_entry(app: bottle.Bottle, web: Web) -> None:
    @app.get("/setup", auth=False, first_run=True)
    def setup_form() -> Any:
        if web.owner.has_password:
            bottle.redirect("/login")
        core.ensure_session(web)
        return render("setup", web, error=None)

    @app.post("/setup", auth=False, first_run=True)
    def setup() -> Any:
        if web.owner.has_password:
            bottle.redirect("/login")
        password, again = core.form().get("password", ""), \
            core.form().get("again", "")
        error = _password_error(web, password, again)
        if error:
            bottle.response.status = 422
            return render("setup", web, error=error)
        web.owner.set_password(password)
        core.start_session(web)
        flash("ok", "setup_done")
        bottle.redirect(_after_password(web))

    @app.get("/login", auth=False)
    def login_form() -> Any:
        core.ensure_session(web)
        return render("login", web, error=None, wait=0)

    @app.post("/login", auth=False)
    def login() -> Any:
        address = core.client_address()
        wait = core.login_wait(web, address)
        if wait > 0:
            bottle.response.status = 429
            bottle.response.set_header("Retry-After", str(core.retry_seconds(wait)))
            return render("login", web, error="login_wait", wait=core.retry_seconds(wait))
        if not web.owner.check_password(core.form().get("password", "")):
            web.throttle.failed(address)
            bottle.response.status = 401
            return render("login", web, error="login_wrong", wait=0)
        web.throttle.succeeded(address)
        core.start_session(web)
        bottle.redirect("/")

    @app.post("/logout")
    def logout() -> Any:
        core.end_session(web)
        bottle.redirect("/login")

    @app.get("/lang/<code>", auth=False, first_run=True)
    def switch_language(code: str) -> Any:
        if code in i18n.LANGS:
            bottle.response.set_cookie(core.LANG_COOKIE, code, path="/", samesite="strict",
                                       max_age=365 * 86400)
        bottle.redirect(_back_here())

    @app.get("/")
    def dashboard() -> Any:
        from web_ui import diagnosis  # the "calls now" card

        _ = i18n.translator(core.current_lang())
        status = _dashboard(web)
        return render("dashboard", web, status=status, words=_live_words(),
                      word=lambda kind, value: live_word(_, kind, value), clock=duration_text,
                      agent_state=_agent_state(web), back="/",
                      diagnosis=diagnosis.view(web, core.current_lang(), status),
                      diagnosis_words=diagnosis.words_json(core.current_lang()),
                      warning_words=_warning_words(_),
                      **dashboard_cells.helpers(_))

    @app.post("/agents/availability")
    def set_availability() -> Any:
        """The switch on each agent's row (R12), on the dashboard and the Staff page
        (`back`: where to return): from the next call on."""
        form = core.form()
        available = form.get("available", "")
        if available not in ("0", "1"):
            bottle.abort(400, "available must be 0 or 1")
        try:
            web.service.set_available(form.get("agent", ""), available == "1")
        except UnknownAgent:
            bottle.abort(404, "no such agent")
        flash("ok", "agent_set_available" if available == "1" else "agent_set_unavailable")
        bottle.redirect("/staff" if form.get("back") == "/staff" else "/")


def _after_password(web: Web) -> str:
    """A box with nobody to ring yet goes on to the first-run setup; else the dashboard."""
    from web_ui import welcome_pages

    try:
        if welcome_pages.needs_setup(web):
            welcome_pages.start(web)
            return "/welcome"
    except (ConfigError, ServiceError):
        pass
    return "/"


def _back_here() -> str:
    """Where the language switch returns to: a path on this box, never another site."""
    back = core.query().get("back", "/") or "/"
    return back if back.startswith("/") and not back.startswith("//") else "/"


def _password_error(web: Web, password: str, again: str) -> str | None:
    if password != again:
        return "pw_mismatch"
    company = _company(web)
    return security.password_problem(password, avoid=tuple(company.split()) if company else ())


def _warning_words(_: Any) -> str:
    """The words warnings.js needs, in the page's language (JSON, safe in a <script>)."""
    words = {"outbox": _("warn_open_outbox"), "voicemail": _("warn_open_voicemail"),
             "dismiss": _("warn_dismiss")}
    return json.dumps(words, ensure_ascii=False).replace("</", "<\\/")


def _dashboard(web: Web) -> dict[str, Any]:
    try:
        return api.dashboard(web)
    except ServiceError:  # the box does not answer: its files still say what to warn of
        return {**_status(web), "agents": [], "warnings": api._warnings(web)}


def live_word(_: Any, kind: str, value: Any) -> str:
    """A state word of the status in the page's language: `live_line_ready`, `live_sim_pin`,
    `live_reg_5`, `live_call_ringing`; a word the catalogue lacks is shown as it is."""
    if value is None or value == "":
        return "-"
    key = f"live_{kind}_{value}"
    return _(key) if key in i18n.MESSAGES else str(value)


def agent_state(_: Any, agent: dict[str, Any], today: str) -> str:
    """An agent's state in the page's language; unavailable by choice with its time
    ("10:05" today, else "2026-12-01 10:05") when the box knows it."""
    since = agent.get("unavailable_since")
    if agent.get("state") == "unavailable" and isinstance(since, str) and "T" in since:
        day, _t, rest = since.partition("T")
        return _("agent_unavailable_since", time=rest[:5] if day == today else
                 f"{day} {rest[:5]}")
    key = f"agent_{agent.get('state')}"
    return _(key) if key in i18n.MESSAGES else str(agent.get("state"))


def _agent_state(web: Web) -> Any:
    _ = i18n.translator(core.current_lang())
    try:
        today = web.service.now().date().isoformat()
    except (ServiceError, ConfigError):  # a box not answering: every date in full
        today = ""
    return lambda agent: agent_state(_, agent, today)


def duration_text(seconds: float | None) -> str:
    """How long a call has lasted: "0:07", "12:30", "1:02:03" (live.js counts on)."""
    if seconds is None:
        return "-"
    s = int(seconds)
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m}:{s % 60:02d}"


def _live_words() -> str:
    """The words live.js needs, as JSON safe inside a <script> element."""
    _ = i18n.translator(core.current_lang())
    keys = [k for k in i18n.MESSAGES if k.startswith(("sys_", "agent_", "live_"))]
    return json.dumps({k: _(k) for k in keys}, ensure_ascii=False).replace("<", "\\u003c")


def _status(web: Web) -> dict[str, Any]:
    try:
        return web.service.status()
    except ServiceError:
        return {"system": "not_answering", "gsm": {}, "lines": {}, "ports": {}, "calls": [],
                "leds": {}}


# --- staff (schedules: schedule_pages.py; rules: rule_pages.py) ------------------------


def _install_staff(app: bottle.Bottle, web: Web) -> None:
    @app.get("/staff")
    def staff() -> Any:
        return _staff_page(web)

    @app.post("/staff/group")
    def save_group() -> Any:
        form = core.form()
        original = form.get("original", "")
        try:
            group = forms.ring_group(form)
        except BadQuery as exc:
            return _staff_page(web, errors=[(exc.field, exc.reason)], editing=original)
        config = web.service.config()
        groups = [g for g in config["ring_groups"] if g["name"] != original]
        if form.get("delete"):
            return _save(web, "ring_groups", groups, "/staff", lambda e: _staff_page(web, errors=e))
        index = next((i for i, g in enumerate(config["ring_groups"]) if g["name"] == original),
                     len(groups))
        # a rename: the inbound group, routes, plan steps and nested members follow
        renamed = rename_ring_group(config, original, group["name"]) if original else config
        groups = [g for g in renamed["ring_groups"] if g["name"] != original]
        groups.insert(index, group)
        change: dict[str, Any] = {"ring_groups": groups}
        change.update({section: renamed[section] for section in ("inbound", "routes", "plans")
                       if renamed.get(section) != config.get(section)})
        return _save(web, change, None, "/staff",
                     lambda e: _staff_page(web, errors=e, editing=original, draft=group))

    @app.post("/staff/people")
    def save_people() -> Any:
        form = core.form()
        try:
            extensions = forms.extensions(form.get("extensions", ""))
            bound = forms.bound_numbers(form.get("bound_numbers", ""))
        except BadQuery as exc:
            return _staff_page(web, errors=[(exc.field, exc.reason)])
        return _save(web, {"extensions": extensions, "bound_numbers": bound}, None, "/staff",
                     lambda e: _staff_page(web, errors=e))


def _staff_page(web: Web, errors: list | None = None, editing: str | None = None,
                draft: dict | None = None) -> str:
    config = web.service.config()
    if errors:
        bottle.response.status = 422
    return render("staff", web, config=config, errors=errors or [], editing=editing,
                  draft=draft, strategies=forms.STRATEGIES, agents=_staff_agents(web),
                  agent_state=_agent_state(web), back="/staff",
                  extensions_text=forms.extensions_text(config["extensions"]),
                  bound_text=forms.bound_text(config["bound_numbers"]))


def _staff_agents(web: Web) -> list[dict[str, Any]] | None:
    """Each agent's availability for the Staff page; None when the box cannot say."""
    try:
        status = web.service.status()
        if not isinstance(status.get("agents"), dict):  # no box running
            return None
        return api.dashboard(web, status)["agents"]
    except (ServiceError, ConfigError):
        return None



def _save(web: Web, section: str | dict, value: Any, done: str, again: Any) -> Any:
    """Replace one section (or several: a dict) of the config; redirect to `done` or
    re-render with the validation errors through `again(errors)`."""
    new = web.service.config()
    new.update(section if isinstance(section, dict) else {section: value})
    try:
        check_config_value(new)  # too big, too deep, not Unicode: a 400, before the box
        web.service.replace_config(new)
    except UnreadableConfig as exc:
        page = again(exc.errors)
        bottle.response.status = 400
        return page
    except ConfigError as exc:
        return again(exc.errors)
    flash("ok", "saved")
    bottle.redirect(done)


# --- call records and reports ------------------------------------------------------------


def _install_records(app: bottle.Bottle, web: Web) -> None:
    @app.get("/records")
    def records() -> Any:
        params = core.query()
        tz = web.service.now().tzinfo
        try:
            query = queries.record_query(params, tz, page_size=50)
            found = web.service.records(query)
        except BadQuery as exc:
            bottle.response.status = 400
            return render("records", web, found={"total": 0, "calls": []}, query=None,
                          params=params, errors=[(exc.field, exc.reason)], filters="")
        filters = urlencode({k: params.get(k) for k in queries.RECORD_FILTERS if params.get(k)})
        return render("records", web, found=found, query=query, params=params, errors=[],
                      filters=filters)

    @app.get("/records.csv")
    def records_csv() -> Any:
        try:
            return api.csv_response(web, core.query(), core.current_lang())
        except BadQuery as exc:
            bottle.response.status = 400
            lang = core.current_lang()
            return f"{field_label(lang, exc.field)}: {i18n.reason_text(lang, exc.reason)}"

    @app.get("/reports")
    def reports() -> Any:
        params = core.query()
        tz = web.service.now().tzinfo
        try:
            since, until = queries.report_span(params, tz, web.service.now())
        except BadQuery as exc:
            bottle.response.status = 400
            return render("reports", web, report=None, errors=[(exc.field, exc.reason)],
                          params=params)
        last_day = (until - timedelta(microseconds=1)).date().isoformat()
        return render("reports", web, report=web.service.report(since, until), errors=[],
                      params=params, first_day=since.date().isoformat(), last_day=last_day,
                      weekly=until - since > timedelta(days=62))


# --- system: backup, restore, reset, password, tokens, raw sections -------------------------


def _install_system(app: bottle.Bottle, web: Web) -> None:
    from web_ui import notify_pages  # its card on this page, its settings (issue 12)

    notify_pages.install(app, web)

    @app.get("/system")
    def system() -> Any:
        return _system_page(web)

    @app.get("/system/backup")
    def backup() -> Any:
        from web_ui.notify_forms import mask_in_config  # the SMTP password stays home

        body = json.dumps(mask_in_config(web.service.config()), ensure_ascii=False, indent=2)
        response = bottle.HTTPResponse(body.encode("utf-8"))
        response.content_type = "application/json; charset=utf-8"
        stamp = web.service.now().strftime("%Y%m%d-%H%M")
        response.set_header("Content-Disposition",
                            f'attachment; filename="switchboard-config-{stamp}.json"')
        return response

    @app.post("/system/restore")
    def restore() -> Any:
        upload = bottle.request.files.get("file")
        raw = upload.file.read(MAX_TEXT_BYTES + 1) if upload else b""
        try:
            config = parse_config_text(raw, "file")
        except UnreadableConfig as exc:
            return _system_page(web, errors=exc.errors, status=400)
        from web_ui.notify_forms import keep_in_config  # a masked password: the box's own

        try:
            web.service.replace_config(keep_in_config(config, web.service.config()))
        except ConfigError as exc:
            return _system_page(web, errors=exc.errors)
        flash("ok", "restored")
        bottle.redirect("/system")

    @app.post("/system/password")
    def change_password() -> Any:
        """Throttled like the login (the same count per address): a stolen session
        must not let its holder guess the current password fast."""
        form = core.form()
        address = core.client_address()
        wait = core.login_wait(web, address)
        if wait > 0:
            bottle.response.set_header("Retry-After", str(core.retry_seconds(wait)))
            text = i18n.text(core.current_lang(), "login_wait", s=core.retry_seconds(wait))
            return _system_page(web, errors=[("current", text)], status=429)
        if not web.owner.check_password(form.get("current", "")):
            web.throttle.failed(address)
            return _system_page(web, errors=[("current", i18n.text(core.current_lang(),
                                                                   "login_wrong"))])
        web.throttle.succeeded(address)
        new = form.get("password", "")
        problem = _password_error(web, new, form.get("again", ""))
        if problem:
            return _system_page(web, errors=[("password", i18n.text(core.current_lang(),
                                                                   problem))])
        web.owner.set_password(new)
        web.sessions.drop_all()
        core.start_session(web)
        flash("ok", "password_changed")
        bottle.redirect("/system")

    @app.post("/system/tokens")
    def tokens() -> Any:
        form = core.form()
        name = form.get("name", "").strip()
        if form.get("remove"):
            web.owner.remove_token(name)
            bottle.redirect("/system")
        if not name or len(name) > 40:
            return _system_page(web, errors=[("name", form_reason("token_name_length"))])
        return _system_page(web, new_token=(name, web.owner.add_token(name)))

    @app.post("/system/reset")
    def factory_reset() -> Any:
        from web_ui import reset  # only the exact word; everything of the owner's goes

        if not reset.confirmed(core.form().get("confirm", "")):
            return _system_page(web, errors=[("confirm", form_reason("type_reset"))])
        reset.reset_everything(web)
        core.end_session(web)
        bottle.redirect("/setup")

    @app.get("/config/<section>")
    def section_form(section: str) -> Any:
        return _section_page(web, section)

    @app.post("/config/<section>")
    def save_section(section: str) -> Any:
        if section not in editable_sections(web):
            bottle.abort(404)
        text = core.form().get("value", "")
        try:
            value = parse_config_text(text, section)
        except UnreadableConfig as exc:
            return _section_page(web, section, _shown(text), exc.errors, status=400)
        if section == "lines":  # a PIN shown masked and sent back so is kept
            value = settings_forms.keep_pins(value, web.service.config()["lines"])
        if section == "notifications":  # so is the SMTP password
            from web_ui.notify_forms import keep_password

            value = keep_password(value, web.service.config()[section])
        return _save(web, section, value, f"/config/{section}",
                     lambda e: _section_page(web, section, text, e))


def _system_page(web: Web, errors: list | None = None, new_token: tuple | None = None,
                 status: int = 422) -> str:
    if errors:
        bottle.response.status = status
    status = _line_reasons(_status(web))
    return render("system", web, errors=errors or [], tokens=web.owner.tokens(),
                  new_token=new_token, status=status, sections=editable_sections(web),
                  audio_health=audio_totals(status.get("audio")),
                  outbox=_outbox(web), vm_storage=_vm_storage(web),
                  rec_storage=_rec_storage(web))


def _vm_storage(web: Web) -> dict[str, Any]:
    from web_ui import voicemail_pages  # the voicemail storage card (issue 12)

    return voicemail_pages.storage_view(web)


def _rec_storage(web: Web) -> dict[str, Any]:
    from web_ui import recording_pages  # the recordings storage card (issue 13)

    return recording_pages.storage_view(web)


def _outbox(web: Web) -> dict[str, Any]:
    from web_ui import notify_pages  # the notifications card (issue 12)

    return notify_pages.outbox_view(web)


def _line_reasons(status: dict[str, Any]) -> dict[str, Any]:
    """Each GSM line's `reason` in the page's language where its `reason_code` says it."""
    _ = i18n.translator(core.current_lang())
    for line in (status.get("gsm") or {}).values():
        code = line.get("reason_code") if isinstance(line, dict) else None
        if code and f"live_reason_{code}" in i18n.MESSAGES:
            line["reason"] = _(f"live_reason_{code}")
    return status


def _shown(text: str) -> str:
    """The owner's text to show again: a lone surrogate cannot be sent as UTF-8, and a
    text past the size limit is not sent back whole."""
    text = text[:MAX_TEXT_BYTES]
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def audio_totals(audio: Any) -> dict[str, Any] | None:
    """The box's audio counters since it started (ended calls and the ones up now)."""
    if not isinstance(audio, dict) or not isinstance(audio.get("ended"), dict):
        return None
    slots = [audio["ended"], *(s for s in (audio.get("slots") or {}).values()
                               if isinstance(s, dict))]
    keys = ("frames_out", "underruns", "late_ticks", "cushions")
    out: dict[str, Any] = {k: sum(int(s.get(k, 0)) for s in slots) for k in keys}
    out["max_tick_gap_ms"] = max(float(s.get("max_tick_gap_ms", 0)) for s in slots)
    return out


def _section_page(web: Web, section: str, text: str | None = None,
                  errors: list | None = None, status: int = 422) -> str:
    if section not in editable_sections(web):
        bottle.abort(404)
    if errors:
        bottle.response.status = status
    if text is None:
        value = web.service.config()[section]
        if section == "lines":  # the SIM PIN is a secret
            value = settings_forms.mask_pins(value)
        if section == "notifications":  # so is the SMTP password
            from web_ui.notify_forms import mask_password

            value = mask_password(value)
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return render("section", web, section=section, text=text, errors=errors or [])
