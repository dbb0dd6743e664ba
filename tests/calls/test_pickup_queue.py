"""Call pickup and the hold queue (calls/pickup.py, docs/feature-codes.md): a member's
phone ringing for the caller at the head of the queue can be picked up by another member;
a caller waiting while nobody's phone rings for them is not (a pickup does not jump the
queue). On the queue rig (ring group "sales": 802, 803)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from firmware.calls import queue_call
from firmware.calls.desk import desk_call
from firmware.calls.hold_queue import queue_book
from firmware.calls.legs import DeskLeg
from tests.calls.ivr_rig import IvrRig
from tests.calls.queue_rig import queue_office
from tests.calls.rig import until


@pytest.fixture(autouse=True)
def _quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_call, "POLL_S", 0.02)


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


def _lift(rig: IvrRig, port: str, number: str) -> DeskLeg:
    desk = DeskLeg(rig.fxs[port], number, offhook=True)
    rig.fxs[port].state = "offhook"
    rig.core._own(desk)
    rig.core.spawn(f"desk call from {port}", desk_call(rig.core, desk), desk)
    return desk


def _dial(rig: IvrRig, port: str, digits: str) -> None:
    for digit in digits:
        rig.core.digit_queue(port).put_nowait(digit)


def test_a_member_picks_up_the_ring_the_queue_gave_a_colleague(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30, announce_every_s=30))
        rig.ring_in("gsm0")
        await until(lambda: rig.ringing("fxs1"), "the queue rings 802")
        _lift(rig, "fxs2", "803")
        _dial(rig, "fxs2", "*40")
        await until(lambda: any(c.talking for c in rig.core.calls.values()), "bridged")
        taken = rig.core.owners["fxs2"]
        assert taken.pickup is not None and taken.pickup.rang_at == "802"
        assert queue_book(rig.core).length("sales") == 0
        await rig.hang_up_desk(taken)
        rec = rig.calls()[-1]
        assert rec["result"] == "answered" and rec["answered_by"] == "803"
        assert "queue sales: waited" in rec["route"]
        assert [(leg["target"], leg["outcome"]) for leg in rec["legs"]][-2:] == \
            [("802", "picked_up"), ("803", "answered")]
        rig.close()

    _run(scenario)


def test_a_caller_waiting_with_nothing_ringing_is_not_picked_up(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, queue_office(max_wait_s=30, announce_every_s=30))
        rig.fxs["fxs1"].state = "offhook"  # 802 is on another call
        picker = _lift(rig, "fxs2", "803")  # 803 lifts: the queue rings nobody
        rig.ring_in("gsm0")
        await until(lambda: queue_book(rig.core).length("sales") == 1, "the caller waits")
        _dial(rig, "fxs2", "*40")
        await until(lambda: ("fxs2", "congestion") in rig.audio.tones, "nothing to pick up")
        assert queue_book(rig.core).length("sales") == 1
        rig.fxs["fxs2"].state = "idle"
        picker.on_onhook()
        rig.close()

    _run(scenario)
