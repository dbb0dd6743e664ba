"""Property test: whatever the controller writes comes back the same, and as JSON.

Chinese text, odd and hostile numbers, any timezone, microseconds, NUL bytes.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.cdr.records import (
    DIRECTIONS,
    OUTCOMES,
    RESULTS,
    TARGET_KINDS,
    CallEnd,
    CallStart,
    LegRecord,
)
from firmware.cdr.store import CdrStore

times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                     timezones=st.timezones())
words = st.text(max_size=30) | st.sampled_from(["销售组", "王芳", "营业时间 > 销售组", ""])
numbers = st.none() | st.text(max_size=20) | st.text(
    alphabet="0123456789+-() #*＋０１２３４", max_size=20) | st.sampled_from(
    ["13588888888", "+862161234567", "anonymous", "+", "00", "0" * 40])
seconds = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def legs(draw: st.DrawFn) -> LegRecord:
    answered = draw(st.none() | times)
    return LegRecord(target=draw(numbers) or "", target_kind=draw(st.sampled_from(TARGET_KINDS)),
                     started_at=draw(times), ended_at=draw(times),
                     outcome=draw(st.sampled_from(OUTCOMES)), answered_at=answered,
                     line=draw(words), cause=draw(words), agent=draw(words), group=draw(words))


calls = st.tuples(
    st.builds(CallStart, direction=st.sampled_from(DIRECTIONS), line=words, caller=numbers,
              callee=numbers.map(lambda n: n or ""), started_at=times,
              call_id=st.none() | st.text(min_size=1, max_size=20)),
    words,
    st.lists(legs(), max_size=4),
    st.builds(CallEnd, ended_at=times, result=st.sampled_from(RESULTS), answered_by=words,
              ring_s=seconds, talk_s=seconds, cause=words),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CdrStore]:
    s = CdrStore(tmp_path / "records.sqlite3")
    yield s
    s.close()


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _norm(leg: LegRecord) -> LegRecord:
    """The same leg with its times in UTC (aware times in different zones compare oddly
    around DST folds)."""
    return dataclasses.replace(leg, started_at=_utc(leg.started_at),
                               ended_at=_utc(leg.ended_at), answered_at=_utc(leg.answered_at))


_serial = itertools.count()


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls)
def test_records_round_trip(store: CdrStore,
                            call: tuple[CallStart, str, list[LegRecord], CallEnd]) -> None:
    start, route, leg_list, end = call
    if start.call_id is not None:  # one store for all examples: keep given ids unique
        start = dataclasses.replace(start, call_id=f"{next(_serial)}:{start.call_id}")
    call_id = store.begin_call(start)
    store.set_route(call_id, route)
    for leg in leg_list:
        store.add_leg(call_id, leg)
    store.end_call(call_id, end)

    got = store.call(call_id)
    assert (got.direction, got.line, got.caller, got.callee, got.route) == (
        start.direction, start.line, start.caller or "", start.callee, route)
    assert (_utc(got.started_at), _utc(got.ended_at)) == (_utc(start.started_at),
                                                          _utc(end.ended_at))
    assert (got.result, got.answered_by, got.ring_s, got.talk_s, got.cause) == (
        end.result, end.answered_by, end.ring_s, end.talk_s, end.cause)
    assert [_norm(x) for x in got.legs] == [_norm(x) for x in leg_list]
    assert call_id in [c.id for c in store.calls(since=start.started_at, limit=None)]

    as_json = got.as_dict(store.tz)
    assert json.loads(json.dumps(as_json, ensure_ascii=False)) == as_json
    local = datetime.fromisoformat(as_json["started_at"])
    assert local.utcoffset() == start.started_at.astimezone(store.tz).utcoffset()
    assert local == datetime.fromisoformat(as_json["started_at_utc"])
    assert abs((local - start.started_at).total_seconds()) < 0.001
