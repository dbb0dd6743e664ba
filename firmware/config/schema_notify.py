"""The `notifications` section of the config: how the box tells the owner (Q3, Q6).

The owner's SMTP server (`smtp`), whom to tell (`emails`, `sms_numbers`), what about
(`missed_calls`, `voicemail`: by e-mail and/or SMS), how long missed calls are gathered
into one message (`batch_seconds`), the language of the messages, and the text the box
may send by SMS to a caller nobody could take (`caller_sms_text`, "nobody available").

Every field has a default (nothing is sent), so a config written before the section
existed loads unchanged. The SMTP password is a secret like the SIM PIN: the web page
never shows it back (web_ui/notify_forms.py). The checks are in validate_notify.py.
"""

from __future__ import annotations

from dataclasses import dataclass

SMTP_SECURITY = ("tls", "starttls", "none")  # SMTPS (465), STARTTLS (587), plain (25)
DEFAULT_PORTS = {"tls": 465, "starttls": 587, "none": 25}
NOTIFY_LANGUAGES = ("zh", "en")
DEFAULT_CALLER_SMS = "您好，您刚才的来电暂时无人接听，我们会尽快回电。"


@dataclass(frozen=True)
class SmtpServer:
    """The owner's mail server. `port` None: the usual port of `security`."""

    host: str = ""
    port: int | None = None
    security: str = "tls"
    user: str = ""
    password: str = ""
    from_address: str = ""
    verify_certificate: bool = True

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.security, 25)


@dataclass(frozen=True)
class Channels:
    """By which ways an event is told: e-mail to `emails`, SMS to `sms_numbers`."""

    email: bool = False
    sms: bool = False

    @property
    def any(self) -> bool:
        return self.email or self.sms


@dataclass(frozen=True)
class Notifications:
    smtp: SmtpServer = SmtpServer()
    emails: tuple[str, ...] = ()
    sms_numbers: tuple[str, ...] = ()  # E.164
    missed_calls: Channels = Channels()
    voicemail: Channels = Channels()
    batch_seconds: int = 60  # missed calls within this many seconds go as one message
    language: str = "zh"
    caller_sms_text: str = DEFAULT_CALLER_SMS
