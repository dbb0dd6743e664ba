"""Missed-call notifications (Q6): only for an inbound call nobody answered, never for
one answered anywhere; withheld callers said as such; calls within the batch window
told in one message; the outbox survives a restart; SMS through a fake line."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.notify.notifier import BUSY_RETRY_S, SmsLinesBusy
from tests.notify.helpers import START, Rig, finished, run, settle, until

OWNER_MOBILE = "+8613800000999"
SMS_ONLY = {"sms_numbers": [OWNER_MOBILE], "missed_calls": {"sms": True}, "batch_seconds": 60}


@pytest.mark.parametrize("event", [
    finished("answered", answered_by="801"),
    finished("forwarded"),  # a network forwarding period: taken elsewhere, not missed
    finished("blocked"),  # refused by the owner's own rule
    finished("voicemail"),  # told as a voicemail, not as a missed call
    finished("missed", answered_by="801"),  # someone answered: never "missed"
    finished("missed", direction="out"),
    finished("missed", direction="internal"),
], ids=["answered", "forwarded", "blocked", "voicemail", "answered_by", "out", "internal"])
def test_a_call_someone_answered_or_not_inbound_is_never_told(tmp_path: Path, event) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, SMS_ONLY)
        notifier = await rig.start()
        notifier.on_call_finished(event)
        await rig.advance(120)
        assert rig.state()["missed_waiting"] == 0 and rig.sms.sent == []
        assert rig.state()["pending"] == [] and rig.state()["sent"] == []
        await rig.stop()

    run(scenario)


def test_missed_calls_in_the_window_go_as_one_message(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, SMS_ONLY)
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed", call_id="a"))
        await rig.advance(20)
        notifier.on_call_finished(finished("abandoned", None, call_id="b", at=rig.clock.now()))
        await rig.advance(20)
        notifier.on_call_finished(finished("busy", "+8602161234567", call_id="c",
                                           at=rig.clock.now()))
        await until(lambda: notifier.counts["missed_waiting"] == 3, "three calls kept")
        assert rig.sms.sent == []  # the window (60 s from the first) is still open
        await rig.advance(21)
        await until(lambda: rig.sms.sent, "one SMS for the batch")
        [(number, text)] = rig.sms.sent
        assert number == OWNER_MOBILE
        assert text.startswith("[测试公司] 未接来电3个：")
        assert "+8613588888888(浙江省杭州市) 09:59" in text and "隐藏号码 10:00" in text
        assert "+862161234567(上海市) 10:00" in text
        await settle()
        assert rig.state()["missed_waiting"] == 0
        await rig.stop()

    run(scenario)


def test_the_email_lists_each_call_with_region_and_the_withheld_one(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"smtp": {"host": "127.0.0.1", "port": 9,
                                      "from_address": "box@example.cn"},
                             "emails": ["boss@example.cn"], "missed_calls": {"email": True},
                             "batch_seconds": 0, "language": "en"})
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed", call_id="a"))
        notifier.on_call_finished(finished("abandoned", "anonymous", call_id="b"))
        await until(lambda: rig.state()["pending"] and rig.state()["pending"][0]["error"],
                    "the e-mail tried")
        [message] = rig.state()["pending"]  # port 9 refuses: kept, to be retried
        assert message["subject"] == "测试公司: 2 missed call(s)"
        assert message["error"]["code"] == "smtp_connect"
        await rig.stop()
        from firmware.notify.outbox import Outbox
        box = Outbox(tmp_path / "notifications.sqlite3")
        body = box.due(START.timestamp() + 3600).body
        box.close()
        assert "+8613588888888 (浙江省杭州市), rang 20 s" in body
        assert "withheld number, rang 20 s (the caller hung up)" in body

    run(scenario)


def test_nothing_is_kept_when_missed_calls_are_not_told(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"sms_numbers": [OWNER_MOBILE]})
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed"))
        await rig.advance(120)
        assert rig.state()["missed_waiting"] == 0 and rig.sms.sent == []
        await rig.stop()

    run(scenario)


def test_a_restart_keeps_the_waiting_calls_and_the_pending_messages(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, SMS_ONLY)
        rig.sms.down = RuntimeError("+CMS ERROR: 500")
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed", call_id="a"))
        await until(lambda: rig.state()["missed_waiting"] == 1, "kept")
        await rig.stop()  # the box restarts inside the window
        await rig.start()
        assert rig.state()["missed_waiting"] == 1
        await rig.advance(61)
        await until(lambda: _tried(rig), "the SMS failed and waits")
        [pending] = rig.state()["pending"]
        assert pending["error"]["code"] == "sms_failed"
        assert "+CMS ERROR: 500" in pending["error"]["text"]
        await rig.stop()  # restarts with the message pending
        rig.sms.down = None
        await rig.start()
        assert rig.state()["pending"][0]["id"] == pending["id"]
        await rig.advance(60)
        await until(lambda: rig.sms.sent, "sent after the restart")
        await settle()
        assert rig.state()["pending"] == [] and len(rig.state()["sent"]) == 1
        await rig.stop()

    run(scenario)


def test_sms_waits_while_every_line_is_on_a_call_without_using_up_tries(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {**SMS_ONLY, "batch_seconds": 0})
        rig.sms.down = SmsLinesBusy("every line that can send SMS is on a call")
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed"))
        await until(lambda: _tried(rig), "waiting for a free line")
        [pending] = rig.state()["pending"]
        assert pending["tries"] == 0 and pending["error"]["code"] == "sms_lines_busy"
        assert pending["due_ts"] == START.timestamp() + BUSY_RETRY_S
        rig.sms.down = None
        await rig.advance(BUSY_RETRY_S)
        await until(lambda: rig.sms.sent, "sent once a line is free")
        await rig.stop()

    run(scenario)


def test_no_sms_line_is_a_reason_too(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {**SMS_ONLY, "batch_seconds": 0})
        notifier = await rig.start()
        notifier.sms_send = None
        notifier.on_call_finished(finished("missed"))
        await until(lambda: _tried(rig), "kept")
        assert rig.state()["pending"][0]["error"]["code"] == "no_sms_line"
        await rig.stop()

    run(scenario)


def _tried(rig: Rig) -> bool:
    """A pending message whose first try failed."""
    pending = rig.state()["pending"]
    return bool(pending and pending[0]["error"])


def test_an_unreadable_outbox_is_kept_aside_and_a_new_one_made(tmp_path: Path) -> None:
    (tmp_path / "notifications.sqlite3").write_bytes(b"not a database, a bad sector" * 100)

    async def scenario() -> None:
        rig = Rig(tmp_path, {**SMS_ONLY, "batch_seconds": 0})
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed"))
        await until(lambda: rig.sms.sent, "told all the same")
        await rig.stop()

    run(scenario)
    assert [p.name.split("-")[0] for p in tmp_path.glob("notifications.sqlite3.corrupt-*")] \
        == ["notifications.sqlite3.corrupt"]


def test_a_factory_reset_forgets_the_outbox(tmp_path: Path) -> None:
    """Running: the notifier empties its outbox; stopped: the files go."""
    from firmware.config.store import ConfigStore
    from firmware.notify.wiring import clear_notifications
    from firmware.reset import reset_data_dir

    async def scenario() -> None:
        rig = Rig(tmp_path, SMS_ONLY)
        rig.sms.down = RuntimeError("+CMS ERROR: 500")
        notifier = await rig.start()
        notifier.on_call_finished(finished("missed", call_id="a"))
        await rig.advance(61)
        await until(lambda: _tried(rig), "a message waits")
        notifier.on_call_finished(finished("missed", call_id="b", at=rig.clock.now()))
        await until(lambda: rig.state()["missed_waiting"] == 1, "a call waits")
        await clear_notifications(type("Box", (), {"notifier": notifier})())
        assert rig.state() == {"pending": [], "failed": [], "sent": [], "missed_waiting": 0}
        assert notifier.counts == {"pending": 0, "failed": 0, "missed_waiting": 0}
        await rig.stop()

    run(scenario)
    assert (tmp_path / "notifications.sqlite3").exists()
    reset_data_dir(tmp_path, ConfigStore(tmp_path))
    assert not list(tmp_path.glob("notifications.sqlite3*"))
