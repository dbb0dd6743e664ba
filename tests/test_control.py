"""The control socket: JSON-lines requests, errors as replies, stale sockets, the client."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firmware import control
from firmware.config.reasons import reason
from firmware.control import ControlServer, box_is_running, control_request, in_thread
from firmware.errors import ConfigError, ControlError
from tests.config.helpers import LoopThread, running_server


def _raw_exchange(path: Path, payload: bytes) -> dict[str, Any]:
    """Send raw bytes on a fresh connection and read one reply line."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        sock.sendall(payload)
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(4096)
            assert chunk, "server closed without a reply"
            data += chunk
    return json.loads(data)


@pytest.fixture
def sock_path() -> Iterator[Path]:
    # A short path, so tests may also speak to it with a plain socket.connect().
    with tempfile.TemporaryDirectory(prefix="sbctl") as short:
        yield Path(short) / "run" / "control.sock"


async def _async_echo(args: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(0)
    return {"echo": args}


def _refuse_config(args: dict[str, Any]) -> None:
    raise ConfigError([("extensions[0].port", 'no FXS port "fxs9"'), ("forward_chain", "short")])


def _boom(args: dict[str, Any]) -> None:
    raise RuntimeError("kaboom")


HANDLERS = {
    "echo": lambda args: args,
    "aecho": _async_echo,
    "refuse": _refuse_config,
    "boom": _boom,
    "unserialisable": lambda args: object(),
}


def test_sync_and_async_handlers_answer(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        assert control_request(sock_path, "ping") == "pong"
        assert control_request(sock_path, "echo", {"名字": "张伟"}) == {"名字": "张伟"}
        assert control_request(sock_path, "aecho", {"n": 1}) == {"echo": {"n": 1}}


def test_several_requests_on_one_connection(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS), socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(10)
        sock.connect(str(sock_path))
        sock.sendall(b'{"op": "echo", "args": {"n": 1}}\n{"op": "ping"}\n')
        reader = sock.makefile("rb")
        assert json.loads(reader.readline()) == {"ok": True, "result": {"n": 1}}
        assert json.loads(reader.readline()) == {"ok": True, "result": "pong"}


@pytest.mark.parametrize(("payload", "message"), [
    (b"hello\n", "not a JSON request"),
    (b"\xff\xfe\n", "not a JSON request"),
    (b"[1, 2]\n", "a request is a JSON object"),
    (b'{"args": {}}\n', "a request is a JSON object"),
    (b'{"op": 7}\n', "a request is a JSON object"),
    (b'{"op": "echo", "args": [1]}\n', '"args" must be a JSON object'),
    (b'{"op": "reboot"}\n', "unknown op 'reboot'"),
    (b'{"op": "boom"}\n', "boom failed: RuntimeError: kaboom"),
    (b'{"op": "unserialisable"}\n', "unserialisable failed: TypeError"),
])
def test_malformed_requests_get_an_error_and_the_server_lives_on(
    sock_path: Path, payload: bytes, message: str
) -> None:
    with running_server(sock_path, HANDLERS):
        reply = _raw_exchange(sock_path, payload)
        assert reply["ok"] is False
        assert message in reply["error"]
        assert "errors" not in reply
        assert control_request(sock_path, "ping") == "pong"


def test_client_hanging_up_mid_request_does_not_hurt(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(sock_path))
            sock.sendall(b'{"op": "ec')
        assert control_request(sock_path, "ping") == "pong"


def test_refused_config_comes_back_as_config_error(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        reply = _raw_exchange(sock_path, b'{"op": "refuse"}\n')
        assert reply["errors"] == [["extensions[0].port", 'no FXS port "fxs9"'],
                                   ["forward_chain", "short"]]
        with pytest.raises(ConfigError) as refused:
            control_request(sock_path, "refuse")
        assert refused.value.errors == [("extensions[0].port", 'no FXS port "fxs9"'),
                                        ("forward_chain", "short")]


def test_a_refusal_keeps_its_codes_across_the_socket(sock_path: Path) -> None:
    def refuse(args: dict[str, Any]) -> None:
        raise ConfigError([("extensions[0].port", reason("no_fxs_port", port="fxs9",
                                                          known=["fxs0", "fxs1"])),
                           ("forward_chain", "short")])

    with running_server(sock_path, {"refuse": refuse}):
        reply = _raw_exchange(sock_path, b'{"op": "refuse"}\n')
        assert reply["issues"][0] == {
            "field": "extensions[0].port", "code": "no_fxs_port",
            "reason": 'no FXS port "fxs9" (lines.fxs has: fxs0, fxs1)',
            "params": {"port": "fxs9", "known": ["fxs0", "fxs1"]}}
        with pytest.raises(ConfigError) as refused:
            control_request(sock_path, "refuse")
    (field, why), (_, plain_text) = refused.value.errors
    assert field == "extensions[0].port"
    assert why == 'no FXS port "fxs9" (lines.fxs has: fxs0, fxs1)'
    assert why.code == "no_fxs_port" and why.params == {"port": "fxs9", "known": ["fxs0", "fxs1"]}
    assert plain_text.code == "text" and plain_text.params == {"text": "short"}


def test_other_failures_come_back_as_control_error(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        with pytest.raises(ControlError, match=r"the box refused boom: .*kaboom"):
            control_request(sock_path, "boom")
        with pytest.raises(ControlError, match="unknown op"):
            control_request(sock_path, "reboot")


def test_socket_is_private_and_removed_on_stop(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        mode = os.stat(sock_path).st_mode
        assert stat.S_ISSOCK(mode)
        assert stat.S_IMODE(mode) == 0o600
        assert box_is_running(sock_path)
    assert not sock_path.exists()
    assert not box_is_running(sock_path)


def test_not_running_is_a_control_error(sock_path: Path) -> None:
    assert not box_is_running(sock_path)
    with pytest.raises(ControlError, match="not running"):
        control_request(sock_path, "ping")


def _stale_socket(path: Path) -> None:
    """A socket file nobody listens on, as a killed box leaves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def test_stale_socket_is_not_running_and_gets_replaced(sock_path: Path) -> None:
    _stale_socket(sock_path)
    assert sock_path.exists()
    assert not box_is_running(sock_path)
    with pytest.raises(ControlError, match="not running"):
        control_request(sock_path, "ping")
    with running_server(sock_path, HANDLERS):
        assert control_request(sock_path, "ping") == "pong"


def test_second_server_on_a_live_socket_is_refused(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        loop = LoopThread()
        try:
            with pytest.raises(ControlError, match="another box is already answering"):
                loop.run(ControlServer(sock_path, {}).start())
        finally:
            loop.close()
        assert control_request(sock_path, "ping") == "pong"


def test_a_regular_file_in_the_way_is_not_touched(sock_path: Path) -> None:
    sock_path.parent.mkdir(parents=True)
    sock_path.write_text("precious")
    loop = LoopThread()
    try:
        with pytest.raises(ControlError, match="is not a socket"):
            loop.run(ControlServer(sock_path, {}).start())
    finally:
        loop.close()
    assert sock_path.read_text() == "precious"


def test_slow_box_times_out(sock_path: Path) -> None:
    release = threading.Event()

    async def stuck(args: dict[str, Any]) -> str:
        await asyncio.to_thread(release.wait, 30)
        return "late"

    with running_server(sock_path, {"stuck": stuck}):
        try:
            with pytest.raises(ControlError, match=r"did not answer stuck within 0\.3 s"):
                control_request(sock_path, "stuck", timeout=0.3)
        finally:
            release.set()
        assert control_request(sock_path, "ping") == "pong"


def test_blocking_handler_runs_off_the_loop(sock_path: Path) -> None:
    threads: list[str] = []

    def blocking(args: dict[str, Any]) -> str:
        threads.append(threading.current_thread().name)
        return "done"

    with running_server(sock_path, {"sync": blocking, "threaded": in_thread(blocking)}):
        assert control_request(sock_path, "sync") == "done"
        assert control_request(sock_path, "threaded") == "done"
    assert threads[0] != threads[1]


def test_oversized_request_is_refused(sock_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(control, "MAX_REQUEST", 1024)
    with running_server(sock_path, HANDLERS):
        reply = _raw_exchange(sock_path, b'{"op": "echo", "args": {"x": "' + b"y" * 5000 + b'"}}\n')
        assert reply["ok"] is False and "longer than 1024 bytes" in reply["error"]
        assert control_request(sock_path, "echo", {"x": "y" * 100}) == {"x": "y" * 100}


def test_the_request_limit_holds_a_config_of_the_largest_size() -> None:
    assert control.MAX_REQUEST >= 2 * control.MAX_CONFIG_BYTES


def test_deeply_nested_request_is_refused_not_a_crash(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        deep = b'{"op": "echo", "args": {"x": ' + b"[" * 100000 + b"]" * 100000 + b"}}\n"
        reply = _raw_exchange(sock_path, deep)
        assert reply["ok"] is False and "deeper than" in reply["error"]
        assert control_request(sock_path, "echo", {"x": [[1]]}) == {"x": [[1]]}


def test_a_lone_surrogate_in_a_reply_is_escaped_not_a_crash(sock_path: Path) -> None:
    with running_server(sock_path, HANDLERS):
        reply = _raw_exchange(sock_path, b'{"op": "echo", "args": {"x": "\\ud800"}}\n')
        assert reply["ok"] is True
        assert control_request(sock_path, "echo", {"x": "ok"}) == {"x": "ok"}


def test_deep_socket_path_beyond_sun_path_limit(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "run" / "control.sock"
    assert len(str(deep)) > 108
    with running_server(deep, HANDLERS):
        assert deep.exists()
        assert box_is_running(deep)
        assert control_request(deep, "echo", {"a": 1}) == {"a": 1}
    assert not deep.exists()


def test_the_call_cores_availability_op_over_the_socket(sock_path: Path, tmp_path: Path) -> None:
    """The box's op "agents.set_available" (firmware/box.py): the call core keeps the
    choice in its state file; an unknown agent or a bad body is refused, nothing kept."""
    from firmware.calls.agents import STATE_FILE, AgentBook
    from firmware.calls.controller import CallController
    from firmware.lines.model import Lines
    from tests.routing.helpers import example

    config = example()
    core = CallController(None, None, Lines(), lambda: config, None, None,  # type: ignore[arg-type]
                          agents=AgentBook(tmp_path / STATE_FILE))
    with running_server(sock_path, {"agents.set_available": core.availability_op}):
        assert control_request(sock_path, "agents.set_available",
                               {"agent": "802", "available": False}) == {
            "agent": "802", "available": False}
        with pytest.raises(ControlError, match="no extension or bound number '999'"):
            control_request(sock_path, "agents.set_available", {"agent": "999",
                                                                "available": False})
        with pytest.raises(ControlError, match="needs"):
            control_request(sock_path, "agents.set_available", {"agent": "801"})
    assert core.availability()["802"] is False and core.availability()["801"] is True
    assert AgentBook(tmp_path / STATE_FILE).is_available("802") is False  # survives a restart
