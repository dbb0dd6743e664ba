"""Notifications on the web page (issue 12): the settings form (the SMTP password never
shown back), refusals named at their fields in both languages, the outbox on the
System page with why each message is not sent, "retry now" and "send a test e-mail"
against a real SMTP server, and the API. WSGI in-process, a real notifier on a loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firmware.clock import SystemClock
from firmware.config.store import ConfigStore
from firmware.notify.notifier import Notifier
from firmware.service import BoxService
from tests.notify.smtp import PASSWORD, USER, SmtpServer
from tests.web.client import Client
from tests.web.conftest import build, set_up_owner

API = {"Origin": "http://127.0.0.1:8080"}


class Box:
    """The box's side: a notifier on its own loop thread, the facade in its process."""

    def __init__(self, data: Path, cafile: str | None = None) -> None:
        self.store = ConfigStore(data)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.notifier = Notifier(data, self.store.load, SystemClock(), self._sms,
                                 cafile=cafile, smtp_timeout=5.0)
        self.sms: list[tuple[str, str]] = []
        self.run(self.notifier.start())
        self.service = BoxService(data, store=self.store, loop=self.loop, notifier=self.notifier)

    async def _sms(self, number: str, text: str) -> None:
        self.sms.append((number, text))

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def close(self) -> None:
        self.run(self.notifier.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def box(tmp_path: Path, smtp: SmtpServer) -> Iterator[tuple[Box, Client]]:
    running = Box(tmp_path / "data", cafile=str(smtp.cert))
    _, app = build(tmp_path / "data", service=running.service)
    client = Client(app)
    set_up_owner(client)
    yield running, client
    running.close()


def _form(smtp: SmtpServer, **more: str) -> dict[str, str]:
    form = {"smtp_host": "127.0.0.1", "smtp_port": str(smtp.port), "smtp_security": "starttls",
            "smtp_user": USER, "smtp_password": PASSWORD, "smtp_from": "box@example.cn",
            "smtp_verify": "1", "emails": "boss@example.cn\nwife@example.cn",
            "sms_numbers": "13800000999", "missed_calls_email": "1", "missed_calls_sms": "1",
            "voicemail_email": "1", "batch_seconds": "90", "language": "zh",
            "caller_sms_text": "您好，稍后回电。"}
    form.update(more)
    return form


def _section(box: Box) -> dict[str, Any]:
    return box.service.config()["notifications"]


def test_settings_are_saved_and_the_password_never_shown(box, smtp) -> None:
    running, client = box
    client.get("/notifications")
    reply = client.post("/notifications", _form(smtp))
    assert reply.status == 303, reply.text
    saved = _section(running)
    assert saved["smtp"] == {"host": "127.0.0.1", "port": smtp.port, "security": "starttls",
                             "user": USER, "password": PASSWORD,
                             "from_address": "box@example.cn", "verify_certificate": True}
    assert saved["emails"] == ["boss@example.cn", "wife@example.cn"]
    assert saved["sms_numbers"] == ["+8613800000999"]
    assert saved["missed_calls"] == {"email": True, "sms": True}
    assert saved["voicemail"] == {"email": True, "sms": False}
    assert saved["batch_seconds"] == 90 and saved["caller_sms_text"] == "您好，稍后回电。"
    for page in (client.get("/notifications").text, client.get("/config/notifications").text,
                 client.get("/api/notifications/settings").text):
        assert PASSWORD not in page
    assert client.get("/api/notifications/settings").json()["smtp"]["password"] == "********"
    # an empty password field keeps it; the mask sent back as JSON keeps it too
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp, smtp_password="")).status == 303
    assert _section(running)["smtp"]["password"] == PASSWORD
    masked = client.get("/api/notifications/settings").json()
    reply = client.api("PUT", "/api/notifications/settings", {**masked, "batch_seconds": 30},
                       headers={"X-CSRF-Token": client.csrf, **API})
    assert reply.status == 200 and reply.json()["smtp"]["password"] == "********"
    assert _section(running)["smtp"]["password"] == PASSWORD
    assert _section(running)["batch_seconds"] == 30
    client.get("/config/notifications")
    text = client.get("/api/notifications/settings").text
    assert client.post("/config/notifications", {"value": text}).status == 303
    assert _section(running)["smtp"]["password"] == PASSWORD
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp, smtp_password="",
                                               smtp_clear_password="1")).status == 303
    assert _section(running)["smtp"]["password"] == ""


