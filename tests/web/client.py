"""An in-process WSGI client for the web app (the way bottle tests itself: test/tools.py).

It keeps cookies like a browser (path "/", no expiry handling needed), sends a
Host and, for form posts, the Origin of the box, and finds the CSRF token in the
last page it read, so a test reads like a person using the page. Every knob a
refusal test needs (no Origin, a foreign Host, no token) is a keyword.
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1:8080"
ORIGIN = f"http://{HOST}"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


@dataclass
class Client:
    app: Any
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None
    remote: str = "192.168.1.20"

    def request(self, method: str, path: str, *, body: bytes = b"", headers: dict | None = None,
                content_type: str | None = None, host: str | None = HOST) -> Reply:
        path_only, _, query = path.partition("?")
        env = {"REQUEST_METHOD": method, "PATH_INFO": path_only, "QUERY_STRING": query,
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": self.remote, "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body)), "wsgi.url_scheme": "http",
               "wsgi.errors": sys.stderr, "wsgi.multithread": True}
        if host is not None:
            env["HTTP_HOST"] = host
        if content_type:
            env["CONTENT_TYPE"] = content_type
        if self.cookies:
            env["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in (headers or {}).items():
            env["HTTP_" + name.upper().replace("-", "_")] = value
        started: dict[str, Any] = {}

        def start_response(status: str, hdrs: list, exc_info: Any = None) -> None:
            started["status"], started["headers"] = status, hdrs

        body_out = b"".join(self.app(env, start_response))
        hdrs = started["headers"]
        cookies = [v for k, v in hdrs if k.lower() == "set-cookie"]
        for cookie in cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or 'expires=thu, 01 jan 1970' in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        reply = Reply(int(started["status"].split()[0]), {k.lower(): v for k, v in hdrs},
                      cookies, body_out)
        found = re.search(rb'name="csrf" value="([^"]+)"', body_out)
        if found:
            self.csrf = found.group(1).decode()
        return reply

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
             origin: str | None = ORIGIN, headers: dict | None = None, **kw: Any) -> Reply:
        fields = dict(data or {})
        if csrf and self.csrf:
            fields.setdefault("csrf", self.csrf)
        hdrs = dict(headers or {})
        if origin:
            hdrs.setdefault("Origin", origin)
        body = urlencode(fields, doseq=True).encode()  # a list: the field repeated
        return self.request("POST", path, body=body, headers=hdrs,
                            content_type="application/x-www-form-urlencoded", **kw)

    def api(self, method: str, path: str, value: Any = None, *, token: str | None = None,
            headers: dict | None = None, **kw: Any) -> Reply:
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        body = b"" if value is None else json.dumps(value, ensure_ascii=False).encode()
        return self.request(method, path, body=body, headers=hdrs,
                            content_type="application/json" if value is not None else None, **kw)
