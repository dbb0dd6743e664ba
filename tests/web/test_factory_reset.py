"""Factory reset from the System page and the API: only the exact word, the backup offered
first, and afterwards nothing of the owner's is left (config, password, tokens, sessions,
call records, agents' availability, ring groups' positions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firmware.calls.agents import STATE_FILE, AgentBook
from firmware.cdr.store import CdrStore
from firmware.config.schema import Config, to_dict
from firmware.config.store import ConfigStore
from firmware.reset import reset_running_box
from firmware.routing.stats import Turn
from firmware.service import BoxService
from tests.cdr.helpers import scripted_call, write_scripted
from tests.config.helpers import LoopThread, example
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, PASSWORD, set_up_owner
from web_ui.app import make_app

ZH = {"Accept-Language": "zh-CN"}


def _owner_data(data: Path) -> None:
    """What an owner's box holds: a config, records, agents' state, a set-aside config."""
    ConfigStore(data).replace(example())
    cdr = CdrStore(data / "records.sqlite3", preload_regions=False)
    for i in range(3):
        write_scripted(cdr, scripted_call(i))
    cdr.close()
    book = AgentBook(data / STATE_FILE)
    book.set_available("802", False)
    book.count((Turn("sales", rotation=2),))
    (data / "config.json.corrupt-20260101-000000").write_text("{")


@pytest.fixture
def office(tmp_path: Path):
    data = tmp_path / "data"
    _owner_data(data)
    service = BoxService(data)
    app = make_app(service, kdf_n=FAST_KDF)
    client = Client(app)
    set_up_owner(client)
    return data, service, client


@pytest.mark.parametrize("word", ["reset", "Reset", " RESET", "RESET ", "RESET!", "",
                                  "ＲＥＳＥＴ", "yes"])
def test_only_the_exact_word_resets(office, word: str) -> None:
    data, service, client = office
    client.get("/system")
    reply = client.post("/system/reset", {"confirm": word})
    assert reply.status == 422
    assert "type RESET to confirm" in reply.text or "请输入 RESET 以确认" in reply.text
    assert service.config()["ring_groups"]
    assert (data / "records.sqlite3").exists()
    assert client.get("/").status == 200  # still logged in


def test_the_refusal_in_chinese(office) -> None:
    _, _, client = office
    client.get("/system")
    assert "请输入 RESET 以确认" in client.post("/system/reset", {"confirm": "reset"},
                                               headers=ZH).text


def test_the_page_offers_the_backup_first_and_says_what_goes(office) -> None:
    _, _, client = office
    client.get("/lang/en")
    page = client.get("/system").text
    card = page[page.index('class="card danger-zone"'):]
    assert card.index('href="/system/backup"') < card.index('action="/system/reset"')
    assert "Download a backup of the config first" in card
    assert "every call record" in card and "unavailable (*62)" in card
    backup = client.get("/system/backup")
    assert backup.status == 200 and json.loads(backup.text)["ring_groups"]


def test_the_reset_clears_everything_that_is_the_owners(office) -> None:
    data, service, client = office
    client.get("/system")
    token = client.app.config["switchboard.web"].owner.add_token("script")
    reply = client.post("/system/reset", {"confirm": "RESET"})
    assert reply.status == 303 and reply.location.endswith("/setup")
    assert service.config() == to_dict(Config())
    assert not (data / "records.sqlite3").exists()
    assert not (data / STATE_FILE).exists() and AgentBook(data / STATE_FILE).is_available("802")
    assert not list(data.glob("config.json.corrupt-*"))
    assert service.records(service_query())["total"] == 0
    owner = json.loads((data / "web" / "owner.json").read_text())
    assert owner == {}
    assert client.get("/").location.endswith("/setup")  # the session is gone: a first run
    assert client.api("GET", "/api/config", token=token).status in (401, 403)
    set_up_owner(client, "An0ther-good-pass")
    assert client.get("/").status == 200


def service_query():
    from firmware.service import RecordQuery

    return RecordQuery()


def test_the_api_needs_the_exact_word_and_forgets_its_token(office) -> None:
    data, service, client = office
    token = client.app.config["switchboard.web"].owner.add_token("script")
    for body in ({"confirm": "reset"}, {}, ["RESET"], {"confirm": 1}):
        reply = client.api("POST", "/api/factory-reset", body, token=token)
        assert reply.status == 400
        assert reply.json()["errors"][0]["field"] == "confirm"
    assert service.config()["ring_groups"]
    reply = client.api("POST", "/api/factory-reset", {"confirm": "RESET"}, token=token)
    assert reply.status == 200 and reply.json()["reset"] is True
    assert service.config() == to_dict(Config())
    assert client.api("GET", "/api/config", token=token).status in (401, 403)  # token gone
    assert not (data / "records.sqlite3").exists()


def test_a_running_box_resets_on_its_loop_and_keeps_running(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _owner_data(data)
    loop = LoopThread()
    store = ConfigStore(data)
    cdr = loop.run(_open_records(data))
    book = AgentBook(data / STATE_FILE)
    box = type("Box", (), {"store": store, "cdr": cdr, "data_dir": data,
                           "calls": type("Calls", (), {"agents": book})()})()
    status = {"system": "ready", "gsm": {}, "ports": {}, "calls": [], "leds": {}}
    service = BoxService(data, store=store, loop=loop.loop, status=lambda: status,
                         factory_reset=lambda: reset_running_box(box))
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client, PASSWORD)
    client.get("/system")
    try:
        assert client.post("/system/reset", {"confirm": "RESET"}).status == 303
        assert loop.run(_count(cdr)) == 0
        assert book.is_available("802") and book.rotation == {}
        assert store.load() == Config()
    finally:
        loop.run(_close(cdr))
        loop.close()


async def _open_records(data: Path) -> CdrStore:
    return CdrStore(data / "records.sqlite3", preload_regions=False)


async def _count(cdr: CdrStore) -> int:
    return cdr.count()


async def _close(cdr: CdrStore) -> None:
    cdr.close()
