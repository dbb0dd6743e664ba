"""A running media engine with fake paced line devices, and polling with a timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from firmware.media import MediaEngine, Slot
from firmware.media.testing import PacedDevice, Source, tone_share


class Rig:
    """An engine and the fake devices attached to it (stopped together)."""

    def __init__(self, engine: MediaEngine):
        self.engine = engine
        self.devices: list[PacedDevice] = []

    def line(self, name: str, source: Source | None = None,
             on_frame: Callable[[bytes, float], None] | None = None) -> tuple[Slot, PacedDevice]:
        device = PacedDevice(name, source).start()
        self.devices.append(device)
        return self.engine.attach(name, device, on_frame), device


@contextlib.asynccontextmanager
async def running(**options: Any) -> AsyncIterator[Rig]:
    rig = Rig(MediaEngine(**options))
    await rig.engine.start()
    try:
        yield rig
    finally:
        try:
            await rig.engine.stop()
        finally:
            for device in rig.devices:
                device.stop()


async def wait_until(condition: Callable[[], Any], timeout: float = 10.0,
                     what: str = "condition") -> Any:
    """Poll `condition` every 10 ms; fail after `timeout` s (generous: CI is loaded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.01)


def heard(device: PacedDevice, *freqs: float, share: float = 0.9) -> int:
    """How many frames the engine wrote to `device` that carry these frequencies."""
    return sum(1 for stamp in list(device.written) if tone_share(stamp.frame, *freqs) >= share)
