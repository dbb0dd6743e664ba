"""ConfigStore: load/replace/check/subscribers on memory and JSON storage alike."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from firmware.config.schema import Config, Settings, to_dict
from firmware.config.store import ConfigFileCorrupt, ConfigStore
from firmware.errors import ConfigError
from tests.config.helpers import example


def test_missing_file_is_the_empty_default(store: ConfigStore) -> None:
    assert store.load() == Config()
    assert store.as_dict()["settings"]["timezone"] == "Asia/Shanghai"
    assert not store.path.exists()


def test_replace_then_load(store: ConfigStore) -> None:
    config = store.replace(example())
    assert store.load() == config
    assert store.as_dict() == to_dict(config)
    assert store.as_dict()["bound_numbers"][1]["number"] == "+8613512345678"


def test_replace_removes_sections_that_are_gone(store: ConfigStore) -> None:
    store.replace(example())
    store.replace({"schema_version": 1, "settings": {"company_name": "小店"}})
    assert store.load() == Config(settings=Settings(company_name="小店"))
    assert store.as_dict()["extensions"] == []


def test_check_validates_without_storing(store: ConfigStore) -> None:
    assert store.check(example()).extension("801").name == "前台 Reception"
    assert store.load() == Config()
    with pytest.raises(ConfigError):
        store.check({"schema_version": 1, "extensions": [{"number": "1"}]})


def test_subscribers_see_each_new_config(store: ConfigStore) -> None:
    seen: list[Config] = []
    unsubscribe = store.on_change(seen.append)
    first = store.replace(example())
    with pytest.raises(ConfigError):
        store.replace({"schema_version": 1, "forward_chain": ["zhang"]})
    second = store.replace({"schema_version": 1})
    unsubscribe()
    store.replace(example())
    assert seen == [first, second]


def test_a_failing_subscriber_does_not_undo_or_stop_others(store: ConfigStore) -> None:
    seen: list[Config] = []

    def broken(config: Config) -> None:
        raise RuntimeError("subscriber bug")

    store.on_change(broken)
    store.on_change(seen.append)
    config = store.replace(example())
    assert seen == [config]
    assert store.load() == config


def test_subscriber_may_read_the_store(store: ConfigStore) -> None:
    """Callbacks run outside the lock, so reading back does not deadlock."""
    read_back: list[Config] = []
    store.on_change(lambda config: read_back.append(store.load()))
    config = store.replace(example())
    assert read_back == [config]


def test_concurrent_writers_leave_one_complete_config(store: ConfigStore) -> None:
    configs = []
    for n in range(8):
        d = example()
        d["settings"]["company_name"] = f"公司 {n}"
        configs.append(d)
    threads = [threading.Thread(target=store.replace, args=(d,)) for d in configs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    names = {f"公司 {n}" for n in range(8)}
    assert store.load().settings.company_name in names
    reopened = ConfigStore(store.path.parent) if store.path.exists() else store
    assert reopened.load() == store.load()


# --- the JSON file only -------------------------------------------------------


def test_file_survives_reopen_and_is_readable(tmp_path: Path) -> None:
    ConfigStore(tmp_path).replace(example())
    text = (tmp_path / "config.json").read_text(encoding="utf-8")
    assert "张伟" in text
    assert json.loads(text)["config"]["1"]["schema_version"] == 2  # written at the current version
    assert ConfigStore(tmp_path).load() == ConfigStore(tmp_path).check(example())


@pytest.mark.parametrize("content", [
    b'{"config": {"1": {"schema_version": 1, ',
    b"\xff\xfe not text",
    b"",
    b"[1, 2]",
    b'{"config": []}',
    b'{"config": {"1": "hello"}}',
])
def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    with pytest.raises(ConfigFileCorrupt) as refused:
        ConfigStore(tmp_path).load()
    assert str(path) in str(refused.value)
    assert "left as it is" in str(refused.value)
    assert path.read_bytes() == content


def test_invalid_stored_config_is_reported_with_the_file(tmp_path: Path) -> None:
    d = example()
    d["extensions"][0]["port"] = "fxs7"
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"config": {"1": d}}), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        ConfigStore(tmp_path).load()
    assert refused.value.errors == [
        (f"{path}: extensions[0].port",
         'no FXS port "fxs7" (lines.fxs has: fxs0, fxs1, fxs2, fxs3)')]


def test_replace_over_a_corrupt_file_keeps_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"config": {"1": {"trunc')
    store = ConfigStore(tmp_path)
    config = store.replace(example())
    assert store.load() == config
    assert store.last_moved_aside is not None
    assert store.last_moved_aside.read_bytes() == b'{"config": {"1": {"trunc'
    assert store.last_moved_aside.name.startswith("config.json.corrupt-")


def test_refused_replace_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path)
    store.replace(example())
    before = store.path.read_bytes()
    bad = example()
    bad["bound_numbers"][0]["number"] = "110"
    with pytest.raises(ConfigError):
        store.replace(bad)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]
