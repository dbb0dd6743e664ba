"""The Voicemail page and its API: the messages callers left (docs/web.md "Voicemail").

The page lists the messages per box (an extension or a ring group) with the caller,
the caller's region, the time, the length, a player (HTML5 <audio> on the WAV),
"mark heard" and "delete"; it says how much of the storage limit the messages use,
and warns when the limit made the box delete old messages. The page's process reads
and changes the store's files itself (`BoxService.voicemail()`), as the CLI does.

API (JSON; errors as everywhere in docs/web.md):
- `GET /api/voicemail[?box=B]`: {"messages": [...], "boxes": {box: {"total",
  "unheard"}}, "storage": {"used_bytes", "limit_bytes", "warning"}}; each message
  {"id", "box", "caller", "region", "time", "at_ts", "duration_s", "heard", "bytes",
  "audio_url"} (no file path: the page is no file browser)
- `GET /api/voicemail/{id}`: one message; 404 unknown
- `GET /api/voicemail/{id}/audio`: its WAV (audio/wav, 8 kHz mono 16-bit; Range)
- `PATCH /api/voicemail/{id}` {"heard": true|false}: 200 with the message; 422 refused
- `DELETE /api/voicemail/{id}`: 200 with the message deleted; 404 unknown
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import bottle

from firmware.service import NoSuchMessage, VoicemailError, plain
from web_ui import api, pages
from web_ui import app as core
from web_ui.app import Web

HERE = "/voicemail"


def install(app: bottle.Bottle, web: Web) -> None:
    _install_page(app, web)
    _install_api(app, web)


# --- the page ---------------------------------------------------------------------------


def _install_page(app: bottle.Bottle, web: Web) -> None:
    @app.get(HERE)
    def voicemail_page() -> Any:
        return page(web)

    @app.post(f"{HERE}/<ident>/heard")
    def mark(ident: str) -> Any:
        heard = core.form().get("heard", "1") != "0"
        return _change(lambda: web.service.voicemail().mark_heard(ident, heard), "vm_marked")

    @app.post(f"{HERE}/<ident>/delete")
    def delete(ident: str) -> Any:
        return _change(lambda: web.service.voicemail().delete(ident), "vm_deleted")

    def _change(fn: Any, done: str) -> Any:
        try:
            fn()
        except VoicemailError:
            pages.flash("error", "vm_unknown")
            bottle.response.status = 404
            return page(web)
        pages.flash("ok", done)
        bottle.redirect(HERE)


def page(web: Web) -> str:
    listing = voicemail_listing(web)
    section = web.service.config().get("voicemail") or {}
    return pages.render("voicemail", web, **listing,
                        code=section.get("feature_code", "*97"),
                        used_mb=f"{listing['storage']['used_bytes'] / 1048576:.1f}",
                        limit_mb=listing['storage']['limit_bytes'] // 1048576,
                        warned=_warning_time(web, listing['storage']['warning']))


def _warning_time(web: Web, warning: dict | None) -> str:
    if not warning:
        return ""
    return datetime.fromtimestamp(float(warning.get("at_ts", 0)),
                                  _zone(web)).strftime("%Y-%m-%d %H:%M")


def storage_view(web: Web) -> dict[str, Any]:
    """The System page's voicemail card: MB used of the limit, and the last cleanup."""
    try:
        storage = voicemail_listing(web)["storage"]
    except Exception:  # an unreadable index: the card says nothing rather than a 500
        return {"used_mb": "?", "limit_mb": "?", "warning": None, "warned": ""}
    return {"used_mb": f"{storage['used_bytes'] / 1048576:.1f}",
            "limit_mb": storage["limit_bytes"] // 1048576, "warning": storage["warning"],
            "warned": _warning_time(web, storage["warning"])}


# --- the API ----------------------------------------------------------------------------


def _install_api(app: bottle.Bottle, web: Web) -> None:
    @app.get("/api/voicemail")
    def list_messages() -> Any:
        return _answer(lambda: voicemail_listing(web, _box_param()), ("box",))

    @app.get("/api/voicemail/<ident>")
    def one_message(ident: str) -> Any:
        return _answer(lambda: message_json(web, web.service.voicemail().get(ident)))

    @app.get("/api/voicemail/<ident>/audio")
    def message_audio(ident: str) -> Any:
        return _answer(lambda: _audio(web, ident))

    @app.route("/api/voicemail/<ident>", method="PATCH")
    def change_message(ident: str) -> Any:
        return _answer(lambda: _patch(web, ident, api._body()))

    @app.delete("/api/voicemail/<ident>")
    def delete_message(ident: str) -> Any:
        return _answer(lambda: message_json(web, web.service.voicemail().delete(ident)))


def _box_param() -> str | None:
    box = bottle.request.query.getunicode("box") or None
    return box


def voicemail_listing(web: Web, box: str | None = None) -> dict[str, Any]:
    store = web.service.voicemail()
    messages = store.list(box)
    boxes: dict[str, dict[str, int]] = {}
    for message in messages:
        counts = boxes.setdefault(message.box, {"total": 0, "unheard": 0})
        counts["total"] += 1
        counts["unheard"] += 0 if message.heard else 1
    section = web.service.config().get("voicemail") or {}
    limit = int(section.get("storage_limit_mb", 200)) * 1048576
    return {"messages": [message_json(web, m) for m in reversed(messages)], "boxes": boxes,
            "storage": {"used_bytes": store.used_bytes(), "limit_bytes": limit,
                        "warning": store.warning()}}


def message_json(web: Web, message: Any) -> dict[str, Any]:
    out = message.to_json()
    out.pop("file", None)
    out["time"] = datetime.fromtimestamp(message.at_ts, _zone(web)).isoformat(
        timespec="seconds")
    out["audio_url"] = f"/api/voicemail/{message.id}/audio"
    return out


def _zone(web: Web) -> ZoneInfo:
    try:
        return ZoneInfo(web.service.config()["settings"]["timezone"])
    except Exception:
        return ZoneInfo("Asia/Shanghai")


def _audio(web: Web, ident: str) -> bottle.HTTPResponse:
    message = web.service.voicemail().get(ident)
    path = message.file
    folder, _, name = path.rpartition("/")
    # static_file: streamed from the file, with Range for the player's seeking
    response = bottle.static_file(name, root=folder, mimetype="audio/wav")
    if response.status_code == 404:
        raise NoSuchMessage(ident)
    response.set_header("Content-Disposition",
                        f'inline; filename="voicemail-{message.box}-{ident}.wav"')
    return response


def _patch(web: Web, ident: str, body: Any) -> dict[str, Any]:
    store = web.service.voicemail()
    store.get(ident)  # 404 first
    if not isinstance(body, dict) or not isinstance(body.get("heard"), bool):
        raise VoicemailError("heard", "send {\"heard\": true} or {\"heard\": false}")
    return message_json(web, store.mark_heard(ident, body["heard"]))


def _answer(fn: Any, params: tuple[str, ...] = ()) -> Any:
    """api._guarded, and the store's refusals: 404 unknown message, 422 refused input."""
    try:
        return api._guarded(fn, params)
    except NoSuchMessage as exc:
        return _error(exc, 404)
    except VoicemailError as exc:
        return _error(exc, 422)


def _error(exc: VoicemailError, status: int) -> bottle.HTTPResponse:
    body = {"error": str(exc), "errors": api.error_entries([(exc.field, plain(exc.reason))])}
    response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False), status)
    response.content_type = "application/json"
    return response
