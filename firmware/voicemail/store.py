"""The voicemail messages on the data dir: WAV files and their index.

    <data>/voicemail/<box>/<id>.wav    8 kHz mono s16, the caller's audio only
    <data>/voicemail/index.db          SQLite (WAL): one row per message

A message is written to a temporary file first (`new_path`), then `add` moves it into
place and indexes it in one step: a crash leaves either no message or a whole one (a
temporary file left over is removed by the next `cleanup`). `cleanup(limit_bytes)`
deletes the oldest messages until all fit within the owner's storage limit (a Pi's SD
card is small) and says what it deleted. Every method opens its own connection, so
the box, the CLI and the web process may use one store side by side.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from firmware.index_db import index_db

BOX_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
ID_RE = re.compile(r"[0-9a-f]{12}")
TMP_SUFFIX = ".part"
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    box TEXT NOT NULL,
    caller TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    at_ts REAL NOT NULL,
    duration_s REAL NOT NULL,
    file TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    heard INTEGER NOT NULL DEFAULT 0,
    line TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS messages_box ON messages (box, at_ts);
"""


class VoicemailError(Exception):
    """A request the store refuses; `field` names what was wrong."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


class NoSuchMessage(VoicemailError, KeyError):
    def __init__(self, ident: str):
        super().__init__("id", f"no voicemail message {ident!r}")

    def __str__(self) -> str:
        return f"id: {self.reason}"


@dataclass(frozen=True)
class Message:
    id: str
    box: str
    caller: str  # E.164, or "" when withheld
    region: str
    at_ts: float  # unix seconds
    duration_s: float
    file: str  # the WAV's path
    bytes: int
    heard: bool
    line: str = ""

    def to_json(self) -> dict:
        return asdict(self)


class VoicemailStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> VoicemailStore:
        return cls(Path(data_dir) / "voicemail")

    # --- database --------------------------------------------------------------------

    def _db(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return index_db(self.root, SCHEMA)

    def _rows(self, where: str = "", args: tuple = ()) -> list[Message]:
        if not (self.root / "index.db").exists():
            return []
        with self._db() as db:
            rows = db.execute("SELECT id, box, caller, region, at_ts, duration_s, file, bytes,"
                              f" heard, line FROM messages {where} ORDER BY at_ts, id",
                              args).fetchall()
        return [Message(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), r[9])
                for r in rows]

    # --- writing ---------------------------------------------------------------------

    def new_path(self, box: str) -> tuple[str, Path]:
        """A fresh message id and the temporary file to record it into."""
        check_box(box)
        ident = uuid.uuid4().hex[:12]
        folder = self.root / box
        folder.mkdir(parents=True, exist_ok=True)
        return ident, folder / f"{ident}.wav{TMP_SUFFIX}"

    def add(self, ident: str, box: str, recorded: Path, *, caller: str, region: str,
            at_ts: float, duration_s: float, line: str = "") -> Message:
        """Move the recorded file into place and index it."""
        check_box(box)
        final = self.root / box / f"{ident}.wav"
        os.replace(recorded, final)
        _fsync_dir(final.parent)
        size = final.stat().st_size
        with self._db() as db:
            db.execute("INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,0,?)",
                       (ident, box, caller or "", region or "", at_ts, round(duration_s, 1),
                        str(final), size, line))
        return self.get(ident)

    # --- reading ---------------------------------------------------------------------

    def list(self, box: str | None = None) -> list[Message]:
        """Messages, oldest first; only `box`'s when given."""
        return self._rows("WHERE box = ?", (box,)) if box else self._rows()

    def get(self, ident: str) -> Message:
        if not isinstance(ident, str) or not ID_RE.fullmatch(ident):
            raise NoSuchMessage(str(ident)[:40])
        found = self._rows("WHERE id = ?", (ident,))
        if not found:
            raise NoSuchMessage(ident)
        return found[0]

    def unheard(self, box: str) -> int:
        return sum(1 for m in self.list(box) if not m.heard)

    def used_bytes(self) -> int:
        return sum(m.bytes for m in self.list())

    def usage(self) -> tuple[int, int]:
        """(bytes the messages take, messages), in one query (the dashboard asks often)."""
        if not (self.root / "index.db").exists():
            return 0, 0
        with self._db() as db:
            row = db.execute("SELECT COALESCE(SUM(bytes), 0), COUNT(*) FROM messages"
                             ).fetchone()
        return int(row[0]), int(row[1])

    # --- changes ---------------------------------------------------------------------

    def mark_heard(self, ident: str, heard: bool = True) -> Message:
        self.get(ident)
        with self._db() as db:
            db.execute("UPDATE messages SET heard = ? WHERE id = ?", (int(heard), ident))
        return self.get(ident)

    def delete(self, ident: str) -> Message:
        message = self.get(ident)
        with self._db() as db:
            db.execute("DELETE FROM messages WHERE id = ?", (ident,))
        with contextlib.suppress(FileNotFoundError):
            Path(message.file).unlink()
        return message

    def cleanup(self, limit_bytes: int, now: float | None = None) -> list[Message]:
        """Delete the oldest messages until the rest fit within `limit_bytes`; remove
        temporary files older than an hour. The messages deleted, oldest first."""
        self._sweep_partial(time.time() if now is None else now)
        messages = self.list()
        total = sum(m.bytes for m in messages)
        gone: list[Message] = []
        for message in sorted(messages, key=lambda m: (m.at_ts, m.id)):
            if total <= limit_bytes:
                break
            gone.append(self.delete(message.id))
            total -= message.bytes
        return gone

    def note_cleanup(self, deleted: int, limit_mb: int, now: float | None = None,
                     unheard: int | None = None) -> None:
        """Keep the owner's warning: the storage limit made the box delete messages
        (`unheard` of them never listened to; the dashboard warns of those)."""
        warning = {"at_ts": time.time() if now is None else now, "deleted": deleted,
                   "limit_mb": limit_mb,
                   "unheard": deleted if unheard is None else unheard}
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"warning.json{TMP_SUFFIX}"
        tmp.write_text(json.dumps(warning))
        os.replace(tmp, self.root / "warning.json")

    def warning(self) -> dict | None:
        """The last cleanup warning ({"at_ts", "deleted", "limit_mb"}), or None."""
        try:
            return json.loads((self.root / "warning.json").read_text())
        except (OSError, ValueError):
            return None

    def clear_warning(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / "warning.json").unlink()

    def _sweep_partial(self, now: float) -> None:
        if not self.root.exists():
            return
        for part in self.root.glob(f"*/*{TMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                if now - part.stat().st_mtime > 3600:
                    part.unlink()


def check_box(box: str) -> str:
    if not isinstance(box, str) or not BOX_RE.fullmatch(box):
        raise VoicemailError("box", f"not a voicemail box name: {str(box)[:40]!r}")
    return box


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
