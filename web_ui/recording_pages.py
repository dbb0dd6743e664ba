"""Call recordings on the web page and in the API (docs/web.md "Recordings").

The records page plays each call's recording (HTML5 <audio>) and downloads it (the
call records link them: firmware/recordings/links.py); the System page and the
dashboard say how much of the storage limit they use and warn when the limit made the
box delete old ones. Owner only (the login, as every page). The page's process reads
the store's files itself (`BoxService.recordings()`), as the CLI does.

API (JSON; errors as everywhere in docs/web.md):
- `GET /api/recordings`: {"recordings": [...] newest first, "storage": {"used_bytes",
  "limit_bytes", "retention_days", "warning"}}; each {"id", "call_id", "time", "at_ts",
  "duration_s", "format", "bytes", "state", "caller", "rule", "url"}
- `GET /api/recordings/{id}`: one; 404 unknown
- `GET /api/recordings/{id}/audio[?download=1]`: the audio (audio/mpeg, audio/ogg or
  audio/wav; Range for seeking); `download=1`: as a file to save
- `DELETE /api/recordings/{id}`: 200 with the recording deleted; 404 unknown; 409 while
  it is still recorded or compressed
- `GET /api/calls/{call_id}/recording[?download=1]`: the call's (last) recording's
  audio; 404 when the call has none (yet)
- `DELETE /api/warnings/recordings` (the page: `POST /warnings/recordings/dismiss`):
  the owner read the warning that the limit deleted recordings

`storage_warning` and `deleted_warning` are dashboard warnings of the shape
web_ui/owner_warnings.py reads ({"code", "severity", "link", figures}; messages
`warn_recording_storage`, `warn_recordings_deleted`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import bottle

from firmware.service import NoSuchRecording, RecordingError, plain
from web_ui import api, pages
from web_ui.app import Web

MB = 1048576
FULL_PERCENT = 90.0
STORAGE_LINK = "/system#recording-storage"


def install(app: bottle.Bottle, web: Web) -> None:
    from web_ui import recording_forms  # the settings form and its API

    recording_forms.install(app, web)

    @app.get("/api/recordings")
    def list_recordings() -> Any:
        return _answer(lambda: recording_listing(web))

    @app.get("/api/recordings/<ident>")
    def one_recording(ident: str) -> Any:
        return _answer(lambda: recording_json(web, web.service.recordings().get(ident)))

    @app.get("/api/recordings/<ident>/audio")
    def recording_audio(ident: str) -> Any:
        return _answer(lambda: _audio(web.service.recordings().get(ident)), ("download",))

    @app.delete("/api/recordings/<ident>")
    def delete_recording(ident: str) -> Any:
        return _answer(lambda: recording_json(web, _delete(web, ident)))

    @app.post("/warnings/recordings/dismiss")
    def dismiss_page() -> Any:
        web.service.recordings().clear_warning()
        pages.flash("ok", "rec_warning_dismissed")
        bottle.redirect("/")

    @app.delete("/api/warnings/recordings")
    def dismiss_api() -> Any:
        return _answer(lambda: _dismiss(web))

    @app.get("/api/calls/<call_id>/recording")
    def call_recording(call_id: str) -> Any:
        return _answer(lambda: _audio(_of_call(web, call_id)), ("download",))


def _dismiss(web: Web) -> dict[str, Any]:
    web.service.recordings().clear_warning()
    return {"dismissed": True}


# --- the dashboard's warnings (the readers of web_ui/owner_warnings.py's kind) -----------


def storage_warning(web: Web, zone: ZoneInfo) -> dict[str, Any] | None:
    """`recording_storage`: the recordings take more than FULL_PERCENT of the limit."""
    used = web.service.recordings().used_bytes()
    limit = int(_section(web).get("storage_limit_mb", 1000)) * MB
    percent = round(100.0 * used / limit, 1) if limit else 0.0
    if percent <= FULL_PERCENT:
        return None
    return {"code": "recording_storage", "severity": "error" if percent >= 100 else "warning",
            "link": STORAGE_LINK, "used_bytes": used, "limit_bytes": limit,
            "percent": percent}


def deleted_warning(web: Web, zone: ZoneInfo) -> dict[str, Any] | None:
    """`recordings_deleted`: the limit made the box delete recordings (until dismissed:
    `POST /warnings/recordings/dismiss`, `DELETE /api/warnings/recordings`)."""
    warning = web.service.recordings().warning()
    if not warning or not isinstance(warning.get("deleted"), int):
        return None
    at_ts = warning.get("at_ts")
    at = (datetime.fromtimestamp(float(at_ts), zone).isoformat(timespec="seconds")
          if isinstance(at_ts, (int, float)) else None)
    return {"code": "recordings_deleted", "severity": "warning", "link": STORAGE_LINK,
            "deleted": warning["deleted"], "at_ts": at_ts, "at": at,
            "limit_mb": warning.get("limit_mb") or 0}


def _delete(web: Web, ident: str) -> Any:
    store = web.service.recordings()
    rec = store.get(ident)
    if rec.state != "ready":  # its call still runs, or the encoder works on it
        raise RecordingError("id", f"recording {rec.id} is not ready yet ({rec.state})")
    return store.delete(ident)


def _of_call(web: Web, call_id: str) -> Any:
    ready = [r for r in web.service.recordings().for_call(call_id) if r.state == "ready"]
    if not ready:
        raise RecordingError("call_id", f"no recording of call {call_id[:40]!r}")
    return ready[-1]


def recording_listing(web: Web) -> dict[str, Any]:
    store = web.service.recordings()
    section = _section(web)
    return {"recordings": [recording_json(web, r) for r in reversed(store.list())],
            "storage": {"used_bytes": store.used_bytes(),
                        "limit_bytes": int(section.get("storage_limit_mb", 1000)) * MB,
                        "retention_days": int(section.get("retention_days", 90)),
                        "warning": store.warning()}}


def recording_json(web: Web, rec: Any) -> dict[str, Any]:
    out = rec.to_json()
    out.pop("file", None)  # the page is no file browser
    out["time"] = datetime.fromtimestamp(rec.at_ts, _zone(web)).isoformat(timespec="seconds")
    out["url"] = f"/api/recordings/{rec.id}/audio"
    return out


def storage_view(web: Web) -> dict[str, Any]:
    """The System page's recordings card and the dashboard's warning."""
    try:
        listing = recording_listing(web)
    except Exception:  # an unreadable index: the card says nothing rather than a 500
        return {"count": 0, "used_mb": "?", "limit_mb": "?", "days": 0, "warning": None,
                "warned": "", "enabled": False, "section": _section(web),
                "choices": rule_choices(web)}
    storage = listing["storage"]
    warning = storage["warning"]
    return {"count": len(listing["recordings"]),
            "used_mb": f"{storage['used_bytes'] / MB:.1f}",
            "limit_mb": storage["limit_bytes"] // MB, "days": storage["retention_days"],
            "warning": warning, "warned": _time_of(web, warning),
            "enabled": bool(_section(web).get("rules")), "section": _section(web),
            "choices": rule_choices(web)}


def rule_choices(web: Web) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rules the form offers, by kind: [(kind, [(rule, label)])] from the config's
    routes, ring groups, extensions and bound numbers."""
    try:
        config = web.service.config()
    except Exception:
        return []
    routes = [(f"route:{r['name']}", r["name"]) for r in config.get("routes") or []]
    groups = [(f"ring_group:{g['name']}", g["name"]) for g in config.get("ring_groups") or []]
    agents = [(f"agent:{e['number']}", f"{e['number']} {e.get('name', '')}".strip())
              for e in config.get("extensions") or []]
    agents += [(f"agent:{b['id']}", b.get("name") or b["id"])
               for b in config.get("bound_numbers") or []]
    return [(kind, items) for kind, items in
            (("route", routes), ("ring_group", groups), ("agent", agents)) if items]


