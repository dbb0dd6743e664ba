"""The `notifications` section (issue 12): defaults so older files load unchanged, every
refusal a catalogue reason at its field, what is switched on has what it needs."""

from __future__ import annotations

import pytest

from firmware.config.schema import to_dict
from firmware.config.schema_notify import DEFAULT_CALLER_SMS
from firmware.config.validate import check_config
from firmware.errors import ConfigError


def _codes(notifications: dict) -> set[tuple[str, str]]:
    with pytest.raises(ConfigError) as refused:
        check_config({"schema_version": 2, "notifications": notifications})
    return {(field, reason.code) for field, reason in refused.value.errors}


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_loads_with_nothing_sent(version: int) -> None:
    config = check_config({"schema_version": version})
    n = config.notifications
    assert not n.missed_calls.any and not n.voicemail.any
    assert n.emails == () and n.sms_numbers == () and n.batch_seconds == 60
    assert n.smtp.security == "tls" and n.smtp.effective_port == 465
    assert n.caller_sms_text == DEFAULT_CALLER_SMS and n.language == "zh"
    assert to_dict(config)["notifications"]["smtp"]["port"] is None


def test_a_full_section_is_kept_as_written() -> None:
    section = {"smtp": {"host": "smtp.qq.com", "port": 587, "security": "starttls",
                        "user": "boss@qq.com", "password": "授权码", "from_address": "boss@qq.com",
                        "verify_certificate": False},
               "emails": ["boss@qq.com", "wife@163.com"], "sms_numbers": ["13800000999"],
               "missed_calls": {"email": True, "sms": True},
               "voicemail": {"email": True, "sms": False}, "batch_seconds": 0,
               "language": "en", "caller_sms_text": ""}
    stored = to_dict(check_config({"schema_version": 2, "notifications": section}))
    assert stored["notifications"] == {**section, "sms_numbers": ["+8613800000999"]}


@pytest.mark.parametrize(("section", "expected"), [
    ({"emails": ["boss"]}, ("notifications.emails[0]", "not_email")),
    ({"emails": ["a@b.cn", "a@b.cn"]}, ("notifications.emails[1]", "repeats")),
    ({"emails": [f"a{i}@b.cn" for i in range(11)]},
     ("notifications.emails", "too_many_recipients")),
    ({"sms_numbers": ["12"]}, ("notifications.sms_numbers[0]", "not_valid_phone")),
    ({"smtp": {"host": "smtp server"}}, ("notifications.smtp.host", "not_host")),
    ({"smtp": {"port": 0}}, ("notifications.smtp.port", "out_of_range")),
    ({"smtp": {"security": "ssl"}}, ("notifications.smtp.security", "not_one_of")),
    ({"smtp": {"from_address": "box"}}, ("notifications.smtp.from_address", "not_email")),
    ({"smtp": {"password": "x"}}, ("notifications.smtp.user", "password_needs_user")),
    ({"smtp": {"verify_certificate": "yes"}},
     ("notifications.smtp.verify_certificate", "wrong_type")),
    ({"batch_seconds": 3601}, ("notifications.batch_seconds", "out_of_range")),
    ({"language": "fr"}, ("notifications.language", "not_one_of")),
    ({"caller_sms_text": "字" * 301}, ("notifications.caller_sms_text", "too_long")),
    ({"missed_calls": {"email": True}, "emails": ["a@b.cn"]},
     ("notifications.smtp.host", "notify_needs_smtp")),
    ({"voicemail": {"email": True}, "emails": ["a@b.cn"], "smtp": {"host": "mail.b.cn"}},
     ("notifications.smtp.from_address", "notify_needs_smtp")),
    ({"missed_calls": {"email": True}, "smtp": {"host": "mail.b.cn",
                                                "from_address": "box@b.cn"}},
     ("notifications.emails", "notify_needs_emails")),
    ({"voicemail": {"sms": True}}, ("notifications.sms_numbers", "notify_needs_sms_numbers")),
    ({"missed_calls": {"fax": True}}, ("notifications.missed_calls.fax", "unknown_field")),
])
def test_a_bad_value_is_refused_at_its_field(section: dict, expected: tuple) -> None:
    assert expected in _codes(section)
