"""The web page's defences: password hashing, sessions, CSRF, login throttling, Host check.

LAN appliances are where admin pages usually fail, so each piece here is small
and tested on its own (tests/web/test_security.py):

- Passwords: scrypt from the standard library (n=2**14, r=8, p=1: 16 MiB and a
  tenth of a second on a Pi per guess), a random salt each, compared in constant
  time. `password_problem()` refuses weak ones with a reason the page translates.
- Sessions: server-side, in memory (a restart logs everyone out, which is the
  safe thing for a box that restarts rarely), made only by a right password. The
  cookie holds only a random id; nothing is pickled or signed into it. A login
  gets a new id (no fixation). Each session carries its CSRF token; a visitor who
  is not logged in gets a signed double-submit token instead (`LoginForms`).
- Login throttling: per source address, never a lockout (web_ui/throttle.py).
- Host header: only IP literals, "localhost" and the names the owner allows, so a
  DNS-rebinding page on another site cannot talk to the box by a name it controls.

Every clock is `time.monotonic` unless a test passes its own.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from web_ui import throttle

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 10
COMMON = ("password", "12345678", "123456789", "1234567890", "qwertyuiop", "admin", "switchboard",
          "iloveyou", "abc123", "111111", "88888888", "66666666", "woaini", "5201314")


# --- passwords ------------------------------------------------------------------


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    """"scrypt$n$r$p$salt$hash" (hex), for storing."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Does `password` match the stored hash? False for a hash this code cannot read."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        mine = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(mine, bytes.fromhex(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * 2, dklen=32)


def password_problem(password: str, *, avoid: tuple[str, ...] = ()) -> str | None:
    """Why `password` is too weak (a message key for i18n), or None when it will do.

    At least 10 characters; not a well-known password or the company's name; not
    one character repeated or a run like "abcdefghij"; and at least 3 kinds of
    character (lower, upper, digit, other) unless it is 16 characters or longer
    (a passphrase).
    """
    if len(password) < MIN_PASSWORD:
        return "pw_short"
    lowered = password.lower()
    if any(word and len(word) >= 4 and word.lower() in lowered for word in (*COMMON, *avoid)):
        return "pw_common"
    if len(set(password)) <= 3 or _is_run(lowered):
        return "pw_pattern"
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if kinds < 3 and len(password) < 16:
        return "pw_kinds"
    return None


def _is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return len(steps) == 1 and steps <= {1, -1, 0}


# --- tokens ---------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for an API token: its SHA-256 (the token itself is shown once)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- sessions -------------------------------------------------------------------


@dataclass
class Session:
    """A logged-in owner's session (only a right password makes one)."""

    sid: str
    csrf: str
    user: str
    created: float
    seen: float
    password_tag: str = ""  # which password it logged in with: another one ends it
    lang: str | None = None
    flash: list[tuple[str, str]] = field(default_factory=list)


class Sessions:
    """Server-side sessions of logged-in owners by random id; idle ones expire after
    `idle_s`. Visitors who are not logged in have none (their forms carry a
    `LoginForms` token), so a flood of visits cannot push the owner's session out;
    past `limit` logins the one idle longest is forgotten."""

    def __init__(self, *, idle_s: float = 12 * 3600, limit: int = 100,
                 clock: Callable[[], float] = time.monotonic):
        self.idle_s, self.limit, self.clock = idle_s, limit, clock
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_id)

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = self.clock()
        with self._lock:
            session = self._by_id.get(sid)
            if session is None:
                return None
            if now - session.seen > self.idle_s:
                del self._by_id[sid]
                return None
            session.seen = now
            return session

    def new(self, user: str, lang: str | None = None, *, password_tag: str = "") -> Session:
        """A login: a session for `user` with a fresh id and CSRF token."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, now, now,
                          password_tag, lang)
        with self._lock:
            self._expire_locked(now)
            self._by_id[session.sid] = session
        return session

    def rotate(self, old: Session | None, user: str, *, password_tag: str = "") -> Session:
        """A login: a fresh id and CSRF token for `user`; the old id stops working."""
        if old is not None:
            self.drop(old.sid)
        return self.new(user, old.lang if old else None, password_tag=password_tag)

    def drop(self, sid: str) -> None:
        with self._lock:
            self._by_id.pop(sid, None)

    def drop_all(self) -> None:
        """Password changed or factory reset: everyone logs in again."""
        with self._lock:
            self._by_id.clear()

    def _expire_locked(self, now: float) -> None:
        stale = [sid for sid, s in self._by_id.items() if now - s.seen > self.idle_s]
        for sid in stale:
            del self._by_id[sid]
        while len(self._by_id) >= self.limit:  # logins only: forget the one idle longest
            oldest = min(self._by_id.values(), key=lambda s: s.seen)
            del self._by_id[oldest.sid]


def csrf_ok(session: Session | None, sent: str | None) -> bool:
    return bool(session and sent and hmac.compare_digest(session.csrf, sent))


class LoginForms:
    """CSRF tokens for the forms of visitors who are not logged in (login, first-run
    setup), with nothing stored: a signed double-submit. The browser holds a random
    nonce in a cookie; the form carries HMAC(key, nonce); a post must bring both.
    The key is made at start, so a restart only asks an open login form to reload."""

    def __init__(self, key: bytes | None = None):
        self._key = key or secrets.token_bytes(32)

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def nonce_ok(nonce: str | None) -> bool:
        return bool(nonce) and 16 <= len(nonce) <= 64 and nonce.isascii() and \
            all(c.isalnum() or c in "-_" for c in nonce)

    def token(self, nonce: str) -> str:
        mac = hmac.new(self._key, b"login-form:" + nonce.encode("ascii"), hashlib.sha256)
        return mac.hexdigest()

    def ok(self, nonce: str | None, sent: str | None) -> bool:
        if not sent or not self.nonce_ok(nonce):
            return False
        return hmac.compare_digest(self.token(nonce), sent)


def password_tag(stored_hash: str | None) -> str:
    """A short tag of the stored password hash: a session made with another password
    (changed on the page or on the box's console) is void."""
    if not stored_hash:
        return ""
    return hashlib.sha256(stored_hash.encode("utf-8")).hexdigest()[:16]


# --- login throttling: web_ui/throttle.py ---------------------------------------

LoginThrottle = throttle.LoginThrottle


# --- Host and Origin --------------------------------------------------------------


def host_allowed(host_header: str | None, allowed_names: frozenset[str]) -> bool:
    """An IP literal, localhost, or a name the owner allowed (port ignored)."""
    if not host_header:
        return False
    name = _host_name(host_header)
    if name is None:
        return False
    if name in allowed_names or name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _host_name(host_header: str) -> str | None:
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8080
        end = host.find("]")
        return host[1:end] if end > 0 else None
    name, _, port = host.partition(":")
    if port and not (port.isascii() and port.isdigit()):
        return None
    return name.rstrip(".") or None


def origin_matches(origin: str | None, referer: str | None, scheme: str, host: str) -> bool:
    """Did the request come from a page of this box? Origin first, else Referer."""
    mine = f"{scheme}://{host}".lower()
    if origin:
        return origin.lower() == mine
    if referer:
        ref = referer.lower()
        return ref == mine or ref.startswith(mine + "/")
    return False
