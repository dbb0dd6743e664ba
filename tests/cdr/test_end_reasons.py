"""Schema v2 of the call records: why a call ended (`end_reason`), when it was answered
(written at the answer, so a call the box dies in keeps who took it), forwarding
periods, and the migration of v1 records."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from firmware.cdr import schema
from firmware.cdr.cli import table
from firmware.cdr.records import END_REASONS, RecordError
from firmware.cdr.reports import report
from firmware.cdr.schema import migrate, version_of
from firmware.cdr.store import CdrStore
from tests.cdr.helpers import T0, end, start


@pytest.mark.parametrize("word", END_REASONS)
def test_each_end_reason_round_trips(store: CdrStore, word: str) -> None:
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(minutes=1), end_reason=word))
    assert store.call(call_id).end_reason == word
    assert store.call(call_id).as_dict(store.tz)["end_reason"] == word


def test_an_unknown_end_reason_is_refused() -> None:
    with pytest.raises(RecordError, match="end_reason 'hung up'"):
        end(T0, end_reason="hung up")


def test_a_call_the_box_died_in_after_the_answer_stays_answered(db_path: Path) -> None:
    with CdrStore(db_path) as s:
        talking = s.begin_call(start(call_id="talking"))
        s.set_answered(talking, "802", T0 + timedelta(seconds=12))
        s.begin_call(start(call_id="ringing"))
    with CdrStore(db_path) as s:
        assert s.recovered == ["talking", "ringing"]
        got = s.call("talking")
        assert (got.result, got.end_reason, got.answered_by, got.ring_s) == (
            "answered", "box_restart", "802", 12.0)
        assert got.ended_at is None and got.talk_s is None  # when it ended is not known
        assert got.answered_at == T0 + timedelta(seconds=12)
        got = s.call("ringing")
        assert (got.result, got.end_reason, got.answered_by) == (
            "interrupted", "box_restart", "")


def test_a_forwarding_period_is_forwarded_from_its_start_and_ends_once(store: CdrStore) -> None:
    period = store.begin_call(start(caller=None), result="forwarded")
    assert store.call(period).result == "forwarded" and store.call(period).ended_at is None
    store.end_period(period, T0 + timedelta(hours=15), "office open")
    got = store.call(period)
    assert (got.result, got.cause, got.end_reason) == ("forwarded", "office open", "normal")
    assert got.ended_at == T0 + timedelta(hours=15)
    with pytest.raises(RecordError, match="not an open forwarding period"):
        store.end_period(period, T0 + timedelta(hours=16), "again")
    call_id = store.begin_call(start())
    with pytest.raises(RecordError, match="not an open forwarding period"):
        store.end_period(call_id, T0, "a call is not a period")
    with pytest.raises(RecordError, match="begins in_progress or forwarded"):
        store.begin_call(start(), result="answered")


def test_an_open_period_is_not_recovered_as_interrupted(db_path: Path) -> None:
    with CdrStore(db_path) as s:
        period = s.begin_call(start(caller=None), result="forwarded")
    with CdrStore(db_path) as s:
        assert s.recovered == [] and s.call(period).result == "forwarded"


def test_forwarding_periods_are_not_counted_as_inbound_calls(store: CdrStore) -> None:
    store.begin_call(start(caller=None), result="forwarded")
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(minutes=2), talk_s=60.0))
    assert store.usage_since(T0 - timedelta(days=1))["gsm1"]["inbound_calls"] == 1


def test_forwarding_periods_are_not_calls_in_the_report(store: CdrStore) -> None:
    store.begin_call(start(caller=None), result="forwarded")
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(minutes=2), talk_s=60.0))
    total = report(store, T0 - timedelta(days=1), T0 + timedelta(days=1))["total"]
    assert (total["calls"], total["answered"], total["other"]) == (1, 1, 0)


def test_meta_values_are_kept_and_forgotten(db_path: Path) -> None:
    with CdrStore(db_path) as s:
        assert s.meta("forwarding:gsm0") is None
        s.set_meta("forwarding:gsm0", '{"to": "+8613800000103"}')
    with CdrStore(db_path) as s:
        assert s.meta("forwarding:gsm0") == '{"to": "+8613800000103"}'
        s.set_meta("forwarding:gsm0", None)
        assert s.meta("forwarding:gsm0") is None


def test_v1_records_migrate_to_the_current_version(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db = sqlite3.connect(db_path, isolation_level=None)
    migrate(db, schema.MIGRATIONS, target=1)
    for i, result in enumerate(("answered", "interrupted")):
        db.execute("INSERT INTO calls (id, direction, line, caller, callee, e164, region,"
                   " province, city, carrier, number_kind, country, started_at, started_ts,"
                   " result) VALUES (?, 'in', 'gsm0', '', '', '', '', '', '', '', 'withheld',"
                   " '', ?, ?, ?)", (f"v1-{i}", T0.isoformat(), T0.timestamp(), result))
    db.close()
    with CdrStore(db_path) as s:
        assert version_of(s.connection) == schema.SCHEMA_VERSION == 3
        old, crashed = s.call("v1-0"), s.call("v1-1")
        assert (old.result, old.end_reason, old.answered_at) == ("answered", "", None)
        assert (crashed.result, crashed.end_reason) == ("interrupted", "box_restart")


def test_the_table_says_why_each_call_ended(store: CdrStore) -> None:
    call_id = store.begin_call(start())
    store.end_call(call_id, end(T0 + timedelta(minutes=1), end_reason="far_end"))
    period = store.begin_call(start(caller=None), result="forwarded")
    store.end_period(period, T0 + timedelta(hours=1), "office open")
    header, answered, forwarded = table(store.calls(newest_first=False), store.tz).splitlines()[:3]
    assert "ENDED" in header and "far end" in answered
    assert "(withheld)" not in forwarded and "forwarded" in forwarded
