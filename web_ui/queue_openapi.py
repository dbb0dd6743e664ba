"""The hold queue's API in /api/openapi.json: the callback list (web_ui/queue_pages.py)."""

from __future__ import annotations

from typing import Any

CALLBACK = {"type": "object", "required": ["id", "caller", "line", "queue", "at", "state"],
            "properties": {
                "id": {"type": "integer"}, "caller": {"type": "string", "description":
                                                      "E.164; empty when withheld"},
                "region": {"type": "string"}, "line": {"type": "string"},
                "queue": {"type": "string", "description": "the queue's ring group"},
                "call_id": {"type": "string", "description": "the call's record"},
                "at": {"type": "string", "format": "date-time"},
                "state": {"type": "string", "enum": ["open", "done"]},
                "done_at": {"type": "string", "format": "date-time", "nullable": True}}}


def paths(answers: Any) -> dict[str, Any]:
    """`answers`: openapi._answers (the responses of a route)."""
    return {
        "/api/callbacks": {"get": {
            "summary": "callers who asked, in a hold queue, to be called back; newest first",
            "parameters": [{"name": "state", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": ["open", "done"]}}],
            "responses": answers("the callback list", {"type": "object", "properties": {
                "callbacks": {"type": "array", "items": CALLBACK}}}, 400)}},
        "/api/callbacks/{id}/done": {"post": {
            "summary": "mark a callback request done",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": answers("the request, marked done", CALLBACK, 400, 404, 503)}},
    }
