"""Factory reset on the box's side (firmware/reset.py): the call records, the agents' and
ring groups' state and the config are cleared; a call in progress keeps its row."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace

from firmware.calls.agents import STATE_FILE, AgentBook
from firmware.cdr.clear import clear_records
from firmware.cdr.store import CdrStore
from firmware.config.schema import Config, to_dict
from firmware.config.store import ConfigStore
from firmware.reset import factory_config, reset_data_dir, reset_running_box
from firmware.routing.stats import SplitCounts, Turn
from tests.cdr.helpers import T0, end, leg, scripted_call, start, write_scripted
from tests.config.helpers import example
from tests.routing.helpers import sh


def _book(path: Path) -> AgentBook:
    book = AgentBook(path)
    book.count((Turn("sales", rotation=2),
                Turn("mix", split=SplitCounts((("801", 60), ("802", 40)), (3, 2)))))
    book.set_available("802", False, sh(3, 9))
    book.answered("801", "+8613800000000", sh(3, 10))
    book.hung_up("801", sh(3, 10, 5))
    return book


def test_the_agent_book_forgets_everything_but_calls_in_progress(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    book = _book(path)
    book.on_call("803")
    book.clear()
    snap = book.snapshot(sh(3, 11))
    assert (snap.rotation, snap.split, snap.unavailable) == ({}, {}, frozenset())
    assert (snap.answered_today, snap.idle_since, snap.last_answered) == ({}, {}, {})
    assert snap.talking == frozenset({"803"})
    saved = json.loads(path.read_text())
    assert saved == {"rotation": {}, "split": {}, "unavailable": [], "unavailable_since": {}}
    assert AgentBook(path).is_available("802")


def test_the_records_forget_ended_calls_and_notices(tmp_path: Path) -> None:
    store = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
    try:
        for i in range(5):
            write_scripted(store, scripted_call(i))
        live = store.begin_call(start("13900000000", T0))
        assert store.note_once("cap:gsm0:inbound_calls:2024-05", T0)
        assert clear_records(store.path) == 5
        assert [c.id for c in store.calls(limit=None)] == [live]
        assert store.usage_since(T0) == {"gsm1": {"inbound_calls": 1, "inbound_minutes": 0,
                                                  "outbound_minutes": 0}}  # the live one
        assert store.note_once("cap:gsm0:inbound_calls:2024-05", T0)  # may be sent again
        store.add_leg(live, leg("801", T0, talk=5.0))
        store.end_call(live, end(T0, answered_by="801"))  # the call in progress still ends
        assert store.call(live).result == "answered"
    finally:
        store.close()


def test_a_running_box_resets_on_its_loop(tmp_path: Path) -> None:
    async def run() -> dict:
        store = ConfigStore(tmp_path)
        store.replace(example())
        cdr = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
        write_scripted(cdr, scripted_call(0))
        (tmp_path / "config.json.corrupt-20260101-000000").write_text("{")
        box = SimpleNamespace(store=store, cdr=cdr, data_dir=tmp_path,
                              calls=SimpleNamespace(agents=_book(tmp_path / STATE_FILE)))
        try:
            result = await reset_running_box(box)
            assert cdr.count() == 0
            assert box.calls.agents.is_available("802")
            assert store.load() == Config()
            return result
        finally:
            cdr.close()

    result = asyncio.run(run())
    assert result == {"config": "factory", "calls_removed": 1, "agents_cleared": True,
                      "files_removed": ["config.json.corrupt-20260101-000000"]}
    assert not list(tmp_path.glob("config.json.corrupt-*"))


def test_with_no_box_running_the_files_go(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path)
    store.replace(example())
    cdr = CdrStore(tmp_path / "records.sqlite3", preload_regions=False)
    write_scripted(cdr, scripted_call(0))
    cdr.close()
    _book(tmp_path / STATE_FILE)
    (tmp_path / f"{STATE_FILE}.bad").write_text("{")
    reset_data_dir(tmp_path, store)
    assert store.load() == Config()
    assert ConfigStore(tmp_path).as_dict() == factory_config() == to_dict(Config())
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "records.sqlite3" not in left and STATE_FILE not in left
    assert f"{STATE_FILE}.bad" not in left
