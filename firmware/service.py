"""The facade: everything the web page (and scripts behind its API) may ask of the box.

`web_ui` imports this module and nothing else of the firmware (DESIGN.md "Layers").
`BoxService` is built by the box (`Box.service()`) with the box's event loop, or
on its own (`BoxService(data_dir)`) for tests and for a page served while no box
runs; then the live status says "offline" and everything else still works.

Threads: the web server calls these methods from its worker threads. What lives
on the event loop (line and call state) is reached with
`asyncio.run_coroutine_threadsafe` and a timeout, so a slow page never blocks a
call and a stuck loop never hangs a page forever. The config store is
thread-safe (it has its own lock) and its `replace()` fsyncs, so it runs on the
calling thread, off the loop; the box applies a new config from the next call on
(W1). Call records are read through a read-only SQLite connection opened for each
request, beside the box's writer (WAL).

Errors: a refused config raises `ConfigError` with its (field, reason) list and
changes nothing; a bad query value raises `BadQuery(field, reason)`; an unknown
call id raises `UnknownCall`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from firmware.cdr import reports
from firmware.cdr.records import ALL_RESULTS, UnknownCall
from firmware.cdr.region import describe
from firmware.cdr.store import CdrStore, NoRecords, records_path
from firmware.clock import SystemClock
from firmware.config.schema import WEEKDAYS, Config, summary, to_dict
from firmware.config.storage import write_atomically
from firmware.config.store import ConfigStore
from firmware.errors import ConfigError, SwitchboardError
from firmware.routing import duty_at, explain, office_hours, plan_inbound

log = logging.getLogger(__name__)

LOOP_TIMEOUT_S = 3.0
MAX_PAGE = 500
REPORT_CACHE_S = 15.0  # a report may be this old; a year of calls takes a second to sum
REPORT_WORKERS = 1  # reports computed at once; the others wait and take the cached one

__all__ = [
    "ALL_RESULTS", "WEEKDAYS", "BadQuery", "BoxService", "ConfigError", "RecordQuery",
    "ServiceError", "UnknownCall", "write_private_file",
]


class ServiceError(SwitchboardError, RuntimeError):
    """The box could not do what was asked (its loop did not answer in time, say)."""


class BadQuery(SwitchboardError, ValueError):
    """A query value was refused; `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class RecordQuery:
    """A call records search: every filter optional, combined with AND."""

    since: datetime | None = None
    until: datetime | None = None
    number: str | None = None  # caller or callee, any format
    line: str | None = None
    agent: str | None = None  # who answered
    result: tuple[str, ...] = ()
    province: str | None = None  # region: 浙江省, 上海市, ...
    limit: int = 50
    offset: int = 0

    def check(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise BadQuery(name, "needs a time zone offset")
        bad = [r for r in self.result if r not in ALL_RESULTS]
        if bad:
            raise BadQuery("result", f"{', '.join(bad)} is not one of {', '.join(ALL_RESULTS)}")
        if not 1 <= self.limit <= MAX_PAGE:
            raise BadQuery("limit", f"must be 1 to {MAX_PAGE}")
        if self.offset < 0:
            raise BadQuery("offset", "must be 0 or more")

    def filters(self) -> dict[str, Any]:
        return {"number": self.number, "line": self.line, "answered_by": self.agent,
                "result": list(self.result) or None, "province": self.province}


class BoxService:
    """What the box can do for its web page. See the module docstring."""

    def __init__(self, data_dir: str | Path, *, store: ConfigStore | None = None,
                 loop: asyncio.AbstractEventLoop | None = None,
                 status: Callable[[], dict] | None = None,
                 clock: Any = None):
        self.data_dir = Path(data_dir)
        self.store = store or ConfigStore(self.data_dir)
        self._loop = loop
        self._status = status
        self._clock = clock
        self._reports: dict[tuple, tuple[float, Any, dict]] = {}
        self._report_lock = threading.BoundedSemaphore(REPORT_WORKERS)

    # --- the box's own data dir, for the web page's users and tokens -------------

    @property
    def web_dir(self) -> Path:
        """Where the web page keeps its password hash and API tokens (not in the config)."""
        return self.data_dir / "web"

    def now(self) -> datetime:
        """The box's time, aware, in its timezone."""
        clock = self._clock or SystemClock(self.store.load().settings.timezone)
        return clock.now()

    # --- status --------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Lines, calls in progress, LEDs, as the box's loop sees them now."""
        if self._status is None or self._loop is None:
            return {"system": "offline", "gsm": {}, "ports": {}, "calls": [], "leds": {},
                    "forwarding": {}}
        return self.on_loop(self._status)

    def on_loop(self, fn: Callable[[], Any], timeout: float = LOOP_TIMEOUT_S) -> Any:
        """Run `fn()` on the box's event loop and return its result (from another thread)."""
        if self._loop is None:
            return fn()

        async def call() -> Any:
            return fn()

        future = asyncio.run_coroutine_threadsafe(call(), self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise ServiceError(f"the box did not answer within {timeout:g} s") from None

    # --- config --------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The whole config in its JSON form (what `config export` prints)."""
        return self.store.as_dict()

    def config_object(self) -> Config:
        return self.store.load()

    def check_config(self, raw: Any) -> dict[str, int]:
        """Validate without storing: counts of what it holds, or ConfigError."""
        return summary(self.store.check(raw))

    def replace_config(self, raw: Any) -> dict[str, int]:
        """Validate and store the whole config; it applies from the next call on."""
        config = self.store.replace(raw)
        log.info("config replaced from the web page: %s", summary(config))
        return summary(config)

    def factory_reset(self) -> None:
        """The empty default config (the web page forgets its owner separately)."""
        self.store.replace(to_dict(Config()))
        log.warning("factory reset from the web page")

    # --- call records --------------------------------------------------------------

    @contextlib.contextmanager
    def _records(self) -> Iterator[CdrStore | None]:
        try:
            store = CdrStore(records_path(self.data_dir), readonly=True)
        except NoRecords:
            yield None
            return
        try:
            yield store
        finally:
            store.close()

    def records(self, query: RecordQuery) -> dict[str, Any]:
        """{"total": n, "calls": [...]} newest first, one page of `query`."""
        query.check()
        with self._records() as store:
            if store is None:
                return {"total": 0, "calls": []}
            filters = query.filters()
            total = store.count(query.since, query.until, **filters)
            calls = store.calls(query.since, query.until, limit=query.limit,
                                offset=query.offset, **filters)
            return {"total": total, "calls": [c.as_dict(store.tz) for c in calls]}

    def iter_records(self, query: RecordQuery, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every call matching `query` (limit and offset ignored), newest first, for export."""
        query.check()
        with self._records() as store:
            if store is None:
                return
            offset = 0
            while True:
                page = store.calls(query.since, query.until, limit=batch, offset=offset,
                                   **query.filters())
                yield from (c.as_dict(store.tz) for c in page)
                if len(page) < batch:
                    return
                offset += batch

    def record(self, call_id: str) -> dict[str, Any]:
        with self._records() as store:
            if store is None:
                raise UnknownCall(call_id)
            return store.call(call_id).as_dict(store.tz)

    def report(self, since: datetime, until: datetime) -> dict[str, Any]:
        """The call analysis report (A3) for calls started in [since, until)."""
        if since.utcoffset() is None or until.utcoffset() is None:
            raise BadQuery("since", "needs a time zone offset")
        if until <= since:
            raise BadQuery("until", "must be after since")
        key = (since.timestamp(), until.timestamp())
        with self._report_lock, self._records() as store:
            if store is None:
                return reports.report_of_nothing(since, until)
            latest = store.latest_change()
            cached = self._reports.get(key)
            if cached and cached[1] == latest and time.monotonic() - cached[0] < REPORT_CACHE_S:
                return cached[2]
            result = reports.report(store, since, until)
            if len(self._reports) > 32:
                self._reports.clear()
            self._reports[key] = (time.monotonic(), latest, result)
            return result

    # --- routing -------------------------------------------------------------------

    def explain_call(self, caller: str | None, line: str, at: datetime,
                     outside_lines: int | None = None) -> dict[str, Any]:
        """What the box would do with a call from `caller` on `line` at `at`, and why."""
        config = self.store.load()
        if at.utcoffset() is None:
            raise BadQuery("at", "needs a time zone offset")
        if outside_lines is None:
            outside_lines = max(len(config.lines.gsm), 1)
        region = describe(caller or "", config.settings.country)
        plan = plan_inbound(config, line, region.e164 or caller or None, at, outside_lines)
        hours = office_hours(config, at)
        duty = duty_at(config, at)
        return {"caller": caller or "", "line": line, "at": at.isoformat(),
                "region": region.region_text, "open": hours.open,
                "on_duty": duty.person.id if duty.person else None,
                "steps": [step.kind for step in plan], "explanation": explain(plan)}


def write_private_file(path: Path, payload: bytes) -> None:
    """Write a file only the box's user reads, atomically (temp file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, payload, mode=0o600)
