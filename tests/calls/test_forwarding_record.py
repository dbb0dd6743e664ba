"""A single-line box's network forwarding in the records and in status: one record per
forwarding period, result "forwarded", from the network's OK to the switch off; the
line's `forwarding` {"to", "since", "reason"} while it lasts; a restart carries the
same period on (the network kept forwarding while the box was down)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from firmware.calls.forwarding import ForwardingKeeper
from firmware.cdr.store import CdrStore
from firmware.clock import FakeClock
from firmware.events import EventBus
from firmware.lines.gsm_events import GsmStatus
from tests.routing.helpers import SHANGHAI, example

SUNDAY_NIGHT = datetime(2026, 3, 1, 23, 0, tzinfo=SHANGHAI)  # closed: someone on duty
MONDAY_MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # open (not a holiday)


class FakeLine:
    name = "gsm0"

    def __init__(self) -> None:
        self.status = GsmStatus(state="ready", sim="ready", registration=1, csq=20)
        self.switched: list[str | None] = []
        self.refuse = False

    def status_dict(self) -> dict:
        return {"kind": "gsm", "state": "idle" if self.status.state == "ready" else "fault"}

    async def set_forwarding(self, number: str | None) -> None:
        if self.refuse:
            raise RuntimeError("+CME ERROR: 30")
        self.switched.append(number)


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def _keeper(line: FakeLine, clock: FakeClock, cdr: CdrStore) -> ForwardingKeeper:
    config = example()
    return ForwardingKeeper(line, EventBus(), lambda: config, clock, single_line=True, cdr=cdr)


def test_a_forwarding_period_is_one_record_across_a_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        cdr = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
        line, clock = FakeLine(), FakeClock(SUNDAY_NIGHT)
        keeper = _keeper(line, clock, cdr)
        assert keeper.forwarding() is None
        keeper.start()
        await _settle()
        to = line.switched[-1]
        assert to is not None
        now = keeper.forwarding()
        assert now is not None and now["to"] == to
        assert now["since"] == SUNDAY_NIGHT.isoformat() and "forward to" in now["reason"]
        assert keeper.state()["since"] == SUNDAY_NIGHT.isoformat()
        (rec,) = cdr.calls()
        assert (rec.result, rec.direction, rec.line, rec.caller) == ("forwarded", "in", "gsm0", "")
        assert rec.route == f"network forwarding > {to}" and rec.ended_at is None
        await keeper.stop()

        clock.advance(1800)  # the box restarts half an hour later: the same period goes on
        keeper = _keeper(line, clock, cdr)
        assert keeper.forwarding()["since"] == SUNDAY_NIGHT.isoformat()
        keeper.start()
        await _settle()
        assert len(line.switched) == 2 and len(cdr.calls()) == 1

        clock.advance((MONDAY_MORNING - clock.now()).total_seconds())  # the office opens
        keeper.config_changed()
        await _settle()
        assert line.switched[-1] is None and keeper.forwarding() is None
        (rec,) = cdr.calls()
        assert rec.result == "forwarded" and rec.ended_at == MONDAY_MORNING
        assert "switched off" in rec.cause and cdr.meta("forwarding:gsm0") is None
        await keeper.stop()
        cdr.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_no_record_while_the_network_refuses_the_switch(tmp_path: Path) -> None:
    async def scenario() -> None:
        cdr = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
        line, clock = FakeLine(), FakeClock(SUNDAY_NIGHT)
        line.refuse = True
        keeper = _keeper(line, clock, cdr)
        keeper.start()
        await _settle()
        assert keeper.forwarding() is None and cdr.calls() == []
        await keeper.stop()
        cdr.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_without_records_the_status_still_says_forwarded(tmp_path: Path) -> None:
    async def scenario() -> None:
        line, clock = FakeLine(), FakeClock(SUNDAY_NIGHT)
        config = example()
        keeper = ForwardingKeeper(line, EventBus(), lambda: config, clock, single_line=True)
        keeper.start()
        await _settle()
        assert keeper.forwarding()["to"] == line.switched[-1]
        await keeper.stop()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_duty_handover_ends_one_period_and_begins_the_next(tmp_path: Path) -> None:
    async def scenario() -> None:
        cdr = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
        line, clock = FakeLine(), FakeClock(SUNDAY_NIGHT)
        keeper = _keeper(line, clock, cdr)
        keeper.start()
        await _settle()
        clock.advance(3600)  # midnight: Monday's duty person takes over
        keeper.config_changed()
        await _settle()
        first, second = line.switched
        assert first != second and second is not None
        old, new = cdr.calls(newest_first=False)
        assert old.route.endswith(first) and "moved to" in old.cause
        assert old.ended_at == new.started_at == clock.now()
        assert new.route.endswith(second) and new.ended_at is None
        assert keeper.forwarding()["to"] == second
        await keeper.stop()
        cdr.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))
