"""The call recordings part of the OpenAPI document (web_ui/recording_pages.py,
docs/web.md "Recordings")."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_RECORDING = {"type": "object", "required": ["id", "call_id", "time", "format", "state"],
              "properties": {
                  "id": {"type": "string"}, "call_id": {"type": "string"},
                  "time": {"type": "string", "format": "date-time"},
                  "at_ts": {"type": "number"}, "duration_s": {"type": "number"},
                  "format": {"type": "string", "enum": ["mp3", "opus", "wav"]},
                  "bytes": {"type": "integer"},
                  "state": {"type": "string", "enum": ["recording", "encoding", "ready"]},
                  "caller": {"type": "string"}, "rule": {"type": "string"},
                  "url": {"type": "string"}}}
_LISTING = {"type": "object", "properties": {
    "recordings": {"type": "array", "items": _RECORDING},
    "storage": {"type": "object", "properties": {
        "used_bytes": {"type": "integer"}, "limit_bytes": {"type": "integer"},
        "retention_days": {"type": "integer"},
        "warning": {"type": "object", "nullable": True}}}}}
_SETTINGS = {"type": "object", "properties": {
    "rules": {"type": "array", "items": {"type": "string"}},
    "format": {"type": "string", "enum": ["mp3", "opus", "wav"]},
    "announce": {"type": "boolean"}, "announcement": {"type": "string"},
    "storage_limit_mb": {"type": "integer"}, "retention_days": {"type": "integer"}}}
_WORDS = {400: "an unknown query parameter, or a body that is not JSON",
          401: "no valid token or session",
          403: "first run, CSRF or Origin refused", 404: "no such recording",
          409: "the recording is still being made or compressed",
          422: "refused by validation: every field and reason, nothing changed",
          429: "too many wrong tokens from this address: wait Retry-After seconds"}
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "the recording's id"}]
_DOWNLOAD = {"name": "download", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["1"]},
             "description": "1: as a file to save (Content-Disposition: attachment)"}
_AUDIO = {"200": {"description": "the audio (Range for seeking)", "content": {
    kind: {"schema": {"type": "string", "format": "binary"}}
    for kind in ("audio/mpeg", "audio/ogg", "audio/wav")}},
    "206": {"description": "a part of it (Range)", "content": {
        kind: {"schema": {"type": "string", "format": "binary"}}
        for kind in ("audio/mpeg", "audio/ogg", "audio/wav")}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": _WORDS[code],
                        "content": {"application/json": {"schema": _ERROR}}}
            for code in (401, 403, 429, *codes)}


def _ok(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": text, "content": {"application/json": {"schema": schema}}}}


def recording_paths() -> dict[str, Any]:
    return {
        "/api/recordings": {"get": {
            "summary": "the call recordings, newest first, and their storage",
            "responses": {**_ok("the recordings", _LISTING), **_errors(400)}}},
        "/api/recordings/{id}": {
            "parameters": _ID,
            "get": {"summary": "one recording",
                    "responses": {**_ok("the recording", _RECORDING), **_errors(400, 404)}},
            "delete": {"summary": "delete the recording and its file",
                       "responses": {**_ok("the recording deleted", _RECORDING),
                                     **_errors(400, 404, 409)}}},
        "/api/recordings/{id}/audio": {
            "parameters": _ID,
            "get": {"summary": "the recording's audio (MP3, Ogg Opus or WAV; 8 kHz mono)",
                    "parameters": [_DOWNLOAD],
                    "responses": {**_AUDIO, **_errors(400, 404, 409)}}},
        "/api/warnings/recordings": {"delete": {
            "summary": "dismiss the warning that the storage limit deleted recordings",
            "responses": {**_ok("dismissed", {"type": "object", "properties": {
                "dismissed": {"type": "boolean"}}}), **_errors()}}},
        "/api/recording-settings": {
            "get": {"summary": "the config's recording section (docs/config.md)",
                    "responses": {**_ok("the section", _SETTINGS), **_errors()}},
            "put": {"summary": "replace the recording section, validated first",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": _SETTINGS}}},
                    "responses": {**_ok("the section as stored", _SETTINGS),
                                  **_errors(400, 422)}}},
        "/api/calls/{call_id}/recording": {
            "parameters": [{"name": "call_id", "in": "path", "required": True,
                            "schema": {"type": "string"},
                            "description": "the call record's id"}],
            "get": {"summary": "the call's last finished recording's audio",
                    "parameters": [_DOWNLOAD],
                    "responses": {**_AUDIO, **_errors(400, 404)}}},
    }