def _section(web: Web) -> dict[str, Any]:
    try:
        section = web.service.config().get("recording")
    except Exception:
        return {}
    return section if isinstance(section, dict) else {}


def _time_of(web: Web, warning: dict | None) -> str:
    if not warning:
        return ""
    try:
        at = float(warning.get("at_ts", 0))
    except (TypeError, ValueError):
        return ""
    return datetime.fromtimestamp(at, _zone(web)).strftime("%Y-%m-%d %H:%M")


def _zone(web: Web) -> ZoneInfo:
    try:
        return ZoneInfo(web.service.config()["settings"]["timezone"])
    except Exception:
        return ZoneInfo("Asia/Shanghai")


def _audio(rec: Any) -> bottle.HTTPResponse:
    if rec.state != "ready":
        raise RecordingError("id", f"recording {rec.id} is not ready yet ({rec.state})")
    folder, _, name = rec.file.rpartition("/")
    response = bottle.static_file(name, root=folder, mimetype=rec.mime)
    if response.status_code == 404:
        raise NoSuchRecording(rec.id)
    how = "attachment" if bottle.request.query.get("download") == "1" else "inline"
    filename = f"call-{rec.call_id or 'unknown'}-{rec.id}.{rec.format}"
    response.set_header("Content-Disposition", f'{how}; filename="{filename}"')
    return response


def _answer(fn: Any, params: tuple[str, ...] = ()) -> Any:
    """api._guarded, and the store's refusals: 404 unknown, 409 not ready, 422 refused."""
    try:
        return api._guarded(fn, params)
    except NoSuchRecording as exc:
        return _error(exc, 404)
    except RecordingError as exc:
        return _error(exc, 409 if "not ready" in exc.reason else 404)


def _error(exc: RecordingError, status: int) -> bottle.HTTPResponse:
    body = {"error": str(exc), "errors": api.error_entries([(exc.field, plain(exc.reason))])}
    response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False), status)
    response.content_type = "application/json"
    return response
