"""The notifications API in /api/openapi.json (web_ui/notify_pages.py, docs/web.md)."""

from __future__ import annotations

from typing import Any

_ERROR = {"type": "object", "nullable": True, "properties": {
    "code": {"type": "string", "description": "stable: docs/notifications.md"},
    "params": {"type": "object"}, "text": {"type": "string", "description": "English"}}}
_MESSAGE = {"type": "object", "required": ["id", "kind", "channel", "to", "state", "tries"],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string",
                         "enum": ["missed_calls", "voicemail", "test", "caller_sms"]},
                "channel": {"type": "string", "enum": ["email", "sms"]},
                "to": {"type": "array", "items": {"type": "string"}},
                "subject": {"type": "string"},
                "state": {"type": "string", "enum": ["pending", "sent", "failed"]},
                "tries": {"type": "integer"},
                "created_ts": {"type": "number"},
                "due_ts": {"type": "number", "nullable": True},
                "give_up_ts": {"type": "number"},
                "sent_ts": {"type": "number", "nullable": True},
                "error": _ERROR,
                "attempts": {"type": "array", "items": {"type": "object", "properties": {
                    "at_ts": {"type": "number"}, "error": _ERROR}}}}}
_OUTBOX = {"type": "object", "required": ["pending", "failed", "sent", "missed_waiting"],
           "properties": {"pending": {"type": "array", "items": _MESSAGE},
                          "failed": {"type": "array", "items": _MESSAGE},
                          "sent": {"type": "array", "items": _MESSAGE},
                          "missed_waiting": {"type": "integer"}}}
_TRIED = {"type": "object", "properties": {
    "id": {"type": "integer", "nullable": True},
    "state": {"type": "string", "enum": ["pending", "sent", "failed"]}, "error": _ERROR}}


def _body(properties: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": properties, "additionalProperties": False}}}}


def paths(answers: Any) -> dict[str, Any]:
    """`answers`: openapi._answers (the responses of a route)."""
    section = {"type": "object", "description": "the config's notifications section "
               "(docs/config.md); a set SMTP password reads \"********\", and sent back so "
               "it keeps the stored one"}
    return {
        "/api/notifications": {"get": {
            "summary": "the notifications outbox: pending and given-up messages with why, "
                       "the last sent, missed calls waiting for their batch",
            "responses": answers("the outbox", _OUTBOX, 503)}},
        "/api/notifications/retry": {"post": {
            "summary": "retry now: every pending and given-up message ({}), or one ({\"id\"})",
            "requestBody": _body({"id": {"type": "integer", "minimum": 1}}),
            "responses": answers("how many will be tried now", {"type": "object", "properties": {
                "retried": {"type": "integer"}}}, 400, 503)}},
        "/api/notifications/test": {"post": {
            "summary": "send a test e-mail to the owner's addresses (or \"to\") now; how its "
                       "first try went",
            "requestBody": _body({"to": {"type": "string", "format": "email"}}),
            "responses": answers("the test e-mail's state", _TRIED, 400, 503)}},
        "/api/notifications/settings": {
            "get": {"summary": "the notification settings", "responses": answers(
                "the section", section, 503)},
            "put": {"summary": "replace the notification settings; validated first",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": section}}},
                    "responses": answers("stored; the section as the box keeps it", section,
                                         400, 422, 503)}},
    }
