"""The call recordings on the data dir: audio files and their index.

    <data>/recordings/<YYYY-MM>/<id>.wav|.mp3|.opus   both parties mixed, 8 kHz mono
    <data>/recordings/index.db                      SQLite (WAL): one row per recording

A recording's row is written when it starts (`begin`, state "recording": the WAV grows
while the call runs), becomes "encoding" when the call ends (`finished`) and "ready"
once the encoder wrote the compressed file (`encoded`; the WAV is then deleted). A box
that stops mid-call leaves a "recording" row and its WAV: `recover()` at the next start
makes the WAV's header whole and hands it to the encoder again, as it does with rows
left "encoding". Each row names the call record it belongs to (`call_id`, the CDR's
id), so the records link their recordings (docs/records.md).

`cleanup(limit_bytes, retention_days, now)` deletes recordings older than the
retention, then the oldest until the rest fit within the storage limit (a recording
still being made is never deleted), and says what it deleted; `note_cleanup` keeps the
owner's warning when the limit had to delete (the System page and the dashboard show
it). Every method opens its own connection, so the box, the CLI and the web process
use one store side by side.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import struct
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from firmware.index_db import index_db

ID_RE = re.compile(r"[0-9a-f]{12}")
STATES = ("recording", "encoding", "ready")
SCHEMA = """
CREATE TABLE IF NOT EXISTS recordings (
    id TEXT PRIMARY KEY,
    call_id TEXT NOT NULL DEFAULT '',
    at_ts REAL NOT NULL,
    duration_s REAL NOT NULL DEFAULT 0,
    format TEXT NOT NULL,
    file TEXT NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    caller TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS recordings_call ON recordings (call_id);
CREATE INDEX IF NOT EXISTS recordings_at ON recordings (at_ts);
"""
_COLUMNS = "id, call_id, at_ts, duration_s, format, file, bytes, state, caller, rule"
MIME = {"wav": "audio/wav", "mp3": "audio/mpeg", "opus": "audio/ogg"}


class RecordingError(Exception):
    """A request the store refuses; `field` names what was wrong."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


class NoSuchRecording(RecordingError, KeyError):
    def __init__(self, ident: str):
        super().__init__("id", f"no recording {ident!r}")

    def __str__(self) -> str:
        return f"id: {self.reason}"


@dataclass(frozen=True)
class Recording:
    id: str
    call_id: str
    at_ts: float  # unix seconds: when recording began
    duration_s: float
    format: str  # wav, mp3, opus: what `file` is now
    file: str
    bytes: int
    state: str  # recording, encoding, ready
    caller: str = ""
    rule: str = ""  # the recording rule that matched ("all", "route:sales")

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def mime(self) -> str:
        return MIME.get(self.format, "application/octet-stream")


class RecordingStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> RecordingStore:
        return cls(Path(data_dir) / "recordings")

    def _db(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return index_db(self.root, SCHEMA)

    def _rows(self, where: str = "", args: tuple = ()) -> list[Recording]:
        if not (self.root / "index.db").exists():
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM recordings {where}"
                              " ORDER BY at_ts, id", args).fetchall()
        return [Recording(*row) for row in rows]

    # --- writing ---------------------------------------------------------------------

    def new(self, call_id: str, at_ts: float, *, caller: str = "", rule: str = "",
            month: str | None = None) -> Recording:
        """A new recording of call `call_id` and the WAV path to write, not yet stored
        (no file I/O: the call core makes one on its loop; `insert` stores it)."""
        ident = uuid.uuid4().hex[:12]
        folder = self.root / (month or datetime.fromtimestamp(at_ts).strftime("%Y-%m"))
        return Recording(ident, call_id or "", at_ts, 0.0, "wav", str(folder / f"{ident}.wav"),
                         0, "recording", caller or "", rule)

    def insert(self, rec: Recording) -> Recording:
        """Store a `new` recording's row (state "recording") and make its folder."""
        Path(rec.file).parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(f"INSERT INTO recordings ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (rec.id, rec.call_id, rec.at_ts, 0.0, "wav", rec.file, 0, "recording",
                        rec.caller, rec.rule))
        return rec

    def begin(self, call_id: str, at_ts: float, *, caller: str = "", rule: str = "",
              month: str | None = None) -> Recording:
        """A new recording of call `call_id`, stored: its row and the WAV path to write."""
        return self.insert(self.new(call_id, at_ts, caller=caller, rule=rule, month=month))

    def finished(self, ident: str, duration_s: float, encode: bool) -> Recording:
        """The call ended: the WAV is whole; "encoding" next, or "ready" as WAV."""
        rec = self.get(ident)
        size = _size(rec.file)
        with self._db() as db:
            db.execute("UPDATE recordings SET duration_s = ?, bytes = ?, state = ?"
                       " WHERE id = ?", (round(duration_s, 1), size,
                                         "encoding" if encode else "ready", ident))
        return self.get(ident)

    def encoded(self, ident: str, path: Path, fmt: str) -> Recording:
        """The encoder wrote `path`: it replaces the WAV."""
        rec = self.get(ident)
        _fsync_dir(Path(path).parent)
        with self._db() as db:
            db.execute("UPDATE recordings SET file = ?, format = ?, bytes = ?, state = 'ready'"
                       " WHERE id = ?", (str(path), fmt, _size(path), ident))
        if rec.file != str(path):
            with contextlib.suppress(FileNotFoundError):
                Path(rec.file).unlink()
        return self.get(ident)

    def keep_as_wav(self, ident: str) -> Recording:
        """The encoder failed: the WAV is the recording."""
        with self._db() as db:
            db.execute("UPDATE recordings SET state = 'ready' WHERE id = ?", (ident,))
        return self.get(ident)

    def recover(self) -> list[Recording]:
        """At start: recordings a stop cut short (WAV headers mended) and those left
        encoding; the ones to encode now (state "encoding")."""
        for rec in self._rows("WHERE state = 'recording'"):
            size = mend_wav(Path(rec.file))
            with self._db() as db:
                db.execute("UPDATE recordings SET state = 'encoding', bytes = ?,"
                           " duration_s = ? WHERE id = ?",
                           (size, round(max(0, size - 44) / 16000, 1), rec.id))
        return self._rows("WHERE state = 'encoding'")

    # --- reading ---------------------------------------------------------------------

    def list(self) -> list[Recording]:
        """Every recording, oldest first."""
        return self._rows()

    def for_call(self, call_id: str) -> list[Recording]:
        return self._rows("WHERE call_id = ?", (call_id,)) if call_id else []

    def for_calls(self, call_ids: list[str]) -> dict[str, list[Recording]]:
        wanted = [c for c in call_ids if c][:1000]
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        out: dict[str, list[Recording]] = {}
        for rec in self._rows(f"WHERE call_id IN ({marks})", tuple(wanted)):
            out.setdefault(rec.call_id, []).append(rec)
        return out

    def get(self, ident: str) -> Recording:
        if not isinstance(ident, str) or not ID_RE.fullmatch(ident):
            raise NoSuchRecording(str(ident)[:40])
        found = self._rows("WHERE id = ?", (ident,))
        if not found:
            raise NoSuchRecording(ident)
        return found[0]

    def used_bytes(self) -> int:
        return sum(r.bytes for r in self.list())

    # --- deleting --------------------------------------------------------------------

    def delete(self, ident: str) -> Recording:
        rec = self.get(ident)
        with self._db() as db:
            db.execute("DELETE FROM recordings WHERE id = ?", (ident,))
        with contextlib.suppress(FileNotFoundError):
            Path(rec.file).unlink()
        return rec

    def cleanup(self, limit_bytes: int, retention_days: int = 0,
                now: float | None = None) -> tuple[list[Recording], list[Recording]]:
        """Delete recordings past `retention_days` (0: no age limit), then the oldest
        until the rest fit within `limit_bytes`; never one being recorded or encoded.
        The recordings deleted (by age, by the limit), oldest first."""
        now = time.time() if now is None else now
        done = [r for r in self.list() if r.state == "ready"]  # not one being made
        aged = [r for r in done if retention_days and now - r.at_ts > retention_days * 86400]
        for rec in aged:
            self.delete(rec.id)
        left = [r for r in done if r not in aged]
        total = sum(r.bytes for r in self.list())
        over: list[Recording] = []
        for rec in left:
            if total <= limit_bytes:
                break
            over.append(self.delete(rec.id))
            total -= rec.bytes
        return aged, over

    def note_cleanup(self, deleted: int, limit_mb: int, now: float | None = None) -> None:
        """Keep the owner's warning: the storage limit made the box delete recordings."""
        warning = {"at_ts": time.time() if now is None else now, "deleted": deleted,
                   "limit_mb": limit_mb}
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / "warning.json.part"
        tmp.write_text(json.dumps(warning))
        os.replace(tmp, self.root / "warning.json")

    def warning(self) -> dict | None:
        """The last cleanup warning ({"at_ts", "deleted", "limit_mb"}), or None."""
        try:
            found = json.loads((self.root / "warning.json").read_text())
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def clear_warning(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / "warning.json").unlink()


def mend_wav(path: Path) -> int:
    """Make a WAV's RIFF and data sizes match its length (a file cut short by a stop);
    its size in bytes (0 when it is gone)."""
    try:
        size = path.stat().st_size
        if size < 44:
            return size
        data = (size - 44) // 2 * 2
        with path.open("r+b") as f:
            f.truncate(44 + data)
            f.seek(4)
            f.write(struct.pack("<I", 36 + data))
            f.seek(40)
            f.write(struct.pack("<I", data))
        return 44 + data
    except OSError:
        return 0


def _size(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
