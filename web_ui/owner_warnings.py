"""What the dashboard warns the owner of (issue 12, A4): notices that failed and wait in
the outbox, and a voicemail store near or at its limit. The same data is in
`GET /api/status` as `warnings`, so a tool outside sees what the owner sees.

Each warning: {"code", "severity" ("warning" | "error"), "link" (the page that deals
with it), "message" (in the request's language), and its figures}:

- `notices_failed`: notices (e-mail, SMS) that failed at least once and wait for their
  next try, or were given up: {"count", "retrying", "given_up", "oldest_ts", "oldest"
  (the oldest one's time, local ISO)}; link: the System page's outbox. An error once
  one was given up (only the owner's "retry" sends it now).
- `voicemail_storage`: the messages take more than `FULL_PERCENT` of the owner's
  limit: {"used_bytes", "limit_bytes", "percent"}; an error at 100 %.
- `voicemail_unheard_deleted`: the limit made the box delete messages nobody had
  listened to: {"deleted", "unheard", "at_ts", "at", "limit_mb"}; shown until the owner
  dismisses it (`POST /warnings/voicemail/dismiss` on the page, `DELETE
  /api/warnings/voicemail` on the API).

Reading them costs two small queries (the outbox and the voicemail index, read-only);
a store that cannot be read gives no warning of its own rather than a failed status.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import bottle

from web_ui import app as core
from web_ui import i18n, pages
from web_ui.app import Web

log = logging.getLogger(__name__)

FULL_PERCENT = 90.0
OUTBOX_LINK = "/system#notifications"
VOICEMAIL_LINK = "/voicemail"
MB = 1048576


def install(app: bottle.Bottle, web: Web) -> None:
    @app.post("/warnings/voicemail/dismiss")
    def dismiss_page() -> Any:
        web.service.voicemail().clear_warning()
        pages.flash("ok", "warn_dismissed")
        bottle.redirect("/")

    @app.delete("/api/warnings/voicemail")
    def dismiss_api() -> Any:
        web.service.voicemail().clear_warning()
        bottle.response.content_type = "application/json"
        return '{"dismissed": true}'


def dashboard_warnings(web: Web, lang: str | None = None) -> list[dict[str, Any]]:
    """The warnings now, in `lang` (default: the request's)."""
    _ = i18n.translator(lang or core.current_lang())
    zone = _zone(web)
    found: list[dict[str, Any]] = []
    for read in (_notices, _storage, _unheard_deleted):
        try:
            warning = read(web, zone)
        except Exception:  # one store unreadable: the others and the status still shown
            log.exception("dashboard warning %s", read.__name__)
            continue
        if warning is not None:
            warning["message"] = _(f"warn_{warning['code']}", **_words(warning))
            found.append(warning)
    return found


def _notices(web: Web, zone: ZoneInfo) -> dict[str, Any] | None:
    backlog = web.service.notice_backlog()
    if not backlog["count"]:
        return None
    return {"code": "notices_failed", "severity": "error" if backlog["given_up"] else "warning",
            "link": OUTBOX_LINK, **backlog, "oldest": _local(backlog["oldest_ts"], zone)}


def _storage(web: Web, zone: ZoneInfo) -> dict[str, Any] | None:
    used, _count = web.service.voicemail().usage()
    limit = _limit_bytes(web)
    percent = round(100.0 * used / limit, 1) if limit else 0.0
    if percent <= FULL_PERCENT:
        return None
    return {"code": "voicemail_storage", "severity": "error" if percent >= 100 else "warning",
            "link": VOICEMAIL_LINK, "used_bytes": used, "limit_bytes": limit,
            "percent": percent}


def _unheard_deleted(web: Web, zone: ZoneInfo) -> dict[str, Any] | None:
    warning = web.service.voicemail().warning()
    if not isinstance(warning, dict):
        return None
    deleted = _count(warning.get("deleted"))
    unheard = _count(warning.get("unheard", deleted))
    if not unheard:
        return None
    at_ts = warning.get("at_ts")
    return {"code": "voicemail_unheard_deleted", "severity": "warning",
            "link": VOICEMAIL_LINK, "deleted": deleted, "unheard": unheard,
            "at_ts": at_ts, "at": _local(at_ts, zone),
            "limit_mb": _count(warning.get("limit_mb")) or _limit_bytes(web) // MB}


def _words(warning: dict[str, Any]) -> dict[str, Any]:
    """The figures the message says, as the owner reads them."""
    words = dict(warning)
    words["oldest"] = (warning.get("oldest") or "")[:16].replace("T", " ")
    words["at"] = (warning.get("at") or "")[:16].replace("T", " ")
    words["used_mb"] = f"{warning.get('used_bytes', 0) / MB:.1f}"
    words["limit_mb"] = warning.get("limit_mb") or warning.get("limit_bytes", 0) // MB
    return words


def _limit_bytes(web: Web) -> int:
    section = web.service.config().get("voicemail") or {}
    return int(section.get("storage_limit_mb", 200)) * MB


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _local(ts: Any, zone: ZoneInfo) -> str | None:
    if not isinstance(ts, (int, float)) or isinstance(ts, bool):
        return None
    return datetime.fromtimestamp(float(ts), zone).isoformat(timespec="seconds")


def _zone(web: Web) -> ZoneInfo:
    try:
        return ZoneInfo(web.service.config()["settings"]["timezone"])
    except Exception:  # a config that cannot be read now: the box's default zone
        return ZoneInfo("Asia/Shanghai")
