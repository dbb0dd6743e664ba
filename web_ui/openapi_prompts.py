"""The prompts' part of the OpenAPI document (web_ui/prompt_pages.py, docs/prompts.md)."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_TEXT_OR_NULL = {"type": "string", "nullable": True}
_PROMPT = {"type": "object", "required": ["name", "lang", "origin", "duration_s"],
           "properties": {
               "name": {"type": "string"}, "lang": {"type": "string", "enum": ["zh", "en"]},
               "origin": {"type": "string", "enum": ["owner", "default"]},
               "source": {"type": "string", "enum": ["upload", "text", "default"]},
               "text": _TEXT_OR_NULL, "filename": _TEXT_OR_NULL,
               "duration_s": {"type": "number"}, "bytes": {"type": "integer"},
               "created": _TEXT_OR_NULL, "has_default": {"type": "boolean"},
               "url": {"type": "string"}, "audio_url": {"type": "string"}}}
_SETTINGS = {"type": "object", "properties": {
    "language": {"type": "string", "enum": ["zh", "en"]},
    **{f: _TEXT_OR_NULL
       for f in ("greeting_open", "greeting_closed", "greeting_holiday", "ringback")}}}
_WORDS = {400: "the body is not JSON the box reads", 401: "no valid token or session",
          403: "first run, CSRF or Origin refused", 404: "no such prompt",
          409: "a default prompt alone, or a prompt the config uses (the fields are named)",
          413: "the body is larger than the page takes (16 MiB for an upload)",
          422: "refused: not a WAV or MP3, too big, too long, silent, or a bad name, "
               "language or text; nothing was stored",
          429: "too many wrong tokens from this address: wait Retry-After seconds",
          503: "the box did not answer in time"}
_PATH = [{"name": "lang", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "zh or en"},
         {"name": "name", "in": "path", "required": True, "schema": {"type": "string"},
          "description": "the prompt's name"}]


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": _WORDS[code],
                        "content": {"application/json": {"schema": _ERROR}}}
            for code in (401, 403, 429, *codes)}


def _ok(status: str, text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {status: {"description": text, "content": {"application/json": {"schema": schema}}}}


def prompt_paths() -> dict[str, Any]:
    return {
        "/api/prompts": {
            "get": {"summary": "every prompt that plays, the owner's and the defaults, zh and en",
                    "responses": {**_ok("200", "the prompts", {"type": "object", "properties": {
                        "prompts": {"type": "array", "items": _PROMPT},
                        "languages": {"type": "array", "items": {"type": "string"}},
                        "limits": {"type": "object"}}}), **_errors(400)}},
            "post": {"summary": "add a prompt: upload a WAV or MP3 (multipart: name, lang, "
                                "file), or speak a text (JSON: name, lang, text); it replaces "
                                "the owner's or the default prompt of that name and language",
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {
                             "type": "object", "required": ["name", "lang", "text"],
                             "properties": {"name": {"type": "string"},
                                            "lang": {"type": "string", "enum": ["zh", "en"]},
                                            "text": {"type": "string"}}}},
                         "multipart/form-data": {"schema": {
                             "type": "object", "required": ["name", "lang", "file"],
                             "properties": {"name": {"type": "string"},
                                            "lang": {"type": "string"},
                                            "file": {"type": "string", "format": "binary"}}}}}},
                     "responses": {**_ok("201", "stored", _PROMPT),
                                   **_errors(400, 413, 422)}}},
        "/api/prompts/{lang}/{name}": {
            "parameters": _PATH,
            "get": {"summary": "one prompt", "responses": {**_ok("200", "the prompt", _PROMPT),
                                                           **_errors(400, 404, 422)}},
            "delete": {"summary": "delete the owner's prompt (a default of its name plays "
                                  "again); refused while the config uses it and no default "
                                  "would be left",
                       "responses": {**_ok("200", "deleted", {"type": "object"}),
                                     **_errors(400, 404, 409, 422)}}},
        "/api/prompts/{lang}/{name}/audio": {
            "parameters": _PATH,
            "get": {"summary": "the prompt's audio: WAV, 8 kHz mono 16-bit",
                    "responses": {"200": {"description": "the WAV file", "content": {
                        "audio/wav": {"schema": {"type": "string", "format": "binary"}}}},
                        **_errors(400, 404, 422)}}},
        "/api/prompt-settings": {
            "get": {"summary": "the config's prompts section: language, greeting per "
                               "schedule, ringback message",
                    "responses": {**_ok("200", "the section", _SETTINGS), **_errors(400, 503)}},
            "put": {"summary": "replace the prompts section; validated first",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": _SETTINGS}}},
                    "responses": {**_ok("200", "stored", _SETTINGS),
                                  **_errors(400, 413, 422, 503)}}},
    }
