"""What the InCall unit tests share (test_incall, test_attended): short transfer ring
times, and a test body run on a loop of its own with the call core stopped after."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from firmware.config.transfer_schema import TransferConfig
from tests.calls.rig import Rig

FAST = TransferConfig(ring_s=1, return_ring_s=1, fallback="group")


def scenario(test: Callable[[Rig], Awaitable[None]]) -> Callable[[Rig], None]:
    """Run an async test on a loop of its own; the call core's tasks are ended after."""
    @functools.wraps(test)
    def run(rig: Rig) -> None:
        async def body() -> None:
            try:
                await asyncio.wait_for(test(rig), 15)
            finally:
                await rig.core.stop()

        asyncio.run(body())

    return run
