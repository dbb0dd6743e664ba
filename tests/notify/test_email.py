"""E-mail notifications against a real SMTP server (aiosmtpd on 127.0.0.1): STARTTLS or
implicit TLS, AUTH, the right subject, body and attachment; a server that is down or
refuses is retried, every failure kept with its reason, and the message is delivered
once the server is back."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from firmware.notify import notify_voicemail
from firmware.notify.notifier import GIVE_UP_S, retry_delay
from tests.notify.helpers import START, Rig, run, settle, until
from tests.notify.smtp import PASSWORD, SmtpServer

OWNER = "boss@example.cn"


@pytest.fixture
def server(tmp_path: Path):
    smtp = SmtpServer(tmp_path).start()
    yield smtp
    smtp.stop()


def _notify(smtp: dict, **more) -> dict:
    return {"smtp": smtp, "emails": [OWNER], "missed_calls": {"email": True},
            "voicemail": {"email": True}, **more}


def _wav(path: Path, seconds: float = 0.5) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x02" * int(8000 * seconds))
    return path


def test_a_test_email_arrives_over_starttls_with_auth(tmp_path: Path, server: SmtpServer) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, _notify(server.smtp_config("starttls")), cafile=str(server.cert))
        notifier = await rig.start()
        result = await notifier.send_test()
        assert result["state"] == "sent", result
        [msg] = server.mailbox.messages
        assert msg["To"] == OWNER and "box@example.cn" in msg["From"]
        assert msg["Subject"] == "测试公司: 总机测试邮件"
        assert "邮件通知设置正确" in msg.get_content()
        assert rig.state()["sent"][0]["kind"] == "test"
        await rig.stop()

    run(scenario)


def test_implicit_tls_and_english(tmp_path: Path) -> None:
    smtp = SmtpServer(tmp_path, implicit_tls=True).start()
    try:
        async def scenario() -> None:
            rig = Rig(tmp_path, _notify(smtp.smtp_config("tls"), language="en"),
                      cafile=str(smtp.cert))
            notifier = await rig.start()
            assert (await notifier.send_test())["state"] == "sent"
            assert smtp.mailbox.messages[0]["Subject"] == "测试公司: Switchboard test e-mail"
            await rig.stop()

        run(scenario)
    finally:
        smtp.stop()


def test_voicemail_email_carries_the_wav(tmp_path: Path, server: SmtpServer) -> None:
    wav = _wav(tmp_path / "vm-0001.wav")

    async def scenario() -> None:
        rig = Rig(tmp_path, _notify(server.smtp_config()), cafile=str(server.cert))
        notifier = await rig.start()
        meta = {"id": "0001", "box": "801", "caller": "+8613588888888", "region": "浙江省杭州市",
                "at_ts": START.timestamp(), "duration_s": 12.4}
        assert notify_voicemail(notifier, meta, wav)
        await until(lambda: server.mailbox.messages, "the voicemail e-mail arrives")
        [msg] = server.mailbox.messages
        assert msg["Subject"] == "测试公司: 新语音留言：来自 +8613588888888"
        body = msg.get_body(("plain",)).get_content()
        assert "浙江省杭州市" in body and "2026-12-02 10:00" in body and "12 秒" in body
        [part] = list(msg.iter_attachments())
        assert part.get_filename() == "vm-0001.wav"
        assert part.get_content_maintype() == "audio"
        assert part.get_content() == wav.read_bytes()
        await rig.stop()

    run(scenario)


def test_a_wrong_password_is_kept_as_the_reason(tmp_path: Path, server: SmtpServer) -> None:
    async def scenario() -> None:
        smtp = {**server.smtp_config(), "password": PASSWORD + "x"}
        rig = Rig(tmp_path, _notify(smtp), cafile=str(server.cert))
        notifier = await rig.start()
        result = await notifier.send_test()
        assert result["state"] == "pending" and result["error"]["code"] == "smtp_auth"
        assert "535" in result["error"]["text"]
        [pending] = rig.state()["pending"]
        assert pending["tries"] == 1 and pending["due_ts"] == START.timestamp() + 60
        assert pending["attempts"][0]["error"]["code"] == "smtp_auth"
        assert server.mailbox.messages == []
        await rig.stop()

    run(scenario)


def test_an_untrusted_certificate_is_refused_unless_told_to_skip_the_check(
        tmp_path: Path, server: SmtpServer) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, _notify(server.smtp_config()))  # the system's CAs only
        notifier = await rig.start()
        result = await notifier.send_test()
        assert result["error"]["code"] == "smtp_certificate", result
        rig.config = Rig(tmp_path, _notify({**server.smtp_config(),
                                            "verify_certificate": False})).config
        await notifier.retry()
        await until(lambda: server.mailbox.messages, "sent once the check is off")
        await rig.stop()

    run(scenario)


def test_a_server_down_is_retried_given_up_then_delivered_when_back(tmp_path: Path) -> None:
    smtp = SmtpServer(tmp_path)  # not started: its port refuses

    async def scenario() -> None:
        rig = Rig(tmp_path, _notify(smtp.smtp_config()), cafile=str(smtp.cert))
        notifier = await rig.start()
        result = await notifier.send_test()
        assert result["state"] == "pending" and result["error"]["code"] == "smtp_connect"
        assert str(smtp.port) in result["error"]["text"]
        tries, delays = 1, []
        while rig.state()["pending"]:  # 1, 5, 30 min, then every 2 h, for a day
            [pending] = rig.state()["pending"]
            delays.append(pending["due_ts"] - rig.clock.now().timestamp())
            assert delays[-1] == retry_delay(tries)
            await rig.advance(delays[-1])
            tries += 1
            await until(lambda t=tries: _tries(rig) == t, f"try {tries}")
        assert delays[:4] == [60, 300, 1800, 7200] and set(delays[3:]) == {7200}
        assert GIVE_UP_S - 7200 < sum(delays) <= GIVE_UP_S
        [failed] = rig.state()["failed"]
        assert failed["error"]["code"] == "smtp_connect" and failed["due_ts"] is None
        assert len(failed["attempts"]) == 10  # the last ten tries, each with its reason
        smtp.start()
        try:
            assert await notifier.retry() == 1
            await until(lambda: smtp.mailbox.messages, "delivered once the server is back")
            await settle()
            state = rig.state()
            assert state["failed"] == [] and state["pending"] == []
            assert state["sent"][0]["tries"] == tries + 1
        finally:
            smtp.stop()
        await rig.stop()

    run(scenario)


def _tries(rig: Rig) -> int:
    state = rig.state()
    found = state["pending"] + state["failed"]
    return found[0]["tries"] if found else 0


def test_no_server_set_says_so(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"emails": [OWNER]})
        notifier = await rig.start()
        result = await notifier.send_test()
        assert result["error"]["code"] == "smtp_not_set"
        await rig.stop()

    run(scenario)
