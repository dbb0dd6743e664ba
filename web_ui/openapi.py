"""The OpenAPI 3 document served at /api/openapi.json (kept beside the routes in api.py).

Schemathesis reads it in tests/web/test_api_fuzz.py and checks that no request it
can build makes the server fail (5xx) and that answers match what is said here.
"""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_RECORD_FILTERS = [
    ("since", "calls that started at or after this ISO time (no offset: the box's zone)"),
    ("until", "calls that started before this ISO time; a bare date includes that day"),
    ("number", "caller or callee, any format (021 6123 4567 finds +862161234567), or part "
               "of a number (8888); with no digit in it, a name as `name`"),
    ("name", "part of a staff member's name: the calls they answered, rang for or dialled"),
    ("line", "the line the call used (gsm0)"),
    ("agent", "who answered: an extension number, a number, or part of a name"),
    ("result", "one or more results, comma-separated (answered,missed)"),
    ("region", "the caller's region or part of it (浙江 finds 浙江省, 杭州 finds 杭州市)"),
]



# The agent state "test a call" used: the running box's ("box") or a fresh one.
_AGENT_STATE = {"type": "object", "properties": {
    "source": {"type": "string", "enum": ["box", "fresh"]},
    "text": {"type": "string"},
    "unavailable": {"type": "array", "items": {"type": "string"}},
    "talking": {"type": "array", "items": {"type": "string"}},
    "rotation": {"type": "object", "additionalProperties": {"type": "integer"}},
    "split": {"type": "object"}, "answered_today": {"type": "object"},
    "returning_callers": {"type": "integer"}}}

def _query(name: str, text: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": text,
            "schema": {"type": kind}}


def _answers(ok: str, ok_schema: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": ok,
                                   "content": {"application/json": {"schema": ok_schema}}}}
    words = {400: "a query value or body was refused (the field is named)",
             401: "no valid token or session", 403: "first run, CSRF or Origin refused",
             404: "not found", 422: "the config was refused by validation; nothing changed",
             503: "the box did not answer in time",
             413: "the body is larger than 3 MiB (refused before it is read)",
             429: "too many wrong tokens from this address: wait Retry-After seconds"}
    for code in (401, 403, 429, *codes):
        out[str(code)] = {"description": words[code],
                          "content": {"application/json": {"schema": _ERROR}}}
    return out


_OBJECT = {"type": "object"}
_PARAM = {"oneOf": [{"type": "string"}, {"type": "integer"},
                    {"type": "array", "items": {"type": "string"}}]}


_FINDING = {"type": "object", "required": ["code", "severity", "params", "text", "message"],
            "properties": {"code": {"type": "string", "description": "stable (docs/web.md)"},
                           "severity": {"type": "string",
                                        "enum": ["error", "warning", "info"]},
                           "params": {"type": "object", "additionalProperties": _PARAM},
                           "text": {"type": "string", "description": "English"},
                           "message": {"type": "string",
                                       "description": "in the request's language"}}}
_DIAGNOSIS = {"type": "object", "required": ["ok", "office", "findings", "outside_lines"],
              "properties": {
                  "ok": {"type": "boolean", "description": "no finding of severity error"},
                  "outside_lines": {"type": "integer"},
                  "office": {"type": "object",
                             "required": ["state", "open", "holiday", "message"],
                             "properties": {
                                 "state": {"type": "string",
                                           "enum": ["open", "closed", "holiday"]},
                                 "date": {"type": "string"}, "open": {"type": "boolean"},
                                 "holiday": {"type": "string", "nullable": True},
                                 "adjusted_workday": {"type": "boolean"},
                                 "reason": {"type": "string"},
                                 "until": {"type": "string", "nullable": True},
                                 "message": {"type": "string"}}},
                  "findings": {"type": "array", "items": _FINDING}}}


def _diagnosis_and_reset() -> dict[str, Any]:
    return {
        "/api/diagnosis": {"get": {
            "summary": "is the office open, closed or on a holiday now, and can the box "
                       "route calls as the owner expects (findings with stable codes)",
            "responses": _answers("the diagnosis", _DIAGNOSIS, 503)}},
        "/api/factory-reset": {"post": {
            "summary": "forget the config, call records, agents' availability, routing "
                       "state, the password and every token; the next visit is a first run",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["confirm"],
                "properties": {"confirm": {"type": "string",
                                           "description": "the word RESET, exactly"}}}}}},
            "responses": _answers("reset", {"type": "object", "required": ["reset"],
                                            "properties": {"reset": {"type": "boolean"}}},
                                  400, 503)}},
    }


