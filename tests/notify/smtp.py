"""A real SMTP server on 127.0.0.1 for the notification tests: aiosmtpd with STARTTLS
(or implicit TLS) on a self-signed certificate made here with the openssl CLI, and
AUTH that takes one user name and password. Every message it accepts is kept, parsed."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "owner@example.cn", "s3cret-密码"


def make_cert(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, valid for a day."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content,
                                                      policy=email.policy.default))
        return "250 OK"


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login.decode() == USER \
        and data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)  # handled=False: it answers 535 itself


class SmtpServer:
    """Start and stop it as the tests need (a server that is down, then back)."""

    def __init__(self, folder: Path, port: int | None = None, implicit_tls: bool = False):
        self.cert, self.key = make_cert(folder)
        self.port = port or free_port()
        self.implicit_tls = implicit_tls
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def _context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context

    def start(self) -> SmtpServer:
        tls = self._context()
        if self.implicit_tls:
            self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                         ssl_context=tls, authenticator=_auth,
                                         auth_require_tls=False, server_hostname="localhost")
        else:
            self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                         tls_context=tls, require_starttls=True,
                                         authenticator=_auth, auth_require_tls=True)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def smtp_config(self, security: str = "starttls") -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "security": security,
                "user": USER, "password": PASSWORD, "from_address": "box@example.cn"}
