"""The network-forwarding keeper of a single-line box: it switches AT+CCFC when the
plan says so and again when the line comes back into service, not after every call."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from firmware.calls.forwarding import ForwardingKeeper
from firmware.clock import FakeClock
from firmware.events import EventBus
from firmware.lines.model import LineStateChanged
from tests.routing.helpers import SHANGHAI, example

SUNDAY_NIGHT = datetime(2025, 6, 1, 23, 0, tzinfo=SHANGHAI)  # closed: someone on duty


class FakeLine:
    name = "gsm0"

    def __init__(self):
        self.state = "idle"
        self.switched: list[str | None] = []

    def status_dict(self) -> dict:
        return {"kind": "gsm", "state": self.state}

    async def set_forwarding(self, number: str | None) -> None:
        self.switched.append(number)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_forwarding_is_switched_once_and_again_only_after_the_line_was_lost():
    async def scenario() -> list[str | None]:
        line, bus = FakeLine(), EventBus()
        config = example()
        keeper = ForwardingKeeper(line, bus, lambda: config, FakeClock(SUNDAY_NIGHT),
                                  single_line=True)
        keeper.start()
        await _settle()
        assert len(line.switched) == 1 and line.switched[0] is not None
        for state in ("ringing", "in_use", "idle", "in_use", "idle"):  # two calls come and go
            bus.publish(LineStateChanged("gsm0", state))
            await _settle()
        assert len(line.switched) == 1
        bus.publish(LineStateChanged("gsm0", "fault", "modem lost"))
        bus.publish(LineStateChanged("gsm0", "idle"))  # a reset modem is back
        await _settle()
        await keeper.stop()
        return line.switched

    switched = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert len(switched) == 2 and switched[0] == switched[1]


def _keeper_run(config, start: datetime, steps: list[float]) -> list[tuple[str, str | None]]:
    """Run the keeper from `start`, moving its clock on by each of `steps` seconds in turn;
    what it switched to after each (the clock is read every 10 ms here)."""
    async def scenario() -> list[tuple[str, str | None]]:
        line, bus, clock = FakeLine(), EventBus(), FakeClock(start)
        keeper = ForwardingKeeper(line, bus, lambda: config, clock, single_line=True,
                                  tick_s=0.01)
        keeper.start()
        await _wait_for(lambda: line.switched)
        seen = [(clock.now().isoformat(), line.switched[-1])]
        for seconds in steps:
            count = len(line.switched)
            clock.advance(seconds)
            await _wait_for(lambda n=count: len(line.switched) > n, limit=0.5)
            seen.append((clock.now().isoformat(), line.switched[-1]))
        await keeper.stop()
        return seen

    return asyncio.run(asyncio.wait_for(scenario(), 10))


async def _wait_for(condition, limit: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition() and loop.time() < deadline:
        await asyncio.sleep(0.005)


def test_at_midnight_into_a_holiday_the_keeper_forwards_to_holiday_duty():
    raw_config = replace(example(), duty_roster=replace(example().duty_roster, holiday="david"))
    eve = datetime(2026, 9, 30, 23, 59, 50, tzinfo=SHANGHAI)  # wednesday night: zhang
    seen = _keeper_run(raw_config, eve, [15])
    assert [number for _when, number in seen] == ["+8613912345678", "+8613812345678"]


def test_on_an_adjusted_working_morning_the_keeper_stops_forwarding_at_opening():
    morning = datetime(2026, 10, 10, 8, 59, 50, tzinfo=SHANGHAI)  # a worked saturday
    seen = _keeper_run(example(), morning, [15, 3 * 3600])  # 09:00 opens; 12:00 lunch
    assert [number for _when, number in seen] == ["+8613812345678", None, "+8613812345678"]


def test_a_stepped_wall_clock_is_noticed_without_waiting_for_the_hour():
    async def scenario() -> list[str | None]:
        line, bus = FakeLine(), EventBus()
        clock = FakeClock(datetime(2026, 3, 2, 21, 0, tzinfo=SHANGHAI))  # closed: zhang
        keeper = ForwardingKeeper(line, bus, example, clock, single_line=True, tick_s=0.01)
        keeper.start()
        await _wait_for(lambda: line.switched)
        # NTP steps the wall clock back into open hours, before the next change it knew
        clock._wall = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
        await _wait_for(lambda: len(line.switched) > 1)
        await keeper.stop()
        return line.switched

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) == ["+8613912345678", None]
