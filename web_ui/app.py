"""The web application: one Bottle app for the pages and the JSON API, and its guard.

`make_app(service)` builds it. Every route passes through `Guard`, a Bottle
plugin, which in this order:

1. refuses a Host header that is not an IP literal, localhost or an allowed name
   (DNS rebinding) with 400;
2. finds who is asking: an API token (`Authorization: Bearer`, /api/ only) or
   the session cookie;
3. on the first run (no owner password yet) lets through only the setup page,
   static files and the language switch; pages redirect to /setup, the API says 403;
4. sends a visitor who is not logged in to /login (pages) or answers 401 (API);
5. for a request that changes something (POST, PUT, PATCH, DELETE) made with the
   session cookie: the Origin (else Referer) must be this box and the CSRF token
   (form field `csrf` or header `X-CSRF-Token`) must be the session's; else 403.
   A token-authenticated API call carries no ambient credential, so needs neither.

Routes say what they need with route options: `auth=False` (login, setup),
`first_run=True` (reachable before a password exists).

Every response gets headers that keep the page out of frames and scripts from
elsewhere out of the page (`SECURITY_HEADERS`).
"""

from __future__ import annotations

import functools
import json
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bottle

from firmware.service import BoxService, ServiceError
from web_ui import i18n, security
from web_ui.owner import OWNER, Owner

log = logging.getLogger("switchboard.web")

HERE = Path(__file__).resolve().parent
VIEWS = HERE / "views"
STATIC = HERE / "static"
SESSION_COOKIE = "sb_sid"
LANG_COOKIE = "sb_lang"
MAX_BODY = 4 * 1024 * 1024  # a config backup is far smaller
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class Web:
    """What every route may use: the box, the owner's credentials, sessions, throttle."""

    service: BoxService
    owner: Owner
    sessions: security.Sessions = field(default_factory=security.Sessions)
    throttle: security.LoginThrottle = field(default_factory=security.LoginThrottle)
    allowed_hosts: frozenset[str] = frozenset()


@dataclass
class Who:
    """Who sent this request: a session (maybe not logged in) or a token."""

    session: security.Session | None = None
    token: str | None = None

    @property
    def user(self) -> str | None:
        if self.token:
            return f"token:{self.token}"
        return self.session.user if self.session else None


class Refused(Exception):
    """A request refused by the guard or a route: status, message key, optional field."""

    def __init__(self, status: int, key: str, field: str | None = None):
        super().__init__(key)
        self.status, self.key, self.field = status, key, field


def make_app(service: BoxService, *, allowed_hosts: tuple[str, ...] = (),
             kdf_n: int = security.SCRYPT_N, sessions: security.Sessions | None = None,
             throttle: security.LoginThrottle | None = None) -> bottle.Bottle:
    """The whole web application for `service`'s box."""
    bottle.BaseRequest.MEMFILE_MAX = MAX_BODY
    names = {h.lower() for h in allowed_hosts} | _own_names()
    web = Web(service, Owner(service.web_dir, kdf_n=kdf_n),
              sessions or security.Sessions(), throttle or security.LoginThrottle(),
              frozenset(names))
    app = bottle.Bottle(catchall=True)
    app.config["switchboard.web"] = web
    app.install(Guard(web))
    app.add_hook("after_request", _security_headers)
    from web_ui import api, pages

    api.install(app, web)
    pages.install(app, web)

    @app.get("/static/<name:path>", auth=False, first_run=True)
    def static(name: str) -> Any:
        response = bottle.static_file(name, root=str(STATIC))
        response.set_header("Cache-Control", "max-age=3600")
        return response

    for code in (404, 405, 500):
        app.error_handler[code] = functools.partial(_error_page, web)
    return app


def _own_names() -> set[str]:
    """The box's host names, which a browser on the LAN may use (mDNS: NAME.local)."""
    name = socket.gethostname().lower()
    return {name, f"{name}.local"} if name else set()


def _security_headers() -> None:
    for name, value in SECURITY_HEADERS.items():
        if name not in bottle.response.headers:
            bottle.response.set_header(name, value)


def _error_page(web: Web, error: bottle.HTTPError) -> str:
    if bottle.request.path.startswith("/api/"):
        bottle.response.content_type = "application/json"
        return json.dumps({"error": f"{error.status_line}"})
    _ = i18n.translator(current_lang())
    return f"<!doctype html><title>{error.status_code}</title><p>{_('error_page')} " \
           f"({error.status_code})</p><p><a href='/'>{_('nav_dashboard')}</a></p>"


def current_lang() -> str:
    explicit = bottle.request.get_cookie(LANG_COOKIE)
    return i18n.choose(explicit, bottle.request.headers.get("Accept-Language"))


def is_api() -> bool:
    return bottle.request.path.startswith("/api/")


def client_address() -> str:
    return bottle.request.remote_addr or "unknown"


