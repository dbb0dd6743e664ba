"""The network-forwarding keeper of a single-line box: it switches AT+CCFC when the
plan says so and again when the line comes back into service, not after every call."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from firmware.calls.forwarding import ForwardingKeeper
from firmware.clock import FakeClock
from firmware.events import EventBus
from firmware.lines.gsm_events import GsmStatus, GsmStatusChanged
from tests.routing.helpers import SHANGHAI, example

SUNDAY_NIGHT = datetime(2025, 6, 1, 23, 0, tzinfo=SHANGHAI)  # closed: someone on duty


class FakeLine:
    name = "gsm0"

    def __init__(self):
        self.status = GsmStatus(state="ready", sim="ready", registration=1, csq=20)
        self.switched: list[str | None] = []

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
        for in_call in (True, False, True, False):  # two calls come and go
            bus.publish(GsmStatusChanged("gsm0", replace(line.status, in_call=in_call)))
            await _settle()
        assert len(line.switched) == 1
        bus.publish(GsmStatusChanged("gsm0", replace(line.status, state="out_of_service")))
        bus.publish(GsmStatusChanged("gsm0", line.status))  # a reset modem is back
        await _settle()
        await keeper.stop()
        return line.switched

    switched = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert len(switched) == 2 and switched[0] == switched[1]
