"""Notifications on the page (issue 12): the settings form (`/notifications`), the outbox
card of the System page (pending and given-up messages with why, "retry now", "send a
test e-mail"), and their API.

Pages: `GET|POST /notifications` (the form; a refusal answers 422 naming the fields,
with what the owner typed, never the password), `POST /system/notifications/retry`
(`id` or all), `POST /system/notifications/test`.

API: `GET /api/notifications` (the outbox), `POST /api/notifications/retry`
(`{"id": n}` or `{}`: all), `POST /api/notifications/test` (`{"to": address}` or `{}`),
`GET|PUT /api/notifications/settings` (the config section; a set password reads
`********`, and sent back so it keeps the stored one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import bottle

from firmware.service import BadQuery, ConfigError, ServiceError
from web_ui import api, i18n, notify_forms, pages
from web_ui import app as core
from web_ui.app import Web
from web_ui.messages_reasons import form_reason

HERE = "/notifications"
SECTION = "notifications"


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def settings_page() -> Any:
        return page(web)

    @app.post(HERE)
    def save_settings() -> Any:
        form = core.form()
        stored = web.service.config()[SECTION]
        try:
            value = notify_forms.section(form, stored)
        except BadQuery as exc:
            return page(web, [(exc.field, exc.reason)], notify_forms.draft(form, stored))
        return pages._save(web, SECTION, value, HERE,
                           lambda errors: page(web, errors, notify_forms.draft(form, stored)))

    @app.post("/system/notifications/retry")
    def retry() -> Any:
        ident = _id(core.form().get("id"))
        try:
            count = web.service.retry_notifications(ident)["retried"]
        except ServiceError:
            bottle.redirect("/system?ntf=box_off#notifications")
        bottle.redirect(f"/system?ntf_retried={int(count)}#notifications")

    @app.post("/system/notifications/test")
    def test() -> Any:
        try:
            result = web.service.send_test_email()
        except ServiceError:
            bottle.redirect("/system?ntf=box_off#notifications")
        if result.get("id") is None:
            code = str((result.get("error") or {}).get("code") or "send_failed")
            bottle.redirect(f"/system?ntf_err={quote(code)}#notifications")
        bottle.redirect(f"/system?ntf_test={int(result['id'])}#notifications")

    _install_api(app, web)


def _id(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def page(web: Web, errors: list | None = None, draft: dict[str, Any] | None = None) -> str:
    if errors:
        bottle.response.status = 422
    stored = web.service.config()[SECTION]
    shown = draft or notify_forms.mask_password(stored)
    return pages.render("notifications", web, n=shown, errors=errors or [],
                        bad={field for field, _ in errors or []},
                        password_set=bool(stored.get("smtp", {}).get("password")),
                        securities=notify_forms.SECURITY, languages=notify_forms.LANGUAGES)


# --- the System page's card ---------------------------------------------------------------


def outbox_view(web: Web) -> dict[str, Any]:
    """What the System page's notifications card shows: the outbox, each time in the
    box's timezone and each failure in the page's language, and the answer to the
    owner's last "retry" or "test" (from the query the page was redirected to)."""
    lang = core.current_lang()
    _ = i18n.translator(lang)
    try:
        state = web.service.notifications()
        tz = web.service.now().tzinfo
    except (ServiceError, ConfigError, OSError) as exc:
        return {"error": str(exc), "pending": [], "failed": [], "sent": [],
                "missed_waiting": 0, "notice": None}
    rows = {key: [_row(m, tz, lang) for m in state[key]] for key in ("pending", "failed")}
    rows["sent"] = [_row(m, tz, lang) for m in state["sent"][:10]]
    return {**rows, "missed_waiting": state["missed_waiting"], "error": None,
            "notice": _notice(state, _, lang)}


def _row(message: dict[str, Any], tz: Any, lang: str) -> dict[str, Any]:
    def when(ts: Any) -> str:
        return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M") if ts else ""

    return {**message, "created": when(message["created_ts"]), "due": when(message["due_ts"]),
            "sent": when(message["sent_ts"]), "why": failure_text(lang, message["error"])}


def failure_text(lang: str, error: Any) -> str:
    """A failure ({"code", "params", "text"}) in `lang`: `notify_err_<code>`, else the text."""
    if not isinstance(error, dict):
        return ""
    key = f"notify_err_{error.get('code')}"
    params = error.get("params") if isinstance(error.get("params"), dict) else {}
    if key in i18n.MESSAGES:
        try:
            return i18n.text(lang, key, **params)
        except (KeyError, IndexError, ValueError):
            pass
    return str(error.get("text") or "")


def _notice(state: dict[str, Any], _: Any, lang: str) -> tuple[str, str] | None:
    params = core.query()
    if params.get("ntf") == "box_off":
        return "error", _("ntf_box_off")
    code = params.get("ntf_err")
    if code and f"notify_err_{code}" in i18n.MESSAGES:
        return "error", _("ntf_test_failed", why=failure_text(lang, {"code": code}))
    retried = _id(params.get("ntf_retried"))
    if retried is not None:
        return "ok", _("ntf_retried", n=retried)
    test = _id(params.get("ntf_test"))
    if test is None:
        return None
    found = next((m for key in ("sent", "pending", "failed") for m in state[key]
                  if m["id"] == test), None)
    if found is None:
        return None
    if found["state"] == "sent":
        return "ok", _("ntf_test_sent")
    return "error", _("ntf_test_failed", why=failure_text(lang, found["error"]))


# --- API ---------------------------------------------------------------------------------


def _install_api(app: bottle.Bottle, web: Web) -> None:
    service = web.service

    @app.get("/api/notifications")
    def outbox() -> Any:
        return api._guarded(service.notifications)

    @app.post("/api/notifications/retry")
    def retry_api() -> Any:
        return api._guarded(lambda: service.retry_notifications(_body_id(api._body())))

    @app.post("/api/notifications/test")
    def test_api() -> Any:
        return api._guarded(lambda: service.send_test_email(_body_to(api._body())))

    @app.get("/api/notifications/settings")
    def get_settings() -> Any:
        return api._guarded(lambda: notify_forms.mask_password(service.config()[SECTION]))

    @app.put("/api/notifications/settings")
    def put_settings() -> Any:
        return api._guarded(lambda: _put(web, api._body()))


def _put(web: Web, value: Any) -> Any:
    config = web.service.config()
    config[SECTION] = notify_forms.keep_password(value, config[SECTION])
    web.service.replace_config(config)
    return notify_forms.mask_password(web.service.config()[SECTION])


def _body_id(body: Any) -> int | None:
    """{} (all) or {"id": n}."""
    if not isinstance(body, dict) or set(body) - {"id"}:
        raise BadQuery("id", form_reason("retry_body"))
    if "id" not in body:
        return None
    ident = body["id"]
    if not isinstance(ident, int) or isinstance(ident, bool) or not 0 < ident < 2**53:
        raise BadQuery("id", form_reason("retry_body"))
    return ident


def _body_to(body: Any) -> str | None:
    """{} (the owner's addresses) or {"to": address}."""
    if not isinstance(body, dict) or set(body) - {"to"}:
        raise BadQuery("to", form_reason("test_body"))
    if "to" not in body:
        return None
    to = body["to"]
    if not isinstance(to, str) or not notify_forms.EMAIL_RE.fullmatch(to.strip()):
        raise BadQuery("to", form_reason("test_body"))
    return to.strip()
