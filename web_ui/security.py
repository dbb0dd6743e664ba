"""The web page's defences: password hashing, sessions, CSRF, login throttling, Host check.

LAN appliances are where admin pages usually fail, so each piece here is small
and tested on its own (tests/web/test_security.py):

- Passwords: scrypt from the standard library (n=2**14, r=8, p=1: 16 MiB and a
  tenth of a second on a Pi per guess), a random salt each, compared in constant
  time. `password_problem()` refuses weak ones with a reason the page translates.
- Sessions: server-side, in memory (a restart logs everyone out, which is the
  safe thing for a box that restarts rarely). The cookie holds only a random id;
  nothing is pickled or signed into it. A login gets a new id (no fixation).
  Each session carries its CSRF token.
- Login throttling: after 10 failures in a row from one address, each further try
  waits longer (2, 4, 8 ... 300 s); at most 100 failed logins an hour box-wide,
  so a LAN full of addresses cannot guess faster.
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
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

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
    sid: str
    csrf: str
    user: str | None  # None: not logged in (a visitor on the login or setup page)
    created: float
    seen: float
    lang: str | None = None
    flash: list[tuple[str, str]] = field(default_factory=list)


class Sessions:
    """Server-side sessions by random id; idle ones expire after `idle_s`."""

    def __init__(self, *, idle_s: float = 12 * 3600, limit: int = 1000,
                 clock: Callable[[], float] = time.monotonic):
        self.idle_s, self.limit, self.clock = idle_s, limit, clock
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

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

    def new(self, user: str | None = None, lang: str | None = None) -> Session:
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, now, now,
                          lang)
        with self._lock:
            self._expire_locked(now)
            self._by_id[session.sid] = session
        return session

    def rotate(self, old: Session | None, user: str) -> Session:
        """A login: a fresh id and CSRF token for `user`; the old id stops working."""
        if old is not None:
            self.drop(old.sid)
        return self.new(user, old.lang if old else None)

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
        while len(self._by_id) >= self.limit:  # a flood of visitors: forget the oldest
            oldest = min(self._by_id.values(), key=lambda s: s.seen)
            del self._by_id[oldest.sid]


def csrf_ok(session: Session | None, sent: str | None) -> bool:
    return bool(session and sent and hmac.compare_digest(session.csrf, sent))


# --- login throttling -----------------------------------------------------------


class LoginThrottle:
    """Back-off after `free` failures in a row per address; `per_hour` failures box-wide."""

    def __init__(self, *, free: int = 10, per_hour: int = 100, max_wait_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.per_hour, self.max_wait_s, self.clock = free, per_hour, max_wait_s, clock
        self._fails: dict[str, tuple[int, float]] = {}  # address -> (in a row, last at)
        self._hour: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_s(self, address: str) -> float:
        """Seconds `address` must wait before it may try again (0: try now)."""
        now = self.clock()
        with self._lock:
            self._trim(now)
            if len(self._hour) >= self.per_hour:
                return max(1.0, self._hour[0] + 3600 - now)
            count, last = self._fails.get(address, (0, 0.0))
            if count < self.free:
                return 0.0
            backoff = min(self.max_wait_s, 2.0 ** (count - self.free + 1))
            return max(0.0, last + backoff - now)

    def failed(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            count, _ = self._fails.get(address, (0, 0.0))
            self._fails[address] = (count + 1, now)
            self._hour.append(now)
            if len(self._fails) > 10000:  # bounded memory under a flood
                self._fails.pop(next(iter(self._fails)))

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._fails.pop(address, None)

    def _trim(self, now: float) -> None:
        while self._hour and now - self._hour[0] >= 3600:
            self._hour.popleft()


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
