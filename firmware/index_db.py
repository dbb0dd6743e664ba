"""The small SQLite index beside a folder of audio files (voicemail, recordings).

    with index_db(root, SCHEMA) as db:   # root/index.db, created with SCHEMA if new
        db.execute(...)                   # one transaction: committed on leaving

WAL journal, a 5 s busy timeout (the web page's process reads while the box writes);
the folder is created when missing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

INDEX = "index.db"


@contextlib.contextmanager
def index_db(root: Path, schema: str) -> Iterator[sqlite3.Connection]:
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / INDEX, timeout=5)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
        with db:
            yield db
    finally:
        db.close()
