"""The dashboard's warnings in /api/openapi.json (web_ui/owner_warnings.py): `warnings`
in the status and the route that dismisses the voicemail warning."""

from __future__ import annotations

from typing import Any

WARNING = {"type": "object", "required": ["code", "severity", "link", "message"],
           "description": "notices_failed: count, retrying, given_up, oldest_ts, oldest; "
                          "voicemail_storage: used_bytes, limit_bytes, percent; "
                          "voicemail_unheard_deleted: deleted, unheard, at_ts, at, limit_mb",
           "properties": {
               "code": {"type": "string", "enum": ["notices_failed", "voicemail_storage",
                                                   "voicemail_unheard_deleted"]},
               "severity": {"type": "string", "enum": ["warning", "error"]},
               "link": {"type": "string", "description": "the page that deals with it"},
               "message": {"type": "string", "description": "in the request's language"}}}


def document(doc: dict[str, Any], answers: Any) -> None:
    """Add the warnings to `doc` (`answers`: openapi._answers)."""
    status = doc["components"]["schemas"]["Status"]["properties"]
    status["warnings"] = {"type": "array", "items": WARNING,
                          "description": "what the owner should deal with (dashboard)"}
    doc["paths"]["/api/warnings/voicemail"] = {"delete": {
        "summary": "dismiss the warning that the voicemail limit deleted unheard messages",
        "responses": answers("dismissed", {"type": "object", "properties": {
            "dismissed": {"type": "boolean"}}})}}
