"""Schema versions and the migration hook of the call records database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from firmware.cdr import schema
from firmware.cdr.schema import SCHEMA_VERSION, SchemaError, migrate, version_of
from firmware.cdr.store import CdrStore
from tests.cdr.helpers import scripted_call, write_scripted


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _add_vip(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE calls ADD COLUMN vip INTEGER NOT NULL DEFAULT 0")


def test_a_later_version_is_one_more_step(db_path: Path) -> None:
    with CdrStore(db_path) as s:
        write_scripted(s, scripted_call(3))
    db = _connect(db_path)
    try:
        steps = {**schema.MIGRATIONS, SCHEMA_VERSION: _add_vip}
        assert migrate(db, steps, target=SCHEMA_VERSION + 1) == SCHEMA_VERSION
        assert version_of(db) == SCHEMA_VERSION + 1
        assert db.execute("SELECT id, vip FROM calls").fetchall() == [("c3", 0)]
    finally:
        db.close()


def test_a_failed_step_leaves_the_old_version(db_path: Path) -> None:
    CdrStore(db_path).close()

    def half_then_fail(db: sqlite3.Connection) -> None:
        _add_vip(db)
        raise RuntimeError("power cut")

    db = _connect(db_path)
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            migrate(db, {SCHEMA_VERSION: half_then_fail}, target=SCHEMA_VERSION + 1)
        assert version_of(db) == SCHEMA_VERSION
        columns = [r[1] for r in db.execute("PRAGMA table_info(calls)")]
        assert "vip" not in columns
    finally:
        db.close()


def test_a_missing_step_is_an_error(tmp_path: Path) -> None:
    db = _connect(tmp_path / "x.sqlite3")
    try:
        with pytest.raises(SchemaError, match="from version 0"):
            migrate(db, {}, target=1)
    finally:
        db.close()


def test_records_from_newer_firmware_are_refused(db_path: Path) -> None:
    with CdrStore(db_path) as s:
        write_scripted(s, scripted_call(1))
    db = _connect(db_path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SchemaError, match="newer"):
        CdrStore(db_path)
    with pytest.raises(SchemaError, match=f"version {SCHEMA_VERSION + 1}"):
        CdrStore(db_path, readonly=True)
    with pytest.raises(SchemaError, match="newer"):  # not StoreBusy: the refusal let go
        CdrStore(db_path)


def test_a_reader_of_a_file_not_yet_set_up_sees_no_calls(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    _connect(path).close()
    path.write_bytes(b"")  # created by a writer that has not committed its schema yet
    with CdrStore(path, readonly=True) as reader:
        assert reader.calls() == [] and reader.count() == 0
        assert str(reader.tz) == "Asia/Shanghai"


def test_a_corrupt_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        CdrStore(path, readonly=True)
    for _ in range(2):  # the second open is refused for the same reason, not as busy
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            CdrStore(path)
