"""The JSON API under /api/ (FEATURES A8), described by /api/openapi.json.

The pages call the same functions through `firmware.service`, so what a script
sees is what the owner sees. Authentication: `Authorization: Bearer <token>` (the
owner makes tokens on the System page) or the page's own session with its CSRF
token (the dashboard's live updates use that).

Errors are JSON: `{"error": "why", "errors": [{"field", "reason", "code", "params",
"message"}]}`: `reason` in English (scripts match it), `code` and `params` its stable
catalogue entry (firmware/config/reasons.py, web_ui/messages_reasons.py), `message`
the reason in the language the request's Accept-Language asks for (zh or en;
English otherwise). 400: a bad query value or a body that is not JSON; 422: a config
refused by validation (every field and reason, nothing changed); 401/403: see
web_ui/app.py.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import bottle

from firmware.service import (
    BadQuery,
    ConfigError,
    Reason,
    ServiceError,
    UnknownAgent,
    UnknownCall,
    UnreadableConfig,
    parse_config_text,
    plain,
)
from web_ui import app as core
from web_ui import i18n, openapi, queries, records_csv
from web_ui.app import Web
from web_ui.messages_reasons import form_reason

log = logging.getLogger(__name__)


def install(app: bottle.Bottle, web: Web) -> None:
    service = web.service

    def tz() -> Any:
        return service.now().tzinfo

    @app.get("/api/openapi.json", auth=False, first_run=True)
    def openapi_doc() -> Any:
        return _json(openapi.document())

    @app.get("/api/status")
    def status() -> Any:
        return _guarded(lambda: dashboard(web))

    @app.get("/api/config")
    def get_config() -> Any:
        return _guarded(service.config)

    @app.put("/api/config")
    def put_config() -> Any:
        return _guarded(lambda: {"stored": service.replace_config(_body())})

    @app.post("/api/config/check")
    def check_config() -> Any:
        return _guarded(lambda: {"valid": service.check_config(_body())})

    @app.get("/api/records")
    def records() -> Any:
        return _guarded(lambda: service.records(queries.record_query(core.query(), tz())), PAGED)

    @app.get("/api/records.csv")
    def records_csv() -> Any:
        return _guarded(lambda: csv_response(web, core.query()), queries.RECORD_FILTERS)

    @app.get("/api/records/<call_id>")
    def record(call_id: str) -> Any:
        return _guarded(lambda: service.record(call_id))

    @app.get("/api/reports")
    def report() -> Any:
        def run() -> Any:
            since, until = queries.report_span(core.query(), tz(), service.now())
            return service.report(since, until)

        return _guarded(run, ("since", "until"))

    @app.post("/api/agents/<agent>/availability")
    def agent_availability(agent: str) -> Any:
        return _guarded(lambda: service.set_available(agent, availability_body(_body())))

    @app.get("/api/explain")
    def explain_call() -> Any:
        return _guarded(lambda: explain(web, core.query()), ("caller", "line", "at"))


PAGED = (*queries.RECORD_FILTERS, "limit", "offset")


def _known_params(known: tuple[str, ...]) -> None:
    """Refuse a query parameter the route does not know (a typo like `resutl=answered`
    must not silently widen a search)."""
    for name in core.query():
        if name not in known:
            raise BadQuery(name or "(query)", form_reason("unknown_parameter", known=list(known)))


def availability_body(body: Any) -> bool:
    """{"available": true|false}, the body of POST /api/agents/{agent}/availability."""
    if not isinstance(body, dict) or not isinstance(body.get("available"), bool) \
            or set(body) != {"available"}:
        raise BadQuery("available", form_reason("availability_body"))
    return body["available"]


def dashboard(web: Web, status: dict[str, Any] | None = None) -> dict[str, Any]:
    """The box's live status, plus the agents: state now, whether they take ring-group
    calls (R12) and since when not, answered and missed today (A4).

    An agent's state: "ringing" (its desk phone, or its mobile, rings for a call), else
    "in_call" (its desk phone or its mobile is on a call), else
    "out_of_service" (its port is faulty), else "unavailable" (by choice: *62 or the
    switch), else "idle" (a desk phone) or "mobile" (a bound number). `status`: the
    box's status if the caller has it already."""
    service = web.service
    status = dict(service.status() if status is None else status)
    status.setdefault("lines", {})  # each outside line's health (analog lines: issue 11)
    status.setdefault("queues", [])  # the hold queues now (calls/hold_queue.py)
    status["callbacks"] = _open_callbacks(service)
    status["diagnosis"] = _diagnosis(service, status)
    status["warnings"] = _warnings(web)  # failed notices, voicemail storage (issue 12)
    available = status.get("agents") if isinstance(status.get("agents"), dict) else {}
    since = status.get("unavailable_since")
    since = since if isinstance(since, dict) else {}
    config = service.config_object()
    now = service.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    per_agent = {row["key"]: row for row in
                 service.report(today, today + timedelta(days=1))["by_agent"]}
    calls = status.get("calls", [])
    busy = {leg for call in calls for leg in call.get("legs", [])}
    agents = []
    for ext in config.extensions:
        port_state = status.get("ports", {}).get(ext.port)
        state = "ringing" if port_state == "ringing" else \
            "in_call" if ext.port in busy or port_state == "in_use" else \
            "out_of_service" if port_state == "fault" else "idle"
        agents.append(_agent(ext.number, f"{ext.number} {ext.name}", ext.name, state,
                             per_agent, available, since))
    for bound in config.bound_numbers:
        agents.append(_agent(bound.id, bound.name, bound.name, _mobile_state(bound.name, calls),
                             per_agent, available, since))
    status["agents"] = agents
    names = {ext.port: f"{ext.number} {ext.name}" for ext in config.extensions}
    status["calls"] = [{**call, "parties": [names.get(leg, leg) for leg in call.get("legs", [])]}
                       for call in status.get("calls", [])]
    return status


