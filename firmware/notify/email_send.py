"""E-mail through the owner's SMTP server (smtplib): SMTPS ("tls", port 465), STARTTLS
("starttls", 587) or plain ("none", 25), with AUTH when a user is set.

`send_email` blocks (a slow server takes seconds): the notifier runs it on a worker
thread, never on the event loop. Every failure becomes a `SendFailed` with a code the
page says in Chinese or English (web_ui/messages_notify.py) and the server's words.
The certificate is checked against the system's CAs (or `cafile`) unless the owner
switched `verify_certificate` off for a server with a self-signed one.
"""

from __future__ import annotations

import base64
import mimetypes
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from firmware.config.schema_notify import SmtpServer

TIMEOUT_S = 30.0
MAX_ATTACHMENT = 20 * 1024 * 1024  # a 20-minute voicemail at 8 kHz is 19 MB


class SendFailed(Exception):
    """A message could not be sent: `code`, `params` (for the page) and English text."""

    def __init__(self, code: str, text: str, **params: object):
        self.code, self.params = code, {k: str(v) for k, v in params.items()}
        super().__init__(text)


def build_email(smtp: SmtpServer, to: list[str], subject: str, body: str,
                attachment: str = "", sender_name: str = "") -> EmailMessage:
    """A UTF-8 e-mail; `attachment` (a WAV path) attached when it still exists."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, smtp.from_address)) if sender_name \
        else smtp.from_address
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=smtp.from_address.rpartition("@")[2] or None)
    msg.set_content(body)
    if attachment:
        _attach(msg, Path(attachment))
    return msg


def _attach(msg: EmailMessage, path: Path) -> None:
    try:
        if path.stat().st_size > MAX_ATTACHMENT:
            raise SendFailed("attachment_too_big", f"{path.name} is larger than "
                             f"{MAX_ATTACHMENT // 1048576} MB", file=path.name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SendFailed("attachment_gone", f"{path.name} no longer exists",
                         file=path.name) from None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    maintype, _, subtype = kind.partition("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)


def tls_context(smtp: SmtpServer, cafile: str | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=cafile)
    if not smtp.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def send_email(smtp: SmtpServer, msg: EmailMessage, cafile: str | None = None,
               timeout: float = TIMEOUT_S) -> None:
    """Send `msg` through `smtp` (blocking); SendFailed says why not."""
    if not smtp.host or not smtp.from_address:
        raise SendFailed("smtp_not_set", "no SMTP server is set (notifications.smtp)")
    host, port = smtp.host, smtp.effective_port
    try:
        _deliver(smtp, msg, tls_context(smtp, cafile), timeout)
    except SendFailed:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed("smtp_auth", f"the server refused the user name or password: "
                         f"{_words(exc)}", error=_words(exc)) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed("smtp_no_starttls", f"{host}:{port} does not offer STARTTLS "
                         f"(or AUTH): {exc}", host=host, port=port) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(exc.recipients)
        raise SendFailed("smtp_recipients_refused", f"the server refused {refused}",
                         recipients=refused) from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendFailed("smtp_sender_refused", f"the server refused the from address "
                         f"{exc.sender}: {_words(exc)}", error=_words(exc)) from None
    except smtplib.SMTPException as exc:
        raise SendFailed("smtp_error", f"{host}:{port}: {exc}", error=str(exc)) from None
    except ssl.SSLCertVerificationError as exc:
        raise SendFailed("smtp_certificate", f"{host}:{port}: the server's certificate is "
                         f"not trusted ({exc.verify_message})", host=host, port=port,
                         error=str(exc.verify_message)) from None
    except ssl.SSLError as exc:
        raise SendFailed("smtp_tls", f"{host}:{port}: TLS failed ({exc.reason})", host=host,
                         port=port, error=str(exc.reason)) from None
    except socket.gaierror:
        raise SendFailed("smtp_unknown_host", f"{host} is not a known host name",
                         host=host) from None
    except TimeoutError:
        raise SendFailed("smtp_timeout", f"{host}:{port} did not answer within "
                         f"{timeout:g} s", host=host, port=port) from None
    except OSError as exc:
        raise SendFailed("smtp_connect", f"cannot reach {host}:{port}: "
                         f"{exc.strerror or exc}", host=host, port=port,
                         error=str(exc.strerror or exc)) from None


def _deliver(smtp: SmtpServer, msg: EmailMessage, context: ssl.SSLContext,
             timeout: float) -> None:
    port = smtp.effective_port
    if smtp.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, port, timeout=timeout,
                                                context=context)
    else:
        client = smtplib.SMTP(smtp.host, port, timeout=timeout)
    with client:
        client.ehlo()
        if smtp.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if smtp.user:
            _login(client, smtp.user, smtp.password)
        client.send_message(msg)


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH; smtplib encodes the user and password as ASCII only, so one with other
    characters (a Chinese password) goes as AUTH PLAIN in UTF-8 (RFC 4616)."""
    if (user + password).isascii():
        client.login(user, password)
        return
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, resp = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _words(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {text}".strip()
