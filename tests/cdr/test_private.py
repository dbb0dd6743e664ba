"""The call records hold callers' numbers: readable by the box's user only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from firmware.cdr.store import CdrStore
from tests.cdr.helpers import T0, start


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_files_are_private(db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with CdrStore(db_path, preload_regions=False) as store:
            store.begin_call(start("13588888888", T0, call_id="a"))
            companions = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
            assert all(p.exists() for p in companions)
            for path in (db_path, *companions, db_path.with_name(db_path.name + ".lock")):
                assert _mode(path) == 0o600, path
    finally:
        os.umask(old)


def test_an_existing_database_is_tightened_at_open(db_path: Path) -> None:
    with CdrStore(db_path, preload_regions=False) as store:
        store.begin_call(start("13588888888", T0, call_id="a"))
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"")  # as an older box left them: readable by everyone
    for path in (db_path, wal):
        os.chmod(path, 0o644)
    with CdrStore(db_path, preload_regions=False) as store:
        assert store.call("a").caller == "13588888888"
        for path in (db_path, wal):
            assert _mode(path) == 0o600, path
