"""The call core's agent statistics and durable routing state (calls/agents.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from firmware.calls.agents import STATE_FILE, AgentBook, agent_of
from firmware.calls.controller import CallController
from firmware.cdr.records import CallEnd, CallStart
from firmware.cdr.store import CdrStore
from firmware.errors import SwitchboardError
from firmware.lines.model import Lines
from firmware.routing.stats import LastAnswer, SplitCounts, Turn
from tests.routing.helpers import example, sh

CALLER = "+8613800000000"


def test_rotation_split_and_availability_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    book = AgentBook(path)
    split = SplitCounts((("801", 60), ("group:b", 40)), (2, 1))
    book.count((Turn("sales", rotation=2), Turn("mix", split=split)))
    book.set_available("802", False)
    again = AgentBook(path).snapshot(sh(2, 10))
    assert again.rotation == {"sales": 2}
    assert again.split == {"mix": split}
    assert again.unavailable == frozenset({"802"})
    book.set_available("802", True)
    assert AgentBook(path).snapshot(sh(2, 10)).unavailable == frozenset()


def test_an_unreadable_state_file_is_set_aside_and_the_box_starts_fresh(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    path.write_text('{"rotation": {"sales": "two"}')
    book = AgentBook(path)
    assert book.snapshot(sh(2, 10)).rotation == {}
    assert (tmp_path / (STATE_FILE + ".bad")).exists() and not path.exists()
    book.count((Turn("sales", rotation=1),))
    assert AgentBook(path).snapshot(sh(2, 10)).rotation == {"sales": 1}


def test_answered_today_talking_and_idle_follow_the_calls() -> None:
    book = AgentBook()
    book.answered("801", CALLER, sh(2, 9))
    now = book.snapshot(sh(2, 9, 1))
    assert now.talking == frozenset({"801"}) and now.answered_today == {"801": 1}
    assert now.last_answered == {CALLER: LastAnswer("801", sh(2, 9))}
    book.hung_up("801", sh(2, 9, 5))
    book.answered("801", None, sh(2, 10))
    book.hung_up("801", sh(2, 10, 2))
    later = book.snapshot(sh(2, 11))
    assert later.talking == frozenset() and later.answered_today == {"801": 2}
    assert later.idle_since == {"801": sh(2, 10, 2)}
    assert book.snapshot(sh(3, 0, 0)).answered_today == {}  # a new day in the box's zone
    book.answered("801", None, sh(3, 8))
    assert book.snapshot(sh(3, 9)).answered_today == {"801": 1}


def test_rebuilt_from_the_call_records(tmp_path: Path) -> None:
    config = example()
    zhang = config.bound_number("zhang")
    assert zhang is not None
    with CdrStore(tmp_path / "records.sqlite3", preload_regions=False) as store:
        for start, by, caller in ((sh(1, 15), "802", CALLER), (sh(2, 9), zhang.number, CALLER),
                                  (sh(2, 9, 30), "801", "+8613811111111")):
            call = store.begin_call(CallStart("in", "gsm0", caller, "+8613800138000", start))
            store.end_call(call, CallEnd(start + timedelta(minutes=3), "answered", by))
        missed = store.begin_call(CallStart("in", "gsm0", CALLER, "x", sh(2, 9, 40)))
        store.end_call(missed, CallEnd(sh(2, 9, 41), "missed"))
        book = AgentBook()
        book.rebuild(store, config, sh(2, 10))
    stats = book.snapshot(sh(2, 10))
    assert stats.answered_today == {"zhang": 1, "801": 1}
    assert stats.last_answered[CALLER].agent == "zhang"
    assert stats.idle_since["802"] == sh(1, 15, 3)
    assert stats.talking == frozenset()


def test_agent_of_a_record() -> None:
    config = example()
    assert agent_of(config, "801") == "801"
    assert agent_of(config, "+8613912345678") == "zhang"
    assert agent_of(config, "+862161234567") == "+862161234567"
    assert agent_of(config, "") == ""


def test_controller_api_for_availability() -> None:
    config = example()
    core = CallController(None, None, Lines(), lambda: config, None, None)  # type: ignore[arg-type]
    core.set_available("804", False)
    available = core.availability()
    assert available["804"] is False and available["801"] is True and available["zhang"]


def test_unavailable_by_choice_keeps_since_when_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    book = AgentBook(path)
    book.set_available("802", False, sh(2, 10))
    book.set_available("802", False, sh(2, 11))  # again: still since 10:00
    assert AgentBook(path).since("802") == sh(2, 10)
    assert AgentBook(path).since("801") is None
    book.set_available("802", True, sh(2, 12))
    again = AgentBook(path)
    assert again.since("802") is None and again.is_available("802")
    book.set_available("803", False)  # no time known (a caller without a clock)
    assert AgentBook(path).since("803") is None and not AgentBook(path).is_available("803")


def test_an_older_state_file_without_times_still_reads(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    path.write_text('{"rotation": {}, "split": {}, "unavailable": ["804"]}', "utf-8")
    book = AgentBook(path)
    assert not book.is_available("804") and book.since("804") is None


def test_the_controller_says_since_when_an_agent_is_unavailable() -> None:
    config = example()

    class Clock:
        def now(self):
            return sh(2, 9)

    core = CallController(None, None, Lines(), lambda: config, None, Clock())  # type: ignore[arg-type]
    core.set_available("804", False)
    assert core.unavailable_since() == {"804": sh(2, 9).isoformat()}
    core.set_available("804", True)
    assert core.unavailable_since() == {}


def test_rebuilt_by_agent_id_and_normalised_caller(tmp_path: Path) -> None:
    """A bound number whose number changed keeps its answered calls (the record names its
    id); a caller recorded in national form is a returning caller in E.164."""
    config = example()
    with CdrStore(tmp_path / "records.sqlite3", preload_regions=False) as store:
        for start, by, agent_id in ((sh(2, 8), "+8613000000000", "zhang"),
                                    (sh(2, 9), "801", "801")):
            call = store.begin_call(CallStart("in", "gsm0", "13588888888", "x", start))
            store.end_call(call, CallEnd(start + timedelta(minutes=3), "answered", by,
                                         agent_id=agent_id))
        book = AgentBook()
        book.rebuild(store, config, sh(2, 10))
    stats = book.snapshot(sh(2, 10))
    assert stats.answered_today == {"zhang": 1, "801": 1}
    assert stats.last_answered["+8613588888888"].agent == "801"


def test_the_state_op_reads_without_advancing() -> None:
    config = example()

    class Clock:
        def now(self):
            return sh(2, 9)

    core = CallController(None, None, Lines(), lambda: config, None, Clock())  # type: ignore[arg-type]
    core.agents.count((Turn("sales", rotation=2),))
    core.set_available("804", False)
    core.agents.answered("801", "+8613588888888", sh(2, 8))
    first = core.state_op({"at": sh(2, 9, 30).isoformat()})
    again = core.state_op({})
    assert first["stats"] == again["stats"]
    assert first["stats"]["rotation"] == {"sales": 2}
    assert first["stats"]["unavailable"] == ["804"]
    assert first["stats"]["answered_today"] == {"801": 1}
    assert core.state_op({"at": sh(3, 9).isoformat()})["stats"]["answered_today"] == {}
    assert core.agents.rotation == {"sales": 2}
    for bad in ({"at": "tomorrow"}, {"at": "2026-06-02T09:00"}, {"at": 5}):
        with pytest.raises(SwitchboardError, match=r"agents\.state"):
            core.state_op(bad)