@pytest.mark.parametrize(("field", "value", "path", "zh"), [
    ("emails", "boss@example.cn\nnot-an-address", "notifications.emails[1]", "不是电子邮件地址"),
    ("sms_numbers", "12345", "notifications.sms_numbers[0]", "不是有效的电话号码"),
    ("smtp_port", "abc", "notifications.smtp.port", "不是整数"),
    ("smtp_port", "70000", "notifications.smtp.port", "不在 1..65535 范围内"),
    ("smtp_host", "smtp server", "notifications.smtp.host", "不是服务器名称"),
    ("smtp_security", "ssl", "notifications.smtp.security", "不是以下之一"),
    ("batch_seconds", "-5", "notifications.batch_seconds", "不是整数"),
    ("batch_seconds", "99999999", "notifications.batch_seconds", "不在 0..3600 范围内"),
    ("smtp_port", "２５", "notifications.smtp.port", "不是整数"),
    ("caller_sms_text", "字" * 301, "notifications.caller_sms_text", "超过 300 个字符"),
    ("smtp_from", "", "notifications.smtp.from_address", "需要 SMTP 邮件服务器"),
    ("emails", "", "notifications.emails", "至少一个接收邮件的地址"),
    ("sms_numbers", "", "notifications.sms_numbers", "至少一个接收短信的手机号码"),
])
def test_a_bad_value_is_refused_at_its_field_and_nothing_changes(box, smtp, field, value, path,
                                                                 zh) -> None:
    running, client = box
    before = _section(running)
    client.get("/notifications")
    reply = client.post("/notifications", _form(smtp, **{field: value}))
    assert reply.status == 422
    assert f'data-field="{path}"' in reply.text and zh in reply.text
    assert PASSWORD not in reply.text
    assert _section(running) == before
    client.get("/lang/en?back=/system")
    client.get("/notifications")
    reply = client.post("/notifications", _form(smtp, **{field: value}))
    assert reply.status == 422 and f'data-field="{path}"' in reply.text
    assert "Notifications" in reply.text and zh not in reply.text


def test_the_api_refuses_a_bad_section_with_codes(box) -> None:
    running, client = box
    client.get("/notifications")
    reply = client.api("PUT", "/api/notifications/settings",
                       {"emails": ["x"], "missed_calls": {"email": True}, "oops": 1},
                       headers={"X-CSRF-Token": client.csrf, **API})
    assert reply.status == 422
    found = {(e["field"], e["code"]) for e in reply.json()["errors"]}
    assert ("notifications.emails[0]", "not_email") in found
    assert ("notifications.oops", "unknown_field") in found
    assert _section(running)["emails"] == []


def test_a_test_email_from_the_system_page(box, smtp) -> None:
    _running, client = box
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp)).status == 303
    client.get("/system")
    reply = client.post("/system/notifications/test")
    assert reply.status == 303 and "ntf_test=" in reply.location
    page = _follow(client, reply).text
    assert "测试邮件已发出" in page
    [msg] = smtp.mailbox.messages
    assert msg["To"] == "boss@example.cn, wife@example.cn"


def test_a_failure_is_shown_with_its_reason_and_retried_now(box, smtp) -> None:
    _running, client = box
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp, smtp_password="wrong")).status == 303
    client.get("/system")
    reply = client.post("/system/notifications/test")
    page = _follow(client, reply).text
    assert "测试邮件未发出" in page and "邮件服务器拒绝了用户名或密码" in page
    assert 'id="ntf-pending"' in page and "535" in page
    state = client.get("/api/notifications").json()
    [pending] = state["pending"]
    assert pending["error"]["code"] == "smtp_auth" and pending["tries"] == 1
    client.get("/lang/en?back=/system")
    assert "the mail server refused the user name or password" in client.get("/system").text
    # the owner fixes the password and retries now
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp)).status == 303
    client.get("/system")
    reply = client.post("/system/notifications/retry", {"id": str(pending["id"])})
    assert reply.status == 303 and "ntf_retried=1" in reply.location
    deadline = asyncio.run(_wait(lambda: smtp.mailbox.messages))
    assert deadline
    assert "1 notification(s) will be tried again now." in _follow(client, reply).text


