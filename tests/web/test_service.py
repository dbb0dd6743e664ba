"""The facade both ways: in the box's process (a loop in a thread) and from the web
page's own process (the control socket), refusing the same configs with the same words."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

import pytest

from firmware import paths
from firmware.config.cli import control_handlers
from firmware.config.store import ConfigStore
from firmware.service import BoxService, ServiceError, UnknownAgent
from tests.config.helpers import LoopThread, example, running_server
from tests.web.client import Client
from tests.web.conftest import set_up_owner
from web_ui.app import make_app


@pytest.fixture
def short_data():
    with tempfile.TemporaryDirectory(prefix="sbw") as tmp:  # a short control-socket path
        yield Path(tmp)


@pytest.fixture
def running_box(short_data: Path):
    """A control socket answering like the box: status on its loop, config on its store."""
    store = ConfigStore(short_data)
    store.replace(example())
    on_loop = []

    def status(args):
        on_loop.append(threading.current_thread().name)
        return {"system": "ready", "gsm": {"gsm0": {"state": "ready", "csq": 20}},
                "ports": {"fxs0": "idle"}, "calls": [], "leds": {"PWR": "solid"}}

    def set_available(args):
        on_loop.append(("agents.set_available", args))
        return args

    handlers = {"status": status, "agents.set_available": set_available,
                **control_handlers(store)}
    with running_server(paths.control_socket(short_data), handlers):
        yield store, on_loop


def test_remote_status_and_config(short_data: Path, running_box) -> None:
    store, on_loop = running_box
    service = BoxService.of_running_box(short_data)
    assert service.status()["gsm"]["gsm0"]["state"] == "ready"
    assert on_loop
    assert service.config() == store.as_dict()
    changed = dict(service.config(), forward_chain=[])
    assert service.replace_config(changed)["ring_groups"] == 1
    assert store.load().forward_chain == ()


def test_pages_ask_only_which_config_the_box_holds(short_data: Path, running_box) -> None:
    """A page view costs the box no work proportional to the config: the web process
    keeps the parsed config and asks again only when the version changed."""
    store, _ = running_box
    service = BoxService.of_running_box(short_data)
    exports = []
    real = store.as_dict
    store.as_dict = lambda: exports.append(1) or real()  # type: ignore[method-assign]
    first = service.config_object()
    client = Client(make_app(service, kdf_n=2**4))
    set_up_owner(client)
    for page in ("/", "/staff", "/rules", "/schedule"):
        assert client.get(page).status == 200, page
    assert client.api("GET", "/api/status").status == 200
    assert service.config_object() is first and len(exports) == 1
    version = store.version
    service.replace_config(dict(service.config(), forward_chain=[]))
    assert store.version != version
    assert service.config_object() is not first
    assert service.config_object().forward_chain == () and len(exports) == 2
    copy = service.config()
    copy["forward_chain"] = ["changed"]
    assert service.config()["forward_chain"] == []  # each caller gets its own copy


def test_a_restarted_box_is_another_config_version(short_data: Path) -> None:
    one, two = ConfigStore(short_data), ConfigStore(short_data)
    assert one.version != two.version
    before = one.version
    one.replace(example())
    assert one.version != before


def test_remote_refusal_names_the_field_and_changes_nothing(short_data: Path,
                                                            running_box) -> None:
    store, _ = running_box
    service = BoxService.of_running_box(short_data)
    before = store.as_dict()
    bad = dict(before, ring_groups=[{"name": "x", "members": ["nobody"]}])
    with pytest.raises(Exception) as refused:
        service.replace_config(bad)
    assert ("ring_groups[0].members[0]" in [f for f, _ in refused.value.errors])
    assert store.as_dict() == before


def test_the_pages_work_over_the_socket(short_data: Path, running_box) -> None:
    client = Client(make_app(BoxService.of_running_box(short_data), kdf_n=2**4))
    set_up_owner(client)
    assert "CHINA" not in client.get("/").text  # no operator in this status
    assert "gsm0" in client.get("/").text
    reply = client.post("/staff/group", {"original": "sales", "name": "sales",
                                         "strategy": "percentage", "members": "801 50"})
    assert reply.status == 422 and "比例合计为 50，不是 100" in reply.text  # codes came along
    assert running_box[0].load().ring_groups[0].strategy.value == "sequential"


def test_availability_goes_to_the_box_over_the_socket(short_data: Path, running_box) -> None:
    _, on_loop = running_box
    service = BoxService.of_running_box(short_data)
    assert service.set_available("zhang", False) == {"agent": "zhang", "available": False}
    assert ("agents.set_available", {"agent": "zhang", "available": False}) in on_loop
    with pytest.raises(UnknownAgent):  # the facade checks the config first: nothing sent
        service.set_available("nobody", True)
    assert [e for e in on_loop if isinstance(e, tuple)] == [
        ("agents.set_available", {"agent": "zhang", "available": False})]


def test_no_box_is_a_clear_error(short_data: Path) -> None:
    service = BoxService.of_running_box(short_data)
    with pytest.raises(ServiceError, match="not running"):
        service.status()
    client = Client(make_app(service, kdf_n=2**4))
    assert client.get("/setup").status == 200  # the first-run form needs no box
    set_up_owner(client)
    reply = client.get("/staff")
    assert reply.status == 503 and "没有响应" in reply.text
    api = client.api("GET", "/api/status")
    assert api.status == 503 and "not running" in api.json()["error"]


def test_in_process_status_runs_on_the_loop(tmp_path: Path) -> None:
    loop = LoopThread()
    try:
        seen = []

        def status():
            seen.append(asyncio.get_running_loop())
            return {"system": "ready"}

        service = BoxService(tmp_path, loop=loop.loop, status=status)
        assert service.status() == {"system": "ready"}
        assert seen == [loop.loop]
        stuck = BoxService(tmp_path, loop=loop.loop, status=lambda: __import__("time").sleep(1))
        with pytest.raises(ServiceError, match="did not answer"):
            stuck.on_loop(lambda: __import__("time").sleep(0.5), timeout=0.1)
    finally:
        loop.close()
