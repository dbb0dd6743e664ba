"""The Feature codes page (issue 13, FEATURES R12, T1-T4, T7; docs/feature-codes.md).

`GET /feature-codes` lists every code a desk phone keys (from dial tone: available,
unavailable, pickup, directed pickup, voicemail; during a call: blind and attended
transfer, three-way, cancel, swap) with what it does and how it is keyed, in the page's
language, printable for the desk; and a form to change them (`POST /feature-codes`: one
field per code, named as in the API). A refusal answers 422 with the fields named
(`feature_codes.pickup`, `voicemail.feature_code`) and what was typed; nothing changes.

API: `GET /api/feature-codes` gives `{name: code}` of every code (the voicemail code as
`voicemail`); `PUT /api/feature-codes` changes the codes the body names, the rest kept,
and answers the same; another key or a body that is not an object is a 400 naming it,
a code the box refuses a 422 with the fields.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Mapping
from typing import Any

import bottle

from firmware.service import FEATURE_CODE_DEFAULTS as DEFAULTS
from firmware.service import FEATURE_CODE_NAMES as NAMES
from firmware.service import FEATURE_CODES_DIAL_TONE as DIAL_TONE
from firmware.service import FEATURE_CODES_IN_CALL as IN_CALL
from firmware.service import BadQuery, feature_codes_of
from web_ui import api, pages
from web_ui import app as core
from web_ui.app import Web
from web_ui.messages_reasons import form_reason

HERE = "/feature-codes"
VOICEMAIL = "voicemail"  # the voicemail code's name here; the config: voicemail.feature_code
# How each code is keyed (fc_use_*): alone, + an extension, + a target and #.
USE = {"pickup_extension": "extension", VOICEMAIL: "voicemail",
       "blind_transfer": "target", "attended_transfer": "target", "threeway": "target"}


def install(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def codes_page() -> Any:
        return page(web)

    @app.post(HERE)
    def save_codes() -> Any:
        form = core.form()
        typed = {name: _typed(form.get(name)) for name in NAMES}
        config = web.service.config()
        sections = _sections(config, typed)
        return pages._save(web, sections, None, HERE,
                           lambda errors: page(web, errors, typed))

    @app.get("/api/feature-codes")
    def get_codes() -> Any:
        return api._guarded(lambda: codes_of(web.service.config()))

    @app.put("/api/feature-codes")
    def put_codes() -> Any:
        return api._guarded(lambda: _put(web, api._body()))


def codes_of(config: Mapping[str, Any]) -> dict[str, str]:
    """{name: code} of every feature code in a config document (defaults filled in)."""
    return feature_codes_of(config)


def _typed(value: Any) -> str:
    """What the owner typed, full-width ＊ and digits read as * and digits."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _sections(config: Mapping[str, Any], codes: Mapping[str, Any]) -> dict[str, Any]:
    """The config's `feature_codes` and `voicemail` sections with `codes` put in."""
    section = dict(config.get("feature_codes") or {})
    voicemail = copy.deepcopy(config.get("voicemail") or {})
    for name, code in codes.items():
        if name == VOICEMAIL:
            voicemail["feature_code"] = code
        else:
            section[name] = code
    return {"feature_codes": section, "voicemail": voicemail}


def _put(web: Web, body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        raise BadQuery("(body)", form_reason("unknown_parameter", known=list(NAMES)))
    unknown = sorted(set(body) - set(NAMES))
    if unknown:
        raise BadQuery(unknown[0], form_reason("unknown_parameter", known=list(NAMES)))
    config = web.service.config()
    config.update(_sections(config, body))
    web.service.replace_config(config)
    return codes_of(web.service.config())


def _rows(codes: Mapping[str, str], names: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"name": name, "code": codes[name], "use": USE.get(name, "plain"),
             "field": "voicemail.feature_code" if name == VOICEMAIL else f"feature_codes.{name}"}
            for name in names]


def page(web: Web, errors: list | None = None, typed: Mapping[str, str] | None = None) -> str:
    if errors:
        bottle.response.status = 422
    stored = codes_of(web.service.config())
    shown = {**stored, **(typed or {})}
    return pages.render("feature_codes", web, errors=errors or [],
                        bad={field for field, _ in errors or []},
                        dial_tone=_rows(stored, DIAL_TONE),
                        in_call=_rows(stored, IN_CALL),
                        form=_rows(shown, NAMES), defaults=DEFAULTS)


def openapi_paths(answers: Any) -> dict[str, Any]:
    """/api/feature-codes in /api/openapi.json (`answers`: openapi._answers)."""
    codes = {"type": "object", "additionalProperties": False,
             "properties": {name: {"type": "string", "example": DEFAULTS[name]}
                            for name in NAMES}}
    return {"/api/feature-codes": {
        "get": {"summary": "every feature code by name (the voicemail code as `voicemail`)",
                "responses": answers("the codes", codes, 503)},
        "put": {"summary": "change the codes the body names, the rest kept; validated first",
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": codes}}},
                "responses": answers("the codes as stored", codes, 400, 413, 422, 503)}}}