ANALOG_LINE_SCHEMA: dict[str, Any] = {
    "type": "object", "description": "an outside line's health (an analog line on an FXO "
    "port: kind fxo)",
    "properties": {
        "kind": {"type": "string", "enum": ["fxo", "gsm"]},
        "state": {"type": "string", "enum": ["idle", "ringing", "in_use", "fault"]},
        "reason": {"type": "string", "description": "why not in service (English)"},
        "reason_code": {"type": "string", "nullable": True},
        "number": {"type": "string", "nullable": True},
        "profile": {"type": "string", "enum": ["cn", "us"]},
        "disconnect": {"type": "string", "nullable": True,
                       "enum": ["busy_tone", "polarity", "loop_current", None]},
        "battery": {"type": "boolean", "nullable": True,
                    "description": "the exchange's battery is on the line (false: cut or "
                                   "unplugged; null: not known yet)"},
        "polarity": {"type": "string", "nullable": True, "enum": ["normal", "reversed", None]},
        "last_ring": {"type": "string", "nullable": True, "description": "ISO"},
        "in_call": {"type": "boolean"}}}


def document() -> dict[str, Any]:
    filters = [_query(n, t) for n, t in _RECORD_FILTERS]
    paging = [_query("limit", "calls per page, 1-500 (default 50)", "integer"),
              _query("offset", "calls to skip", "integer")]
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Switchboard box API", "version": "1",
                 "description": "The owner's API of a Switchboard PBX box (docs/web.md)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"},
                    "errors": {"type": "array", "items": {
                        "type": "object",
                        "required": ["field", "reason", "code", "params", "message"],
                        "properties": {
                            "field": {"type": "string",
                                      "description": "the field path, like routes[2].to"},
                            "reason": {"type": "string", "description": "why, in English"},
                            "code": {"type": "string",
                                     "description": "the reason's stable code "
                                                    "(docs/web.md, Errors)"},
                            "params": {"type": "object",
                                       "description": "the values the reason names",
                                       "additionalProperties": _PARAM},
                            "message": {"type": "string",
                                        "description": "the reason in the language "
                                                       "Accept-Language asks for (zh or "
                                                       "en; else English)"}}}}}},
                "Records": {"type": "object", "required": ["total", "calls"], "properties": {
                    "total": {"type": "integer"},
                    "calls": {"type": "array", "items": _OBJECT}}},
                "Status": {"type": "object", "properties": {"agents": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Agent"}},
                    "gsm": {"type": "object", "description": "each GSM line by name",
                            "additionalProperties": {"$ref": "#/components/schemas/Line"}},
                    "lines": {"type": "object", "description": "each outside line's health by "
                              "name; analog lines (kind fxo): see AnalogLine",
                              "additionalProperties": {
                                  "$ref": "#/components/schemas/AnalogLine"}}}},
                "AnalogLine": ANALOG_LINE_SCHEMA,
                "Line": {"type": "object", "properties": {
                    "state": {"type": "string"},
                    "forwarding": {
                        "type": "object", "nullable": True,
                        "description": "while the network forwards the line's calls (a "
                                       "one-line box after hours), else null",
                        "required": ["to", "since", "reason"],
                        "properties": {"to": {"type": "string"},
                                       "since": {"type": "string", "description": "ISO"},
                                       "reason": {"type": "string"}}}}},
                "Agent": {"type": "object",
                          "required": ["id", "name", "state", "available",
                                       "unavailable_since", "answered", "missed"],
                          "properties": {
                              "id": {"type": "string"}, "name": {"type": "string"},
                              "state": {"type": "string",
                                        "enum": ["idle", "ringing", "in_call",
                                                 "out_of_service", "unavailable",
                                                 "mobile"],
                                        "description": "unavailable: by choice (*62, the "
                                                       "switch)"},
                              "available": {"type": "boolean"},
                              "unavailable_since": {"type": "string", "nullable": True,
                                                    "description": "when it set itself "
                                                                   "unavailable (ISO), "
                                                                   "if known"},
                              "answered": {"type": "integer"},
                              "missed": {"type": "integer"}}},
                "Availability": {"type": "object", "required": ["available"],
                                 "additionalProperties": False,
                                 "properties": {"available": {"type": "boolean"}}},
                "Explanation": {"type": "object", "required": ["steps", "explanation"],
                                "properties": {"steps": {"type": "array",
                                                         "items": {"type": "string"}},
                                               "explanation": {"type": "string"},
                                               "open": {"type": "boolean"},
                                               "route": {"type": "string", "nullable": True},
                                               "blocked": {"type": "boolean"},
                                               "targets": {"type": "array",
                                                           "items": {"type": "string"}},
                                               "ending": {"type": "string"},
                                               "rules": {"type": "array",
                                                         "items": {"type": "object"}},
                                               "reasons": {"type": "array",
                                                           "items": {"type": "string"}},
                                               "caps_reached": {"type": "array",
                                                                "items": {"type": "string"}},
                                               "agent_state": _AGENT_STATE,
                                               "office_hours": {"type": "string"},
                                               "day_rule": {"type": "string"},
                                               "decided_by": {"type": "string"},
                                               "on_duty": {"type": "string",
                                                           "nullable": True},
                                               "on_duty_name": {"type": "string",
                                                                "nullable": True},
                                               "ring_names": {
                                                   "type": "object",
                                                   "additionalProperties": {
                                                       "type": "string"}},
                                               "step_details": {"type": "array",
                                                                "items": _OBJECT},
                                               "end": {"type": "object",
                                                       "required": ["cause"],
                                                       "properties": {
                                                           "cause": {"type": "string"},
                                                           "treatment": {"type": "string"},
                                                           "number": {"type": "string"}}},
                                               "holiday": {"type": "string",
                                                           "nullable": True},
                                               "network_forwarding": {"type": "object",
                                                                      "nullable": True},
                                               "answer": {"type": "string"}}},
            },
        },
        "paths": {
            "/api/status": {"get": {
                "summary": "lines, calls in progress, agents, LEDs",
                "responses": _answers("the box's live state",
                                      {"$ref": "#/components/schemas/Status"}, 503)}},
            "/api/config": {
                "get": {"summary": "the whole config (what a backup holds)",
                        "responses": _answers("the config", _OBJECT)},
                "put": {"summary": "replace the whole config; validated first",
                        "requestBody": {"required": True, "content": {
                            "application/json": {"schema": _OBJECT}}},
                        "responses": _answers("stored; counts of what it holds", _OBJECT,
                                              400, 413, 422)}},
            "/api/config/check": {"post": {
                "summary": "validate a config without storing it",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _OBJECT}}},
                "responses": _answers("valid; counts of what it holds", _OBJECT,
                                      400, 413, 422)}},
            "/api/records": {"get": {
                "summary": "search call records, newest first",
                "parameters": filters + paging,
                "responses": _answers("one page of calls",
                                      {"$ref": "#/components/schemas/Records"}, 400)}},
            "/api/records.csv": {"get": {
                "summary": "every matching call as CSV (UTF-8 with BOM)",
                "parameters": filters,
                "responses": {
                    "200": {"description": "CSV", "content": {"text/csv": {
                        "schema": {"type": "string"}}}},
                    "400": {"description": "a filter was refused",
                            "content": {"application/json": {"schema": _ERROR}}},
                    "401": {"description": "no valid token",
                            "content": {"application/json": {"schema": _ERROR}}},
                    "403": {"description": "first run",
                            "content": {"application/json": {"schema": _ERROR}}},
                    "429": {"description": "too many wrong tokens from this address",
                            "content": {"application/json": {"schema": _ERROR}}}}}},
            "/api/records/{call_id}": {"get": {
                "summary": "one call with its legs",
                "parameters": [{"name": "call_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": _answers("the call", _OBJECT, 404)}},
            "/api/reports": {"get": {
                "summary": "call analysis: counts and talk time, by agent, group, region, "
                           "hour and day",
                "parameters": [_query("since", "start (ISO time; default 7 days ago)"),
                               _query("until", "end (ISO time; a bare date includes it)")],
                "responses": _answers("the report", _OBJECT, 400)}},
            "/api/agents/{agent}/availability": {"post": {
                "summary": "an agent takes ring-group calls or is passed over (R12); "
                           "kept across restarts",
                "parameters": [{"name": "agent", "in": "path", "required": True,
                                "description": "an extension number (801) or a "
                                               "bound-number id",
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Availability"}}}},
                "responses": _answers("set", {"type": "object",
                                              "required": ["agent", "available"],
                                              "properties": {
                                                  "agent": {"type": "string"},
                                                  "available": {"type": "boolean"}}},
                                      400, 404, 413, 503)}},
            "/api/explain": {"get": {
                "summary": "what the box would do with a call, and why",
                "parameters": [_query("caller", "the caller's number (empty: withheld)"),
                               _query("line", "the line it arrives on (default: the first)"),
                               _query("at", "when (ISO time; default now)")],
                "responses": _answers("the routing explanation",
                                      {"$ref": "#/components/schemas/Explanation"}, 400)}},
            **_diagnosis_and_reset(),
            **_notify_paths(),
        },
    }
    doc["paths"].update(_section_paths())  # type: ignore[union-attr]
    from web_ui.openapi_prompts import prompt_paths

    doc["paths"].update(prompt_paths())  # type: ignore[union-attr]
    from web_ui.openapi_voicemail import voicemail_paths

    doc["paths"].update(voicemail_paths())  # type: ignore[union-attr]
    from web_ui.openapi_recordings import recording_paths  # call recordings (issue 13)

    doc["paths"].update(recording_paths())  # type: ignore[union-attr]
    from web_ui.queue_openapi import paths as queue_paths  # the callback list (issue 12)

    doc["paths"].update(queue_paths(_answers))  # type: ignore[union-attr]
    from web_ui import warnings_openapi  # the dashboard's warnings (issue 12)

    warnings_openapi.document(doc, _answers)
    from web_ui.feature_code_pages import openapi_paths  # issue 13

    doc["paths"].update(openapi_paths(_answers))  # type: ignore[union-attr]
    return doc


# The sections the Settings page edits, one at a time (web_ui/settings_pages.py).
_SECTIONS = {
    "settings": ("the company and the box: company_name, country, timezone, "
                 "outside_line_prefix, holiday_calendar", _OBJECT),
    "lines": ("the lines: gsm (name, modem, number, sim_pin), fxo (analog lines: name, "
              "number, profile cn|us, disconnect busy_tone|polarity|loop_current|null) and "
              "fxs (name); a set PIN "
              "reads \"********\", and sent back so it keeps the line's PIN", _OBJECT),
    "inbound": ("who answers the company line in open hours: {\"ring_group\": NAME or null}",
                _OBJECT),
    "forward_chain": ("busy/no-answer forwarding: 4 to 10 numbers or bound-number ids, "
                      "or [] (off)", {"type": "array", "items": {"type": "string"}}),
}


_FXO_LINE = {"type": "object", "properties": {
    "name": {"type": "string"}, "number": {"type": "string", "nullable": True},
    "profile": {"type": "string"}, "disconnect": {"type": "string", "nullable": True},
    "disconnect_default": {"type": "string", "nullable": True,
                           "description": "the method the profile uses when disconnect "
                                          "is null (cn: busy_tone, us: loop_current)"}}}


def _analog_line_path() -> dict[str, Any]:
    name = [{"name": "name", "in": "path", "required": True, "description": "the analog "
             "line (fxo0)", "schema": {"type": "string"}}]
    change = {"type": "object", "additionalProperties": False, "properties": {
        "number": {"type": "string", "nullable": True},
        "profile": {"type": "string", "enum": ["cn", "us"]},
        "disconnect": {"type": "string", "nullable": True,
                       "enum": ["busy_tone", "polarity", "loop_current", None]}}}
    return {
        "get": {"summary": "one analog line (lines.fxo) and its profile's usual disconnect",
                "parameters": name,
                "responses": _answers("the line", _FXO_LINE, 404, 503)},
        "put": {"summary": "change an analog line's number, exchange profile (cn, us) or "
                           "disconnect method (null: the profile's usual); validated first",
                "parameters": name,
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": change}}},
                "responses": _answers("stored; the line as the box keeps it", _FXO_LINE,
                                      400, 404, 413, 422, 503)}}


def _section_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {"/api/board": {"get": {
        "summary": "the lines the box's board has, by kind (gsm, fxo, fxs)",
        "responses": _answers("the board's lines", {"type": "object", "properties": {
            "board": {"type": "string"}, "lines": _OBJECT}}, 503)}},
        "/api/lines/fxo/{name}": _analog_line_path()}
    for name, (text, schema) in _SECTIONS.items():
        paths[f"/api/{name}"] = {
            "get": {"summary": f"one config section: {text}",
                    "responses": _answers("the section", schema, 503)},
            "put": {"summary": f"replace the section {name}; validated first (the rest of "
                               "the config is kept)",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": schema}}},
                    "responses": _answers("stored; the section as the box keeps it", schema,
                                          400, 422, 503)}}
    return paths


def _notify_paths() -> dict[str, Any]:
    """The notifications' routes (issue 12): web_ui/notify_openapi.py."""
    from web_ui import notify_openapi

    return notify_openapi.paths(_answers)
