"""A TinyDB storage that never leaves a torn file behind.

TinyDB's stock `JSONStorage.write` seeks to 0, writes and truncates the one
file in place: a crash or power cut in between leaves half of the new JSON on
top of the old. `AtomicJSONStorage` writes the whole database to a temporary
file in the same directory, flushes and fsyncs it, renames it over the old file
with `os.replace` (atomic on POSIX) and fsyncs the directory so the rename
itself survives a power cut. A reader sees the old file or the new one, never
a mix. TinyDB calls `read()`/`write()`; `ConfigStore` is the only user.

Text is UTF-8 with `ensure_ascii=False`, so staff names stay readable
("张伟", not "\\u5f20\\u4f1f") when the owner opens the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

TEMP_SUFFIX = ".tmp"
STALE_TEMP_AGE = 60.0  # seconds; a writer never takes this long to write a config


class AtomicJSONStorage(Storage):
    """The database as one JSON file at `path`, replaced whole on every write.

    A missing file reads as an empty database (None). A file that does not
    parse raises `json.JSONDecodeError` (or `UnicodeDecodeError`); it is never
    replaced silently. Temporary files left by a writer that was killed are
    removed when the storage is opened.
    """

    def __init__(self, path: str | os.PathLike[str], indent: int | None = 2):
        super().__init__()
        self.path = Path(path)
        self.indent = indent
        self._remove_stale_temps()

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return json.loads(raw.decode("utf-8"))

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        payload = json.dumps(data, ensure_ascii=False, indent=self.indent).encode("utf-8")
        write_atomically(self.path, payload + b"\n")

    def _remove_stale_temps(self) -> None:
        if not self.path.parent.is_dir():
            return
        cutoff = time.time() - STALE_TEMP_AGE
        for temp in self.path.parent.glob(_temp_prefix(self.path) + "*" + TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()


def write_atomically(path: Path, payload: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `payload` so that readers see the old or the new file, whole.

    Creates the parent directory if needed. On any error the temporary file is
    removed and the old file is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=_temp_prefix(path), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (the directory entry is data too)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."
