"""The web application: one Bottle app for the pages and the JSON API, and its guard.

`make_app(service)` builds it. Every route passes through `Guard`, a Bottle
plugin, which in this order:

1. refuses a Host header that is not an IP literal, localhost or an allowed name
   (DNS rebinding) with 400;
2. finds who is asking: an API token (`Authorization: Bearer`, /api/ only;
   wrong tokens are throttled per address like passwords, 429 while waiting) or
   the session cookie (a session made with a password since changed is void);
3. on the first run (no owner password yet) lets through only the setup page,
   static files and the language switch; pages redirect to /setup, the API says 403;
4. sends a visitor who is not logged in to /login (pages) or answers 401 (API);
5. for a request that changes something (POST, PUT, PATCH, DELETE) made with the
   session cookie: the Origin (else Referer) must be this box and the CSRF token
   (form field `csrf` or header `X-CSRF-Token`) must be the session's; else 403.
   A visitor who is not logged in (login, setup) has no session: the form's token
   must match the nonce in the `sb_pre` cookie (`security.LoginForms`).
   A token-authenticated API call carries no ambient credential, so needs neither.

Before any of this, a request whose body is larger than `MAX_BODY` is answered
413 before its body is read (`_limit_body`; waitress refuses it even earlier,
web_ui/server.py).

Routes say what they need with route options: `auth=False` (login, setup),
`first_run=True` (reachable before a password exists).

Every response gets headers that keep the page out of frames and scripts from
elsewhere out of the page (`SECURITY_HEADERS`).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bottle

from firmware.service import BoxService, ServiceError
from web_ui import i18n, security
from web_ui.owner import OWNER, Owner
from web_ui.uploads import body_limit

log = logging.getLogger("switchboard.web")

HERE = Path(__file__).resolve().parent
VIEWS = HERE / "views"
STATIC = HERE / "static"
SESSION_COOKIE = "sb_sid"
PRE_LOGIN_COOKIE = "sb_pre"  # the nonce of a visitor's login/setup form (no session)
LANG_COOKIE = "sb_lang"
# Above the config's own limits (firmware/config/jsontext.py: 1 MiB compact, 2 MiB of
# indented text), so an oversized config is read far enough to be refused with its
# reason (400 config_too_big); anything larger is refused unread (413).
MAX_BODY = 3 * 1024 * 1024
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
    token_throttle: security.LoginThrottle = field(
        default_factory=lambda: security.LoginThrottle(what="API token"))
    login_forms: security.LoginForms = field(default_factory=security.LoginForms)


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

    def __init__(self, status: int, key: str, field: str | None = None,
                 retry_after: float | None = None):
        super().__init__(key)
        self.status, self.key, self.field = status, key, field
        self.retry_after = retry_after


def make_app(service: BoxService, *, allowed_hosts: tuple[str, ...] = (),
             kdf_n: int = security.SCRYPT_N, sessions: security.Sessions | None = None,
             throttle: security.LoginThrottle | None = None,
             token_throttle: security.LoginThrottle | None = None) -> bottle.Bottle:
    """The whole web application for `service`'s box."""
    bottle.BaseRequest.MEMFILE_MAX = MAX_BODY  # bottle spools a larger body (an upload) to a file
    names = {h.lower() for h in allowed_hosts} | _own_names()
    web = Web(service, Owner(service.web_dir, kdf_n=kdf_n),
              security.Sessions() if sessions is None else sessions,
              security.LoginThrottle() if throttle is None else throttle,
              frozenset(names))
    if token_throttle is not None:
        web.token_throttle = token_throttle
    app = bottle.Bottle(catchall=True)
    app.config["switchboard.web"] = web
    app.add_hook("before_request", _limit_body)
    app.install(Guard(web))
    app.add_hook("after_request", _security_headers)
    from web_ui import api, pages

    api.install(app, web)
    pages.install(app, web)
    from web_ui import diagnosis  # the dashboard's "calls now" card and /api/diagnosis

    diagnosis.install(app, web)
    from web_ui import reset  # POST /api/factory-reset

    reset.install(app, web)
    from web_ui import queue_pages  # the callback list (hold queue, issue 12)

    queue_pages.install(app, web)
    from web_ui import owner_warnings  # the dashboard's warnings (issue 12)

    owner_warnings.install(app, web)

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


def _limit_body() -> None:
    """413 for a body larger than MAX_BODY, before a byte of it is read: by its
    Content-Length, or (chunked, when the server passes it on) by reading at most
    MAX_BODY bytes of it. Bottle would spool a larger one to a temporary file."""
    environ = bottle.request.environ
    length = environ.get("CONTENT_LENGTH", "") or "0"
    limit = body_limit(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""),
                       MAX_BODY)  # a prompt upload may be larger (web_ui/uploads.py)
    if not (length.isascii() and length.isdigit()):
        raise refusal(Refused(400, "err_bad_length", "(body)"))
    if int(length) > limit:
        raise refusal(Refused(413, "err_too_large", "(body)"))
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        environ["wsgi.input"] = _Capped(environ["wsgi.input"], limit)
        bottle.request.body  # noqa: B018  (read now, through the cap)


