"""The notifications outbox: every message the box owes the owner (or a caller), kept
in SQLite in the data dir (`notifications.sqlite3`, mode 0600: it holds callers'
numbers) until it is sent or given up, so a restart or a power cut loses nothing.

Tables:
- `messages`: one row per message and channel (an e-mail to the owner's addresses, an
  SMS to one number): its text, when it is due next, how many tries, its state
  (`pending`, `sent`, `failed` = given up) and the last failure's reason;
- `attempts`: every failed try with its reason, so nothing fails silently;
- `missed`: missed calls gathered for the next batch (firmware/notify/notifier.py),
  so calls missed just before a restart are still told;
- `caller_sms`: when each caller last got the "nobody available" SMS;
- `missed_told`: every call kept for a missed-call notice (by call id, for
  `KEEP_TOLD_S`), so one call is told once: the calls a crash or power cut left open
  are told at the next start (firmware/notify/recovered.py), and never again on the
  starts after;
- `outbox_meta`: `told_since`, when this outbox began to keep `missed_told` (calls
  that ended before it are not looked for again).

Every write is one transaction. The notifier runs all of this on one worker thread
(never on the event loop); the web page reads it through `read_state` (read-only).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("switchboard.notify")

OUTBOX_FILE = "notifications.sqlite3"
KEEP_SENT_S = 30 * 86400  # sent messages are listed for a month, then forgotten
MAX_LISTED = 50
KEEP_TOLD_S = 60 * 86400  # a call id told is remembered for two months

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    attachment TEXT NOT NULL DEFAULT '',
    created_ts REAL NOT NULL,
    give_up_ts REAL NOT NULL,
    due_ts REAL NOT NULL,
    state TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    sent_ts REAL
);
CREATE INDEX IF NOT EXISTS messages_state ON messages (state, due_ts);
CREATE TABLE IF NOT EXISTS attempts (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    at_ts REAL NOT NULL,
    error TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS missed (
    call_id TEXT PRIMARY KEY,
    at_ts REAL NOT NULL,
    caller TEXT NOT NULL,
    region TEXT NOT NULL,
    line TEXT NOT NULL,
    result TEXT NOT NULL,
    ring_s REAL NOT NULL,
    ended_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS caller_sms (number TEXT PRIMARY KEY, at_ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS missed_told (call_id TEXT PRIMARY KEY, at_ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value REAL NOT NULL);
"""


@dataclass(frozen=True)
class Message:
    """One message to send: `recipients` are e-mail addresses (channel "email", one
    e-mail to them all) or one mobile number (channel "sms")."""

    kind: str  # missed_calls | voicemail | test | caller_sms
    channel: str  # email | sms
    recipients: tuple[str, ...]
    body: str
    subject: str = ""
    attachment: str = ""
    id: int | None = None
    tries: int = 0
    created_ts: float = 0.0
    give_up_ts: float = 0.0


@dataclass(frozen=True)
class MissedCall:
    call_id: str
    at_ts: float
    caller: str  # E.164 or as the line gave it; "" withheld
    region: str
    line: str
    result: str
    ring_s: float
    ended_ts: float  # the batch window starts at the first call's end


