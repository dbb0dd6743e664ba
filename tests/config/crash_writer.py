"""A writer process for the crash-safety test: writes versions until it is killed.

Usage: python crash_writer.py PATH atomic|stock FIRST_VERSION

Writes through TinyDB (table "config", document 1) with our AtomicJSONStorage
or with TinyDB's stock JSONStorage, prints "ready", then after each completed
write prints its version number. Payload sizes vary with the version, so some
writes shrink the file (that is what tears a file rewritten in place).
"""

from __future__ import annotations

import sys
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage
from tinydb.table import Document

from firmware.config.storage import AtomicJSONStorage

BASE_ITEMS = 6000
STEP_ITEMS = 6000


def payload(version: int) -> dict[str, Any]:
    """The complete document of `version` (deterministic, 0.2 to 0.6 MB of JSON)."""
    n = BASE_ITEMS + (version % 3) * STEP_ITEMS
    return {"version": version, "names": [f"v{version} 员工 {i:06d} ....." for i in range(n)]}


def main(argv: list[str]) -> None:
    path, kind, first = argv[0], argv[1], int(argv[2])
    storage = AtomicJSONStorage if kind == "atomic" else JSONStorage
    db = TinyDB(path, storage=storage)
    table = db.table("config", cache_size=0)
    print("ready", flush=True)
    version = first
    while True:
        table.upsert(Document(payload(version), doc_id=1))
        print(version, flush=True)
        version += 1


if __name__ == "__main__":
    main(sys.argv[1:])
