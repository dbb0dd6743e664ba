from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware.cdr.store import CdrStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "records.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[CdrStore]:
    s = CdrStore(db_path)
    yield s
    s.close()
