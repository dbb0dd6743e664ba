"""AtomicJSONStorage: whole-file replacement, empty when missing, readable UTF-8."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage, MemoryStorage
from tinydb.table import Document

from firmware.config import storage as storage_mod
from firmware.config.storage import AtomicJSONStorage, write_atomically


@pytest.fixture
def db(tmp_path: Path, storage_kind: str):
    if storage_kind == "memory":
        database = TinyDB(storage=MemoryStorage)
    else:
        database = TinyDB(tmp_path / "db.json", storage=AtomicJSONStorage)
    yield database
    database.close()


def test_tinydb_works_on_either_storage(db: TinyDB) -> None:
    staff = db.table("staff")
    staff.insert({"name": "张伟", "ext": "801"})
    staff.insert({"name": "David", "ext": "803"})
    staff.update({"ext": "802"}, Query().name == "David")
    assert sorted(d["ext"] for d in staff.all()) == ["801", "802"]
    staff.remove(Query().name == "张伟")
    assert [d["name"] for d in staff.all()] == ["David"]


def test_missing_file_reads_as_empty_db(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "nothing" / "db.json")
    assert storage.read() is None
    assert not (tmp_path / "nothing").exists()  # reading creates nothing
    assert TinyDB(storage=lambda: storage).tables() == set()


def test_write_creates_dir_and_keeps_chinese_readable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "db.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"name": "王芳"}}})
    text = path.read_text(encoding="utf-8")
    assert "王芳" in text and "\\u" not in text
    assert storage.read() == {"t": {"1": {"name": "王芳"}}}
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temp file left


def test_shorter_write_leaves_no_tail(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "db.json")
    storage.write({"t": {"1": {"blob": "x" * 10000}}})
    storage.write({"t": {}})
    assert json.loads((tmp_path / "db.json").read_text()) == {"t": {}}


def test_corrupt_file_raises_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text('{"t": {"1": {"a": ')
    with pytest.raises(json.JSONDecodeError):
        AtomicJSONStorage(path).read()
    assert path.read_text() == '{"t": {"1": {"a": '


class Crash(BaseException):
    """Stands for the process dying at this point (power cut, kill -9)."""


def _crash_at_nth_fsync(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == n:
            raise Crash
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("crash_at", [1, 2])
def test_atomic_write_interrupted_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_at: int
) -> None:
    path = tmp_path / "db.json"
    old = {"t": {"1": {"blob": "old" * 5000}}}
    new = {"t": {"1": {"blob": "new"}}}
    AtomicJSONStorage(path).write(old)
    _crash_at_nth_fsync(monkeypatch, crash_at)  # 1: the temp file, 2: the directory
    with pytest.raises(Crash):
        AtomicJSONStorage(path).write(new)
    monkeypatch.undo()
    assert AtomicJSONStorage(path).read() == (old if crash_at == 1 else new)
    assert list(tmp_path.iterdir()) == [path]  # the temp file was cleaned up


def test_stock_json_storage_interrupted_is_torn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why we have our own storage: TinyDB's rewrites in place, then truncates."""
    path = tmp_path / "db.json"
    stock = JSONStorage(str(path))
    stock.write({"t": {"1": {"blob": "old" * 5000}}})
    _crash_at_nth_fsync(monkeypatch, 1)
    with pytest.raises(Crash):
        stock.write({"t": {"1": {"blob": "new"}}})
    monkeypatch.undo()
    stock.close()
    with pytest.raises(json.JSONDecodeError):
        json.loads(path.read_text())


def test_failed_replace_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    write_atomically(path, b"old")

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [path]


def test_stale_temp_files_are_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    stale = tmp_path / ".db.json.abc123.tmp"
    fresh = tmp_path / ".db.json.def456.tmp"
    other = tmp_path / ".other.json.abc.tmp"
    for f in (stale, fresh, other):
        f.write_text("{")
    old = time.time() - storage_mod.STALE_TEMP_AGE - 10
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    AtomicJSONStorage(path)
    assert not stale.exists()
    assert fresh.exists()  # may belong to a writer at work right now
    assert other.exists()  # not ours


def test_documents_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as first:
        first.table("config").insert(Document({"v": 1, "name": "李娜"}, doc_id=1))
    with TinyDB(path, storage=AtomicJSONStorage) as second:
        assert second.table("config").get(doc_id=1) == {"v": 1, "name": "李娜"}
