"""Missed-call notifications end to end (issue 12, Q6): the running box, the emulator's
network and desk phones, a real SMTP server (aiosmtpd, STARTTLS and AUTH). A call the
caller gives up on reaches the owner by SMS through the box's GSM modem and by e-mail;
a call answered at a desk phone never does."""

from __future__ import annotations

import json
import time

from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing, wait_record
from hil_tests.pstn.testing import wait_for
from tests.notify.smtp import SmtpServer

OWNER = "+8613800000999"


def test_only_the_call_nobody_answered_is_told_by_sms_and_email(tmp_path, boxes):
    smtp = SmtpServer(tmp_path).start()
    try:
        config = office(members=("801", "802"), ring_time=20)
        config["schema_version"] = 2
        config["notifications"] = {
            "smtp": {**smtp.smtp_config("starttls"), "verify_certificate": False},
            "emails": ["boss@example.cn"], "sms_numbers": [OWNER],
            "missed_calls": {"email": True, "sms": True}, "batch_seconds": 0}
        box = box_with(tmp_path, config)
        boxes.append(box)
        emu = box.emulator
        modem = emu.modems()[0]["id"]

        # answered at 801: never told
        emu.phone_auto_answer("fxs0", 0.5)
        answered = emu.place_call("+8613700000007", SIM[0])
        wait_for(lambda: emu.call(answered["id"])["state"] == "active", 15, what="answered")
        emu.hangup(answered["id"])
        emu.phone_hook("fxs0", "on")
        wait_record(box, caller="+8613700000007", result="answered")
        emu.phone_auto_answer("fxs0", None)

        # the caller gives up while 801 rings: told
        call = emu.place_call(CALLER, SIM[0])
        wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings")
        emu.hangup(call["id"])
        wait_record(box, caller=CALLER, result="abandoned")

        sent = wait_for(lambda: [s for s in emu.modem_sms(modem)["sent"] if s["to"] == OWNER],
                        30, what="the owner's SMS")
        mail = wait_for(lambda: smtp.mailbox.messages, 30, what="the owner's e-mail")
        time.sleep(1.0)  # anything else would have been sent by now
        sent = [s for s in emu.modem_sms(modem)["sent"] if s["to"] == OWNER]
        assert len(sent) == 1 and f"{CALLER}(浙江省杭州市)" in sent[0]["text"]
        assert "+8613700000007" not in sent[0]["text"]
        [msg] = smtp.mailbox.messages
        body = msg.get_content()
        assert msg["Subject"] == "测试公司: 未接来电 1 个"
        assert CALLER in body and "浙江" in body and "来电方先挂断" in body
        assert "+8613700000007" not in body
        assert mail
        counts = box.status()["notifications"]
        assert counts == {"pending": 0, "failed": 0, "missed_waiting": 0}
        assert box.stop() == 0
    finally:
        smtp.stop()


def test_the_web_pages_facade_reaches_the_running_boxs_notifier(tmp_path, boxes):
    """Through the control socket, as the web page's own process does: a test e-mail
    sent and answered, a failure kept with its reason, retry now, the outbox read."""
    from firmware.service import BoxService

    smtp = SmtpServer(tmp_path).start()
    try:
        config = office()
        config["schema_version"] = 2
        config["notifications"] = {
            "smtp": {**smtp.smtp_config("starttls"), "password": "wrong",
                     "verify_certificate": False}, "emails": ["boss@example.cn"]}
        box = box_with(tmp_path, config)
        boxes.append(box)
        service = BoxService.of_running_box(box.data)
        result = service.send_test_email()
        assert result["state"] == "pending" and result["error"]["code"] == "smtp_auth"
        [pending] = service.notifications()["pending"]
        assert pending["id"] == result["id"] and pending["tries"] == 1
        config["notifications"]["smtp"]["password"] = smtp.smtp_config()["password"]
        service.replace_config(config)
        assert service.retry_notifications(pending["id"]) == {"retried": 1}
        wait_for(lambda: smtp.mailbox.messages, 20, what="the test e-mail after the fix")
        wait_for(lambda: service.notifications()["sent"], 10, what="shown as sent")
        result = service.send_test_email("second@example.cn")
        assert result["state"] == "sent"
        assert smtp.mailbox.messages[-1]["To"] == "second@example.cn"
        # the same from the command line
        done = box.switchboard("notifications", "test", "--to", "third@example.cn",
                               timeout=60)
        assert done.returncode == 0 and "sent" in done.stdout, done.stderr
        assert smtp.mailbox.messages[-1]["To"] == "third@example.cn"
        listed = json.loads(box.switchboard("notifications", "--json").stdout)
        assert len(listed["sent"]) == 3 and listed["pending"] == []
        assert box.switchboard("notifications", "retry").stdout.startswith("0 message(s)")
        assert box.stop() == 0
    finally:
        smtp.stop()
