from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb.storages import MemoryStorage

from firmware.config.store import ConfigStore


@pytest.fixture(params=["memory", "json"])
def storage_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(tmp_path: Path, storage_kind: str) -> Iterator[ConfigStore]:
    """A ConfigStore on an in-memory storage or on the atomic JSON file, alike."""
    factory = (lambda path: MemoryStorage()) if storage_kind == "memory" else None
    s = ConfigStore(tmp_path, storage=factory)
    yield s
    s.close()
