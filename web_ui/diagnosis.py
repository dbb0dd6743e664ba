"""The dashboard's card "Calls now": is the office open, closed or on a holiday, and
can the box route calls as the owner expects (firmware/routing/diagnose.py through
`BoxService.diagnosis`). `GET /api/diagnosis` gives the same as JSON, each finding
with its `message` in the request's language; /api/status carries it as `diagnosis`.
static/diagnosis.js refreshes the card from the API every 10 s.
"""

from __future__ import annotations

import json
from typing import Any

import bottle

from firmware.service import ServiceError
from web_ui import api, i18n
from web_ui import app as core
from web_ui.app import Web
from web_ui.explain_text import holiday_name
from web_ui.messages_diagnosis import finding_text

REFRESH_S = 10


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get("/api/diagnosis")
    def diagnosis_api() -> Any:
        return api._guarded(lambda: described(web.service.diagnosis(), api_lang()))


def api_lang() -> str:
    """The page's language for a session (its cookie), else Accept-Language, else English
    (as the API's error messages)."""
    return i18n.choose(bottle.request.get_cookie(core.LANG_COOKIE),
                       bottle.request.get_header("Accept-Language"), default="en")


def described(found: dict[str, Any], lang: str) -> dict[str, Any]:
    """The diagnosis with each finding's `message` and the office's `message` in `lang`."""
    findings = [{**f, "message": finding_text(lang, f)} for f in found.get("findings", [])]
    office = dict(found.get("office") or {})
    office["message"] = office_text(lang, office)
    return {**found, "office": office, "findings": findings}


def office_text(lang: str, office: dict[str, Any]) -> str:
    """"Office open until 12:00", "Closed for a holiday: National Day until ..." (a public
    holiday by its name in `lang`: 国庆节 on the Chinese page), with a public holiday or
    adjusted working day the office is open on noted."""
    _ = i18n.translator(lang)
    state = office.get("state")
    holiday = holiday_name(lang, office.get("holiday") or "")
    if state == "holiday":
        text = _("office_holiday", name=holiday)
    else:
        text = _("office_open" if state == "open" else "office_closed")
    until = office.get("until")
    if isinstance(until, str) and "T" in until:
        day, _t, rest = until.partition("T")
        shown = rest[:5] if day == office.get("date") else f"{day} {rest[:5]}"
        text += " " + _("office_until", time=shown)
    if state == "open" and office.get("holiday"):
        text += "; " + _("office_holiday_open", name=holiday)
    if office.get("adjusted_workday"):
        text += "; " + _("office_adjusted")
    return text


def view(web: Web, lang: str, status: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The card's content for the dashboard (None: the box cannot tell now); `status`:
    the dashboard's, with the diagnosis already in it when the box answered."""
    if status is not None and "diagnosis" in status:
        found = status["diagnosis"]
        return described(found, lang) if isinstance(found, dict) else None
    try:
        return described(web.service.diagnosis(), lang)
    except ServiceError:
        return None


def words_json(lang: str) -> str:
    """The card's fixed words for diagnosis.js, as JSON for a <script> block."""
    _ = i18n.translator(lang)
    keys = ("diag_ok", "diag_severity_error", "diag_severity_warning", "diag_severity_info")
    return json.dumps({k: _(k) for k in keys}, ensure_ascii=False).replace("</", "<\\/")
