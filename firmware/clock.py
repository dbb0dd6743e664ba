"""Clocks are passed in, never read from globals, so tests can pin the time.

`monotonic()` is for every timeout and cadence (NTP steps the wall clock on a Pi
with no RTC); `now()` is the wall time in the box's timezone, for schedules and
records. `in_zone(name)` is the same clock read in another zone (the config's
timezone changed).

`SetClock` is a wall clock that starts at a chosen instant and then runs on at the
real pace: `switchboard run --board sim --clock 2026-10-01T10:00` runs a simulated
box on National Day, or at 17:59 to see the office close a minute later.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def now(self) -> datetime: ...


class SystemClock:
    def __init__(self, timezone: str = DEFAULT_TIMEZONE):
        self.tz = ZoneInfo(timezone)

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def in_zone(self, timezone: str) -> SystemClock:
        return SystemClock(timezone)


class SetClock:
    """Wall time from `start` (aware) on, as the monotonic clock runs; `monotonic()` is
    the system's, so timeouts keep their real length."""

    def __init__(self, start: datetime, timezone: str = DEFAULT_TIMEZONE,
                 monotonic_start: float | None = None):
        if start.tzinfo is None:
            raise ValueError("SetClock needs an aware datetime")
        self.tz = ZoneInfo(timezone)
        self.start = start
        self.monotonic_start = time.monotonic() if monotonic_start is None \
            else monotonic_start

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        ran = timedelta(seconds=time.monotonic() - self.monotonic_start)
        return (self.start + ran).astimezone(self.tz)

    def in_zone(self, timezone: str) -> SetClock:
        return SetClock(self.start, timezone, self.monotonic_start)


def parse_clock(text: str, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """"2026-10-01T10:00" (in `timezone`) or with an offset -> an aware datetime;
    ValueError says what is wrong."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--clock {text!r} is not a time like 2026-10-01T10:00 (or "
                         "2026-10-01T10:00+08:00)") from None
    return at.replace(tzinfo=ZoneInfo(timezone)) if at.tzinfo is None else at


class FakeClock:
    """A clock that moves only when told to (tests)."""

    def __init__(self, start: datetime, monotonic_start: float = 1000.0):
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._wall = start
        self._mono = monotonic_start

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        self._mono += seconds
        self._wall += timedelta(seconds=seconds)

    def in_zone(self, timezone: str) -> FakeClock:
        return self
