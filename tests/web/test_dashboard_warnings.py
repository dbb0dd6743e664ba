"""The dashboard's warnings (issue 12, web_ui/owner_warnings.py), in-process through
WSGI: notices that failed and wait in the outbox, a voicemail store near or at its
limit, messages nobody heard deleted by the limit; on the page in Chinese and English
and in GET /api/status, never a 500 when a store cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firmware.config.store import ConfigStore
from firmware.notify.outbox import Failure, Message, Outbox, outbox_path
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from tests.web.test_dashboard import FakeBox
from web_ui.app import make_app

T0 = 1_796_000_000.0  # 2026-11-30 08:53:20 in Shanghai
MB = 1048576


@pytest.fixture
def box(tmp_path: Path):
    store = ConfigStore(tmp_path)
    config = example()
    config["voicemail"] = {"storage_limit_mb": 10}
    store.replace(config)
    fake, loop = FakeBox(), LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=fake.status,
                         set_available=fake.set_available)
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    yield client, service, tmp_path
    loop.close()


def _warnings(client: Client) -> dict[str, dict]:
    reply = client.get("/api/status")
    assert reply.status == 200, reply.text
    return {w["code"]: w for w in reply.json()["warnings"]}


def _outbox(data: Path) -> Outbox:
    return Outbox(outbox_path(data))


def _sms(text: str = "未接来电1个") -> Message:
    return Message("missed_calls", "sms", ("+8613800000999",), text)


def _voicemail(service: BoxService, megabytes: float, box: str = "801") -> str:
    """A message of that size (a sparse file: the store counts its bytes)."""
    store = service.voicemail()
    ident, part = store.new_path(box)
    with open(part, "wb") as f:
        f.truncate(int(megabytes * MB))
    store.add(ident, box, part, caller="+8613588888888", region="浙江省杭州市", at_ts=T0,
              duration_s=60)
    return ident


def test_no_warning_when_all_is_well(box) -> None:
    client, service, data = box
    outbox = _outbox(data)
    sent = outbox.add(_sms(), T0, 86400)
    outbox.sent(sent, T0 + 5)
    outbox.add(_sms(), T0, 86400)  # pending, never tried yet: not a failure
    outbox.close()
    _voicemail(service, 5)  # 50 % of 10 MB
    assert _warnings(client) == {}
    page = client.get("/").text
    assert 'id="warnings-card" hidden' in page


def test_failed_notices_are_counted_with_the_oldest_and_a_link(box) -> None:
    client, _service, data = box
    outbox = _outbox(data)
    first = outbox.add(_sms(), T0, 86400)
    second = outbox.add(Message("voicemail", "email", ("boss@example.cn",), "b", "s"),
                        T0 + 600, 86400)
    why = Failure("smtp_connect", {"host": "mail.example.cn"}, "cannot connect")
    outbox.failed(first, T0 + 1, why, T0 + 61)  # to be retried in a minute
    assert _warnings(client)["notices_failed"]["count"] == 1
    outbox.failed(second, T0 + 601, why, None)  # given up
    outbox.close()
    warning = _warnings(client)["notices_failed"]
    assert (warning["count"], warning["retrying"], warning["given_up"]) == (2, 1, 1)
    assert warning["oldest_ts"] == T0 and warning["oldest"] == "2026-11-30T08:53:20+08:00"
    assert warning["severity"] == "error" and warning["link"] == "/system#notifications"
    assert warning["message"].startswith("有 2 条通知未能发出")
    page = client.get("/").text
    assert "有 2 条通知未能发出，仍在发件箱中（1 条等待重试，1 条已放弃）" in page
    assert "最早一条自 2026-11-30 08:53 起" in page
    assert 'href="/system#notifications"' in page and "查看发件箱" in page
    client.cookies["sb_lang"] = "en"
    page = client.get("/").text
    assert "2 notice(s) could not be sent and wait in the outbox (1 to be retried, 1 given " \
           "up); the oldest since 2026-11-30 08:53." in page
    assert "Open the outbox" in page
    assert _warnings(client)["notices_failed"]["message"].startswith("2 notice(s)")
    assert 'id="notifications"' in client.get("/system").text  # where the link leads


def test_a_voicemail_store_over_90_percent_warns_and_at_the_limit_is_an_error(box) -> None:
    client, service, _data = box
    _voicemail(service, 9.5)
    warning = _warnings(client)["voicemail_storage"]
    assert (warning["used_bytes"], warning["limit_bytes"]) == (int(9.5 * MB), 10 * MB)
    assert warning["percent"] == 95.0 and warning["severity"] == "warning"
    assert warning["link"] == "/voicemail"
    assert "语音留言已用 9.5 兆字节，上限 10 兆字节（95.0%）" in client.get("/").text
    _voicemail(service, 0.5)
    warning = _warnings(client)["voicemail_storage"]
    assert warning["percent"] == 100.0 and warning["severity"] == "error"
    client.cookies["sb_lang"] = "en"
    assert "Voicemail uses 10.0 MB of its 10 MB limit (100.0 %)" in client.get("/").text


def test_unheard_messages_deleted_by_the_limit_warn_until_dismissed(box) -> None:
    client, service, _data = box
    store = service.voicemail()
    store.note_cleanup(3, 10, now=T0, unheard=0)  # only heard ones went: no warning
    assert "voicemail_unheard_deleted" not in _warnings(client)
    store.note_cleanup(3, 10, now=T0, unheard=2)
    warning = _warnings(client)["voicemail_unheard_deleted"]
    assert (warning["deleted"], warning["unheard"], warning["limit_mb"]) == (3, 2, 10)
    assert warning["at"] == "2026-11-30T08:53:20+08:00"
    page = client.get("/").text
    assert "2026-11-30 08:53 删除了 2 条未听过的留言（共删除 3 条）" in page
    assert 'action="/warnings/voicemail/dismiss"' in page
    refused = client.post("/warnings/voicemail/dismiss", csrf=False)
    assert refused.status == 403 and store.warning() is not None
    done = client.post("/warnings/voicemail/dismiss")
    assert done.status == 303 and done.location.endswith("/")
    assert store.warning() is None and "voicemail_unheard_deleted" not in _warnings(client)
    store.note_cleanup(1, 10, now=T0, unheard=1)
    token = client.app.config["switchboard.web"].owner.add_token("script")
    reply = client.api("DELETE", "/api/warnings/voicemail", token=token)
    assert reply.status == 200 and reply.json() == {"dismissed": True}
    assert client.api("GET", "/api/status", token=token).json()["warnings"] == []


def test_unreadable_stores_give_no_warning_and_no_500(box) -> None:
    client, service, data = box
    outbox_path(data).write_bytes(b"not a database" * 100)
    index = service.voicemail().root
    index.mkdir(parents=True, exist_ok=True)
    (index / "index.db").write_bytes(b"not a database either" * 100)
    (index / "warning.json").write_text('{"deleted": "many", "unheard": [1]}')
    reply = client.get("/api/status")
    assert reply.status == 200 and reply.json()["warnings"] == []
    assert client.get("/").status == 200
    os.unlink(outbox_path(data))


def test_the_dashboard_warns_while_the_box_is_stopped_too(owner, data: Path) -> None:
    outbox = _outbox(data)
    ident = outbox.add(_sms(), T0, 86400)
    outbox.failed(ident, T0 + 1, Failure("no_sms_line", {}, "no line"), None)
    outbox.close()
    page = owner.get("/")
    assert page.status == 200
    assert "有 1 条通知未能发出" in page.text and 'id="warnings-card" hidden' not in page.text
    reply = owner.get("/api/status")
    assert reply.status == 200
    assert [w["code"] for w in reply.json()["warnings"]] == ["notices_failed"]
