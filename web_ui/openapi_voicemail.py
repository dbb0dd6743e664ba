"""The voicemail part of the OpenAPI document (web_ui/voicemail_pages.py, docs/web.md)."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_MESSAGE = {"type": "object", "required": ["id", "box", "caller", "time", "duration_s"],
            "properties": {
                "id": {"type": "string"}, "box": {"type": "string"},
                "caller": {"type": "string", "description": "E.164, or \"\" when withheld"},
                "region": {"type": "string"}, "time": {"type": "string", "format": "date-time"},
                "at_ts": {"type": "number"}, "duration_s": {"type": "number"},
                "bytes": {"type": "integer"}, "heard": {"type": "boolean"},
                "line": {"type": "string"}, "audio_url": {"type": "string"}}}
_LISTING = {"type": "object", "properties": {
    "messages": {"type": "array", "items": _MESSAGE},
    "boxes": {"type": "object", "additionalProperties": {
        "type": "object", "properties": {"total": {"type": "integer"},
                                         "unheard": {"type": "integer"}}}},
    "storage": {"type": "object", "properties": {
        "used_bytes": {"type": "integer"}, "limit_bytes": {"type": "integer"},
        "warning": {"type": "object", "nullable": True}}}}}
_WORDS = {400: "an unknown query parameter, or a body that is not JSON",
          401: "no valid token or session",
          403: "first run, CSRF or Origin refused", 404: "no such message",
          422: "refused: the body is not {\"heard\": true|false}",
          429: "too many wrong tokens from this address: wait Retry-After seconds"}
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "the message's id"}]


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": _WORDS[code],
                        "content": {"application/json": {"schema": _ERROR}}}
            for code in (401, 403, 429, *codes)}


def _ok(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": text, "content": {"application/json": {"schema": schema}}}}


def voicemail_paths() -> dict[str, Any]:
    return {
        "/api/voicemail": {"get": {
            "summary": "the voicemail messages, newest first, with counts per box",
            "parameters": [{"name": "box", "in": "query", "required": False,
                            "schema": {"type": "string"}, "description": "only this box"}],
            "responses": {**_ok("the messages", _LISTING), **_errors(400)}}},
        "/api/voicemail/{id}": {
            "parameters": _ID,
            "get": {"summary": "one message", "responses": {**_ok("the message", _MESSAGE),
                                                            **_errors(404)}},
            "patch": {"summary": "mark the message heard or new",
                      "requestBody": {"required": True, "content": {"application/json": {
                          "schema": {"type": "object", "required": ["heard"], "properties": {
                              "heard": {"type": "boolean"}}}}}},
                      "responses": {**_ok("the message", _MESSAGE), **_errors(400, 404, 422)}},
            "delete": {"summary": "delete the message and its recording",
                       "responses": {**_ok("the message deleted", _MESSAGE),
                                     **_errors(404)}}},
        "/api/voicemail/{id}/audio": {
            "parameters": _ID,
            "get": {"summary": "the message's audio: WAV, 8 kHz mono 16-bit (Range)",
                    "responses": {"200": {"description": "the WAV file", "content": {
                        "audio/wav": {"schema": {"type": "string", "format": "binary"}}}},
                        **_errors(404)}}},
    }
