"""The hold queue as a plan step in the call core (calls/queue_call.py), on fake lines,
a prompt-recording audio and the real records store (queue_rig.py, ivr_rig.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from firmware.calls import queue_call
from firmware.calls.callbacks import CallbackList, read_callbacks
from firmware.calls.hold_queue import queue_book, queue_status
from tests.calls.ivr_rig import IvrRig
from tests.calls.queue_rig import queue_office
from tests.calls.rig import until

A, B, C = "+8613588880001", "+8613588880002", "+8613588880003"


@pytest.fixture(autouse=True)
def _quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_call, "POLL_S", 0.02)


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def _busy(rig: IvrRig, *ports: str) -> None:
    for port in ports:
        rig.fxs[port].state = "offhook"


async def _waiting(rig: IvrRig, count: int) -> None:
    await until(lambda: queue_book(rig.core).length("sales") == count,
                f"{count} callers wait")


async def _pick_up(rig: IvrRig, port: str):
    """Answer the desk phone ringing on `port`; the live call it talks in."""
    await until(lambda: rig.ringing(port), f"{port} rings")
    desk = rig.ringing(port)
    assert desk is not None
    rig.fxs[port].state = "offhook"
    desk.on_offhook()
    await until(lambda: any(c.talking for c in rig.core.calls.values()), "a call is bridged")
    return next(c for c in rig.core.calls.values() if c.talking)


def _said(rig: IvrRig, line: str) -> list[tuple[str, ...]]:
    return [names for leg, names, _l, _i in rig.audio.plays
            if leg == line and names[0] == "queue_position"]


def test_two_callers_hear_their_positions_and_the_first_gets_the_free_member(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30, announce_every_s=30), lines=2)
        _busy(rig, "fxs1", "fxs2")  # 802 and 803 are on the phone
        first = rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.ring_in("gsm1", B)
        await _waiting(rig, 2)
        await until(lambda: _said(rig, "gsm1"), "the second caller hears its position")
        assert first.answered, "the queue answered the caller's line"
        # zh: "there are N callers before you": 0 before the first, 1 before the second
        assert _said(rig, "gsm0")[0] == ("queue_position", "n0", "queue_position_after",
                                         "queue_wait", "n2", "queue_wait_after")
        assert _said(rig, "gsm1")[0][1] == "n1"
        assert "music" in rig.audio.looping
        status = queue_status(rig.core)
        assert [w["caller"] for w in status[0]["waiting"]] == [A, B]
        assert [w["position"] for w in status[0]["waiting"]] == [1, 2]
        rig.fxs["fxs2"].state = "idle"  # 803 hangs up: the first caller's turn
        desk = await rig.answer_desk("fxs2")
        await _waiting(rig, 1)
        assert queue_status(rig.core)[0]["waiting"][0]["caller"] == B
        rig.fxs["fxs2"].state = "idle"
        desk.on_onhook()
        desk = await rig.answer_desk("fxs2")  # free again: now the second caller's
        rig.fxs["fxs2"].state = "idle"
        desk.on_onhook()
        await until(lambda: len([c for c in rig.calls() if c["result"] == "answered"]) == 2,
                    "both calls answered and ended")
        routes = sorted(c["route"] for c in rig.calls())
        assert routes[0].startswith("route front door > queue sales: waited ")
        assert any("position 1 on entry" in r for r in routes)
        assert any("position 2 on entry" in r for r in routes)
        rig.close()

    _run(scenario)


def test_english_says_the_position_itself(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = queue_office(max_wait_s=30)
        config = replace(config, prompts=replace(config.prompts, language="en"))
        rig = IvrRig(tmp_path, config, lines=3)
        _busy(rig, "fxs1", "fxs2")
        for i, caller in enumerate((A, B, C)):
            rig.ring_in(f"gsm{i}", caller)
            await _waiting(rig, i + 1)
        await until(lambda: _said(rig, "gsm2"), "the third caller hears its position")
        assert _said(rig, "gsm2")[0][:3] == ("queue_position", "n3", "queue_position_after")
        # ceil(3 callers / 2 members) * 120 s = 4 minutes
        assert _said(rig, "gsm2")[0][3:] == ("queue_wait", "n4", "queue_wait_after")
        for line in rig.gsm.values():
            line.end("normal", 16)
        await until(lambda: not rig.core.calls, "the calls end")
        assert {c["result"] for c in rig.calls()} == {"abandoned"}
        assert all(c["cause"] == "caller hung up in queue sales" for c in rig.calls())
        rig.close()

    _run(scenario)


def test_a_vip_enters_ahead_of_the_others(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = queue_office(max_wait_s=30)
        config = replace(config, vip=replace(config.vip, numbers=(C,)))
        rig = IvrRig(tmp_path, config, lines=3)
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.ring_in("gsm1", B)
        await _waiting(rig, 2)
        rig.ring_in("gsm2", C)
        await _waiting(rig, 3)
        waiting = queue_status(rig.core)[0]["waiting"]
        assert [(w["caller"], w["vip"]) for w in waiting] == [(C, True), (A, False),
                                                             (B, False)]
        rig.fxs["fxs1"].state = "idle"
        talking = await _pick_up(rig, "fxs1")
        assert talking.caller == C, "the VIP got the first free member"
        for line in rig.gsm.values():
            line.end("normal", 16)
        await until(lambda: not rig.core.calls, "the calls end")
        rig.close()

    _run(scenario)


def test_leaving_by_key_goes_to_the_left_exit(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30), lines=1)
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.audio.press("gsm0", "1")
        desk = await rig.answer_desk("fxs0")  # the left exit: reception, 801
        assert queue_book(rig.core).length("sales") == 0
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["result"] == "answered"
        assert rec["route"].startswith("route front door > queue sales: waited ")
        assert rec["route"].endswith("position 1 on entry, left > after")
        rig.close()

    _run(scenario)


def test_a_callback_request_is_listed_and_ends_the_call(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30), lines=1)
        rig.core.callbacks = CallbackList(tmp_path / "callbacks.json")
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.audio.press("gsm0", "2")
        rec = await rig.ended()
        assert rec["result"] == "callback"
        assert rec["route"].endswith(", callback")
        assert ("queue_callback", "goodbye") in [n for _l, n, _g, _i in rig.audio.plays]
        [entry] = read_callbacks(tmp_path / "callbacks.json")
        assert (entry["caller"], entry["line"], entry["queue"], entry["state"]) == \
            (A, "gsm0", "sales", "open")
        assert entry["call_id"] == rec["id"]
        rig.close()

    _run(scenario)


def test_max_wait_leaves_by_timeout(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=1, announce_every_s=0), lines=1)
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert "position 1 on entry, timeout > after" in rec["route"]
        assert not _said(rig, "gsm0"), "announce_every_s 0: no announcements"
        rig.close()

    _run(scenario)


def test_a_full_queue_sends_the_next_caller_by_full(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30, max_length=1), lines=2)
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.ring_in("gsm1", B)
        talking = await _pick_up(rig, "fxs0")
        assert talking.caller == B
        assert "queue sales: full: 1 waiting > after" in talking.record.route
        for line in rig.gsm.values():
            line.end("normal", 16)
        await until(lambda: not rig.core.calls, "the calls end")
        rig.close()

    _run(scenario)


def test_no_media_room_is_full_with_the_reason(tmp_path: Path) -> None:
    class Engine:
        def free_ports(self) -> int:
            return queue_call.RESERVE_PORTS  # nothing beyond the reserve

    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30), lines=1)
        rig.audio.media = Engine()
        _busy(rig, "fxs1", "fxs2")
        rig.ring_in("gsm0", A)
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        assert "queue sales: full: no media capacity for another caller > after" in \
            rig.calls()[-1]["route"]
        rig.close()

    _run(scenario)


def test_a_member_who_does_not_answer_is_passed_over(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30), lines=1)
        rig.config = replace(rig.config, ring_groups=tuple(
            replace(g, ring_time=1) for g in rig.config.ring_groups))
        rig.ring_in("gsm0", A)
        await until(lambda: rig.ringing("fxs1"), "802 rings first")
        await until(lambda: rig.ringing("fxs2"), "802 passed over: 803 rings")
        desk = await rig.answer_desk("fxs2")
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["result"] == "answered"
        assert rec["answered_by"] == "803"
        rig.close()

    _run(scenario)


def _closed(config):
    """The same office with every day closed (the schedule the owner might save at 18:00)."""
    return replace(config, schedule=replace(config.schedule, **{d: () for d in
                                                                ("mon", "tue", "wed", "thu",
                                                                 "fri", "sat", "sun")}))


@pytest.mark.parametrize("after_hours", [False, True])
def test_closing_time_sends_waiting_callers_on_only_without_after_hours(
        tmp_path: Path, after_hours: bool) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30, after_hours=after_hours), lines=1)
        _busy(rig, "fxs1", "fxs2")
        caller = rig.ring_in("gsm0", A)
        await _waiting(rig, 1)
        rig.config = _closed(rig.config)  # the office closes while the caller waits
        if after_hours:  # Q4: the caller stays in the queue
            await asyncio.sleep(0.3)
            assert queue_book(rig.core).length("sales") == 1
            rig.gsm["gsm0"].end("normal", 16)
            rec = await rig.ended()
            assert rec["result"] == "abandoned"
        else:
            await until(lambda: queue_book(rig.core).length("sales") == 0, "the caller leaves")
            rig.gsm["gsm0"].end("normal", 16)
            rec = await rig.ended()
            assert "position 1 on entry, office closed > after" in rec["route"]
        del caller
        rig.close()

    _run(scenario)


def test_a_ring_all_group_rings_every_free_member_together(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = queue_office(max_wait_s=30)
        config = replace(config, ring_groups=tuple(
            replace(g, strategy=type(g.strategy)("ring_all")) if g.name == "sales" else g
            for g in config.ring_groups))
        rig = IvrRig(tmp_path, config, lines=1)
        rig.ring_in("gsm0", A)
        await until(lambda: rig.ringing("fxs1") and rig.ringing("fxs2"), "802 and 803 ring")
        talking = await _pick_up(rig, "fxs2")
        assert not rig.ringing("fxs1"), "the other member stops"
        rig.gsm["gsm0"].end("normal", 16)
        rec = await rig.ended()
        assert rec["answered_by"] == "803" and talking.caller == A
        rig.close()

    _run(scenario)
