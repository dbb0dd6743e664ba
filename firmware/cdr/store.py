"""Call records in SQLite: the box writes them as calls happen, readers query them.

Wiring: the box opens one writable `CdrStore(<data>/records.sqlite3, country=,
timezone=)` on its event loop thread (sqlite3's same-thread check holds it to
that) and the call controller calls, per call:

    call_id = store.begin_call(CallStart(...))   # row written at once, "in_progress"
    store.set_route(call_id, "open hours > 销售组")  # whenever the plan moves on
    store.add_leg(call_id, LegRecord(...))       # as each leg ends
    store.end_call(call_id, CallEnd(...))        # final result

Each of these is one short transaction, committed before it returns. `end_call`
(and every other write) commits with WAL and synchronous=FULL: once it returns,
the call survives kill -9 and power loss. The writes on the way to a desk phone's
first ring and through the call (`begin_call`, `set_route`, `set_answered`, and
`add_leg` while the call goes on) commit with synchronous=NORMAL: no fsync (tens
of ms on a Pi's SD card) on the event loop; they survive the box's crash (the
kernel has them), and the fsync of the call's `end_call`, or of any later write,
takes them to the disk with it. A power cut can only lose what a call still in
progress wrote. At open, calls a crash left "in_progress" are closed and logged
(docs/records.md: end reason `box_restart`).

One process writes: the writable open takes an exclusive lock on
`records.sqlite3.lock` (released by the kernel if the box dies), so a second
writer cannot mark a live box's calls interrupted. Readers (`readonly=True`:
the CLI, later the web page) open with `mode=ro` and read alongside the box
through WAL; they see committed calls only.

The records (callers' numbers) are readable by the box's user only: the writer
creates the database 0600 (SQLite gives its -wal and -shm files the database's
mode) and tightens an existing one, its -wal, -shm and lock file at open.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from firmware.cdr import region as regions
from firmware.cdr import search
from firmware.cdr.records import (
    FORWARDED,
    IN_PROGRESS,
    INTERRUPTED,
    CallEnd,
    CallRecord,
    CallStart,
    LegRecord,
    RecordError,
    UnknownCall,
)
from firmware.cdr.schema import SCHEMA_VERSION, Migration, SchemaError, migrate, version_of
from firmware.errors import SwitchboardError

log = logging.getLogger(__name__)

FILE_NAME = "records.sqlite3"
DEFAULT_TIMEZONE = "Asia/Shanghai"
BUSY_TIMEOUT_S = 5.0
INTERRUPTED_CAUSE = "the box stopped before the call ended"


class StoreBusy(SwitchboardError, RuntimeError):
    """Another process already has the call records open for writing."""


class NoRecords(SwitchboardError, FileNotFoundError):
    """A reader asked for a records file that does not exist (yet)."""


class WriteFailed(SwitchboardError, OSError):
    """SQLite could not write a record (disk full, I/O error); nothing was half written."""


def records_path(data_dir: Path | str) -> Path:
    """Where the box keeps its call records in `data_dir`."""
    return Path(data_dir) / FILE_NAME


class CdrStore:
    """The call records database at `path`; see the module docstring for the wiring."""

    def __init__(self, path: Path | str, *, readonly: bool = False, country: str = "CN",
                 timezone: str | None = None, preload_regions: bool = True,
                 migrations: dict[int, Migration] | None = None) -> None:
        """Open (and create or migrate) the records; a writer also preloads region data.

        `country` reads national-format numbers; `timezone` is the box's (a reader
        takes the one the writer stored); `preload_regions=False` skips loading
        phonenumbers' geocoder now (tests that pass every CallStart a region).
        """
        self.path = Path(path)
        self.readonly = readonly
        self.country = country
        self._lock_fd: int | None = None
        self._empty = False
        self.recovered: list[str] = []  # ids a crash left in progress, found at open
        if readonly:
            self._db = self._open_reader()
        else:
            self._db = self._open_writer(migrations)
        try:
            self._set_tz(timezone)
            if not readonly:
                self.recovered = self._recover()
                if preload_regions:
                    regions.preload(country)
        except BaseException:
            self.close()
            raise

    # --- opening ---------------------------------------------------------------

    def _open_writer(self, migrations: dict[int, Migration] | None) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _take_lock(self.path.with_name(self.path.name + ".lock"))
        _make_private(self.path)
        db = None
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
            db.row_factory = sqlite3.Row
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise SchemaError(f"{self.path}: cannot switch the call records to WAL ({mode})")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            old = migrate(db, migrations)
        except BaseException:
            if db is not None:
                db.close()
            os.close(self._lock_fd)
            self._lock_fd = None
            raise
        if old != version_of(db):
            log.info("call records %s: schema version %d -> %d", self.path, old, version_of(db))
        return db

    def _open_reader(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise NoRecords(f"no call records at {self.path}")
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        db.row_factory = sqlite3.Row
        version = version_of(db)
        if version == 0:
            self._empty = True  # created, its schema not yet committed
        elif version != SCHEMA_VERSION:
            db.close()
            raise SchemaError(f"{self.path}: call records are schema version {version}, this "
                              f"firmware reads {SCHEMA_VERSION}"
                              + ("; start the box once to upgrade them"
                                 if version < SCHEMA_VERSION else ""))
        return db

    def _set_tz(self, name: str | None) -> None:
        stored = None if self._empty else self._meta("timezone")
        name = name or stored or DEFAULT_TIMEZONE
        try:
            self.tz = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise RecordError(f"timezone {name!r} is not known (like 'Asia/Shanghai')") from exc
        if not self.readonly and name != stored:
            with self._transaction():
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('timezone', ?)",
                                 (name,))

    def set_timezone(self, name: str) -> None:
        """The box's timezone changed (config): readers show local times in it from now on."""
        self._writable()
        self._set_tz(name)

    def _recover(self) -> list[str]:
        """Mark calls a crash left in progress as interrupted; returns their ids."""
        ids = [row[0] for row in self._db.execute(
            "SELECT id FROM calls WHERE result = ? ORDER BY serial", (IN_PROGRESS,))]
        if ids:
            with self._transaction():
                self._db.execute(
                    "UPDATE calls SET result = CASE WHEN answered_ts IS NULL THEN ? ELSE"
                    " 'answered' END, ring_s = answered_ts - started_ts, cause = ?,"
                    " end_reason = 'box_restart' WHERE result = ?",
                    (INTERRUPTED, INTERRUPTED_CAUSE, IN_PROGRESS))
            log.warning("call records: %d call(s) were in progress when the box stopped; "
                        "marked interrupted (box_restart): %s", len(ids), ", ".join(ids))
        return ids

    def close(self) -> None:
        """Close the database and release the writer's lock. Safe to call twice."""
        db, self._db = getattr(self, "_db", None), None
        if db is not None:
            if not self.readonly:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("PRAGMA optimize")  # keeps the query planner's statistics fresh
            db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> CdrStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------

    def begin_call(self, start: CallStart, *, result: str = IN_PROGRESS) -> str:
        """Write a new call, result "in_progress"; returns its id (start.call_id or a new one).

        `result="forwarded"` begins a network forwarding period (docs/records.md): its
        result is final from the start, its end is written by `end_period`."""
        self._writable()
        if result not in (IN_PROGRESS, FORWARDED):
            raise RecordError(f"a call begins {IN_PROGRESS} or {FORWARDED}, not {result!r}")
        call_id = start.call_id or _new_id(start.started_at.astimezone(self.tz))
        r = start.region or self._region_of(start)
        iso, ts = _db_time(start.started_at)
        try:
            with self._transaction(durable=False):
                self._db.execute(
                    "INSERT INTO calls (id, direction, line, caller, callee, e164, region,"
                    " province, city, carrier, number_kind, country, started_at, started_ts,"
                    " result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (call_id, start.direction, start.line, start.caller or "", start.callee,
                     r.e164, r.region_text, r.province, r.city, r.carrier, r.kind, r.country,
                     iso, ts, result))
        except sqlite3.IntegrityError as exc:
            raise RecordError(f"call id {call_id!r} is already recorded") from exc
        return call_id

    def _region_of(self, start: CallStart) -> regions.Region:
        if start.direction == "internal":
            return regions.EXTENSION
        party = start.caller if start.direction == "in" else start.callee
        return regions.describe(party, self.country)

    def add_leg(self, call_id: str, leg: LegRecord) -> int:
        """Write one ended leg of call `call_id`; returns its number (1, 2, ...)."""
        self._writable()
        with self._transaction(durable=False):
            self._known(call_id)
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM legs WHERE call_id = ?",
                                   (call_id,)).fetchone()[0]
            (s_iso, s_ts), (e_iso, e_ts) = _db_time(leg.started_at), _db_time(leg.ended_at)
            a_iso, a_ts = _db_time(leg.answered_at) if leg.answered_at else (None, None)
            self._db.execute(
                "INSERT INTO legs (call_id, seq, target, target_kind, agent, ring_group, line,"
                " started_at, started_ts, answered_at, answered_ts, ended_at, ended_ts,"
                " ring_s, talk_s, outcome, cause, agent_id, ring_groups)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (call_id, seq, leg.target, leg.target_kind, leg.agent, leg.group, leg.line,
                 s_iso, s_ts, a_iso, a_ts, e_iso, e_ts, leg.ring_s, leg.talk_s, leg.outcome,
                 leg.cause, leg.agent_id, json.dumps(list(leg.groups), ensure_ascii=False)))
        return int(seq)

    def set_route(self, call_id: str, route: str) -> None:
        """Record the route the call has taken so far (replaces the previous text)."""
        self._writable()
        with self._transaction(durable=False):
            self._known(call_id)
            self._db.execute("UPDATE calls SET route = ? WHERE id = ?", (route, call_id))

    def end_call(self, call_id: str, end: CallEnd) -> None:
        """Write the call's final result. A call ends once; a second end is refused."""
        self._writable()
        iso, ts = _db_time(end.ended_at)
        with self._transaction():
            result = self._known(call_id)
            if result != IN_PROGRESS:
                raise RecordError(f"call {call_id!r} has already ended ({result})")
            self._db.execute(
                "UPDATE calls SET ended_at = ?, ended_ts = ?, result = ?, answered_by = ?,"
                " ring_s = ?, talk_s = ?, cause = ?, end_reason = ?, agent_id = ? WHERE id = ?",
                (iso, ts, end.result, end.answered_by, float(end.ring_s), float(end.talk_s),
                 end.cause, end.end_reason, end.agent_id, call_id))

    def set_answered(self, call_id: str, answered_by: str, at: datetime) -> None:
        """Who took the call and when, written at the answer: a call the box dies in
        keeps them (its record ends "answered", end reason "box_restart")."""
        self._writable()
        _check_aware("answered at", at)
        iso, ts = _db_time(at)
        with self._transaction(durable=False):  # mid-call, as the legs: no fsync
            self._known(call_id)
            self._db.execute("UPDATE calls SET answered_by = ?, answered_at = ?, answered_ts = ?"
                             " WHERE id = ?", (answered_by, iso, ts, call_id))

    def end_period(self, call_id: str, ended_at: datetime, cause: str) -> None:
        """The end of a period begun with `begin_call(..., result="forwarded")`; once."""
        self._writable()
        _check_aware("ended at", ended_at)
        iso, ts = _db_time(ended_at)
        with self._transaction():
            row = self._db.execute("SELECT result, ended_at, started_ts FROM calls WHERE id = ?",
                                   (call_id,)).fetchone()
            if row is None:
                raise UnknownCall(call_id)
            if row[0] != FORWARDED or row[1] is not None:
                raise RecordError(f"call {call_id!r} is not an open forwarding period")
            self._db.execute("UPDATE calls SET ended_at = ?, ended_ts = ?, ring_s = 0,"
                             " talk_s = 0, cause = ?, end_reason = 'normal' WHERE id = ?",
                             (iso, max(ts, row[2]), cause, call_id))

    def _known(self, call_id: str) -> str:
        row = self._db.execute("SELECT result FROM calls WHERE id = ?", (call_id,)).fetchone()
        if row is None:
            raise UnknownCall(call_id)
        return str(row[0])

    def _writable(self) -> None:
        if self.readonly:
            raise RecordError(f"{self.path} is open read-only")
        if self._db is None:
            raise RecordError(f"{self.path} is closed")

    @contextlib.contextmanager
    def _transaction(self, durable: bool = True) -> Iterator[None]:
        """One write: all of it is committed or none of it; fsynced when `durable`
        (not durable: it survives a crash of the box, and the next durable write
        takes it to the disk)."""
        try:
            if not durable:
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            finally:
                if not durable:
                    self._db.execute("PRAGMA synchronous = FULL")
        except sqlite3.OperationalError as exc:
            raise WriteFailed(f"call records {self.path}: {exc}") from exc

    def meta(self, key: str) -> str | None:
        """A value the box keeps beside its records (an open forwarding period)."""
        return None if self._empty else self._meta(key)

    def set_meta(self, key: str, value: str | None) -> None:
        """Keep `value` under `key` (None: forget it); committed before it returns."""
        self._writable()
        with self._transaction():
            if value is None:
                self._db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 (key, value))

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # --- reading ---------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        """A reader opened before the writer committed the schema: nothing to read yet."""
        return self._empty

    def latest_change(self) -> tuple[int, int]:
        """(newest call serial, calls in progress): changes when a call begins or ends,
        so a cached report knows it is stale."""
        if self._empty:
            return (0, 0)
        row = self._db.execute("SELECT MAX(serial), (SELECT COUNT(*) FROM calls WHERE result"
                               " = ?) FROM calls", (IN_PROGRESS,)).fetchone()
        return (int(row[0] or 0), int(row[1] or 0))

    @property
    def connection(self) -> sqlite3.Connection:
        """The open database, for the report queries (firmware/cdr/reports.py)."""
        if self._db is None:
            raise RecordError(f"{self.path} is closed")
        return self._db

    def call(self, call_id: str) -> CallRecord:
        """One call with its legs; UnknownCall if there is none with this id."""
        row = None if self._empty else self._db.execute(
            "SELECT * FROM calls WHERE id = ?", (call_id,)).fetchone()
        if row is None:
            raise UnknownCall(call_id)
        return self._with_legs([row])[0]

    def calls(self, since: datetime | None = None, until: datetime | None = None, *,
              limit: int | None = 100, offset: int = 0, newest_first: bool = True,
              number: str | None = None, line: str | None = None,
              result: str | Sequence[str] | None = None, answered_by: str | None = None,
              direction: str | None = None, province: str | None = None,
              name: str | None = None, name_keys: Sequence[str] = (),
              agent_keys: Sequence[str] = ()) -> list[CallRecord]:
        """Calls started in [since, until), with their legs, newest first unless told.

        Filters (all optional, combined with AND; firmware/cdr/search.py): `number`
        is a whole number in any format ("021 6123 4567" finds "+862161234567") or
        part of one ("8888"); `province` part of the region ("浙江" finds 浙江省);
        `name` part of a person's name, `name_keys` their numbers and ids;
        `answered_by` who answered (or one of `agent_keys`); `result` takes one word
        or several. `limit=None` returns every match.
        """
        if self._empty:
            return []
        where, params = self._where(since, until, number, line, result, answered_by,
                                    direction, province, name, name_keys, agent_keys)
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT * FROM calls {where} ORDER BY started_ts {order}, serial {order}"
               " LIMIT ? OFFSET ?")
        rows = self._db.execute(sql, [*params, -1 if limit is None else limit, offset])
        return self._with_legs(rows.fetchall())

    def count(self, since: datetime | None = None, until: datetime | None = None, *,
              number: str | None = None, line: str | None = None,
              result: str | Sequence[str] | None = None, answered_by: str | None = None,
              direction: str | None = None, province: str | None = None,
              name: str | None = None, name_keys: Sequence[str] = (),
              agent_keys: Sequence[str] = ()) -> int:
        """How many calls `calls()` would find with these filters and no limit (paging)."""
        if self._empty:
            return 0
        where, params = self._where(since, until, number, line, result, answered_by,
                                    direction, province, name, name_keys, agent_keys)
        return int(self._db.execute(f"SELECT COUNT(*) FROM calls {where}", params).fetchone()[0])

    def _where(self, since: datetime | None, until: datetime | None, number: str | None,
               line: str | None, result: str | Sequence[str] | None,
               answered_by: str | None, direction: str | None,
               province: str | None, name: str | None = None,
               name_keys: Sequence[str] = (),
               agent_keys: Sequence[str] = ()) -> tuple[str, list[Any]]:
        terms: list[str] = []
        params: list[Any] = []
        for op, when, label in ((">=", since, "since"), ("<", until, "until")):
            if when is not None:
                terms.append(f"started_ts {op} ?")
                params.append(_query_time(label, when))
        for column, value in (("line", line), ("direction", direction)):
            if value is not None:
                terms.append(f"{column} = ?")
                params.append(value)
        if result is not None:
            words = [result] if isinstance(result, str) else list(result)
            terms.append(f"result IN ({', '.join('?' * len(words))})")
            params += words
        found = [search.number_term(number, self.country) if number is not None else None,
                 search.region_term(province) if province is not None else None,
                 search.name_term(name, name_keys) if name is not None else None,
                 search.answered_term(answered_by, agent_keys)
                 if answered_by is not None else None]
        for term in found:
            if term is not None:
                terms.append(term[0])
                params += term[1]
        return ("WHERE " + " AND ".join(terms)) if terms else "", params

    # --- usage, for the monthly caps (G7) ---------------------------------------

    def month_start(self, now: datetime) -> datetime:
        """00:00 on the 1st of `now`'s month in the box's timezone (aware)."""
        local = now.astimezone(self.tz)
        return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    def month_end(self, now: datetime) -> datetime:
        """00:00 on the 1st of the month after `now`'s, in the box's timezone (aware)."""
        start = self.month_start(now)
        return start.replace(year=start.year + (start.month == 12),
                             month=start.month % 12 + 1)

    def usage_since(self, since: datetime, until: datetime | None = None
                    ) -> dict[str, dict[str, float]]:
        """Per line, what it used from `since` on (until `until`, if given: a month
        asked about later counts only its own calls): inbound calls (blocked ones not
        counted: they cost nothing; nor network forwarding periods, which are no call),
        inbound minutes (talk time of calls that came in
        on it) and outbound minutes (talk time of the legs it dialled: forwarding to
        mobiles, outside numbers, desk phones' outbound calls).

        {"gsm0": {"inbound_calls": 12, "inbound_minutes": 30.5, "outbound_minutes": 8.0}}
        """
        usage: dict[str, dict[str, float]] = {}
        if self._empty:
            return usage
        ts = _query_time("since", since)
        end = float("inf") if until is None else _query_time("until", until)

        def line(name: str) -> dict[str, float]:
            return usage.setdefault(name, {"inbound_calls": 0, "inbound_minutes": 0.0,
                                           "outbound_minutes": 0.0})

        for row in self._db.execute(
                "SELECT line, COUNT(*), COALESCE(SUM(talk_s), 0) FROM calls WHERE direction ="
                " 'in' AND started_ts >= ? AND started_ts < ? AND result NOT IN ('blocked',"
                " 'forwarded') GROUP BY line", (ts, end)):
            line(row[0]).update(inbound_calls=int(row[1]), inbound_minutes=row[2] / 60)
        for row in self._db.execute(
                "SELECT line, COALESCE(SUM(talk_s), 0) FROM legs WHERE started_ts >= ?"
                " AND started_ts < ? AND target_kind IN ('mobile', 'number') AND line != ''"
                " GROUP BY line", (ts, end)):
            line(row[0])["outbound_minutes"] = row[1] / 60
        return usage

    def note_once(self, key: str, at: datetime) -> bool:
        """True the first time `key` is noted (kept in the records: survives restarts).
        The cap notices use it so the owner gets one SMS per line, counter and month."""
        self._writable()
        with self._transaction():
            if self._meta(f"once:{key}") is not None:
                return False
            self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                             (f"once:{key}", _db_time(at)[0]))
        return True

    def _with_legs(self, rows: list[sqlite3.Row]) -> list[CallRecord]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        legs: dict[str, list[LegRecord]] = {i: [] for i in ids}
        marks = ", ".join("?" * len(ids))
        for leg in self._db.execute(
                f"SELECT * FROM legs WHERE call_id IN ({marks}) ORDER BY call_id, seq", ids):
            legs[leg["call_id"]].append(_leg_from_row(leg))
        return [_call_from_row(row, legs[row["id"]]) for row in rows]


