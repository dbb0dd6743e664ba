"""A notifier on a real outbox in a temporary data dir, with a clock moved by hand and a
fake SMS line, for the notification tests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from firmware.calls.finished import CallFinished
from firmware.clock import FakeClock
from firmware.config.validate import check_config
from firmware.notify.notifier import Notifier
from firmware.notify.outbox import read_state
from firmware.region import WITHHELD, describe

START = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


class FakeSmsLine:
    """`send(number, text)` as a line's send_sms: records, or fails while `down`."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.down: Exception | None = None

    async def send(self, number: str, text: str) -> None:
        if self.down is not None:
            raise self.down
        self.sent.append((number, text))


def config(notifications: dict[str, Any], company: str = "测试公司") -> Any:
    return check_config({"schema_version": 2, "settings": {"company_name": company},
                         "notifications": notifications})


class Rig:
    def __init__(self, tmp: Path, notifications: dict[str, Any], cafile: str | None = None):
        self.tmp = tmp
        self.config = config(notifications)
        self.clock = FakeClock(START)
        self.sms = FakeSmsLine()
        self.cafile = cafile
        self.notifier: Notifier | None = None

    async def start(self) -> Notifier:
        self.notifier = Notifier(self.tmp, lambda: self.config, self.clock, self.sms.send,
                                 cafile=self.cafile, smtp_timeout=5.0)
        await self.notifier.start()
        return self.notifier

    async def stop(self) -> None:
        if self.notifier is not None:
            await self.notifier.stop()
            self.notifier = None

    def state(self) -> dict[str, Any]:
        return read_state(self.tmp / "notifications.sqlite3")

    async def advance(self, seconds: float) -> None:
        """Move the clock and let the pump look."""
        self.clock.advance(seconds)
        assert self.notifier is not None
        self.notifier.wake()
        await settle()


async def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.01)


async def until(condition: Any, what: str, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def finished(result: str, caller: str | None = "+8613588888888", *, answered_by: str = "",
             direction: str = "in", call_id: str = "c1", ring_s: float = 20.0,
             at: datetime = START) -> CallFinished:
    region = describe(caller, "CN") if caller else WITHHELD
    return CallFinished(call_id=call_id, direction=direction, line="gsm0", caller=caller,
                        region=region, result=result, answered_by=answered_by, ring_s=ring_s,
                        talk_s=0.0, cause="", end_reason="normal", ended_at=at)


def run(scenario: Any) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))