@dataclass
class Failure:
    """Why a try failed: a code the page translates (web_ui/messages_notify.py), its
    parameters, and the English text."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def as_json(self) -> str:
        return json.dumps({"code": self.code, "params": self.params, "text": self.text},
                          ensure_ascii=False)


def outbox_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / OUTBOX_FILE


class Outbox:
    """The writer (the box's notifier). Thread-safe; meant for one worker thread."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- messages --------------------------------------------------------------

    def add(self, message: Message, now: float, give_up_after: float) -> int:
        with self._tx() as db:
            return _insert(db, message, now, give_up_after)

    def due(self, now: float) -> Message | None:
        """The pending message due first, if it is due by `now`."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM messages WHERE state = 'pending' AND due_ts <= ? "
                "ORDER BY due_ts, id LIMIT 1", (now,)).fetchone()
        return None if row is None else _message(row)

    def next_due(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(due_ts) FROM messages "
                                   "WHERE state = 'pending'").fetchone()
        return row[0]

    def sent(self, ident: int, now: float) -> None:
        with self._tx() as db:
            db.execute("UPDATE messages SET state = 'sent', sent_ts = ?, tries = tries + 1 "
                       "WHERE id = ?", (now, ident))
            db.execute("DELETE FROM messages WHERE state = 'sent' AND sent_ts < ?",
                       (now - KEEP_SENT_S,))

    def failed(self, ident: int, now: float, failure: Failure, next_ts: float | None,
               count: bool = True) -> None:
        """A try failed: kept with its reason; due again at `next_ts`, or given up (None)."""
        state = "pending" if next_ts is not None else "failed"
        with self._tx() as db:
            db.execute("INSERT INTO attempts (message_id, at_ts, error) VALUES (?, ?, ?)",
                       (ident, now, failure.as_json()))
            db.execute("UPDATE messages SET state = ?, due_ts = ?, last_error = ?, "
                       "tries = tries + ? WHERE id = ?",
                       (state, next_ts if next_ts is not None else now, failure.as_json(),
                        1 if count else 0, ident))

    def retry(self, now: float, ident: int | None = None) -> int:
        """Make pending or given-up messages (all, or the one `ident`) due now: the
        owner's "retry now". A given-up one gets one more try. How many."""
        where, args = ("state IN ('pending', 'failed')", [now])
        if ident is not None:
            where += " AND id = ?"
            args.append(ident)
        with self._tx() as db:
            return db.execute(f"UPDATE messages SET state = 'pending', due_ts = ? "
                              f"WHERE {where}", args).rowcount

    def clear(self) -> None:
        """Forget everything (a factory reset): messages, tries, waiting calls, callers."""
        with self._tx() as db:
            for table in ("attempts", "messages", "missed", "caller_sms", "missed_told"):
                db.execute(f"DELETE FROM {table}")

    def counts(self) -> dict[str, int]:
        """{"pending", "failed", "missed_waiting"}: what `status` shows."""
        with self._lock:
            found = dict(self._db.execute("SELECT state, COUNT(*) FROM messages "
                                          "GROUP BY state").fetchall())
            missed = self._db.execute("SELECT COUNT(*) FROM missed").fetchone()[0]
        return {"pending": found.get("pending", 0), "failed": found.get("failed", 0),
                "missed_waiting": missed}

    def state_of(self, ident: int) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM messages WHERE id = ?", (ident,)).fetchone()
        return None if row is None else _listed(row)

    # --- missed calls waiting for their batch ------------------------------------

    def add_missed(self, call: MissedCall, told: bool = True) -> bool:
        """Keep `call` for the next batch, once per call id ever (`missed_told`); False
        when it was kept before. `told=False` only notes it as told (notices are off)."""
        with self._tx() as db:
            if db.execute("SELECT 1 FROM missed_told WHERE call_id = ?",
                          (call.call_id,)).fetchone() is not None:
                return False
            db.execute("INSERT INTO missed_told VALUES (?, ?)", (call.call_id, call.ended_ts))
            db.execute("DELETE FROM missed_told WHERE at_ts < ?",
                       (call.ended_ts - KEEP_TOLD_S,))
            if told:
                db.execute("INSERT OR IGNORE INTO missed VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (call.call_id, call.at_ts, call.caller, call.region, call.line,
                            call.result, call.ring_s, call.ended_ts))
            return told

    def told_since(self, now: float) -> float:
        """Since when this outbox remembers the calls it told (unix seconds): `now` the
        first time it is asked (a new outbox, or one from before `missed_told`)."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO outbox_meta VALUES ('told_since', ?)", (now,))
            return float(db.execute("SELECT value FROM outbox_meta WHERE key = 'told_since'"
                                    ).fetchone()[0])

    def first_missed(self) -> float | None:
        with self._lock:
            return self._db.execute("SELECT MIN(ended_ts) FROM missed").fetchone()[0]

    def take_missed(self, messages: Any, now: float, give_up_after: float) -> int:
        """The batch: `messages(calls)` turns the waiting missed calls into messages,
        which replace them in one transaction. How many calls."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM missed ORDER BY at_ts").fetchall()
            calls = [MissedCall(**dict(row)) for row in rows]
            for message in messages(calls) if calls else ():
                _insert(db, message, now, give_up_after)
            db.execute("DELETE FROM missed")
        return len(calls)

    # --- the SMS to a caller nobody took ------------------------------------------

    def caller_sms_due(self, number: str, now: float, quiet_s: float) -> bool:
        """Whether `number` may get the SMS now (none within `quiet_s`); noted if so."""
        with self._tx() as db:
            row = db.execute("SELECT at_ts FROM caller_sms WHERE number = ?",
                             (number,)).fetchone()
            if row is not None and now - row[0] < quiet_s:
                return False
            db.execute("INSERT OR REPLACE INTO caller_sms VALUES (?, ?)", (number, now))
            return True