def _follow(client: Client, reply: Any) -> Any:
    """The page a redirect names (a browser sends no #fragment)."""
    return client.get(reply.location.split("8080")[-1].split("#")[0])


async def _wait(condition: Any, timeout: float = 15.0) -> bool:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)
    return True


def test_the_api_retries_and_tests(box, smtp) -> None:
    _running, client = box
    headers = {"X-CSRF-Token": client.csrf, **API}
    assert client.api("GET", "/api/notifications").json() == {
        "pending": [], "failed": [], "sent": [], "missed_waiting": 0}
    for body in ([], {"id": "x"}, {"id": True}, {"id": None}, {"all": 1}):
        reply = client.api("POST", "/api/notifications/retry", body, headers=headers)
        assert reply.status == 400 and reply.json()["errors"][0]["field"] == "id"
    assert client.api("POST", "/api/notifications/retry", {},
                      headers=headers).json() == {"retried": 0}
    reply = client.api("POST", "/api/notifications/test", {"to": "not an address"},
                       headers=headers)
    assert reply.status == 400 and reply.json()["errors"][0]["field"] == "to"
    reply = client.api("POST", "/api/notifications/test", {}, headers=headers)
    assert reply.status == 200 and reply.json()["error"]["code"] == "no_recipients"
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp)).status == 303
    reply = client.api("POST", "/api/notifications/test", {"to": "me@example.cn"},
                       headers={"X-CSRF-Token": client.csrf, **API})
    assert reply.json()["state"] == "sent"
    assert smtp.mailbox.messages[0]["To"] == "me@example.cn"


def test_with_no_box_running_the_page_says_so(tmp_path: Path) -> None:
    service = BoxService(tmp_path / "data")
    _, app = build(tmp_path / "data", service=service)
    client = Client(app)
    set_up_owner(client)
    page = client.get("/system").text
    assert "没有待发的通知" in page
    reply = client.post("/system/notifications/test")
    assert "ntf_err=box_off" in reply.location
    assert "测试邮件未发出：本机未在运行" in _follow(client, reply).text
    headers = {"X-CSRF-Token": client.csrf, **API}
    reply = client.api("POST", "/api/notifications/test", {}, headers=headers)
    assert reply.status == 200 and reply.json()["error"]["code"] == "box_off"
    reply = client.api("POST", "/api/notifications/retry", {}, headers=headers)
    assert reply.status == 200 and reply.json() == {"retried": 0}


def test_a_retry_while_the_box_is_off_is_sent_when_it_starts(tmp_path: Path) -> None:
    """The outbox is the box's file: a retry marks the message due, the box sends it."""
    data = tmp_path / "data"
    running = Box(data)
    running.service.replace_config({"schema_version": 2, "notifications": {
        "sms_numbers": ["+8613800000999"], "voicemail": {"sms": True}}})
    running.notifier.sms_send = None  # no SMS line: the message waits
    running.loop.call_soon_threadsafe(running.notifier.voicemail, {"caller": ""}, "x.wav")
    asyncio.run(_wait(lambda: running.service.notifications()["pending"]
                      and running.service.notifications()["pending"][0]["error"]))
    running.close()
    offline = BoxService(data)
    assert offline.retry_notifications() == {"retried": 1}
    [pending] = offline.notifications()["pending"]
    assert pending["due_ts"] <= offline.now().timestamp()
    again = Box(data)
    try:
        asyncio.run(_wait(lambda: again.sms))
        assert again.sms[0][0] == "+8613800000999" and "新语音留言" in again.sms[0][1]
    finally:
        again.close()


def test_the_backup_holds_no_smtp_password_and_a_restore_keeps_the_boxs(box, smtp) -> None:
    import json

    from tests.web.test_config import _upload

    running, client = box
    client.get("/notifications")
    assert client.post("/notifications", _form(smtp)).status == 303
    backup = client.get("/system/backup")
    assert PASSWORD not in backup.text
    saved = json.loads(backup.body)
    assert saved["notifications"]["smtp"]["password"] == "********"
    client.get("/system")
    changed = {**saved, "notifications": {**saved["notifications"], "batch_seconds": 5}}
    assert _upload(client, json.dumps(changed).encode()).status == 303
    assert _section(running)["smtp"]["password"] == PASSWORD
    assert _section(running)["batch_seconds"] == 5
