"""The hold queues of the running box (Q1, R7): who waits where, in which order.

One `QueueBook` per call controller (`queue_book(core)`), on the event loop. A queue
is named by its ring group (every plan step that queues for group "sales" shares
queue "sales": its members are one team). A caller joins at the end, a VIP (R7,
`Plan.vip`) ahead of every non-VIP caller (after the VIPs already waiting). Only the
caller at the head rings members (calls/queue_call.py), so the first caller gets the
first free member.

The expected wait said to a caller (and shown on the dashboard) is

    expected_s = ceil(position / members) * handle_s

where `members` is the number of members the queue rings (at least 1) and `handle_s`
the queue's recent average handling time: the mean talk time of the last
`HANDLED_KEPT` calls members of its ring group answered for the group (rung by the
queue or by a ring step of that group; from the member's answer to the leg's end, as
the leg's record has it), `DEFAULT_HANDLE_S` before any. Said in whole minutes,
rounded up, at least one.

The average survives a restart: the call record (calls/record.py) tells the book each
answered leg of a group as it writes it (`leg_handled`), and at start the box reads
the same legs back from the records (`seed_from_records`, firmware/cdr/handling.py),
so a restarted box's estimate is the one it had.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from firmware.cdr.handling import recent_talk_times

log = logging.getLogger("switchboard.calls")

HANDLED_KEPT = 20  # calls in the average handling time
DEFAULT_HANDLE_S = 120.0  # the handling time before the queue has handed out a call
WAITING, RINGING = "waiting", "ringing"


@dataclass(eq=False)
class Waiting:
    """One caller in a queue."""

    queue: str
    leg: Any  # the caller's OutsideLeg
    caller: str | None
    region: str
    line: str
    vip: bool
    entered_mono: float
    entered_at: datetime | None
    members: int = 1
    entry_position: int = 0
    state: str = WAITING
    ringing: str = ""  # who rings for this caller now ("802 Desk 2")

    def as_status(self, position: int, mono: float, handle_s: float) -> dict[str, Any]:
        return {"caller": self.caller, "region": self.region, "line": self.line,
                "vip": self.vip, "position": position, "state": self.state,
                "ringing": self.ringing,
                "waiting_s": round(max(0.0, mono - self.entered_mono), 1),
                "expected_wait_s": expected_wait_s(position, self.members, handle_s),
                "entered_at": self.entered_at.isoformat() if self.entered_at else None}


def expected_wait_s(position: int, members: int, handle_s: float) -> int:
    """The module docstring's formula, in seconds."""
    return int(math.ceil(max(1, position) / max(1, members)) * handle_s)


def wait_minutes(seconds: float) -> int:
    """A wait as the announcement says it: whole minutes, rounded up, at least 1."""
    return max(1, math.ceil(seconds / 60))


@dataclass
class QueueBook:
    """Every queue's callers in order, and each queue's recent handling times."""

    queues: dict[str, list[Waiting]] = field(default_factory=dict)
    handled: dict[str, deque[float]] = field(default_factory=dict)

    def join(self, entry: Waiting) -> int:
        """Put `entry` in its queue (a VIP after the VIPs, ahead of the others); its
        position (1 first)."""
        waiting = self.queues.setdefault(entry.queue, [])
        at = len(waiting)
        if entry.vip:
            at = next((i for i, w in enumerate(waiting) if not w.vip), len(waiting))
        waiting.insert(at, entry)
        entry.entry_position = at + 1
        return at + 1

    def leave(self, entry: Waiting) -> None:
        waiting = self.queues.get(entry.queue, [])
        if entry in waiting:
            waiting.remove(entry)
        if not waiting:
            self.queues.pop(entry.queue, None)

    def length(self, queue: str) -> int:
        return len(self.queues.get(queue, []))

    def total(self) -> int:
        """Callers waiting in every queue."""
        return sum(len(w) for w in self.queues.values())

    def position(self, entry: Waiting) -> int:
        """1 for the head; 0 when `entry` is not (any more) in its queue."""
        waiting = self.queues.get(entry.queue, [])
        return waiting.index(entry) + 1 if entry in waiting else 0

    def at_head(self, entry: Waiting) -> bool:
        return self.position(entry) == 1

    def handle_s(self, queue: str) -> float:
        times = self.handled.get(queue)
        return sum(times) / len(times) if times else DEFAULT_HANDLE_S

    def expected_s(self, entry: Waiting) -> int:
        return expected_wait_s(self.position(entry), entry.members, self.handle_s(entry.queue))

    def handed(self, queue: str, talk_s: float) -> None:
        """A call from `queue` was talked for `talk_s` seconds (for the average)."""
        self.handled.setdefault(queue, deque(maxlen=HANDLED_KEPT)).append(max(0.0, talk_s))

    def status(self, mono: float) -> list[dict[str, Any]]:
        """Per queue with callers: {"queue", "handle_s", "waiting": [caller...]} by name."""
        out = []
        for name in sorted(self.queues):
            handle = self.handle_s(name)
            out.append({"queue": name, "handle_s": round(handle, 1),
                        "waiting": [w.as_status(i + 1, mono, handle)
                                    for i, w in enumerate(self.queues[name])]})
        return out


def queue_book(core: Any) -> QueueBook:
    """The controller's queue book (made on first use)."""
    book = getattr(core, "queue_book", None)
    if book is None:
        book = core.queue_book = QueueBook()
    return book


def leg_handled(core: Any, group: str, talk_s: float) -> None:
    """A member answered a call for ring group `group` and talked `talk_s` seconds (the
    answered leg's record): the group's queue counts it in its average."""
    if group:
        queue_book(core).handed(group, talk_s)


def seed_from_records(core: Any) -> int:
    """Fill the controller's queue book with each group's last handling times from the
    call records (`core.cdr`), before calls come in. How many groups were found; the
    records unreadable: logged, the defaults stand."""
    book = queue_book(core)
    try:
        found = recent_talk_times(getattr(core, "cdr", None), HANDLED_KEPT)
    except Exception as exc:  # the records are a help here, never a reason not to start
        log.warning("queue handling times: cannot read them from the records (%s); "
                    "starting from %.0f s", exc, DEFAULT_HANDLE_S)
        return 0
    for group, times in found.items():
        book.handled[group] = deque(times, maxlen=HANDLED_KEPT)
    if found:
        log.info("queue handling times from the records: %s", ", ".join(
            f"{g} {book.handle_s(g):.0f} s" for g in sorted(found)))
    return len(found)


def queue_status(core: Any) -> list[dict[str, Any]]:
    """What status["queues"] carries (the dashboard, the JSON API)."""
    book = getattr(core, "queue_book", None)
    if book is None:
        return []
    return book.status(_loop_time())


def _loop_time() -> float:
    """The event loop's clock (the queue's times are the loop's, as the ring times are)."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:  # no loop here (a test's direct call): the loop's default clock
        return time.monotonic()
