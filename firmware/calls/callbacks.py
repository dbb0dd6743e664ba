"""The callback list (Q2): callers who asked, in a queue, to be called back.

A caller in a queue who keys the queue's `callback_key` is put on this list and the
call ends (calls/queue_call.py). The owner sees the list on the dashboard and in the
JSON API (`GET /api/callbacks`) and marks an entry done (`POST
/api/callbacks/<id>/done`); the outbound issue will dial the open ones.

Stored as JSON in `<data>/callbacks.json`, written atomically (temp file, fsync,
rename), newest last, at most `KEEP` entries (the oldest done ones go first). An
entry: {"id", "caller", "region", "line", "queue", "call_id", "at" (ISO, the box's
zone), "state": "open" | "done", "done_at"}. The box writes it; the web page reads it
beside the box and asks the box (control op "callbacks.done") to mark one done.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from firmware.errors import SwitchboardError

log = logging.getLogger("switchboard.calls")

FILE = "callbacks.json"
KEEP = 500
OPEN, DONE = "open", "done"


class NoSuchCallback(SwitchboardError, LookupError):
    """No callback request has that id."""


class CallbackList:
    """The list, in memory and (with a `path`) on disk."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._lock = threading.Lock()
        self.entries: list[dict[str, Any]] = read_callbacks(path) if path else []

    def add(self, *, caller: str | None, region: str, line: str, queue: str,
            call_id: str | None, at: datetime) -> dict[str, Any]:
        with self._lock:
            ident = max((e.get("id", 0) for e in self.entries), default=0) + 1
            entry = {"id": ident, "caller": caller or "", "region": region, "line": line,
                     "queue": queue, "call_id": call_id or "", "at": at.isoformat(),
                     "state": OPEN, "done_at": None}
            self.entries.append(entry)
            self._trim()
            self._save()
        log.info("callback request %d: %s on %s from queue %s", ident, caller or "withheld",
                 line, queue)
        return entry

    def mark_done(self, ident: int, at: datetime) -> dict[str, Any]:
        with self._lock:
            entry = next((e for e in self.entries if e.get("id") == ident), None)
            if entry is None:
                raise NoSuchCallback(f"no callback request {ident}")
            entry.update(state=DONE, done_at=at.isoformat())
            self._save()
            return dict(entry)

    def listing(self) -> list[dict[str, Any]]:
        """Newest first."""
        return [dict(e) for e in reversed(self.entries)]

    def _trim(self) -> None:
        while len(self.entries) > KEEP:
            done = next((e for e in self.entries if e.get("state") == DONE), None)
            self.entries.remove(done if done is not None else self.entries[0])

    def _save(self) -> None:
        if self.path is None:
            return
        write_atomic(self.path, json.dumps({"callbacks": self.entries}, ensure_ascii=False,
                                           indent=1))


def read_callbacks(path: Path) -> list[dict[str, Any]]:
    """The entries in `path` (none when it is missing or unreadable: logged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("%s: cannot read the callback list: %s", path, exc)
        return []
    items = data.get("callbacks") if isinstance(data, dict) else None
    return [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)  # callers' numbers: the box's user only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def callback_list(core: Any) -> CallbackList:
    """The controller's callback list (the box sets one on its data dir; else memory)."""
    found = getattr(core, "callbacks", None)
    if found is None:
        found = core.callbacks = CallbackList()
    return found


def done_op(core: Any, args: dict[str, Any]) -> dict[str, Any]:
    """The control op "callbacks.done" {"id": n}: the entry, marked done."""
    ident = args.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise SwitchboardError('callbacks.done needs {"id": <a whole number>}')
    return callback_list(core).mark_done(ident, core.clock.now())
