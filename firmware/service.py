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

Notifications (firmware/notify, docs/notifications.md): `notifications()` reads the outbox
file beside the box (read-only, like the records); `retry_notifications(id)` and
`send_test_email(to)` go to the box's notifier (ops "notify.retry", "notify.test", or the
`notifier` given in the box's process); with no box, a retry marks the outbox and a
test e-mail answers `box_off`.

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
import inspect
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from firmware import paths
from firmware.cdr import reports, search
from firmware.cdr.records import ALL_RESULTS, UnknownCall
from firmware.cdr.region import describe
from firmware.cdr.store import CdrStore, NoRecords, records_path
from firmware.clock import SystemClock
from firmware.config.feature_codes_view import (  # noqa: F401 (the Feature codes page, issue 13)
    FEATURE_CODE_DEFAULTS,
    FEATURE_CODE_NAMES,
    FEATURE_CODES_DIAL_TONE,
    FEATURE_CODES_IN_CALL,
    feature_codes_of,
)
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
from firmware.config.schema import (  # noqa: F401 (the analog line's choices, for web_ui)
    ANALOG_PROFILES,
    DISCONNECT_METHODS,
    WEEKDAYS,
    Config,
    summary,
)
from firmware.config.schema_base import is_digits  # noqa: F401 (the one digit test, for web_ui)
from firmware.config.storage import write_atomically
from firmware.config.store import ConfigStore
from firmware.config.validate import check_config
from firmware.config.validate_notify import EMAIL_RE  # noqa: F401 (for web_ui)
from firmware.control import control_request
from firmware.errors import ConfigError, ControlError, SwitchboardError, UnknownAgent
from firmware.prompts import LANGUAGES as PROMPT_LANGUAGES
from firmware.prompts import MAX_SECONDS as PROMPT_MAX_SECONDS
from firmware.prompts import MAX_TEXT as PROMPT_MAX_TEXT
from firmware.prompts import MAX_UPLOAD_BYTES as PROMPT_MAX_BYTES
from firmware.prompts import PromptError, PromptInUse, PromptStore, UnknownPrompt
from firmware.recordings.links import link_recordings
from firmware.recordings.store import NoSuchRecording, RecordingError, RecordingStore
from firmware.reset import reset_data_dir
from firmware.routing import LineUsage, Usage, duty_at, explain, route_answer
from firmware.routing.calendar import day_info
from firmware.routing.decision import line_decision
from firmware.routing.diagnose import BoxState, analog_line_state, diagnose, say
from firmware.routing.stats import AgentStats, BadStats, stats_from_json
from firmware.voicemail import VoicemailError, VoicemailStore
from firmware.voicemail.store import NoSuchMessage

log = logging.getLogger(__name__)

LOOP_TIMEOUT_S = 3.0
IMPORT_TIMEOUT_S = 30.0  # validation plus an fsync on a slow SD card
MAX_PAGE = 500
REPORT_CACHE_S = 15.0  # a report may be this old; a year of calls takes a second to sum
NOTIFY_TEST_TIMEOUT_S = 45.0  # a test e-mail's first try (the SMTP timeout is 30 s)
REPORT_WORKERS = 1  # reports computed at once; the others wait and take the cached one

