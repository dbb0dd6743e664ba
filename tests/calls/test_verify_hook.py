"""Verification steps (G5) against a real HTTP server on 127.0.0.1 in a thread: the hook
up, slow (timeout), down, and replying nonsense; its reply choosing the exit; and the
whole step in the call core (ivr_rig.py)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from firmware.calls import ivr
from firmware.calls.verify_hook import ask_hook
from firmware.routing.keypad import Hook
from tests.calls.ivr_rig import IvrRig, front_door


class HookServer:
    """A verification hook: `reply(body)` decides what each POST gets; every request's
    JSON body is kept in `asked`."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []
        self.delay = 0.0
        self.status = 200
        self.body: bytes = b'{"ok": true}'
        self.release = threading.Event()  # a slow hook waits for this (or `delay`)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                server.asked.append(json.loads(self.rfile.read(length)))
                if server.delay:
                    server.release.wait(server.delay)
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/verify"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hook() -> Iterator[HookServer]:
    server = HookServer()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PAYLOAD = {"caller": "+8613588888888", "line": "gsm0", "digits": "123456", "call_id": "7"}


def test_the_hook_gets_the_call_as_json_and_its_reply_decides(hook: HookServer) -> None:
    hook.body = b'{"ok": true, "exit": "vip"}'
    answer = asyncio.run(ask_hook(Hook(hook.url), PAYLOAD))
    assert (answer.ok, answer.exit, answer.down) == (True, "vip", False)
    assert hook.asked == [PAYLOAD]


def test_a_slow_hook_times_out_is_retried_then_down(hook: HookServer) -> None:
    hook.delay = 5.0
    answer = asyncio.run(ask_hook(Hook(hook.url, timeout_s=1, retries=1), PAYLOAD))
    assert answer.down and "timed out" in answer.why
    assert len(hook.asked) == 2, "one try and one retry"


def test_a_hook_nobody_listens_on_is_down() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/verify"
    answer = asyncio.run(ask_hook(Hook(url, timeout_s=1, retries=2), PAYLOAD))
    assert answer.down and "no answer" in answer.why


@pytest.mark.parametrize(("status", "body", "why"), [
    (200, b"yes please", "not JSON"),
    (200, b'{"ok": "yes"}', '"ok"'),
    (200, b'[true]', '"ok"'),
    (200, b'{"ok": true, "exit": 5}', '"exit"'),
    (500, b'{"ok": true}', "HTTP 500"),
])
def test_a_bad_reply_counts_as_the_hook_down(hook: HookServer, status: int, body: bytes,
                                             why: str) -> None:
    hook.status, hook.body = status, body
    answer = asyncio.run(ask_hook(Hook(hook.url, retries=0), PAYLOAD))
    assert answer.down and why in answer.why


def test_the_loop_runs_on_while_the_hook_thinks(hook: HookServer) -> None:
    hook.delay = 2.0

    async def scenario() -> int:
        ticks = 0
        task = asyncio.ensure_future(ask_hook(Hook(hook.url, timeout_s=3), PAYLOAD))
        while not hook.asked:
            await asyncio.sleep(0.01)
        while not task.done():
            ticks += 1
            if ticks == 5:
                hook.release.set()
            await asyncio.sleep(0.01)
        assert (await task).ok
        return ticks

    assert asyncio.run(scenario()) >= 5, "the event loop kept running during the request"


# --- the step in the call core -------------------------------------------------------------


def _steps(url: str, *, numbers: list[str] | None = None, when_down: str = "failed",
           retries: int = 0) -> list[dict]:
    verify: dict[str, Any] = {
        "min_digits": 4, "max_digits": 8, "tries": 2, "timeout_s": 1,
        "hook": {"url": url, "timeout_s": 1, "retries": retries, "when_down": when_down},
        "exits": [{"name": "vip", "to": "vipdesk"}, {"name": "later", "to": "reception"}]}
    if numbers is not None:
        verify["numbers"] = numbers
    return [{"id": "acct", "do": "verify", "verify": verify, "on": {"ok": "sales"}},
            {"id": "sales", "do": "ring_group:sales"},
            {"id": "reception", "do": "ring_group:reception"},
            {"id": "vipdesk", "do": "ring_group:reception"}]


def _run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


@pytest.fixture(autouse=True)
def _quick_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ivr, "ENTRY_DIGIT_S", 0.3)


def test_a_listed_number_passes_without_asking_the_hook(tmp_path: Path, hook: HookServer
                                                        ) -> None:
    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(_steps(hook.url, numbers=["24680"])))
        rig.audio.keys_during["verify_enter"] = ["24680#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs1")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > verify acct:ok > sales"
        assert hook.asked == []
        rig.close()

    _run(scenario)


def test_the_hooks_reply_picks_the_exit(tmp_path: Path, hook: HookServer) -> None:
    hook.body = b'{"ok": true, "exit": "vip"}'

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(_steps(hook.url)))
        rig.audio.keys_during["verify_enter"] = ["9876543#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        rec = rig.calls()[-1]
        assert rec["route"] == "route front door > verify acct:vip > vipdesk"
        assert hook.asked == [{"caller": "+8613588888888", "line": "gsm0",
                               "digits": "9876543", "call_id": rec["id"]}]
        rig.close()

    _run(scenario)


def test_a_no_from_the_hook_asks_again_then_fails(tmp_path: Path, hook: HookServer) -> None:
    hook.body = b'{"ok": false}'

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(_steps(hook.url)))
        rig.audio.keys_during["verify_enter"] = ["11112222#", "123#"]  # 123: too short
        rig.ring_in()
        rec = await rig.ended()
        assert rec["route"] == "route front door > verify acct:failed > refused"
        assert rec["result"] == "blocked"
        assert [a["digits"] for a in hook.asked] == ["11112222"]
        assert rig.audio.prompts() == ["verify_enter", "verify_wrong", "verify_enter",
                                       "verify_wrong", "goodbye"]
        rig.close()

    _run(scenario)


def test_a_hook_that_is_down_sends_the_call_by_when_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/verify"

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(_steps(url, when_down="later", retries=1)))
        rig.audio.keys_during["verify_enter"] = ["55556666#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > verify acct:later > reception"
        rig.close()

    _run(scenario)


def test_a_slow_hook_is_down_too(tmp_path: Path, hook: HookServer) -> None:
    hook.delay = 5.0

    async def scenario() -> None:
        rig = IvrRig(tmp_path, front_door(_steps(hook.url, when_down="later")))
        rig.audio.keys_during["verify_enter"] = ["55556666#"]
        rig.ring_in()
        desk = await rig.answer_desk("fxs0")
        await rig.hang_up_desk(desk)
        assert rig.calls()[-1]["route"] == "route front door > verify acct:later > reception"
        rig.close()

    _run(scenario)
