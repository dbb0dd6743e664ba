"""Errors of the media engine. Each also inherits the matching builtin."""

from __future__ import annotations

from firmware.errors import SwitchboardError


class MediaError(SwitchboardError, RuntimeError):
    """The media engine refused a request or pjsua2 failed; the message says which."""


class EngineAlreadyRunning(MediaError):
    """pjsua2 allows one Endpoint per process; this names the engine that holds it."""

    def __init__(self, holder: str):
        self.holder = holder
        super().__init__(f"a media engine is already running in this process: {holder} "
                         "(pjsua2 allows one Endpoint per process)")


class EngineNotRunning(MediaError):
    """The engine was asked for something before start() or after stop()."""


class WrongThread(MediaError):
    """pjsua2 was called from a thread other than the engine's event loop thread.

    pjlib aborts the whole process on a call from a thread it does not know, so
    the engine checks first and refuses with this error instead.
    """


class SlotGone(MediaError, LookupError):
    """The slot was detached (or belongs to an engine that stopped)."""

    def __init__(self, name: str):
        self.slot = name
        super().__init__(f"slot {name} is not attached to the media engine")
