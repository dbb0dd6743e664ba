"""wait_for: poll a condition with a timeout instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(cond: Callable[[], object], timeout: float = 5.0, interval: float = 0.01) -> object:
    """Return cond()'s first truthy value; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {cond}")
        time.sleep(interval)
