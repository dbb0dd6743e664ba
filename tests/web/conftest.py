"""Fixtures: a web app on a fresh data dir (no box running), a browser-like client,
and an owner who has already set their password and logged in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.clock import FakeClock
from firmware.service import BoxService
from tests.web.client import Client
from web_ui import security
from web_ui.app import make_app

PASSWORD = "Gr33n-tea-pot!"
FAST_KDF = 2**4  # scrypt cost for tests; the box uses security.SCRYPT_N


def build(data: Path, **kw) -> tuple[BoxService, object]:
    service = kw.pop("service", None) or BoxService(data)
    return service, make_app(service, kdf_n=FAST_KDF, **kw)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def service(data: Path) -> BoxService:
    return BoxService(data)


@pytest.fixture
def app(service: BoxService):
    return make_app(service, kdf_n=FAST_KDF, throttle=security.LoginThrottle())


@pytest.fixture
def client(app) -> Client:
    return Client(app)


def set_up_owner(client: Client, password: str = PASSWORD) -> None:
    client.get("/setup")
    reply = client.post("/setup", {"password": password, "again": password})
    assert reply.status == 303, reply.text
    assert reply.location.endswith(("/", "/welcome"))
    client.get("/")  # a page, so client.csrf is the logged-in session's token


@pytest.fixture
def owner(client: Client) -> Iterator[Client]:
    set_up_owner(client)
    yield client


EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "docs/example-config.json")
                     .read_text("utf-8"))
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday, 10:00


def example_office(data: Path, now: datetime = NOW) -> tuple[Client, BoxService]:
    """The example office's config on a service whose clock says `now`, and a client
    logged in to its page."""
    service = BoxService(data, clock=FakeClock(now))
    service.replace_config(EXAMPLE)
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service
