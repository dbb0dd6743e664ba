"""The call records database layout and its migrations.

The schema version lives in SQLite's `PRAGMA user_version`. `MIGRATIONS[n]`
turns a version-n database into version n+1; `migrate()` runs the missing
steps at open, each in its own transaction together with the new version
number, so a crash mid-migration leaves the old version intact. Version 0 is
an empty file. A database from newer firmware is refused, never rewritten.

To change the layout in a later issue: bump SCHEMA_VERSION and add a step,
e.g. `def _v3_to_v4(db): db.execute("ALTER TABLE calls ADD COLUMN vip INTEGER
NOT NULL DEFAULT 0")` with `MIGRATIONS[3] = _v3_to_v4`. A step that adds columns
checks that they are missing first.

Layout (v1; v2 adds `calls.end_reason`, `answered_at`, `answered_ts`): `calls` one
row per call, `legs` one row per leg (FK to calls, in the order written), `meta`
key/value (the box's timezone for readers, an open forwarding period). Every
time is stored twice: ISO-8601 UTC text (`*_at`, for people and exports) and
unix seconds (`*_ts`, for ranges and sorting). Indexes serve the web page's
search and the reports: time range first, then caller, callee, number, line,
result, answered_by; legs by time, target and agent. Word lists are checked
in Python (firmware/cdr/records.py), not in CHECK constraints, so a new word
needs no table rebuild.

v3 (agents are people with ids): `legs.agent_id` and `calls.agent_id` name the
agent by id (an extension number, a bound-number id; a plain outside number as
itself), `agent` keeps the display name the leg was rung under; `legs.ring_groups`
is a JSON array of every ring group the leg rang for, outer first (a nested group's
leg: ["sales", "sales-north"]); `ring_group` stays the outer one. Rows written
before v3 get what the migration can tell for sure: a leg rung for an agent at an
extension or a plain number has that as its id, `ring_groups` is [ring_group], and
a call's id is that of its answered leg (internal and outbound legs rang for nobody:
their id stays "", as their `agent` was).
Older mobile legs are matched to a bound number by the box at start, when it has
the config (`CdrStore.backfill_agent_ids`); see docs/records.md.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping

from firmware.errors import SwitchboardError

SCHEMA_VERSION = 3

Migration = Callable[[sqlite3.Connection], None]


class SchemaError(SwitchboardError, RuntimeError):
    """The records database has a version this firmware cannot use."""


_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE calls (
    serial      INTEGER PRIMARY KEY,      -- insertion order, stable across VACUUM
    id          TEXT NOT NULL UNIQUE,     -- the call controller's id
    direction   TEXT NOT NULL,            -- in, out, internal
    line        TEXT NOT NULL,
    caller      TEXT NOT NULL,            -- as the line gave it, '' if withheld
    callee      TEXT NOT NULL,
    e164        TEXT NOT NULL,            -- outside party: caller (in) / callee (out)
    region      TEXT NOT NULL,            -- e.g. 浙江省杭州市
    province    TEXT NOT NULL,
    city        TEXT NOT NULL,
    carrier     TEXT NOT NULL,
    number_kind TEXT NOT NULL,
    country     TEXT NOT NULL,
    route       TEXT NOT NULL DEFAULT '',
    started_at  TEXT NOT NULL,
    started_ts  REAL NOT NULL,
    ended_at    TEXT,
    ended_ts    REAL,
    result      TEXT NOT NULL,            -- in_progress until the call ends
    answered_by TEXT NOT NULL DEFAULT '',
    ring_s      REAL,
    talk_s      REAL,
    cause       TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX calls_started     ON calls (started_ts);
CREATE INDEX calls_caller      ON calls (caller, started_ts);
CREATE INDEX calls_callee      ON calls (callee, started_ts);
CREATE INDEX calls_e164        ON calls (e164, started_ts);
CREATE INDEX calls_line        ON calls (line, started_ts);
CREATE INDEX calls_result      ON calls (result, started_ts);
CREATE INDEX calls_answered_by ON calls (answered_by, started_ts);

CREATE TABLE legs (
    call_id     TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,         -- 1, 2, ... in the order written
    target      TEXT NOT NULL,
    target_kind TEXT NOT NULL,            -- extension, mobile, number
    agent       TEXT NOT NULL,
    ring_group  TEXT NOT NULL,
    line        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    started_ts  REAL NOT NULL,
    answered_at TEXT,
    answered_ts REAL,
    ended_at    TEXT NOT NULL,
    ended_ts    REAL NOT NULL,
    ring_s      REAL NOT NULL,
    talk_s      REAL NOT NULL,
    outcome     TEXT NOT NULL,
    cause       TEXT NOT NULL,
    PRIMARY KEY (call_id, seq)
) STRICT;

CREATE INDEX legs_started ON legs (started_ts);
CREATE INDEX legs_target  ON legs (target, started_ts);
CREATE INDEX legs_agent   ON legs (agent, started_ts);
"""


