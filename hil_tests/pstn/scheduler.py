"""Timers for the emulated network: ring periods, answer delays, boot URCs.

One thread runs every due callback while holding the emulator's world lock, so
a callback sees and changes network and modem state exactly like a command
handler does. A failing callback is recorded in the event log (kind `error`)
and the thread carries on.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from hil_tests.pstn.eventlog import EventLog


class Timer:
    """A pending callback; `cancel()` makes it never run."""

    def __init__(self, when: float, fn: Callable[..., Any], args: tuple):
        self.when, self.fn, self.args = when, fn, args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """Runs callbacks at monotonic times on one thread, under `lock`."""

    def __init__(self, lock: threading.RLock, log: EventLog):
        self._lock = lock
        self._log = log
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="pstn-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)

    def call_later(self, delay: float, fn: Callable[..., Any], *args: Any) -> Timer:
        """Run `fn(*args)` after `delay` seconds (under the world lock)."""
        timer = Timer(time.monotonic() + max(0.0, delay), fn, args)
        with self._cond:
            heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
            self._cond.notify()
        return timer

    def _next_due(self) -> Timer | None:
        with self._cond:
            while not self._stopping:
                if self._heap:
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        return heapq.heappop(self._heap)[2]
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while (timer := self._next_due()) is not None:
            if timer.cancelled:
                continue
            try:
                with self._lock:
                    if not timer.cancelled:
                        timer.fn(*timer.args)
            except Exception as e:
                self._log.add("error", where=getattr(timer.fn, "__qualname__", "timer"),
                              error=repr(e), trace=traceback.format_exc())
