"""Factory reset of the call records (firmware/reset.py): every ended call goes.

`clear_records(path)` deletes every ended call, its legs and the notices of reached caps
already sent (`once:` keys in `meta`), so this month's usage (the caps' counters) starts
again from zero; a call in progress keeps its row, so its end is still written. Then it
VACUUMs, so nothing of the deleted calls stays in the file's free pages, and truncates
the WAL. It opens a connection of its own: the box runs it in a worker thread, off its
event loop, while its writer's connection (same process, SQLite's busy timeout) waits.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from firmware.cdr.records import IN_PROGRESS
from firmware.cdr.store import BUSY_TIMEOUT_S, WriteFailed

log = logging.getLogger(__name__)


def clear_records(path: Path) -> int:
    """Clear the records at `path` (see the module docstring); the calls removed."""
    db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        removed = _delete(db)
        _compact(db, path)
    except sqlite3.Error as exc:
        raise WriteFailed(f"call records {path}: cannot clear: {exc}") from exc
    finally:
        db.close()
    log.warning("call records %s: %d calls removed (factory reset)", path, removed)
    return removed


def _delete(db: sqlite3.Connection) -> int:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("DELETE FROM legs WHERE call_id IN (SELECT id FROM calls WHERE result != ?)",
                   (IN_PROGRESS,))
        removed = db.execute("DELETE FROM calls WHERE result != ?", (IN_PROGRESS,)).rowcount
        db.execute("DELETE FROM meta WHERE key LIKE 'once:%'")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return removed


def _compact(db: sqlite3.Connection, path: Path) -> None:
    try:
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:  # a reader holds the file: the pages stay free
        log.warning("call records %s: not compacted after the reset: %s", path, exc)
