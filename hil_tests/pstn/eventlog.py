"""The emulator's timeline: everything that happens, numbered and timestamped.

Every part of the emulator (modems, phones, the LED sink, the network) appends
here; tests read it through `GET /events?since=N` and assert on order and
timing, instead of sleeping. `t` is time.monotonic(), the same clock the box
uses, so the two sides' timestamps can be compared.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class EventLog:
    """`sink`, when given, is called with every event as it is added (under the
    log's lock, so in order): the emulator writes RUNDIR/events.jsonl with it."""

    def __init__(self, limit: int = 200_000,
                 sink: Callable[[dict[str, Any]], None] | None = None):
        self._sink = sink
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._events: list[dict[str, Any]] = []
        self._first_seq = 0
        self._limit = limit

    def add(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Record one event and return it (with its `seq` and `t`)."""
        with self._cond:
            seq = self._first_seq + len(self._events)
            event = {"seq": seq, "t": fields.pop("t", None) or time.monotonic(), "kind": kind}
            event.update(fields)
            self._events.append(event)
            if len(self._events) > self._limit:
                drop = len(self._events) - self._limit
                del self._events[:drop]
                self._first_seq += drop
            if self._sink is not None:
                self._sink(event)
            self._cond.notify_all()
            return event

    def since(self, seq: int = 0, kind: str | None = None) -> tuple[list[dict[str, Any]], int]:
        """Events numbered `seq` and later (optionally of one kind), and the next number."""
        with self._lock:
            start = max(0, seq - self._first_seq)
            events = self._events[start:]
            nxt = self._first_seq + len(self._events)
        if kind is not None:
            events = [e for e in events if e["kind"] == kind]
        return list(events), nxt

    def wait_since(self, seq: int, kind: str | None, timeout: float) -> None:
        """Block until an event numbered `seq` or later (of `kind`, if given) exists."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                start = max(0, seq - self._first_seq)
                if any(kind is None or e["kind"] == kind for e in self._events[start:]):
                    return
                seq = max(seq, self._first_seq + len(self._events))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def wait(self, predicate, timeout: float) -> dict[str, Any] | None:
        """Block until an event for which `predicate(event)` holds is added (or exists)."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for e in self._events[seen:]:
                    if predicate(e):
                        return e
                seen = len(self._events)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