# --- helpers ---------------------------------------------------------------------


PRIVATE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")


def _make_private(path: Path) -> None:
    """Create the database 0600 if it is new (before SQLite creates it with 0644 less
    the umask); make it and its companions 0600 if they are not."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in PRIVATE_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            if companion.stat().st_mode & 0o077:
                os.chmod(companion, 0o600)
                log.info("call records: %s made readable by the box's user only", companion)


def _take_lock(lock_path: Path) -> int:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
        os.close(fd)
        raise StoreBusy(f"call records {lock_path.with_suffix('')} are open for writing "
                        f"by pid {holder}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _new_id(local_start: datetime) -> str:
    """A readable call id: the local start time and 6 random hex digits."""
    return f"{local_start:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _db_time(value: datetime) -> tuple[str, float]:
    return value.astimezone(UTC).isoformat(), value.timestamp()


def _check_aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise RecordError(f"{name} must be an aware datetime, not {value!r}")


def _query_time(name: str, value: datetime) -> float:
    _check_aware(name, value)
    return value.timestamp()


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _leg_from_row(c: sqlite3.Row) -> LegRecord:
    return LegRecord(target=c["target"], target_kind=c["target_kind"],
                     started_at=_time(c["started_at"]), ended_at=_time(c["ended_at"]),
                     outcome=c["outcome"], answered_at=_time(c["answered_at"]),
                     line=c["line"], cause=c["cause"], agent=c["agent"], group=c["ring_group"],
                     agent_id=c["agent_id"], groups=_groups(c["ring_groups"], c["ring_group"]))


def _groups(text: str, group: str) -> tuple[str, ...]:
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if isinstance(found, list) and all(isinstance(g, str) for g in found):
        return tuple(found)
    return (group,) if group else ()


def _call_from_row(c: sqlite3.Row, legs: list[LegRecord]) -> CallRecord:
    region = regions.Region(e164=c["e164"], region_text=c["region"], province=c["province"],
                            city=c["city"], carrier=c["carrier"], kind=c["number_kind"],
                            country=c["country"])
    return CallRecord(id=c["id"], direction=c["direction"], line=c["line"], caller=c["caller"],
                      callee=c["callee"], region=region, route=c["route"],
                      started_at=_time(c["started_at"]), ended_at=_time(c["ended_at"]),
                      result=c["result"], answered_by=c["answered_by"], ring_s=c["ring_s"],
                      talk_s=c["talk_s"], cause=c["cause"], legs=legs, agent_id=c["agent_id"],
                      end_reason=c["end_reason"], answered_at=_time(c["answered_at"]))