class _Capped:
    """A WSGI input that gives at most `limit` bytes; past that, the request is 413."""

    def __init__(self, stream: Any, limit: int):
        self._stream, self._left = stream, limit

    def read(self, size: int = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        data = self._stream.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise refusal(Refused(413, "err_too_large", "(body)"))
        return data


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
                return refusal(exc)
            except ServiceError as exc:
                log.warning("%s %s: %s", bottle.request.method, bottle.request.path, exc)
                return refusal(Refused(503, "err_box"))

        return guarded

    def _check(self, needs_auth: bool, first_run_ok: bool) -> Who:
        request = bottle.request
        if not security.host_allowed(request.headers.get("Host"), self.web.allowed_hosts):
            raise Refused(400, "err_host")
        self.web.owner.refresh()  # a password set on the box's console
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
            return Who(token=self._token(auth))
        session = self.web.sessions.get(request.get_cookie(SESSION_COOKIE))
        if session is not None and session.password_tag != self.web.owner.password_tag:
            self.web.sessions.drop(session.sid)  # logged in with a password since changed
            session = None
        return Who(session=session)

    def _token(self, auth: str) -> str:
        """The name of the Bearer token in `auth`; wrong ones are throttled per address."""
        address, throttle = client_address(), self.web.token_throttle
        take_unlock(self.web)
        wait = throttle.wait_s(address)
        if wait > 0:
            raise Refused(429, "err_token_wait", retry_after=wait)
        kind, _, token = auth.partition(" ")
        name = self.web.owner.token_name(token.strip()) if kind.lower() == "bearer" else None
        if name is None:
            throttle.failed(address)
            raise Refused(401, "err_token")
        throttle.succeeded(address)
        return name

    def _check_csrf(self, who: Who) -> None:
        request = bottle.request
        host = request.headers.get("Host", "")
        if not security.origin_matches(request.headers.get("Origin"),
                                       request.headers.get("Referer"),
                                       request.urlparts.scheme, host):
            raise Refused(403, "err_origin")
        sent = request.headers.get("X-CSRF-Token") or _form_csrf()
        if who.session is None:  # a visitor's login or setup form: no session, a nonce
            if not self.web.login_forms.ok(request.get_cookie(PRE_LOGIN_COOKIE), sent):
                raise Refused(403, "err_csrf")
        elif not security.csrf_ok(who.session, sent):
            raise Refused(403, "err_csrf")


def refusal(exc: Refused) -> bottle.HTTPResponse:
    """The answer to a refused request: JSON for the API, a page or redirect else."""
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
        _retry_after(response, exc.retry_after)
        return response
    if exc.key == "err_first_run":
        return bottle.HTTPResponse(status=303, headers={"Location": "/setup"})
    if exc.key == "err_login":
        return bottle.HTTPResponse(status=303, headers={"Location": "/login"})
    response = bottle.HTTPResponse(f"<!doctype html><p>{_(exc.key)}</p>", exc.status)
    response.content_type = "text/html; charset=utf-8"
    _retry_after(response, exc.retry_after)
    return response


def _retry_after(response: bottle.HTTPResponse, wait: float | None) -> None:
    if wait:
        response.set_header("Retry-After", str(retry_seconds(wait)))


def retry_seconds(wait: float) -> int:
    """A wait as the whole seconds Retry-After and the page say (rounded up, never 0)."""
    return max(1, math.ceil(wait))


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


def ensure_session(web: Web) -> str:
    """The CSRF token for this visitor's forms. A logged-in owner's is the session's;
    a visitor who is not logged in (the login and setup pages) gets no session, only
    a nonce cookie whose signed token the form carries (`security.LoginForms`)."""
    return csrf_token(web)


def csrf_token(web: Web) -> str:
    """What a page puts in its forms' `csrf` field (see `ensure_session`)."""
    session = who().session
    if session is not None:
        return session.csrf
    nonce = bottle.request.environ.get("switchboard.pre_login")
    if nonce is None:
        nonce = bottle.request.get_cookie(PRE_LOGIN_COOKIE)
        if not web.login_forms.nonce_ok(nonce):
            nonce = web.login_forms.new_nonce()
            bottle.response.set_cookie(PRE_LOGIN_COOKIE, nonce, path="/", httponly=True,
                                       samesite="strict",
                                       secure=bottle.request.urlparts.scheme == "https")
        bottle.request.environ["switchboard.pre_login"] = nonce
    return web.login_forms.token(nonce)


def login_wait(web: Web, address: str) -> float:
    """Seconds `address` must wait before it may try a password (0: now). An unlock
    asked on the box's console (`switchboard web unlock`) is taken here."""
    take_unlock(web)
    return web.throttle.wait_s(address)


def take_unlock(web: Web) -> None:
    """Forget every wrong-password and wrong-token count if the owner asked for it on
    the box's console since the last look (one stat)."""
    if web.owner.take_unlock():
        web.throttle.unlock()
        web.token_throttle.unlock()


def start_session(web: Web) -> security.Session:
    """A successful login or first-run setup: a new session id for the owner."""
    current = who()
    current.session = web.sessions.rotate(current.session, OWNER,
                                          password_tag=web.owner.password_tag)
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
