"""The voicemail storage warning (notify_voicemail_storage): told by e-mail where new
voicemail is told, against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.notify import notify_voicemail_storage
from tests.notify.helpers import Rig, run, until
from tests.notify.smtp import SmtpServer
from tests.notify.test_email import _notify


@pytest.fixture
def server(tmp_path: Path):
    smtp = SmtpServer(tmp_path).start()
    yield smtp
    smtp.stop()


def test_the_owner_is_warned_by_email(tmp_path: Path, server: SmtpServer) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, _notify(server.smtp_config()), cafile=str(server.cert))
        notifier = await rig.start()
        assert notify_voicemail_storage(notifier, 3, 200)
        await until(lambda: server.mailbox.messages, "the warning e-mail arrives")
        [msg] = server.mailbox.messages
        assert "200 兆字节" in msg["Subject"] and "3 条" in msg["Subject"]
        await rig.stop()

    run(scenario)
