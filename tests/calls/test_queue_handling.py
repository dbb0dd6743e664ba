"""The queue's handling-time average survives a restart (issue 12): the book counts each
answered leg of a group as the records keep it, and a new box reads the same legs back
(calls/hold_queue.py `seed_from_records`, cdr/handling.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from firmware.calls import queue_call
from firmware.calls.hold_queue import (
    DEFAULT_HANDLE_S,
    HANDLED_KEPT,
    expected_wait_s,
    queue_book,
    seed_from_records,
)
from firmware.cdr.handling import newest_per_group, recent_talk_times
from firmware.cdr.records import CallStart, LegRecord
from firmware.cdr.store import CdrStore
from tests.calls.ivr_rig import IvrRig
from tests.calls.queue_rig import queue_office
from tests.calls.rig import until
from tests.routing.helpers import sh

A, B = "+8613588880001", "+8613588880002"


@pytest.fixture(autouse=True)
def _quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_call, "POLL_S", 0.02)


class LoopClock:
    """The box's clock as the box has it: monotonic is the event loop's time (the legs'
    answer times are loop times), and wall time moves with it."""

    def __init__(self) -> None:
        self.start_wall, self.start_mono = sh(3, 10), None

    def monotonic(self) -> float:
        now = asyncio.get_running_loop().time()
        if self.start_mono is None:
            self.start_mono = now
        return now

    def now(self):
        return self.start_wall + timedelta(seconds=self.monotonic() - self.start_mono)


def _rig(tmp_path: Path) -> IvrRig:
    rig = IvrRig(tmp_path, queue_office(max_wait_s=60, announce_every_s=30), lines=2)
    rig.clock = rig.core.clock = LoopClock()
    return rig


async def _queued_call_talks(rig: IvrRig, caller: str, talk_s: float) -> None:
    """`caller` waits in queue "sales", 802 answers, they talk `talk_s`, 802 hangs up."""
    rig.ring_in("gsm0", caller)
    desk = await rig.answer_desk("fxs1")
    await asyncio.sleep(talk_s)
    await rig.hang_up_desk(desk)


def test_the_estimate_after_a_restart_is_the_one_before(tmp_path: Path) -> None:
    async def first_box() -> tuple[float, int]:
        rig = _rig(tmp_path)
        assert seed_from_records(rig.core) == 0
        assert queue_book(rig.core).handle_s("sales") == DEFAULT_HANDLE_S
        await _queued_call_talks(rig, A, 0.3)
        await _queued_call_talks(rig, B, 0.1)
        legs = [leg for call in rig.calls() for leg in call["legs"]
                if leg["outcome"] == "answered"]
        assert len(legs) == 2 and all(leg["talk_s"] >= 0.1 for leg in legs)
        book = queue_book(rig.core)
        # the running box counts exactly what the records keep
        kept = [row[0] for row in rig.cdr.connection.execute(
            "SELECT talk_s FROM legs WHERE outcome = 'answered' ORDER BY rowid")]
        assert list(book.handled["sales"]) == kept
        rig.close()
        return book.handle_s("sales"), expected_wait_s(3, 2, book.handle_s("sales"))

    async def second_box() -> tuple[float, int]:
        rig = _rig(tmp_path)  # the same records file: the box started again
        assert seed_from_records(rig.core) == 1
        handle = queue_book(rig.core).handle_s("sales")
        rig.close()
        return handle, expected_wait_s(3, 2, handle)

    before = asyncio.run(asyncio.wait_for(first_box(), 60))
    after = asyncio.run(asyncio.wait_for(second_box(), 60))
    assert after == before
    assert before[0] != DEFAULT_HANDLE_S


def test_a_caller_who_hangs_up_in_the_queue_changes_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = _rig(tmp_path)
        for port in ("fxs1", "fxs2"):
            rig.fxs[port].state = "offhook"
        leg = rig.ring_in("gsm0", A)
        await until(lambda: queue_book(rig.core).length("sales") == 1, "A waits")
        rig.gsm["gsm0"].end("normal", 16)
        await until(lambda: not rig.core.calls, "the call ends")
        assert leg.ended.done()
        assert queue_book(rig.core).handle_s("sales") == DEFAULT_HANDLE_S
        rig.close()
        again = _rig(tmp_path)
        assert seed_from_records(again.core) == 0
        again.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def _leg(group: str, talk_s: float, n: int, outcome: str = "answered") -> LegRecord:
    start = sh(3, 10) + timedelta(minutes=n)
    answered = start + timedelta(seconds=5) if outcome == "answered" else None
    end = (answered or start) + timedelta(seconds=talk_s)
    return LegRecord(target="802", target_kind="extension", started_at=start, ended_at=end,
                     outcome=outcome, answered_at=answered, group=group, agent="Desk 2",
                     agent_id="802")


def test_the_records_give_each_group_its_last_times_in_order(tmp_path: Path) -> None:
    with CdrStore(tmp_path / "records.sqlite3", preload_regions=False) as store:
        assert recent_talk_times(store, HANDLED_KEPT) == {}
        for n in range(HANDLED_KEPT + 5):
            call = store.begin_call(CallStart("in", "gsm0", A, "+8613900000001",
                                              sh(3, 10) + timedelta(minutes=n)))
            store.add_leg(call, _leg("sales", 10 + n, n))
            store.add_leg(call, _leg("support", 7, n, outcome="no_answer"))
            if n % 5 == 0:
                store.add_leg(call, _leg("support", 100 + n, n))
            store.add_leg(call, _leg("", 999, n))  # rung for no group: no queue's
        found = recent_talk_times(store, HANDLED_KEPT)
    assert set(found) == {"sales", "support"}
    assert found["sales"] == [float(10 + n) for n in range(5, HANDLED_KEPT + 5)]
    assert found["support"] == [100.0, 105.0, 110.0, 115.0, 120.0]


def test_the_read_is_bounded_and_keeps_the_newest() -> None:
    rows = [("sales", 3.0), ("sales", 2.0), ("sales", 1.0), ("desk", -1.0)]
    assert newest_per_group(rows, 2) == {"sales": [2.0, 3.0], "desk": [0.0]}


def test_unreadable_records_leave_the_default(tmp_path: Path) -> None:
    class Broken:
        is_empty = False

        @property
        def connection(self):
            raise RuntimeError("disk I/O error")

    class Core:
        cdr = Broken()

    core = Core()
    assert seed_from_records(core) == 0
    assert queue_book(core).handle_s("sales") == DEFAULT_HANDLE_S
