"""Checks of the `notifications` section (schema_notify.py).

validate.py imports this module at its end and adds these tables to its own, as it does
for validate_rules.py and validate_calendar.py. An SMTP host and a from address are
needed once e-mail is switched on for anything, an e-mail address to send to as well;
an SMS channel needs a mobile number. Every refusal is a catalogue reason
(reasons_notify.py), named at its field.
"""

from __future__ import annotations

import re
from typing import Any

from firmware.config import schema_notify as n
from firmware.config import validate as v
from firmware.config.reasons import reason

MAX_EMAILS = 10
MAX_SMS_NUMBERS = 5
CALLER_SMS_MAX = 300  # characters: five UCS2 parts at most
EMAIL_RE = re.compile(r"[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}")
HOST_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]",
                     re.ASCII)


def _email(value: str, ctx: v._Ctx) -> str:
    value = value.strip()
    if len(value) > 254 or not EMAIL_RE.fullmatch(value):
        raise v._Bad("not_email", value=value)
    return value


def _optional_email(value: str, ctx: v._Ctx) -> str:
    return _email(value, ctx) if value.strip() else ""


def _host(value: str, ctx: v._Ctx) -> str:
    value = value.strip()
    if value and not HOST_RE.fullmatch(value):
        raise v._Bad("not_host", value=value)
    return value


def _short_text(max_len: int) -> Any:
    def check(value: str, ctx: v._Ctx) -> str:
        if len(value) > max_len:
            raise v._Bad("too_long", max=max_len)
        return value

    return check


def _recipients(max_count: int, what: str) -> Any:
    def check(items: tuple, ctx: v._Ctx) -> tuple:
        if len(items) > max_count:
            raise v._Bad("too_many_recipients", count=len(items), max=max_count)
        return v._unique(lambda item: item, what)(items, ctx)

    return check


def _section(notify: n.Notifications, path: str, ctx: v._Ctx) -> None:
    """What is switched on has what it needs: a server and addresses, mobile numbers."""
    smtp, wants_email = notify.smtp, notify.missed_calls.email or notify.voicemail.email
    wants_sms = notify.missed_calls.sms or notify.voicemail.sms
    if wants_email and smtp is not v.INVALID and not (smtp.host and smtp.from_address):
        field = "smtp.host" if not smtp.host else "smtp.from_address"
        ctx.add(v._join(path, field), reason("notify_needs_smtp"))
    if wants_email and not notify.emails:
        ctx.add(v._join(path, "emails"), reason("notify_needs_emails"))
    if wants_sms and not notify.sms_numbers:
        ctx.add(v._join(path, "sms_numbers"), reason("notify_needs_sms_numbers"))


def _smtp(smtp: n.SmtpServer, path: str, ctx: v._Ctx) -> None:
    if smtp.password and not smtp.user:
        ctx.add(v._join(path, "user"), reason("password_needs_user"))


FIELD_CHECKS: dict[tuple[type, str], Any] = {
    (n.SmtpServer, "host"): _host,
    (n.SmtpServer, "port"): v._within(1, 65535),
    (n.SmtpServer, "security"): v._choice(n.SMTP_SECURITY),
    (n.SmtpServer, "user"): _short_text(254),
    (n.SmtpServer, "password"): _short_text(256),
    (n.SmtpServer, "from_address"): _optional_email,
    (n.Notifications, "emails"): _recipients(MAX_EMAILS, "address"),
    (n.Notifications, "sms_numbers"): _recipients(MAX_SMS_NUMBERS, "number"),
    (n.Notifications, "batch_seconds"): v._within(0, 3600),
    (n.Notifications, "language"): v._choice(n.NOTIFY_LANGUAGES),
    (n.Notifications, "caller_sms_text"): _short_text(CALLER_SMS_MAX),
}
ITEM_CHECKS: dict[tuple[type, str], Any] = {
    (n.Notifications, "emails"): _email,
    (n.Notifications, "sms_numbers"): v._phone,
}
OBJECT_CHECKS: dict[type, Any] = {
    n.Notifications: _section,
    n.SmtpServer: _smtp,
}
