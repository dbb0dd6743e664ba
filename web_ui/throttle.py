"""Throttling wrong passwords (and API tokens) per source address, without locking the
owner out.

A guesser is slowed down where it guesses from; nobody else pays for it:

- Per address: `free` wrong tries in a row, then each further try waits longer
  (2, 4, 8 ... `max_wait_s` seconds; 429 with Retry-After on the page). While it
  waits, even the right password waits (else the waits would not slow guessing).
  A right password clears the address's count. An address forgets its failures
  `forget_s` after its last one.
- An address with no recent failures may always try at once: a flood from other
  addresses never locks the owner out.
- Box-wide: when `per_hour` wrong tries came in the last hour (a LAN full of
  addresses guessing), an address gets only one free wrong try before it waits,
  except addresses that logged in successfully before (the owner's own computers,
  remembered in memory for `trusted_s`).
- Bounded memory: at most `max_addresses` addresses are counted (the one whose last
  failure is oldest is forgotten first) and `max_trusted` good ones; only a right
  password adds a good one, so a flood cannot push the owner's address out.
- Attacks are logged, one line per burst: when an address starts waiting, and when
  the box-wide limit is reached; never a line per request.
- `unlock()` forgets every count (the owner's `switchboard web unlock` on the box's
  console, web_ui/console.py).

Every clock is `time.monotonic` unless a test passes its own.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("switchboard.web")

HOUR_S = 3600.0


@dataclass
class _Tries:
    """One address's wrong tries in a row."""

    count: int
    first: float
    last: float
    logged: bool = False


class LoginThrottle:
    """Back-off after `free` wrong tries in a row per address; see the module docstring."""

    def __init__(self, *, free: int = 10, per_hour: int = 100, max_wait_s: float = 300.0,
                 forget_s: float = HOUR_S, trusted_s: float = 30 * 86400.0,
                 max_addresses: int = 4096, max_trusted: int = 64, what: str = "password",
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.per_hour, self.max_wait_s = free, per_hour, max_wait_s
        self.forget_s, self.trusted_s = forget_s, trusted_s
        self.max_addresses, self.max_trusted = max_addresses, max_trusted
        self.what, self.clock = what, clock
        self._fails: OrderedDict[str, _Tries] = OrderedDict()  # least recently failed first
        self._trusted: OrderedDict[str, float] = OrderedDict()  # address -> last good login
        self._recent: deque[float] = deque(maxlen=per_hour)  # the last wrong tries, box-wide
        self._alarm = False  # the box-wide limit is reached (logged once)
        self._alarm_counted = 0  # wrong tries since it was
        self._lock = threading.Lock()

    # --- asking ------------------------------------------------------------------

    def wait_s(self, address: str) -> float:
        """Seconds `address` must wait before it may try again (0: try now)."""
        key, now = address_key(address), self.clock()
        with self._lock:
            tries = self._current(key, now)
            if tries is None:
                return 0.0
            free = self._free_tries(key, now)
            if tries.count < free:
                return 0.0
            backoff = min(self.max_wait_s, 2.0 ** (tries.count - free + 1))
            return max(0.0, tries.last + backoff - now)

    def under_attack(self) -> bool:
        """Have `per_hour` wrong tries come in the last hour, box-wide?"""
        with self._lock:
            return self._attack_locked(self.clock())

    def counted(self) -> int:
        """How many addresses have wrong tries counted now (bounded by max_addresses)."""
        with self._lock:
            return len(self._fails)

    # --- telling -----------------------------------------------------------------

    def failed(self, address: str) -> None:
        """A wrong password (or token) from `address`."""
        key, now = address_key(address), self.clock()
        with self._lock:
            tries = self._current(key, now) or _Tries(0, now, now)
            tries.count, tries.last = tries.count + 1, now
            self._fails[key] = tries
            self._fails.move_to_end(key)
            self._recent.append(now)
            self._alarm_counted += 1
            self._bound_locked()
            self._log_locked(key, tries, now)

    def succeeded(self, address: str) -> None:
        """The right password from `address`: its count ends and it is remembered as good."""
        key, now = address_key(address), self.clock()
        with self._lock:
            self._fails.pop(key, None)
            self._trusted[key] = now
            self._trusted.move_to_end(key)
            while len(self._trusted) > self.max_trusted:
                self._trusted.popitem(last=False)

    def unlock(self) -> None:
        """Forget every count (the owner asked on the box's console)."""
        with self._lock:
            counted = len(self._fails)
            self._fails.clear()
            self._recent.clear()
            self._alarm = False
        log.warning("web %s throttle: unlocked from the box's console (%d address(es) "
                    "forgiven)", self.what, counted)

    # --- inside --------------------------------------------------------------------

    def _current(self, key: str, now: float) -> _Tries | None:
        tries = self._fails.get(key)
        if tries is not None and now - tries.last >= self.forget_s:
            del self._fails[key]
            return None
        return tries

    def _free_tries(self, key: str, now: float) -> int:
        if not self._attack_locked(now):
            return self.free
        good = self._trusted.get(key)
        return self.free if good is not None and now - good < self.trusted_s else 1

    def _attack_locked(self, now: float) -> bool:
        full = len(self._recent) >= self.per_hour > 0
        attack = full and now - self._recent[0] < HOUR_S
        if self._alarm and not attack:
            self._alarm = False
            log.warning("web %s throttle: the burst is over (%d wrong %ss in it after the "
                        "limit was reached); fewer than %d an hour again", self.what,
                        self._alarm_counted, self.what, self.per_hour)
        return attack

    def _bound_locked(self) -> None:
        """Forget the longest-quiet address when the table is full (never a good one:
        they are kept apart)."""
        while len(self._fails) > self.max_addresses:
            self._fails.popitem(last=False)

    def _log_locked(self, key: str, tries: _Tries, now: float) -> None:
        """One line when an address starts waiting; while the box-wide limit is reached,
        only the box-wide line (and a line when it ends): a flood from many addresses
        is one burst."""
        attack = self._attack_locked(now)
        if not tries.logged and not attack and tries.count >= self.free:
            tries.logged = True
            log.warning("web %s throttle: %d wrong %ss in a row from %s in %.0f s; it "
                        "waits before each further try", self.what, tries.count, self.what,
                        key, now - tries.first)
        if attack and not self._alarm:
            self._alarm, self._alarm_counted = True, 0
            log.warning("web %s throttle: %d wrong %ss box-wide in the last hour (%d "
                        "address(es) counted); an address now waits after its first wrong "
                        "try, unless it logged in before", self.what, self.per_hour, self.what,
                        len(self._fails))


def address_key(address: str) -> str:
    """The address as counted: an IPv4-mapped IPv6 address is its IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)
