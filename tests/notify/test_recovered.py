"""Missed-call notices for the calls a crash left open (issue 12, firmware/notify/
recovered.py): a call nobody answered before the box died is told at the next start,
batched with the others, once; never one a member answered, never twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from firmware.cdr.records import CallEnd, CallStart
from firmware.cdr.store import CdrStore
from firmware.notify.outbox import MissedCall
from firmware.notify.recovered import tell_recovered
from firmware.notify.texts import missed_email
from tests.notify.helpers import START, Rig, finished, run, settle, until

OWNER = "+8613800000999"
RINGING, TAKEN, WITHHELD_CALLER = "+8613588880001", "+8613588880002", ""
SMS = {"sms_numbers": [OWNER], "missed_calls": {"sms": True}, "batch_seconds": 30}


def _records(tmp: Path) -> CdrStore:
    return CdrStore(tmp / "records.sqlite3", preload_regions=False)


def _begin(store: CdrStore, caller: str, at_s: float, direction: str = "in") -> str:
    return store.begin_call(CallStart(direction, "gsm0", caller, "+8613900000001",
                                      START + timedelta(seconds=at_s)))


def _crash_with_calls(tmp: Path) -> dict[str, str]:
    """Calls in progress when the box "dies" (the store is closed with them open)."""
    store = _records(tmp)
    ids = {"ringing": _begin(store, RINGING, 10), "withheld": _begin(store, WITHHELD_CALLER, 12),
           "taken": _begin(store, TAKEN, 14), "out": _begin(store, RINGING, 16, "out")}
    store.set_answered(ids["taken"], "801", START + timedelta(seconds=20))
    store.close()
    return ids


async def _first_start(rig: Rig) -> None:
    """The box's first start: the outbox begins to remember what it told."""
    await rig.start()
    await rig.stop()


def test_a_ringing_call_at_a_crash_is_told_once_at_the_next_start(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, SMS)
        await _first_start(rig)
        ids = _crash_with_calls(tmp_path)
        rig.clock.advance(120)
        store = _records(tmp_path)  # the next start: the records close the open calls
        assert sorted(store.recovered) == sorted(ids.values())
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 2  # ringing and withheld
        assert rig.state()["missed_waiting"] == 2
        await rig.advance(10)
        assert rig.sms.sent == []  # batched: the window runs from this start
        await rig.advance(25)
        await until(lambda: rig.sms.sent, "the owner's SMS")
        [(number, text)] = rig.sms.sent
        assert number == OWNER
        assert text.startswith("[测试公司] 未接来电2个：")
        assert RINGING in text and "隐藏号码" in text and TAKEN not in text
        await rig.stop()
        store.close()

        for _ in range(2):  # and the starts after tell nothing again
            store = _records(tmp_path)
            assert store.recovered == []
            notifier = await rig.start()
            assert await tell_recovered(notifier, store) == 0
            await rig.advance(60)
            await settle()
            assert len(rig.sms.sent) == 1
            await rig.stop()
            store.close()

    run(scenario)


def test_a_crash_before_the_notice_was_kept_tells_it_at_the_start_after(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, SMS)
        await _first_start(rig)
        _crash_with_calls(tmp_path)
        _records(tmp_path).close()  # recovered, then the box died before telling
        store = _records(tmp_path)
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 2
        await rig.stop()  # dies again with the batch still waiting
        store.close()
        store = _records(tmp_path)
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 0
        assert rig.state()["missed_waiting"] == 2  # still the two, not four
        await rig.advance(40)
        await until(lambda: rig.sms.sent, "the owner's SMS")
        assert len(rig.sms.sent) == 1 and "未接来电2个" in rig.sms.sent[0][1]
        await rig.stop()
        store.close()

    run(scenario)


