"""The LED pattern engine: Off, Solid, Blink and Count patterns run in software.

One stoppable thread serves every LED of a board. The firmware sets a pattern
per LED (`LedEngine.set`, the board's `LedBank`); the engine works out when each
LED must change level and writes only the *changes* through the board's writer
`write(led, on, t)`: RPi.GPIO output pins on a Pi (board/pi.py), the emulator's
`leds.sock` on the simulated board (board/sim.py). Setting the pattern an LED
already shows changes nothing, so the firmware may refresh as often as it likes
without restarting a blink.

Timing uses time.monotonic() and the thread sleeps on an Event until the next
change is due (or a new pattern arrives). A late wake-up writes the level that
is due *now*; it never replays missed edges.

Count(n, period_ms, flash_ms): n flashes, each `flash_ms` on and `2 * flash_ms`
off, from the start of every period; dark for the rest of the period.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable

from board.base import Blink, Count, LedPattern, Off, Solid

log = logging.getLogger(__name__)

Writer = Callable[[str, bool, float], None]
NEVER = math.inf


def check_pattern(pattern: LedPattern) -> None:
    """Raise ValueError if `pattern` cannot be shown (negative times, too many flashes)."""
    if isinstance(pattern, Off | Solid):
        return
    if isinstance(pattern, Blink):
        if pattern.on_ms < 0 or pattern.off_ms < 0 or pattern.on_ms + pattern.off_ms <= 0:
            raise ValueError(f"Blink needs on_ms, off_ms >= 0 and a positive period: {pattern}")
        return
    if isinstance(pattern, Count):
        if pattern.n < 0 or pattern.flash_ms <= 0 or pattern.period_ms <= 0:
            raise ValueError(f"Count needs n >= 0 and positive times: {pattern}")
        if pattern.n * 3 * pattern.flash_ms > pattern.period_ms:
            raise ValueError(f"{pattern.n} flashes of {pattern.flash_ms} ms do not fit "
                             f"in a {pattern.period_ms} ms period")
        return
    raise ValueError(f"not an LED pattern: {pattern!r}")


def level_at(pattern: LedPattern, elapsed: float) -> tuple[bool, float]:
    """The level `elapsed` seconds into `pattern`, and the seconds until it next changes."""
    if isinstance(pattern, Off):
        return False, NEVER
    if isinstance(pattern, Solid):
        return True, NEVER
    if isinstance(pattern, Blink):
        return _blink_level(pattern.on_ms, pattern.off_ms, elapsed)
    return _count_level(pattern, elapsed)


def _blink_level(on_ms: int, off_ms: int, elapsed: float) -> tuple[bool, float]:
    if on_ms == 0:
        return False, NEVER
    if off_ms == 0:
        return True, NEVER
    period = (on_ms + off_ms) / 1000
    phase = elapsed % period
    if phase < on_ms / 1000:
        return True, on_ms / 1000 - phase
    return False, period - phase


def _count_level(pattern: Count, elapsed: float) -> tuple[bool, float]:
    if pattern.n == 0:
        return False, NEVER
    period, flash = pattern.period_ms / 1000, pattern.flash_ms / 1000
    phase = elapsed % period
    index, within = divmod(phase, 3 * flash)
    if index >= pattern.n:  # the dark rest of the period
        return False, period - phase
    if within < flash:
        return True, flash - within
    if index == pattern.n - 1:  # after the last flash: dark until the next period
        return False, period - phase
    return False, 3 * flash - within


class LedEngine:
    """Runs one pattern per LED and writes level changes; the board's `leds` (LedBank)."""

    def __init__(self, names: Iterable[str], write: Writer,
                 clock: Callable[[], float] = time.monotonic, label: str = "leds"):
        self.names = tuple(names)
        self._write = write
        self._clock = clock
        self._label = label
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._patterns: dict[str, tuple[LedPattern, float]] = {}
        self._levels: dict[str, bool] = {}
        start = clock()
        for name in self.names:
            self._patterns[name] = (Off(), start)

    def set(self, name: str, pattern: LedPattern) -> None:
        """Show `pattern` on LED `name`; the same pattern again keeps its phase."""
        if name not in self._patterns:
            raise KeyError(f"{self._label}: no LED named {name!r} (LEDs: {', '.join(self.names)})")
        check_pattern(pattern)
        with self._lock:
            if self._patterns[name][0] == pattern:
                return
            self._patterns[name] = (pattern, self._clock())
        self._wake.set()

    def pattern(self, name: str) -> LedPattern:
        with self._lock:
            return self._patterns[name][0]

    def levels(self) -> dict[str, bool]:
        """The level last written to each LED (LEDs never written are absent)."""
        with self._lock:
            return dict(self._levels)

    def tick(self, now: float) -> float:
        """Write every level that differs from the one due at `now`; return the next due time."""
        with self._lock:
            due = {name: (p, now - since) for name, (p, since) in self._patterns.items()}
        next_due = NEVER
        for name, (pattern, elapsed) in due.items():
            on, wait = level_at(pattern, elapsed)
            next_due = min(next_due, now + wait)
            if self._levels.get(name) is not on:
                self._emit(name, on, now)
        return next_due

    def _emit(self, name: str, on: bool, now: float) -> None:
        try:
            self._write(name, on, now)
        except Exception:  # a writer failing must not stop the other LEDs
            log.exception("%s: writing LED %s failed", self._label, name)
            return
        with self._lock:
            self._levels[name] = on

    # --- the thread -------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self._label}-engine",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            next_due = self.tick(self._clock())
            wait = None if next_due == NEVER else max(0.0, next_due - self._clock())
            self._wake.wait(wait)
            self._wake.clear()