def _open_callbacks(service: Any) -> list[dict[str, Any]]:
    from web_ui.queue_pages import open_callbacks  # it builds on this module

    return open_callbacks(service)


def _warnings(web: Web) -> list[dict[str, Any]]:
    from web_ui.owner_warnings import dashboard_warnings  # it reads through the service

    return dashboard_warnings(web)


def _diagnosis(service: Any, status: dict[str, Any]) -> dict[str, Any] | None:
    """The dashboard's diagnosis; a fault in it must not cost the owner the live status."""
    try:
        return service.diagnosis(status)
    except ServiceError:
        return None
    except Exception:  # a finding's bug: logged, the rest of the status still shown
        log.exception("diagnosis failed")
        return None


def _mobile_state(name: str, calls: list[dict[str, Any]]) -> str:
    """A bound number's state: "in_call" talking, "ringing" rung for a call, else "mobile"."""
    if any(call.get("talking_with") == name for call in calls):
        return "in_call"
    if any(name in (call.get("ringing") or []) for call in calls):
        return "ringing"
    return "mobile"


def _agent(agent: str, label: str, name: str, state: str, per_agent: dict[str, Any],
           available: dict[str, bool], since: dict[str, Any]) -> dict[str, Any]:
    row = per_agent.get(agent, {})  # by id: a rename keeps the counts, a namesake has its own
    takes_calls = bool(available.get(agent, True))
    if not takes_calls and state in ("idle", "mobile"):
        state = "unavailable"
    return {"id": agent, "name": label, "state": state, "available": takes_calls,
            "unavailable_since": None if takes_calls else since.get(agent),
            "answered": row.get("answered", 0), "missed": row.get("missed", 0)}


def explain(web: Web, params: Any) -> dict[str, Any]:
    """The routing explanation for a caller, line and time (the "test a call" form)."""
    service = web.service
    line = (params.get("line") or "").strip() or _first_line(service)
    at_text = (params.get("at") or "").strip()
    at = queries.parse_time("at", at_text, service.now().tzinfo) if at_text else service.now()
    caller = (params.get("caller") or "").strip() or None
    if caller and len(caller) > 40:
        raise BadQuery("caller", form_reason("at_most_chars", max=40))
    return service.explain_call(caller, line, at)


def _first_line(service: Any) -> str:
    names = service.config_object().lines.outside_names()
    return names[0] if names else "gsm0"


def csv_response(web: Web, params: Any, lang: str | None = None) -> bottle.HTTPResponse:
    """The records as CSV: the API's with the field names as headers (`lang` None),
    the page's with headers and words in `lang` (web_ui/records_csv.py)."""
    query = queries.record_query(params, web.service.now().tzinfo)
    calls = web.service.iter_records(query)
    words = i18n.translator(lang or core.current_lang())
    if lang is None:
        rows = queries.csv_rows(calls, words=words)
    else:
        rows = queries.csv_rows(calls, records_csv.header(lang), records_csv.word_of(lang),
                                words)
    response = bottle.HTTPResponse(rows)
    response.content_type = "text/csv; charset=utf-8"
    stamp = web.service.now().strftime("%Y%m%d-%H%M")
    response.set_header("Content-Disposition", f'attachment; filename="records-{stamp}.csv"')
    return response


def _body() -> Any:
    """The request's JSON (UnreadableConfig, a 400: too big, too deep, not Unicode)."""
    return parse_config_text(bottle.request.body.read(), "(body)")


def _json(value: Any, status: int = 200) -> bottle.HTTPResponse:
    response = bottle.HTTPResponse(json.dumps(value, ensure_ascii=False), status)
    response.content_type = "application/json"
    return response


def error_entries(errors: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """(field, reason) pairs as the API's error entries: {"field", "reason" (English),
    "code", "params", "message" (in the language the request asks for)}."""
    lang = i18n.choose(None, bottle.request.get_header("Accept-Language"), default="en")
    out = []
    for field, reason in errors:
        coded = reason if isinstance(reason, Reason) else plain(str(reason))
        out.append({"field": field, "reason": coded.text, **coded.as_dict(),
                    "message": i18n.reason_text(lang, coded)})
    return out


def _guarded(fn: Any, params: tuple[str, ...] = ()) -> Any:
    """Run `fn` if the query has only `params`; turn the service's refusals into
    400/404/422/503 JSON."""
    try:
        _known_params(params)
        result = fn()
    except BadQuery as exc:
        return _json({"error": str(exc), "errors": error_entries([(exc.field, exc.reason)])},
                     400)
    except UnreadableConfig as exc:
        return _json({"error": "the body is not a JSON document the box reads; nothing was "
                               "changed", "errors": error_entries(exc.errors)}, 400)
    except ConfigError as exc:
        return _json({"error": "the config was refused; nothing was changed",
                      "errors": error_entries(exc.errors)}, 422)
    except (UnknownCall, UnknownAgent) as exc:
        return _json({"error": str(exc)}, 404)
    except ServiceError as exc:
        return _json({"error": str(exc)}, 503)
    if isinstance(result, bottle.HTTPResponse):
        return result
    return _json(result)