def test_a_call_a_clean_stop_interrupted_and_told_is_not_told_again(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {**SMS, "batch_seconds": 0})
        await _first_start(rig)
        store = _records(tmp_path)
        call = _begin(store, RINGING, 10)
        end = START + timedelta(seconds=30)
        store.end_call(call, CallEnd(ended_at=end, result="interrupted", ring_s=20,
                                     end_reason="box_restart"))
        rig.clock.advance(40)
        notifier = await rig.start()  # the clean stop told it through the bus
        event = finished("interrupted", RINGING, call_id=call, at=end)
        notifier.on_call_finished(event)
        await rig.advance(1)
        await until(lambda: len(rig.sms.sent) == 1, "told once")
        await rig.stop()
        notifier = await rig.start()  # the next start finds it in the records
        assert await tell_recovered(notifier, store) == 0
        await rig.advance(60)
        assert len(rig.sms.sent) == 1
        await rig.stop()
        store.close()

    run(scenario)


def test_with_notices_off_a_recovered_call_is_only_noted(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"sms_numbers": [OWNER], "batch_seconds": 0})
        await _first_start(rig)
        _crash_with_calls(tmp_path)
        store = _records(tmp_path)
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 0
        assert rig.state()["missed_waiting"] == 0
        await rig.stop()
        rig = Rig(tmp_path, SMS)  # notices switched on later: old calls stay untold
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 0
        await rig.advance(60)
        assert rig.sms.sent == []
        await rig.stop()
        store.close()

    run(scenario)


def test_calls_from_before_the_outbox_remembered_are_not_looked_for(tmp_path: Path) -> None:
    async def scenario() -> None:
        _crash_with_calls(tmp_path)  # an older box: no outbox yet
        rig = Rig(tmp_path, SMS)
        rig.clock.advance(120)
        store = _records(tmp_path)
        notifier = await rig.start()
        assert await tell_recovered(notifier, store) == 0
        await rig.stop()
        store.close()

    run(scenario)


def test_unreadable_records_do_not_stop_the_start(tmp_path: Path) -> None:
    class Broken:
        def calls(self, **_kw):
            raise OSError("disk I/O error")

    async def scenario() -> None:
        rig = Rig(tmp_path, SMS)
        notifier = await rig.start()
        assert await tell_recovered(notifier, Broken()) == 0
        assert await tell_recovered(notifier, None) == 0
        await rig.stop()

    run(scenario)


def test_the_email_says_the_restart_instead_of_a_ring_time() -> None:
    call = MissedCall("a", START.timestamp(), RINGING, "浙江省杭州市", "gsm0", "interrupted",
                      0.0, START.timestamp())
    _, zh = missed_email([call], "zh", "测试公司", "Asia/Shanghai")
    _, en = missed_email([call], "en", "", "Asia/Shanghai")
    assert f"2026-12-02 10:00:00  {RINGING}（浙江省杭州市），总机重启前无人接听" in zh
    assert "not answered before the box restarted" in en and "rang" not in en


def test_lines_still_coming_up_after_the_start_are_waited_for(tmp_path: Path) -> None:
    from firmware.notify.notifier import BUSY_RETRY_S, START_GRACE_S, NoSmsLine

    async def scenario() -> None:
        rig = Rig(tmp_path, {**SMS, "batch_seconds": 0})
        notifier = await rig.start()
        rig.sms.down = NoSmsLine("no line that can send SMS is in service")
        notifier.on_call_finished(finished("missed", call_id="early"))
        await until(lambda: rig.state()["pending"] and rig.state()["pending"][0]["error"],
                    "the first try")
        [pending] = rig.state()["pending"]
        assert pending["tries"] == 0  # not a failure: the modem is still starting
        assert pending["due_ts"] == START.timestamp() + BUSY_RETRY_S
        rig.sms.down = None
        await rig.advance(BUSY_RETRY_S)
        await until(lambda: rig.sms.sent, "sent once the line is up")
        rig.clock.advance(START_GRACE_S)
        rig.sms.down = NoSmsLine("no line that can send SMS is in service")
        notifier.on_call_finished(finished("missed", call_id="late", at=rig.clock.now()))
        await until(lambda: rig.state()["pending"] and rig.state()["pending"][0]["error"],
                    "the later try")
        assert rig.state()["pending"][0]["tries"] == 1  # long after the start: a failure
        await rig.stop()

    run(scenario)
