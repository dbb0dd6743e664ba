"""The facade: everything the web page (and scripts behind its API) may ask of the box.

`web_ui` imports this module and nothing else of the firmware (DESIGN.md "Layers").
Two ways to build it:

- `BoxService.of_running_box(data_dir)`: the page in its own process (how the daemon
  runs it). Status and config go through the box's control socket (ops "status",
  "config.export", "config.import"), so the box validates and stores a config on its
  own store and applies it from the next call on (W1). The page's threads never share
  the box's interpreter lock with its audio threads (docs/web.md, docs/benchmarks.md).
- `BoxService(data_dir, store=, loop=, status=)`: in the box's process (tests, or a
  page in a thread): the store is thread-safe, and what lives on the event loop is
  reached with `asyncio.run_coroutine_threadsafe` and a timeout. With neither loop
  nor socket (a page served while no box runs) the live status says "offline".

Call records are read in both cases through a read-only SQLite connection opened for
each request, beside the box's writer (WAL); reports are cached for a few seconds.

Agents set themselves available or not (R12) with `set_available(agent, available)`:
over the socket the op "agents.set_available", in the box's process the
`set_available` callable given (the call core's `CallController.set_available`),
run on the loop. The box keeps it across restarts (firmware/calls/agents.py).

Errors: a refused config raises `ConfigError` with its (field, reason) list and
changes nothing; a bad query value raises `BadQuery(field, reason)`; an unknown call
id raises `UnknownCall`, an unknown agent `UnknownAgent`; a box that does not answer
raises `ServiceError`. Reasons are `Reason`s (firmware/config/reasons.py): English
text with a code and parameters, which the page says in the owner's language; the
facade's own query reasons are in `QUERY_REASONS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from firmware import paths
from firmware.cdr import reports
from firmware.cdr.records import ALL_RESULTS, UnknownCall
from firmware.cdr.region import describe
from firmware.cdr.store import CdrStore, NoRecords, records_path
from firmware.clock import SystemClock
from firmware.config.jsontext import (  # noqa: F401 (for web_ui: config text from outside)
    MAX_CONFIG_BYTES,
    MAX_TEXT_BYTES,
    UnreadableConfig,
    check_config_value,
    parse_config_text,
)
from firmware.config.reasons import Catalogue, Reason, fill, plain
from firmware.config.refs import (
    rename_plan,
    rename_ring_group,
    rename_time_rule,
    routes_using_plan,
    time_rule_users,
)
from firmware.config.schema import WEEKDAYS, Config, summary, to_dict
from firmware.config.schema_base import is_digits  # noqa: F401 (the one digit test, for web_ui)
from firmware.config.storage import write_atomically
from firmware.config.store import ConfigStore
from firmware.config.validate import check_config
from firmware.control import control_request
from firmware.errors import ConfigError, ControlError, SwitchboardError, UnknownAgent
from firmware.routing import LineUsage, Usage, duty_at, explain, office_hours, route_answer
from firmware.routing.calendar import day_info

log = logging.getLogger(__name__)

LOOP_TIMEOUT_S = 3.0
IMPORT_TIMEOUT_S = 30.0  # validation plus an fsync on a slow SD card
MAX_PAGE = 500
REPORT_CACHE_S = 15.0  # a report may be this old; a year of calls takes a second to sum
REPORT_WORKERS = 1  # reports computed at once; the others wait and take the cached one

__all__ = [
    "ALL_RESULTS", "QUERY_REASONS", "WEEKDAYS", "BadQuery", "BoxService", "Catalogue",
    "ConfigError", "Reason", "RecordQuery", "ServiceError", "UnknownAgent", "UnknownCall",
    "fill", "plain", "query_reason", "rename_plan", "rename_ring_group", "rename_time_rule",
    "routes_using_plan", "time_rule_users", "write_private_file",
]

# Why a query value was refused: code -> English template (the page says them in
# Chinese too: web_ui/messages_reasons.py).
QUERY_REASONS: dict[str, str] = {
    "needs_offset": "needs a time zone offset",
    "results_unknown": "{results} is not one of {choices}",
    "between": "must be {low} to {high}",
    "not_negative": "must be 0 or more",
    "until_before_since": "must be after since",
}
query_reason = Catalogue(QUERY_REASONS)


class ServiceError(SwitchboardError, RuntimeError):
    """The box could not do what was asked (its loop did not answer in time, say)."""


class BadQuery(SwitchboardError, ValueError):
    """A query value was refused; `field` names it, `reason` (a `Reason`: English, with
    its code and parameters; plain text becomes code "text") says why."""

    def __init__(self, field: str, reason: Reason | str):
        self.field = field
        self.reason = reason if isinstance(reason, Reason) else plain(str(reason))
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
                raise BadQuery(name, query_reason("needs_offset"))
        bad = [r for r in self.result if r not in ALL_RESULTS]
        if bad:
            raise BadQuery("result", query_reason("results_unknown", results=bad,
                                                  choices=list(ALL_RESULTS)))
        if not 1 <= self.limit <= MAX_PAGE:
            raise BadQuery("limit", query_reason("between", low=1, high=MAX_PAGE))
        if self.offset < 0:
            raise BadQuery("offset", query_reason("not_negative"))

    def filters(self) -> dict[str, Any]:
        return {"number": self.number, "line": self.line, "answered_by": self.agent,
                "result": list(self.result) or None, "province": self.province}


class BoxService:
    """What the box can do for its web page. See the module docstring.

    Two ways to reach the box: in its own process (`store`, and `loop` + `status` of
    a running box), or from another process through its control socket
    (`BoxService.of_running_box(data_dir)`), which is how the daemon runs the page.
    """

    def __init__(self, data_dir: str | Path, *, store: ConfigStore | None = None,
                 loop: asyncio.AbstractEventLoop | None = None,
                 status: Callable[[], dict] | None = None,
                 set_available: Callable[[str, bool], None] | None = None,
                 clock: Any = None, control: Path | None = None):
        self.data_dir = Path(data_dir)
        self._control = control
        self.store = None if control else (store or ConfigStore(self.data_dir))
        self._loop = loop
        self._status = status
        self._set_available = set_available
        self._clock = clock
        self._reports: dict[tuple, tuple[float, Any, dict]] = {}
        self._report_lock = threading.BoundedSemaphore(REPORT_WORKERS)
        self._parsed: tuple[str, Config] | None = None

    @classmethod
    def of_running_box(cls, data_dir: str | Path) -> BoxService:
        """The facade of the box running on `data_dir`, reached through its control socket."""
        return cls(data_dir, control=paths.control_socket(Path(data_dir)))

    # --- the box's own data dir, for the web page's users and tokens -------------

    @property
    def web_dir(self) -> Path:
        """Where the web page keeps its password hash and API tokens (not in the config)."""
        return self.data_dir / "web"

    def now(self) -> datetime:
        """The box's time, aware, in its timezone."""
        clock = self._clock or SystemClock(self.config_object().settings.timezone)
        return clock.now()

    # --- status --------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Lines, calls in progress, LEDs, as the box's loop sees them now."""
        if self._control is not None:
            return self._ask("status")
        if self._status is None or self._loop is None:
            return {"system": "offline", "gsm": {}, "ports": {}, "calls": [], "leds": {},
                    "forwarding": {}}
        return self.on_loop(self._status)

    # --- agents (R12) ----------------------------------------------------------------

    def agent_ids(self) -> list[str]:
        """Every agent of the config: extension numbers, then bound-number ids."""
        config = self.config_object()
        return [e.number for e in config.extensions] + [b.id for b in config.bound_numbers]

    def set_available(self, agent: str, available: bool) -> dict[str, Any]:
        """`agent` takes ring-group calls from the next call on, or is passed over;
        UnknownAgent when the config has no such agent (nothing changes)."""
        if agent not in self.agent_ids():
            raise UnknownAgent(agent)
        if self._control is not None:
            self._ask("agents.set_available", {"agent": agent, "available": available})
        elif self._set_available is None or self._loop is None:
            raise ServiceError("the box is not running")
        else:
            setter = self._set_available
            self.on_loop(lambda: setter(agent, available))
        log.info("agent %s set %s from the web page", agent,
                 "available" if available else "unavailable")
        return {"agent": agent, "available": available}

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

    def _ask(self, op: str, args: dict | None = None, timeout: float = LOOP_TIMEOUT_S) -> Any:
        """One request to the running box; ConfigError passes through (its refusals)."""
        assert self._control is not None
        try:
            return control_request(self._control, op, args or {}, timeout=timeout)
        except ControlError as exc:
            raise ServiceError(str(exc)) from exc

    # --- config --------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The whole config in its JSON form (what `config export` prints)."""
        if self._control is not None:
            return self._ask("config.export")
        return self.store.as_dict()

    def config_object(self) -> Config:
        if self._control is None:
            return self.store.load()
        raw = self.config()
        key = json.dumps(raw, sort_keys=True)
        if self._parsed is None or self._parsed[0] != key:
            self._parsed = (key, check_config(raw))
        return self._parsed[1]

    def check_config(self, raw: Any) -> dict[str, int]:
        """Validate without storing: counts of what it holds, or ConfigError."""
        return summary(check_config(raw))

    def replace_config(self, raw: Any) -> dict[str, int]:
        """Validate and store the whole config; it applies from the next call on."""
        if self._control is not None:
            counts = self._ask("config.import", {"config": raw}, timeout=IMPORT_TIMEOUT_S)
        else:
            counts = summary(self.store.replace(raw))
        log.info("config replaced from the web page: %s", counts)
        return counts

    def factory_reset(self) -> None:
        """The empty default config (the web page forgets its owner separately)."""
        self.replace_config(to_dict(Config()))
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
            raise BadQuery("since", query_reason("needs_offset"))
        if until <= since:
            raise BadQuery("until", query_reason("until_before_since"))
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
        """What the box would do with a call from `caller` on `line` at `at`, and why:
        `routing.route_answer` with this month's usage (the answer `switchboard route
        explain --json` gives), plus the region, office hours and who is on duty."""
        config = self.config_object()
        if at.utcoffset() is None:
            raise BadQuery("at", query_reason("needs_offset"))
        if outside_lines is None:
            outside_lines = max(len(config.lines.gsm), 1)
        region = describe(caller or "", config.settings.country)
        # no records yet: nothing used this month (the caps count from zero)
        answer = route_answer(config, line, region.e164 or caller or None, at, outside_lines,
                              usage=_as_usage(self.month_usage(at)))
        plan = answer.plan
        hours = office_hours(config, at)
        duty = duty_at(config, at)
        doc = answer.to_json()
        doc.pop("steps")  # "steps" stays the list of step kinds the API always gave
        return {"caller": caller or "", "line": line, "at": at.isoformat(),
                "region": region.region_text, "open": hours.open,
                "on_duty": duty.person.id if duty.person else None,
                "steps": [step.kind for step in plan], "explanation": explain(plan),
                **doc, "answer": answer.text()}

    # --- caps and the holiday calendar (read-only) --------------------------------

    def month_usage(self, now: datetime | None = None) -> dict[str, Any]:
        """What each line used this month by the call records (the caps' counters):
        {"month": "2026-12", "since": ISO, "lines": {"gsm0": {"inbound_calls": 3,
        "inbound_minutes": 2.5, "outbound_minutes": 0.0}}}; no records: no lines."""
        now = now or self.now()
        found = self._usage(now)
        if found is None:
            start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            return {"month": f"{start:%Y-%m}", "since": start.isoformat(), "lines": {}}
        return found

    def _usage(self, now: datetime) -> dict[str, Any] | None:
        with self._records() as store:
            if store is None:
                return None
            start = store.month_start(now)
            return {"month": f"{start:%Y-%m}", "since": start.isoformat(),
                    "lines": store.usage_since(start)}

    def calendar_year(self, day: date) -> dict[str, Any]:
        """The holidays and adjusted working days of `day`'s year as the routing sees
        them: the company's own days (`calendar`) over the holiday calendar
        (`settings.holiday_calendar`): {"year": 2026, "calendar": "CN", "known": bool
        (the package has the year), "company_days": n, "days": [{"date", "holiday",
        "adjusted_workday", "source": "package" or "company", "name": the company's name
        for its day or the public holiday's}]}."""
        config = self.config_object()
        calendar = config.settings.holiday_calendar
        days, known, company = [], True, 0
        current = date(day.year, 1, 1)
        while current.year == day.year:
            info = day_info(current, calendar, config.calendar)
            known = known and info.known
            if info.holiday or info.adjusted_workday:
                company += info.source == "company"
                days.append({"date": current.isoformat(), "holiday": info.holiday,
                             "adjusted_workday": info.adjusted_workday,
                             "source": info.source, "name": info.name})
            current += timedelta(days=1)
        return {"year": day.year, "calendar": calendar, "known": known,
                "company_days": company, "days": days}


def _as_usage(found: dict[str, Any]) -> Usage:
    return Usage(found["month"], {line: LineUsage(**values)
                                  for line, values in found["lines"].items()})

def write_private_file(path: Path, payload: bytes) -> None:
    """Write a file only the box's user reads, atomically (temp file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, payload, mode=0o600)
