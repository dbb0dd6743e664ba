"""The box's event bus: drivers and the call core publish, modules subscribe.

LEDs, call records, notifications and the dashboard listen here; the code that
emits an event does not import them (baresip's `bevent` pattern). Events are
frozen dataclasses defined next to the code that emits them.

Dispatch is synchronous on the caller's thread, which is the event loop for
everything in `firmware/`. A handler that raises is logged and does not stop
the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[tuple[type | None, Handler]] = []

    def subscribe(self, handler: Handler, kind: type | None = None) -> Callable[[], None]:
        """Call `handler(event)` for every event (or only those of `kind`).

        Returns a function that unsubscribes.
        """
        entry = (kind, handler)
        self._handlers.append(entry)
        return lambda: self._handlers.remove(entry) if entry in self._handlers else None

    def publish(self, event: Any) -> None:
        for kind, handler in list(self._handlers):
            if kind is None or isinstance(event, kind):
                try:
                    handler(event)
                except Exception:
                    log.exception("event handler %r failed on %r", handler, event)