class Guard:
    """The plugin that applies the rules in the module docstring to every route."""

    name = "switchboard-guard"
    api = 2

    def __init__(self, web: Web):
        self.web = web

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        needs_auth = route.config.get("auth", True)
        first_run_ok = route.config.get("first_run", False)

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                who = self._check(needs_auth, first_run_ok)
                bottle.request.environ["switchboard.who"] = who
                return callback(*args, **kwargs)
            except Refused as exc:
                return self._refusal(exc)
            except ServiceError as exc:
                log.warning("%s %s: %s", bottle.request.method, bottle.request.path, exc)
                return self._refusal(Refused(503, "err_box"))

        return guarded

    def _check(self, needs_auth: bool, first_run_ok: bool) -> Who:
        request = bottle.request
        if not security.host_allowed(request.headers.get("Host"), self.web.allowed_hosts):
            raise Refused(400, "err_host")
        who = self._who()
        if not first_run_ok and not self.web.owner.has_password:
            raise Refused(403, "err_first_run")
        if needs_auth and who.user is None:
            raise Refused(401, "err_login")
        if request.method in STATE_CHANGING and who.token is None:
            self._check_csrf(who)
        return who

    def _who(self) -> Who:
        request = bottle.request
        auth = request.headers.get("Authorization", "")
        if is_api() and auth:
            kind, _, token = auth.partition(" ")
            name = self.web.owner.token_name(token.strip()) if kind.lower() == "bearer" else None
            if name is None:
                raise Refused(401, "err_token")
            return Who(token=name)
        session = self.web.sessions.get(request.get_cookie(SESSION_COOKIE))
        return Who(session=session)

    def _check_csrf(self, who: Who) -> None:
        request = bottle.request
        host = request.headers.get("Host", "")
        if not security.origin_matches(request.headers.get("Origin"),
                                       request.headers.get("Referer"),
                                       request.urlparts.scheme, host):
            raise Refused(403, "err_origin")
        sent = request.headers.get("X-CSRF-Token") or _form_csrf()
        if not security.csrf_ok(who.session, sent):
            raise Refused(403, "err_csrf")

    def _refusal(self, exc: Refused) -> Any:
        _ = i18n.translator("en" if is_api() else current_lang())
        if is_api():
            body: dict[str, Any] = {"error": _(exc.key)}
            if exc.field:
                lang = i18n.choose(None, bottle.request.get_header("Accept-Language"), "en")
                body["errors"] = [{"field": exc.field, "reason": _(exc.key), "code": exc.key,
                                   "params": {}, "message": i18n.text(lang, exc.key)}]
            response = bottle.HTTPResponse(json.dumps(body, ensure_ascii=False), exc.status)
            response.content_type = "application/json"
            if exc.status == 401:
                response.set_header("WWW-Authenticate", 'Bearer realm="switchboard"')
            return response
        if exc.key == "err_first_run":
            return bottle.HTTPResponse(status=303, headers={"Location": "/setup"})
        if exc.key == "err_login":
            return bottle.HTTPResponse(status=303, headers={"Location": "/login"})
        response = bottle.HTTPResponse(f"<!doctype html><p>{_(exc.key)}</p>", exc.status)
        response.content_type = "text/html; charset=utf-8"
        return response


def _form_csrf() -> str | None:
    request = bottle.request
    if request.content_type.startswith(("application/x-www-form-urlencoded",
                                        "multipart/form-data")):
        return _utf8(request.forms).get("csrf")
    return None


def query() -> bottle.FormsDict:
    """The query string, as UTF-8 text (Bottle's own values are Latin-1 decoded)."""
    return _utf8(bottle.request.query)


def form() -> bottle.FormsDict:
    """The posted form fields, as UTF-8 text."""
    return _utf8(bottle.request.forms)


def _utf8(fields: bottle.FormsDict) -> bottle.FormsDict:
    """`fields` as UTF-8 text; bytes that are not UTF-8 (a lone surrogate's %ED%A0%80,
    say) are a 400, not a traceback."""
    try:
        return fields.decode()
    except UnicodeDecodeError:
        raise bottle.HTTPError(400, "the form or query is not UTF-8 text") from None


def who() -> Who:
    return bottle.request.environ.get("switchboard.who") or Who()


def ensure_session(web: Web) -> security.Session:
    """The visitor's session, made now if they have none (the login page needs a CSRF token)."""
    current = who()
    if current.session is None:
        current.session = web.sessions.new()
        bottle.request.environ["switchboard.who"] = current
        _set_session_cookie(current.session)
    return current.session


def start_session(web: Web) -> security.Session:
    """A successful login or first-run setup: a new session id for the owner."""
    current = who()
    current.session = web.sessions.rotate(current.session, OWNER)
    bottle.request.environ["switchboard.who"] = current
    _set_session_cookie(current.session)
    return current.session


def end_session(web: Web) -> None:
    current = who()
    if current.session is not None:
        web.sessions.drop(current.session.sid)
    bottle.response.delete_cookie(SESSION_COOKIE, path="/")


def _set_session_cookie(session: security.Session) -> None:
    """Set on the response now, so a redirect made after this (bottle.redirect) carries it."""
    bottle.response.set_cookie(SESSION_COOKIE, session.sid, path="/", httponly=True,
                               samesite="strict",
                               secure=bottle.request.urlparts.scheme == "https")
