"""The real server (waitress on 127.0.0.1) and request bodies: a huge Content-Length is
answered 413 before the body is sent, a chunked body is cut off at the limit, and
nothing a client sends is spooled to a temporary file (the Pi's SD card)."""

from __future__ import annotations

import socket
import tempfile

import bottle
import pytest

from tests.web.conftest import build
from web_ui.app import MAX_BODY
from web_ui.server import WebServer


@pytest.fixture
def spooled(monkeypatch) -> list[str]:
    """Every temporary file waitress or bottle makes while the test runs."""
    made: list[str] = []
    real, real_named = tempfile.TemporaryFile, tempfile.NamedTemporaryFile

    def temporary(*args, **kwargs):
        made.append("TemporaryFile")
        return real(*args, **kwargs)

    def named(*args, **kwargs):
        made.append("NamedTemporaryFile")
        return real_named(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", temporary)  # waitress's buffers
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", named)
    monkeypatch.setattr(bottle, "NamedTemporaryFile", named)  # bottle's request body
    return made


@pytest.fixture
def server(data):
    _, app = build(data)
    web = WebServer(app, "127.0.0.1:0", threads=2, channel_timeout=30)
    web.start()
    yield web
    web.stop()


def _connect(server: WebServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """What the server says until it closes or has sent a whole head."""
    got = b""
    while b"\r\n\r\n" not in got:
        try:
            part = sock.recv(65536)
        except ConnectionResetError:
            break
        if not part:
            break
        got += part
    return got


def test_a_huge_content_length_is_answered_413_without_its_body(server, spooled) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 314572800\r\n\r\n")  # 300 MB announced, none sent
        head = _answer(sock)
    assert head.startswith(b"HTTP/1.1 413"), head
    assert spooled == []


def test_a_chunked_body_is_cut_off_at_the_limit(server, spooled) -> None:
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    sent = 0
    with _connect(server) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            while sent < 8 * MAX_BODY:  # the server stops reading long before this
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        head = _answer(sock)
    assert head.startswith(b"HTTP/1.1 413") or head == b"", head
    assert sent < 8 * MAX_BODY  # it was cut off
    assert spooled == []


def test_a_body_within_the_limit_stays_in_memory(server, spooled) -> None:
    body = b"password=" + b"x" * (MAX_BODY - 100)  # above waitress's default 512 KiB spill
    with _connect(server) as sock:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        head = _answer(sock)
    assert head.split(b"\r\n")[0].split()[1] in (b"303", b"403"), head  # read, then judged
    assert spooled == []
