"""Shared test helpers: polling with a timeout, an event loop in a thread, the example."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from firmware.control import ControlServer, Handler

T = TypeVar("T")

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-config.json"


def wait_for(condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.005) -> T:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {condition}")
        time.sleep(interval)


@cache
def _example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def example() -> dict[str, Any]:
    """A fresh copy of docs/example-config.json."""
    return copy.deepcopy(json.loads(_example_text()))


class LoopThread:
    """An asyncio event loop running in a daemon thread, as the box's loop would."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@contextlib.contextmanager
def running_server(path: Path, handlers: Mapping[str, Handler]) -> Iterator[ControlServer]:
    """A started ControlServer on its own loop thread; stopped and joined afterwards."""
    loop = LoopThread()
    server = ControlServer(path, handlers)
    try:
        loop.run(server.start())
        yield server
    finally:
        loop.run(server.stop())
        loop.close()
