"""CdrStore: the database it creates, the controller's write API, recovery, queries."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from firmware.cdr.records import CallEnd, CallStart, LegRecord, RecordError, UnknownCall
from firmware.cdr.region import Region
from firmware.cdr.schema import SCHEMA_VERSION
from firmware.cdr.store import CdrStore, NoRecords, StoreBusy
from tests.cdr.helpers import T0, end, leg, scripted_call, start, write_scripted

# --- the database ------------------------------------------------------------------


def test_opens_in_wal_with_full_sync_and_foreign_keys(store: CdrStore, db_path: Path) -> None:
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    other = sqlite3.connect(db_path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in other.execute("SELECT name FROM sqlite_master")}
    finally:
        other.close()
    assert {"calls", "legs", "meta", "calls_started", "calls_caller", "calls_line",
            "calls_result", "calls_answered_by", "legs_agent"} <= names


def test_only_the_end_of_a_call_waits_for_the_disk(store: CdrStore) -> None:
    """begin, route and legs commit without fsync (the first ring must not wait for an
    SD card); the end of the call commits with synchronous=FULL, and so the rest too."""
    levels: list[tuple[str, int]] = []
    store._db.set_trace_callback(lambda sql: levels.append(
        (sql.split()[0], store._db.execute("PRAGMA synchronous").fetchone()[0]))
        if sql.startswith(("INSERT", "UPDATE")) else None)
    call = scripted_call(4, "sync-")
    try:
        write_scripted(store, call)
    finally:
        store._db.set_trace_callback(None)
    assert levels[0] == ("INSERT", 1) and levels[1] == ("UPDATE", 1)  # begin, route: NORMAL
    assert all(level == 1 for kind, level in levels[2:-1])  # the legs
    assert levels[-1] == ("UPDATE", 2)  # end_call: FULL
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2


@pytest.mark.parametrize(("where", "index"), [
    ("started_ts >= ?", "calls_started"),
    ("line = ? AND started_ts >= ?", "calls_line"),
    ("result = ? AND started_ts >= ?", "calls_result"),
    ("answered_by = ? AND started_ts >= ?", "calls_answered_by"),
    ("caller = ?", "calls_caller"),
])
def test_searches_use_an_index(store: CdrStore, where: str, index: str) -> None:
    params = [0] * where.count("?")
    plan = " ".join(r[3] for r in store._db.execute(
        f"EXPLAIN QUERY PLAN SELECT * FROM calls WHERE {where} ORDER BY started_ts", params))
    assert f"USING INDEX {index}" in plan


def test_the_data_dir_is_created(tmp_path: Path) -> None:
    with CdrStore(tmp_path / "a" / "b" / "records.sqlite3") as s:
        assert s.calls() == []
    assert (tmp_path / "a" / "b" / "records.sqlite3").exists()


def test_a_second_writer_is_refused_naming_the_holder(store: CdrStore, db_path: Path) -> None:
    with pytest.raises(StoreBusy, match=f"pid {os.getpid()}"):
        CdrStore(db_path)
    store.close()
    CdrStore(db_path).close()


# --- writing -----------------------------------------------------------------------


def test_a_call_is_visible_to_readers_from_its_first_write(store: CdrStore,
                                                           db_path: Path) -> None:
    call_id = store.begin_call(start())
    with CdrStore(db_path, readonly=True) as reader:
        seen = reader.call(call_id)
        assert (seen.result, seen.ended_at, seen.legs) == ("in_progress", None, [])
        store.add_leg(call_id, leg())
        assert len(reader.call(call_id).legs) == 1


def test_a_whole_call_round_trips(store: CdrStore) -> None:
    call = scripted_call(4)
    call_id = write_scripted(store, call)
    got = store.call(call_id)
    assert call_id == "c4"
    assert (got.direction, got.line, got.caller, got.route) == (
        "in", "gsm1", call.start.caller, call.route)
    assert got.started_at == call.start.started_at and got.ended_at == call.end.ended_at
    assert got.legs == call.legs
    assert (got.result, got.answered_by, got.ring_s, got.talk_s, got.cause) == (
        "answered", "员工", 5.0, 34.0, "正常")


def test_generated_ids_are_unique_and_readable(store: CdrStore) -> None:
    ids = {store.begin_call(start()) for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"20240501-090000-[0-9a-f]{6}", i) for i in ids)


def test_a_duplicate_call_id_is_refused(store: CdrStore) -> None:
    store.begin_call(start(call_id="x1"))
    with pytest.raises(RecordError, match="x1"):
        store.begin_call(start(call_id="x1"))


def test_legs_are_numbered_in_the_order_written(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    seqs = [store.add_leg(call_id, leg(t)) for t in ("801", "802", "13900000000")]
    assert seqs == [1, 2, 3]
    assert [x.target for x in store.call(call_id).legs] == ["801", "802", "13900000000"]


def test_leg_ring_and_talk_time() -> None:
    one = leg(ring=7.5, talk=61.25)
    assert (one.ring_s, one.talk_s) == (7.5, 61.25)
    missed = leg(ring=20.0)
    assert (missed.ring_s, missed.talk_s) == (20.0, 0.0)
    stepped = LegRecord("801", "extension", T0, T0 - timedelta(seconds=3), "failed")
    assert (stepped.ring_s, stepped.talk_s) == (0.0, 0.0)  # NTP stepped the clock back


def test_legs_may_be_written_after_the_call_ended(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(seconds=30), answered_by="801"))
    store.add_leg(call_id, leg("802", outcome="cancelled"))
    assert [x.outcome for x in store.call(call_id).legs] == ["cancelled"]


def test_a_leg_taken_by_a_vip_call_is_kept_as_preempted_with_its_cause(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    store.add_leg(call_id, leg("801", outcome="preempted", cause="taken by a VIP call"))
    got = store.call(call_id).legs
    assert [(x.outcome, x.cause) for x in got] == [("preempted", "taken by a VIP call")]


def test_unknown_calls_are_refused(store: CdrStore) -> None:
    for write in (lambda: store.add_leg("nope", leg()), lambda: store.set_route("nope", "x"),
                  lambda: store.end_call("nope", end(T0)), lambda: store.call("nope")):
        with pytest.raises(UnknownCall, match="nope"):
            write()
    assert store.calls() == []


def test_a_call_ends_once(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(seconds=5), "missed"))
    with pytest.raises(RecordError, match="already ended"):
        store.end_call(call_id, end(T0 + timedelta(seconds=9)))
    assert store.call(call_id).result == "missed"


def test_the_route_is_replaced(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    store.set_route(call_id, "问候")
    store.set_route(call_id, "问候 > 销售组 > 语音信箱")
    assert store.call(call_id).route == "问候 > 销售组 > 语音信箱"


def test_region_is_the_outside_party(store: CdrStore) -> None:
    inbound = store.call(store.begin_call(start("13588888888")))
    outbound = store.call(store.begin_call(
        start("801", direction="out", callee="02161234567")))
    internal = store.call(store.begin_call(start("801", direction="internal", callee="802")))
    withheld = store.call(store.begin_call(start(None)))
    given = store.call(store.begin_call(start("123", region=Region(province="浙江省"))))
    assert (inbound.region.region_text, inbound.region.carrier) == ("浙江省杭州市", "中国移动")
    assert outbound.region.region_text == "上海市"
    assert internal.region.kind == "extension"
    assert (withheld.caller, withheld.region.kind) == ("", "withheld")
    assert given.region.province == "浙江省"


@pytest.mark.parametrize("build", [
    lambda: start(direction="sideways"),
    lambda: start(at=datetime(2024, 5, 1, 9, 0)),
    lambda: start(call_id=""),
    lambda: leg(target_kind="fax"),
    lambda: leg(outcome="hung"),
    lambda: LegRecord("801", "extension", T0, datetime(2024, 5, 1), "busy"),
    lambda: end(T0, "maybe"),
    lambda: end(T0, ring_s=-1.0),
    lambda: end(T0, talk_s="long"),
])
def test_bad_values_are_refused_when_built(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordError):
        build()


def test_writes_on_a_reader_are_refused(store: CdrStore, db_path: Path) -> None:
    with CdrStore(db_path, readonly=True) as reader, pytest.raises(RecordError, match="read-only"):
        reader.begin_call(start())


def test_a_reader_needs_the_file(tmp_path: Path) -> None:
    with pytest.raises(NoRecords, match=r"records\.sqlite3"):
        CdrStore(tmp_path / "records.sqlite3", readonly=True)


# --- recovery after a crash ------------------------------------------------------


def test_calls_left_in_progress_become_interrupted(db_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    with CdrStore(db_path) as s:
        done = write_scripted(s, scripted_call(0))
        half = s.begin_call(start(call_id="half"))
        s.add_leg(half, leg())
    with caplog.at_level(logging.WARNING), CdrStore(db_path) as s:
        assert s.recovered == ["half"]
        got = s.call("half")
        assert (got.result, got.ended_at, got.ring_s, len(got.legs)) == (
            "interrupted", None, None, 1)
        assert "stopped" in got.cause
        assert s.call(done).result == "answered"
    assert "half" in caplog.text and "interrupted" in caplog.text
    with CdrStore(db_path) as s:
        assert s.recovered == []


# --- queries -------------------------------------------------------------------------


@pytest.fixture
def day(store: CdrStore) -> CdrStore:
    """Twelve scripted calls, one a minute from 09:00."""
    for i in range(12):
        write_scripted(store, scripted_call(i))
    return store


def test_calls_are_newest_first_unless_told(day: CdrStore) -> None:
    assert [c.id for c in day.calls(limit=3)] == ["c11", "c10", "c9"]
    assert [c.id for c in day.calls(limit=3, newest_first=False)] == ["c0", "c1", "c2"]
    assert [c.id for c in day.calls(limit=2, offset=2)] == ["c9", "c8"]
    assert len(day.calls(limit=None)) == 12


def test_time_range_is_since_inclusive_until_exclusive(day: CdrStore) -> None:
    since, until = T0 + timedelta(minutes=3), T0 + timedelta(minutes=6)
    assert [c.id for c in day.calls(since, until, newest_first=False)] == ["c3", "c4", "c5"]
    utc = since.astimezone(UTC)
    assert day.count(since=utc) == 9
    with pytest.raises(RecordError, match="aware"):
        day.calls(since=datetime(2024, 5, 1))


def test_filters(day: CdrStore) -> None:
    assert day.count(number="+8613588888888") == 2  # c0, c6 called from 13588888888
    assert day.count(number="021 6123 4567") == 2  # stored as +862161234567
    assert day.count(number="95588") == 2
    assert day.count(result="missed") == 6
    assert day.count(result=["missed", "answered"]) == 12
    assert day.count(answered_by="员工") == 6
    assert day.count(line="gsm1") == 12 and day.count(line="gsm2") == 0
    assert day.count(direction="out") == 0
    assert day.count(province="北京市") == 2
    assert [c.id for c in day.calls(result="answered", number="13588888888")] == ["c6", "c0"]


def test_legs_come_with_their_calls(day: CdrStore) -> None:
    for c in day.calls(limit=None):
        assert c.legs == scripted_call(int(c.id[1:])).legs


def test_json_form_shows_local_and_utc_times(day: CdrStore) -> None:
    d = day.call("c2").as_dict(day.tz)
    assert d["started_at"] == "2024-05-01T09:02:00.000+08:00"
    assert d["started_at_utc"] == "2024-05-01T01:02:00.000+00:00"
    assert (d["region"], d["province"], d["city"]) == ("北京市", "北京市", "北京市")
    assert d["legs"][0]["ended_at"] is not None and "legs" not in d["legs"][0]


def test_timezone_is_kept_for_readers(db_path: Path) -> None:
    with CdrStore(db_path, timezone="Europe/Berlin") as s:
        write_scripted(s, scripted_call(1))
        with CdrStore(db_path, readonly=True) as reader:
            assert str(reader.tz) == "Europe/Berlin"
            assert reader.call("c1").as_dict(reader.tz)["started_at"].endswith("+02:00")
        s.set_timezone("Asia/Shanghai")
    with CdrStore(db_path, readonly=True) as reader:
        assert str(reader.tz) == "Asia/Shanghai"
    with pytest.raises(RecordError, match="Mars/Olympus"):
        CdrStore(db_path, timezone="Mars/Olympus")


def test_call_start_keeps_microseconds(store: CdrStore) -> None:
    at = T0 + timedelta(microseconds=123456)
    call_id = store.begin_call(CallStart("in", "fxo1", "13588888888", "", at))
    store.end_call(call_id, CallEnd(at + timedelta(seconds=1), "abandoned"))
    got = store.call(call_id)
    assert got.started_at == at and got.ended_at == at + timedelta(seconds=1)