def _v0_to_v1(db: sqlite3.Connection) -> None:
    # One execute() per statement: executescript() would commit the migration's transaction.
    for statement in re.sub(r"--[^\n]*", "", _V1).split(";"):
        if statement.strip():
            db.execute(statement)


def _v1_to_v2(db: sqlite3.Connection) -> None:
    """Why a call ended (`end_reason`) and when it was answered (`answered_at`/`_ts`,
    written at the answer, so a call the box dies in keeps who took it). Calls a crash
    left interrupted ended with the box: "box_restart"; other v1 calls keep "" (not
    known)."""
    for column in ("end_reason TEXT NOT NULL DEFAULT ''", "answered_at TEXT",
                   "answered_ts REAL"):
        db.execute(f"ALTER TABLE calls ADD COLUMN {column}")
    db.execute("UPDATE calls SET end_reason = 'box_restart' WHERE result = 'interrupted'")


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _v2_to_v3(db: sqlite3.Connection) -> None:
    """Agent ids and every ring group of a leg (see the module docstring)."""
    legs, calls = _columns(db, "legs"), _columns(db, "calls")
    if "agent_id" not in legs:
        db.execute("ALTER TABLE legs ADD COLUMN agent_id TEXT NOT NULL DEFAULT ''")
        db.execute("UPDATE legs SET agent_id = target WHERE agent != ''"
                   " AND target_kind IN ('extension', 'number')")
    if "ring_groups" not in legs:
        db.execute("ALTER TABLE legs ADD COLUMN ring_groups TEXT NOT NULL DEFAULT '[]'")
        db.execute("UPDATE legs SET ring_groups = json_array(ring_group) WHERE ring_group != ''")
    if "agent_id" not in calls:
        db.execute("ALTER TABLE calls ADD COLUMN agent_id TEXT NOT NULL DEFAULT ''")
        db.execute("UPDATE calls SET agent_id = COALESCE((SELECT legs.agent_id FROM legs"
                   " WHERE legs.call_id = calls.id AND legs.outcome = 'answered'"
                   " AND legs.agent_id != '' ORDER BY seq LIMIT 1), '')"
                   " WHERE answered_by != ''")
    db.execute("CREATE INDEX IF NOT EXISTS legs_agent_id ON legs (agent_id, started_ts)")
    db.execute("CREATE INDEX IF NOT EXISTS calls_agent_id ON calls (agent_id, started_ts)")


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3}


def version_of(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Mapping[int, Migration] | None = None,
            target: int = SCHEMA_VERSION) -> int:
    """Bring `db` (autocommit connection) up to `target`; returns the version it had."""
    table = MIGRATIONS if migrations is None else migrations
    found = version = version_of(db)
    if version > target:
        raise SchemaError(f"call records are schema version {version}, newer than this "
                          f"firmware's {target}; refusing to touch them")
    while version < target:
        step = table.get(version)
        if step is None:
            raise SchemaError(f"no migration of the call records from version {version}")
        db.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        version += 1
    return found
