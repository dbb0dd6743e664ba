"""Helpers for tests that drive the emulator: polling, fast timings, raw AT.

`FAST` are emulator timings that keep a test short (ring every 0.3 s, network
setup 0.1 s, ...): `emulator_factory("sim", **FAST)`. `wait_for(cond)` polls
instead of sleeping. `open_at(emu)` opens the first modem's AT port and waits
for its boot URCs, so what follows starts from a quiet line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hil_tests.pstn.atport import Answer, AtPort, is_final

FAST = {"latency_s": 0.005, "ring_period_s": 0.3, "setup_s": 0.1, "register_s": 0.05,
        "boot_urc_s": 0.05, "reset_down_s": 0.3, "ss_delay_s": 0.02, "sms_delay_s": 0.02}

__all__ = ["FAST", "Answer", "AtPort", "is_final", "open_at", "wait_for"]


def wait_for(condition: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01,
             what: str = "condition") -> Any:
    """Poll `condition` until it returns something truthy; that value, or TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not met within {timeout} s")
        time.sleep(interval)


def open_at(emu: Any, index: int = 0, boot: bool = True) -> AtPort:
    """The AT port of modem `index`; with boot=True, after its boot URCs arrived,
    the modem registered, and the line went quiet (pending lines dropped)."""
    port = AtPort(str(emu.modem_dir(index) / "at"))
    if boot:
        port.wait_line("^RSSI:")
        mid = emu.modems[index]
        wait_for(lambda: emu.client.modem(mid)["registration"] == 1, what="registration")
        port.collect(0.05)
    return port