__all__ = [
    "ALL_RESULTS", "PROMPT_LANGUAGES", "PROMPT_MAX_BYTES", "PROMPT_MAX_SECONDS",
    "PROMPT_MAX_TEXT", "QUERY_REASONS", "WEEKDAYS", "BadQuery", "BoxService", "Catalogue",
    "ConfigError", "NoSuchMessage", "PromptError", "PromptInUse", "Reason", "RecordQuery",
    "ServiceError", "UnknownAgent", "UnknownCall", "UnknownPrompt", "VoicemailError",
    "fill", "plain", "query_reason", "rename_plan", "rename_ring_group", "rename_time_rule",
    "routes_using_plan", "say", "time_rule_users", "write_private_file",
]
__all__ += ["NoSuchRecording", "RecordingError"]  # call recording (web_ui/recording_pages)

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
    province: str | None = None  # region: 浙江省, 上海市, or part of it: 浙江, 杭州
    name: str | None = None  # part of a person's name: the staff's calls
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

    def filters(self, people: Any = ()) -> dict[str, Any]:
        """The store's filters; `people`: (display name, keys) pairs of the config's
        staff, so a name finds their calls (firmware/cdr/search.py). A `number` with
        no digit in it is a name."""
        number, name = self.number, self.name
        if number is not None and not search.has_digit(number):
            number, name = None, name or number
        return {"number": number, "line": self.line, "answered_by": self.agent,
                "result": list(self.result) or None, "province": self.province,
                "name": name,
                "name_keys": search.keys_of_named(people, name) if name else (),
                "agent_keys": search.keys_of_named(people, self.agent) if self.agent else ()}


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
                 clock: Any = None, control: Path | None = None,
                 factory_reset: Callable[[], Any] | None = None,
                 agent_state: Callable[[dict], dict] | None = None,
                 notifier: Any = None):
        self.data_dir = Path(data_dir)
        self._control = control
        self.store = None if control else (store or ConfigStore(self.data_dir))
        self._loop = loop
        self._status = status
        self._set_available = set_available
        self._factory_reset = factory_reset  # in the box's process: reset_running_box
        self._diagnosis: tuple[tuple, dict[str, Any]] | None = None  # (inputs, found)
        self._agent_state = agent_state  # in the box's process: CallController.state_op
        self._clock = clock
        self._reports: dict[tuple, tuple[float, Any, dict]] = {}
        self._report_lock = threading.BoundedSemaphore(REPORT_WORKERS)
        self._config_cache: tuple[str, str, Config] | None = None  # version, JSON, parsed
        self._config_lock = threading.Lock()
        self._box_clock: timedelta | None = None  # how far the box's clock is from ours
        self._notifier = notifier  # in the box's process: firmware.notify.Notifier

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
        """The box's time, aware, in its timezone (a simulated box run with `--clock`
        included: the page then shows and explains the box's day, not the host's)."""
        clock = self._clock or SystemClock(self.config_object().settings.timezone)
        now = clock.now()
        ahead = self._box_clock_offset()
        return now if not ahead else (now.astimezone(UTC) + ahead).astimezone(now.tzinfo)

    def _box_clock_offset(self) -> timedelta:
        """Asked once of the running box (its control op `clock`); the clocks then run
        at one pace. Nothing to ask in the box's own process, or of a box that cannot say."""
        if self._control is None or self._clock is not None:
            return timedelta(0)
        if self._box_clock is None:
            self._box_clock = box_clock_offset(self._control)
        return self._box_clock

    # --- status --------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Lines, calls in progress, LEDs, as the box's loop sees them now."""
        if self._control is not None:
            return self._ask("status")
        if self._status is None or self._loop is None:
            return {"system": "offline", "gsm": {}, "lines": {}, "ports": {}, "calls": [],
                    "leds": {}, "forwarding": {}}
        return self.on_loop(self._status)

    def hardware(self) -> dict[str, Any] | None:
        """The lines the box's board has: {"board": name, "lines": {kind: [names], or
        null for modems found at run time}}; None when no box says (firmware/config/hardware.py)."""
        if self.store is not None and self.store.hardware is not None:
            return self.store.hardware.as_dict()
        found = self.status().get("hardware")
        return found if isinstance(found, dict) else None

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
            result = fn()
            return await result if inspect.isawaitable(result) else result

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
        """The whole config in its JSON form (what `config export` prints); a fresh
        copy the caller may change."""
        if self._control is not None:
            return json.loads(self._cached()[1])
        return self.store.as_dict()

    def config_object(self) -> Config:
        if self._control is None:
            return self.store.load()
        return self._cached()[2]

    def _cached(self) -> tuple[str, str, Config]:
        """(version, JSON text, parsed) of the box's config. The box is asked only which
        version it holds; the config itself crosses the socket (and is parsed here)
        only when that changed (DESIGN.md: a page costs the box no work proportional
        to the config's size)."""
        with self._config_lock:
            known = self._config_cache[0] if self._config_cache else None
            got = self._ask("config.get", {"known": known} if known else {})
            if "config" in got:  # always there while nothing is known yet
                raw = got["config"]
                self._config_cache = (got["version"], json.dumps(raw, ensure_ascii=False),
                                      check_config(raw))
            return self._config_cache

    def check_config(self, raw: Any) -> dict[str, int]:
        """Validate without storing, as the box would store it (its missing lines the
        board's, a line the board lacks refused): counts of what it holds, or ConfigError."""
        if self._control is not None:
            return self._ask("config.check", {"config": raw}, timeout=IMPORT_TIMEOUT_S)
        return summary(self.store.check(raw))

    def replace_config(self, raw: Any) -> dict[str, int]:
        """Validate and store the whole config; it applies from the next call on."""
        if self._control is not None:
            counts = self._ask("config.import", {"config": raw}, timeout=IMPORT_TIMEOUT_S)
        else:
            counts = summary(self.store.replace(raw))
        log.info("config replaced from the web page: %s", counts)
        return counts

    def factory_reset(self) -> dict[str, Any]:
        """Forget everything that is the owner's (firmware/reset.py): the config becomes
        the factory one, call records, agents' availability and ring groups' positions go.
        A running box does it on its loop and uses it from the next call on; with no box,
        the files are reset. The web page forgets its owner (password, tokens) itself."""
        if self._control is not None:
            result = self._ask("box.factory_reset", timeout=IMPORT_TIMEOUT_S)
        elif self._factory_reset is not None and self._loop is not None:
            result = self.on_loop(self._factory_reset, timeout=IMPORT_TIMEOUT_S)
        else:
            result = reset_data_dir(self.data_dir, self.store)
        self._reports.clear()
        self._diagnosis = None
        log.warning("factory reset from the web page: %s", result)
        return result

    # --- notifications (firmware/notify, issue 12) -----------------------------------

    def notifications(self) -> dict[str, Any]:
        """The notifications outbox, read from its file beside the box (the web page reads
        it so even while no box runs): {"pending", "failed", "sent": [message...],
        "missed_waiting": n}; a message: {"id", "kind", "channel", "to", "subject",
        "state", "tries", "created_ts", "due_ts", "sent_ts", "error": {"code", "params",
        "text"} or None, "attempts": [{"at_ts", "error"}]} (firmware/notify/outbox.py)."""
        from firmware.notify.outbox import outbox_path, read_state

        return read_state(outbox_path(self.data_dir))

    def notice_backlog(self) -> dict[str, Any]:
        """The notices that failed and wait for a retry (the dashboard's warning):
        {"count", "retrying", "given_up", "oldest_ts"} (outbox.py `read_backlog`)."""
        from firmware.notify.outbox import outbox_path, read_backlog

        return read_backlog(outbox_path(self.data_dir))

    def retry_notifications(self, ident: int | None = None) -> dict[str, Any]:
        """Retry now: every pending and failed message, or the one `ident`; {"retried": n}."""
        return self._notify_op("notify.retry", {} if ident is None else {"id": ident})

    def send_test_email(self, to: str | None = None) -> dict[str, Any]:
        """Send a test e-mail to the owner's addresses (or `to`) now; how its first try
        went: {"id", "state": "sent" | "pending" | "failed", "error"}."""
        return self._notify_op("notify.test", {"to": to} if to else {},
                               timeout=NOTIFY_TEST_TIMEOUT_S)

    def _notify_op(self, op: str, args: dict[str, Any],
                   timeout: float = LOOP_TIMEOUT_S) -> dict[str, Any]:
        if self._control is not None:
            return self._ask(op, args, timeout=timeout)
        if self._notifier is None or self._loop is None:
            return _notify_offline(self.data_dir, op, args, self.now())
        from firmware.notify.wiring import notifier_ops

        handler = notifier_ops(self._notifier)[op]
        return self.on_loop(lambda: handler(args), timeout=timeout)

    # --- callback requests from the hold queue (calls/callbacks.py, issue 12) ----------

    def callbacks(self) -> list[dict[str, Any]]:
        """The callback list, newest first, read beside the box: [{"id", "caller",
        "region", "line", "queue", "call_id", "at", "state": "open" | "done", "done_at"}]."""
        from firmware.calls.callbacks import FILE, read_callbacks

        return list(reversed(read_callbacks(self.data_dir / FILE)))

    def callback_done(self, ident: int) -> dict[str, Any]:
        """Mark callback request `ident` done (NoSuchCallback when there is none)."""
        from firmware.calls.callbacks import FILE, CallbackList, NoSuchCallback

        if not any(e.get("id") == ident for e in self.callbacks()):
            raise NoSuchCallback(f"no callback request {ident}")
        if self._control is not None:
            return self._ask("callbacks.done", {"id": ident})
        return CallbackList(self.data_dir / FILE).mark_done(ident, self.now())

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
            filters = query.filters(self._people())
            total = store.count(query.since, query.until, **filters)
            calls = store.calls(query.since, query.until, limit=query.limit,
                                offset=query.offset, **filters)
            found = [c.as_dict(store.tz) for c in calls]
            return {"total": total, "calls": link_recordings(found, self.recordings())}

    def _people(self) -> list[tuple[str, tuple[str, ...]]]:
        """The staff as (display name, keys) for a records search by name."""
        try:
            config = self.config_object()
        except (ConfigError, ServiceError):
            return []
        people = [(e.name, (e.number,)) for e in config.extensions]
        for b in config.bound_numbers:
            e164 = describe(b.number, config.settings.country).e164 or b.number
            people.append((b.name, tuple(dict.fromkeys((b.id, b.number, e164)))))
        return people

    def iter_records(self, query: RecordQuery, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every call matching `query` (limit and offset ignored), newest first, for export."""
        query.check()
        with self._records() as store:
            if store is None:
                return
            offset = 0
            while True:
                page = store.calls(query.since, query.until, limit=batch, offset=offset,
                                   **query.filters(self._people()))
                yield from (c.as_dict(store.tz) for c in page)
                if len(page) < batch:
                    return
                offset += batch

    def record(self, call_id: str) -> dict[str, Any]:
        with self._records() as store:
            if store is None:
                raise UnknownCall(call_id)
            return link_recordings([store.call(call_id).as_dict(store.tz)],
                                   self.recordings())[0]

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
            outside_lines = max(len(config.lines.outside()), 1)
        region = describe(caller or "", config.settings.country)
        # no records yet: nothing used this month (the caps count from zero)
        answer = route_answer(config, line, region.e164 or caller or None, at, outside_lines,
                              usage=_as_usage(self.month_usage(at)),
                              stats=self.agent_stats(at))
        plan = answer.plan
        decision = line_decision(config, at, line)  # what the box and its keeper follow
        duty = duty_at(config, at)
        doc = answer.to_json()
        doc.pop("steps")  # "steps" stays the list of step kinds the API always gave
        return {"caller": caller or "", "line": line, "at": at.isoformat(),
                "region": region.region_text, "open": decision.open,
                "office_hours": decision.hours.reason, "day_rule": decision.hours.day_rule,
                "holiday": decision.hours.holiday, "decided_by": decision.reason,
                "on_duty": duty.person.id if duty.person else None,
                "on_duty_name": duty.person.name if duty.person else None,
                "steps": [step.kind for step in plan],
                "explanation": answer.text() if answer.forwarded else explain(plan),
                **doc, "answer": answer.text()}

    def agent_stats(self, at: datetime) -> AgentStats | None:
        """The running box's agent state for a call at `at` (availability, rotation and
        percentage positions, answered today, returning callers), read without changing
        it; None when no box answers (explain then says it used a fresh state)."""
        args = {"at": at.isoformat()}
        try:
            if self._control is not None:
                reply = self._ask("agents.state", args)
            elif self._agent_state is not None and self._loop is not None:
                state = self._agent_state
                reply = self.on_loop(lambda: state(args))
            else:
                return None
            return stats_from_json(reply["stats"])
        except (ServiceError, BadStats, KeyError, TypeError) as exc:
            log.warning("explain: no agent state from the box (%s); a fresh one is used", exc)
            return None

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
                    "lines": store.usage_since(start, store.month_end(now))}

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

    # --- can the box route calls as the owner expects? (the dashboard) ----------------

    def diagnosis(self, status: dict[str, Any] | None = None) -> dict[str, Any]:
        """The office now (open, closed, holiday) and the findings of
        `routing.diagnose.diagnose` for the config, the box's lines, ports and agents
        (`status`, else asked now) and this month's usage: {"ok", "office", "findings":
        [{"code", "severity", "params", "text"}], "outside_lines"}. Kept for a minute
        while nothing it reads changes."""
        config = self.config_object()
        if status is None:
            try:
                status = self.status()
            except ServiceError:
                status = {}
        now = self.now()
        box = _box_state(config, status, _as_usage(self.month_usage(now)))
        key = (id(config), f"{now:%Y%m%d%H%M}", repr(box))
        cached = self._diagnosis
        if cached is not None and cached[0] == key:
            return cached[1]
        result = diagnose(config, now, box).as_dict()
        self._diagnosis = (key, result)
        return result

    # --- prompts (firmware/prompts, docs/prompts.md) ------------------------------------

    def prompts(self) -> PromptStore:
        """The owner's prompts over the defaults: list, info, path, upload, speak. The
        page's process writes them (sox and espeak-ng run there, at its low priority,
        not in the box); the box plays the files from the next call on."""
        store = self.__dict__.get("_prompt_store")
        if store is None:
            store = self.__dict__["_prompt_store"] = PromptStore(self.data_dir)
        return store

    def prompt_users(self, name: str) -> list[str]:
        """The config fields that name prompt `name` ("prompts.greeting_open", a plan
        step's "plans[0].steps[1].menu.prompt", ...)."""
        from firmware.config.greeting_rules import prompt_users

        return prompt_users(self.config_object(), name)

    def voicemail(self) -> VoicemailStore:
        """The voicemail messages (firmware/voicemail): list, get, mark heard, delete.
        The page's process reads and changes the store's files itself, as the CLI does."""
        return VoicemailStore.in_data_dir(self.data_dir)

    def recordings(self) -> RecordingStore:
        """The call recordings (firmware/recordings): list, get, delete; the page's
        process reads the store's files itself, as the CLI does."""
        return RecordingStore.in_data_dir(self.data_dir)

    def delete_prompt(self, name: str, lang: str) -> dict[str, Any]:
        """Delete the owner's prompt `name` in `lang`. Refused (PromptInUse, naming the
        fields) while the config names it and no default of that name would be left."""
        return self.prompts().delete(name, lang, self.prompt_users(str(name)))


def box_clock_offset(control: Path) -> timedelta:
    """How far the running box's wall clock is ahead of this host's (0 when it runs on
    the system's time, or cannot be asked)."""
    try:
        answer = control_request(control, "clock", {}, timeout=2.0)
        ahead = datetime.fromisoformat(answer["now"]) - datetime.now(UTC)
    except (ControlError, OSError, KeyError, TypeError, ValueError):
        return timedelta(0)
    return ahead if abs(ahead) > timedelta(seconds=2) else timedelta(0)


def _notify_offline(data_dir: Path, op: str, args: dict[str, Any], now: datetime
                    ) -> dict[str, Any]:
    """No box runs: a retry marks the messages due now in the outbox (sent when the box
    starts); a test e-mail cannot go and says so."""
    from firmware.notify.outbox import Outbox, outbox_path

    if op == "notify.retry":
        path = outbox_path(data_dir)
        if not path.exists():
            return {"retried": 0}
        outbox = Outbox(path)
        try:
            return {"retried": outbox.retry(now.timestamp(), args.get("id"))}
        finally:
            outbox.close()
    return {"id": None, "state": "failed", "error": {
        "code": "box_off", "params": {}, "text": "the box is not running: nothing can be sent now"}}


def _as_usage(found: dict[str, Any]) -> Usage:
    return Usage(found["month"], {line: LineUsage(**values)
                                  for line, values in found["lines"].items()})


def _box_state(config: Config, status: dict[str, Any], usage: Usage) -> BoxState:
    """What `diagnose` needs of the box's status; a box not running: the config's outside
    lines (at least one: whether the board has a modem is not known then)."""
    gsm = status.get("gsm") if isinstance(status.get("gsm"), dict) else {}
    lines = _outside_states(status)
    lines.update({n: str(g.get("state")) for n, g in gsm.items() if isinstance(g, dict)})
    running = status.get("system") not in (None, "offline")
    agents = status.get("agents") if isinstance(status.get("agents"), dict) else {}
    forwarding = status.get("forwarding") if isinstance(status.get("forwarding"), dict) else {}
    return BoxState(
        outside_lines=len(lines) if running else max(len(config.lines.outside()), 1),
        lines=lines,
        ports=dict(status.get("ports") or {}) if running else {},
        unavailable=frozenset(a for a, ok in agents.items() if ok is False),
        forwarding={n: f for n, f in forwarding.items() if isinstance(f, dict)}, usage=usage)

def _outside_states(status: dict[str, Any]) -> dict[str, str]:
    """The outside lines of `status["lines"]` (kind "fxo" or "gsm"), each by its state for
    the findings (an analog line without the exchange's battery: "no_battery")."""
    found = status.get("lines") if isinstance(status.get("lines"), dict) else {}
    return {name: analog_line_state(line) if line.get("kind") == "fxo"
            else str(line.get("state")) for name, line in found.items()
            if isinstance(line, dict) and line.get("kind") in ("fxo", "gsm")}


def analog_disconnect_default(profile: str) -> str | None:
    """How an analog line of exchange profile `profile` detects a hang-up when its config
    names no method (cn: busy tone; us: loop current drop); None for an unknown profile."""
    from firmware.lines.analog_profiles import PROFILES

    found = PROFILES.get(profile)
    return found.disconnect if found is not None else None


def analog_profile_of_country(country: str) -> str:
    """The exchange profile an analog line in `country` most likely has: "us" in the North
    American numbering plan (+1: US, Canada, ...), else "cn"."""
    import phonenumbers

    return "us" if phonenumbers.country_code_for_region(str(country).upper()) == 1 else "cn"


def write_private_file(path: Path, payload: bytes) -> None:
    """Write a file only the box's user reads, atomically (temp file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, payload, mode=0o600)