def remove_outbox(data_dir: Path | str) -> None:
    """Remove the outbox's files (a factory reset with no box running)."""
    path = outbox_path(data_dir)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def open_outbox(path: Path) -> Outbox:
    """The outbox at `path`; a file that is not a database (a card's bad sector) is kept
    aside as `<name>.corrupt-<time>` and a new one made, so notices keep going."""
    try:
        return Outbox(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
        log.error("notifications outbox %s unreadable (%s); kept as %s, a new one made",
                  path, exc, aside.name)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.rename(aside)
        return Outbox(path)


def _insert(db: sqlite3.Connection, message: Message, now: float, give_up_after: float) -> int:
    cursor = db.execute(
        "INSERT INTO messages (kind, channel, recipients, subject, body, attachment, "
        "created_ts, give_up_ts, due_ts, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
        (message.kind, message.channel, json.dumps(list(message.recipients)), message.subject,
         message.body, message.attachment, now, now + give_up_after, now))
    return int(cursor.lastrowid or 0)


def _message(row: sqlite3.Row) -> Message:
    return Message(kind=row["kind"], channel=row["channel"],
                   recipients=tuple(json.loads(row["recipients"])), body=row["body"],
                   subject=row["subject"], attachment=row["attachment"], id=row["id"],
                   tries=row["tries"], created_ts=row["created_ts"],
                   give_up_ts=row["give_up_ts"])


def _error(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return {"code": "text", "params": {"text": text}, "text": text}
    return found if isinstance(found, dict) else None


def _listed(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "kind": row["kind"], "channel": row["channel"],
            "to": json.loads(row["recipients"]), "subject": row["subject"],
            "state": row["state"], "tries": row["tries"], "created_ts": row["created_ts"],
            "due_ts": row["due_ts"] if row["state"] == "pending" else None,
            "give_up_ts": row["give_up_ts"], "sent_ts": row["sent_ts"],
            "error": _error(row["last_error"])}


def read_state(path: Path | str) -> dict[str, Any]:
    """The outbox as the System page and `GET /api/notifications` show it: pending and
    failed messages (each with its last failure), the last sent ones, and the missed
    calls waiting for their batch. Read-only; no file yet: an empty outbox."""
    path = Path(path)
    empty: dict[str, Any] = {"pending": [], "failed": [], "sent": [], "missed_waiting": 0}
    if not path.exists():
        return empty
    uri = f"file:{path}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        db.row_factory = sqlite3.Row
        try:
            out = {state: [_with_attempts(db, r) for r in db.execute(
                       "SELECT * FROM messages WHERE state = ? ORDER BY id DESC LIMIT ?",
                       (state, MAX_LISTED))]
                   for state in ("pending", "failed", "sent")}
            out["missed_waiting"] = db.execute("SELECT COUNT(*) FROM missed").fetchone()[0]
        except sqlite3.OperationalError:  # the box has not made its tables yet
            return empty
    return out


def read_backlog(path: Path | str) -> dict[str, Any]:
    """The notices that failed and wait (the dashboard's warning): {"count", "retrying"
    (pending after at least one failed try), "given_up" (failed: only the owner's retry
    sends them now), "oldest_ts" (when the oldest of them was made, or None)}. One
    cheap read-only query; no file yet: none."""
    found: dict[str, Any] = {"count": 0, "retrying": 0, "given_up": 0, "oldest_ts": None}
    path = Path(path)
    if not path.exists():
        return found
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            row = db.execute(
                "SELECT SUM(state = 'pending'), SUM(state = 'failed'), MIN(created_ts) "
                "FROM messages WHERE state = 'failed' OR (state = 'pending' AND tries > 0)"
            ).fetchone()
        except sqlite3.OperationalError:  # the box has not made its tables yet
            return found
    retrying, given_up = int(row[0] or 0), int(row[1] or 0)
    return {"count": retrying + given_up, "retrying": retrying, "given_up": given_up,
            "oldest_ts": row[2]}


def _with_attempts(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    listed = _listed(row)
    if row["state"] != "sent":
        listed["attempts"] = [{"at_ts": a["at_ts"], "error": _error(a["error"])}
                              for a in db.execute("SELECT * FROM attempts WHERE message_id = ? "
                                                  "ORDER BY at_ts DESC LIMIT 10", (row["id"],))]
    return listed
