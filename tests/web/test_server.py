"""The real HTTP server (waitress) on 127.0.0.1: it serves, a slow client blocks no one,
stop() ends every connection, and a bad address is refused with a reason."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from tests.web.conftest import build
from web_ui.server import WebError, WebServer, parse_listen


@pytest.fixture
def server(data):
    _, app = build(data)
    web = WebServer(app, "127.0.0.1:0", threads=2, channel_timeout=30)
    web.start()
    yield web
    web.stop()


def _get(port: int, path: str = "/setup", timeout: float = 10.0) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path)
    reply = conn.getresponse()
    reply.read()
    conn.close()
    return reply


def test_it_serves_the_page(server: WebServer) -> None:
    reply = _get(server.port)
    assert reply.status == 200
    assert reply.getheader("Server") == "switchboard"
    assert _get(server.port, "/").status == 303


def test_slow_clients_block_no_one(server: WebServer) -> None:
    stalled = []
    for _ in range(5):  # more stalled clients than worker threads
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nab")
        stalled.append(sock)
    try:
        for _ in range(3):
            assert _get(server.port, timeout=5).status == 200
    finally:
        for sock in stalled:
            sock.close()


def test_stop_ends_every_connection(data) -> None:
    _, app = build(data)
    web = WebServer(app, "127.0.0.1:0", threads=2)
    web.start()
    idle = socket.create_connection(("127.0.0.1", web.port))
    idle.settimeout(10)
    done = threading.Event()
    threading.Thread(target=lambda: (web.stop(), done.set()), daemon=True).start()
    assert done.wait(10)
    try:
        closed = idle.recv(1) == b""  # the server closed it
    except ConnectionResetError:  # closed before it read what the kernel queued
        closed = True
    assert closed
    idle.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", web.port), timeout=2)


def test_a_worker_waking_the_loop_after_stop_writes_nowhere(data) -> None:
    """A worker that finishes a request wakes waitress's loop through its trigger (a
    pipe). The stop closes that pipe last, after the workers, and a pull after it does
    nothing: it once raised EBADF in a worker (a test's teardown), or wrote to whatever
    file reused the descriptor."""
    _, app = build(data)
    web = WebServer(app, "127.0.0.1:0", threads=2)
    web.start()
    trigger, loop = web._server.trigger, web._thread
    with socket.create_connection(("127.0.0.1", web.port), timeout=10) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(12).startswith(b"HTTP/1.1")
    web.stop()
    assert not loop.is_alive() and trigger._closed
    trigger.pull_trigger()  # as a late worker does: no write to a closed descriptor
    trigger.pull_trigger(lambda: None)


def test_a_taken_port_is_an_error_naming_it(data, server: WebServer) -> None:
    _, app = build(data)
    with pytest.raises(WebError, match=f"127.0.0.1:{server.port}"):
        WebServer(app, f"127.0.0.1:{server.port}").start()


@pytest.mark.parametrize("text", ["8080", "localhost", ":8080", "host:http", "1.2.3.4:70000"])
def test_bad_listen_addresses(text: str) -> None:
    with pytest.raises(WebError, match="HOST:PORT"):
        parse_listen(text)


def test_listen_addresses() -> None:
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_listen("[::1]:80") == ("::1", 80)
    assert parse_listen("0.0.0.0:0") == ("0.0.0.0", 0)


def test_many_clients_at_once(server: WebServer) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        status = _get(server.port).status
        with lock:
            results.append(status)

    threads = [threading.Thread(target=one) for _ in range(20)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * 20, (results, time.monotonic() - started)
