"""Clocks are passed in, never read from globals, so tests can pin the time.

`monotonic()` is for every timeout and cadence (NTP steps the wall clock on a Pi
with no RTC); `now()` is the wall time in the box's timezone, for schedules and
records.
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
