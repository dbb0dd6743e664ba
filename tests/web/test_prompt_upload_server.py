"""Prompt uploads through the real server (waitress): the upload routes take a body up to
16 MiB, every other route keeps the 3 MiB limit, and a file just over the prompt
store's 10 MiB is refused with its reason, field-named, rather than a bare 413."""

from __future__ import annotations

import json
import socket

import pytest

from tests.web.conftest import build
from web_ui.app import MAX_BODY
from web_ui.server import WebServer
from web_ui.uploads import MAX_UPLOAD_BODY


@pytest.fixture
def served(data):
    _, app = build(data)
    owner = app.config["switchboard.web"].owner
    owner.set_password("Gr33n-tea-pot!")
    token = owner.add_token("uploads")
    web = WebServer(app, "127.0.0.1:0", threads=2, channel_timeout=30)
    web.start()
    yield web, token
    web.stop()


def _send(web: WebServer, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", web.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        while True:
            try:
                part = sock.recv(65536)
            except ConnectionResetError:
                break
            if not part:
                break
            got += part
    return got


def _multipart(size: int) -> tuple[bytes, bytes]:
    boundary = b"----sbbig"
    body = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="name"\r\n\r\nmoh\r\n'
            + b"--" + boundary + b'\r\nContent-Disposition: form-data; name="lang"\r\n\r\nzh\r\n'
            + b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
            b'filename="music.wav"\r\nContent-Type: audio/wav\r\n\r\n'
            + b"RIFF" + bytes(size) + b"\r\n--" + boundary + b"--\r\n")
    return body, b"multipart/form-data; boundary=" + boundary


def test_an_upload_over_the_prompt_limit_gets_its_reason(served) -> None:
    web, token = served
    body, kind = _multipart(11 * 1024 * 1024)
    assert MAX_BODY < len(body) < MAX_UPLOAD_BODY
    answer = _send(web, b"POST /api/prompts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Authorization: Bearer " + token.encode() + b"\r\n"
                        b"Content-Type: " + kind + b"\r\nConnection: close\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(body), body)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 422"), head
    error = json.loads(payload)["errors"][0]
    assert (error["field"], error["code"]) == ("file", "prompt_too_big")


def test_other_routes_keep_the_small_limit_and_uploads_have_theirs(served) -> None:
    web, _ = served
    login = _send(web, b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Content-Type: application/x-www-form-urlencoded\r\n"
                       b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 10))
    assert login.startswith(b"HTTP/1.1 413"), login[:100]
    huge = _send(web, b"POST /api/prompts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: multipart/form-data; boundary=x\r\n"
                      b"Content-Length: %d\r\n\r\n" % (MAX_UPLOAD_BODY + 10))
    assert huge.startswith(b"HTTP/1.1 413"), huge[:100]
