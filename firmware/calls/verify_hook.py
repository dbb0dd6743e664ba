"""Asking the owner's HTTP hook whether keyed digits pass a verification step (G5).

`ask_hook(hook, payload)` POSTs `payload` ({"caller", "line", "digits", "call_id"}) as
JSON to `hook.url` and reads the reply `{"ok": true|false, "exit": "name"}` ("exit"
optional). The request runs in a worker thread (urllib, `asyncio.to_thread`), so the
event loop carrying every call's audio never waits on the network. No reply within
`hook.timeout_s`, a refused connection, an HTTP error status or a reply that is not
that JSON are each tried again, `hook.retries` more times; then the hook is down and
the answer says so (`HookAnswer.down`, with why), and the step takes its `when_down`
exit. The digits are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from firmware.routing.keypad import Hook

log = logging.getLogger("switchboard.calls")

MAX_REPLY = 64 * 1024  # bytes of a reply read at most: a hook says yes or no


@dataclass(frozen=True)
class HookAnswer:
    ok: bool = False
    exit: str | None = None  # the exit the reply chose, if any
    down: bool = False
    why: str = ""


class HookError(Exception):
    """One try failed: no connection, a timeout, an error status or a bad reply."""


async def ask_hook(hook: Hook, payload: dict[str, Any]) -> HookAnswer:
    """The hook's verdict on `payload`, or a down answer after its retries."""
    why = ""
    for attempt in range(1 + hook.retries):
        try:
            return await asyncio.to_thread(_post, hook.url, payload, hook.timeout_s)
        except HookError as exc:
            why = str(exc)
            log.warning("verification hook %s: try %d of %d failed: %s", hook.url,
                        attempt + 1, 1 + hook.retries, why)
    return HookAnswer(down=True, why=why)


def _post(url: str, payload: dict[str, Any], timeout_s: float) -> HookAnswer:
    """One POST (in a worker thread)."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "switchboard-verify/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as reply:
            data = reply.read(MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise HookError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise HookError(f"no answer: {reason}") from None
    if len(data) > MAX_REPLY:
        raise HookError("the reply is too long")
    return parse_reply(data)


def parse_reply(data: bytes) -> HookAnswer:
    """{"ok": bool, "exit": optional string} or HookError saying what is wrong."""
    try:
        reply = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HookError("the reply is not JSON") from None
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise HookError('the reply has no "ok": true or false')
    exit = reply.get("exit")
    if exit is not None and not isinstance(exit, str):
        raise HookError('the reply\'s "exit" is not a string')
    return HookAnswer(ok=reply["ok"], exit=exit or None)
