"""The emulator's control API: JSON over HTTP on 127.0.0.1 (docs/emulator.md).

Tests drive the world through it: add subscribers, place calls into the box,
hang up or play audio as the far party, work the desk phones, break modems,
and read the event log. Every route is one small function; errors come back
as 400 (bad request, naming the field), 404 (unknown id), 409 (wrong state)
or 503 (a part of the emulator is not available) with {"error": "..."}.
Requests that change the network hold the world lock while they run.
"""

from __future__ import annotations

import json
import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from hil_tests.pstn import modem_faults
from hil_tests.pstn.audio_support import DspUnavailable, check_send
from hil_tests.pstn.network import Conflict

MAX_BODY = 1 << 20


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Unavailable(RuntimeError):
    """A part of the emulator (phones, LEDs) did not start (HTTP 503)."""


Route = tuple[str, re.Pattern, Callable[..., Any]]


@dataclass
class Binary:
    """An answer that is not JSON: a WAV recording, with its facts in headers."""

    data: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def wav_answer(recording: Any) -> Binary:
    """A party's recording.Recording as audio/wav; X-Recording-* headers say when it
    starts (monotonic, as `heard`), how long it is and how much was dropped."""
    data, info = recording.wav()
    headers = {"X-Recording-T-Start": "" if info["t_start"] is None else repr(info["t_start"]),
               "X-Recording-Duration-S": repr(info["duration_s"]),
               "X-Recording-Dropped-S": repr(info["dropped_s"])}
    return Binary(data, "audio/wav", headers)


def _need(body: dict, key: str, kind: type | tuple, what: str) -> Any:
    value = body.get(key)
    if value is None or isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{key}: required, {what}")
    return value


class Api:
    """Routes a request to the emulator (`emu`: an Emulator) and renders the answer."""

    def __init__(self, emu: Any):
        self.emu = emu
        self.routes: list[Route] = []
        for method, pattern, name in ROUTES:
            self.routes.append((method, re.compile(f"^{pattern}$"), getattr(self, name)))

    def handle(self, method: str, target: str, raw: bytes) -> tuple[int, Any]:
        split = urlsplit(target)
        path = split.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        try:
            fn, args = self._route(method, path)
            body = _json_body(raw) if method == "POST" else {}
            return 200, fn(*[unquote(a) for a in args], body=body, query=query)
        except ApiError as e:
            return e.status, {"error": str(e)}
        except ValueError as e:
            return 400, {"error": str(e)}
        except KeyError as e:
            return 404, {"error": str(e.args[0]) if e.args else "not found"}
        except Conflict as e:
            return 409, {"error": str(e)}
        except (Unavailable, DspUnavailable) as e:
            return 503, {"error": str(e)}
        except Exception as e:
            self.emu.log.add("error", where=f"{method} {path}", error=repr(e),
                             trace=traceback.format_exc())
            return 500, {"error": f"emulator bug: {e!r}"}

    def _route(self, method: str, path: str) -> tuple[Callable[..., Any], tuple]:
        allowed = []
        for m, pattern, fn in self.routes:
            match = pattern.match(path)
            if match:
                if m == method:
                    return fn, match.groups()
                allowed.append(m)
        if allowed:
            raise ApiError(405, f"{method} not allowed on {path} (use {', '.join(allowed)})")
        raise ApiError(404, f"no route {method} {path}")

    @property
    def net(self) -> Any:
        return self.emu.net

    # --- general --------------------------------------------------------------

    def health(self, body: dict, query: dict) -> dict:
        return self.emu.health()

    def events(self, body: dict, query: dict) -> dict:
        since = _query_num(query, "since", 0, int)
        kind = query.get("kind") or None
        wait_s = _query_num(query, "wait_s", 0.0, float)
        if wait_s > 0:
            self.emu.log.wait_since(since, kind, min(wait_s, 30.0))
        events, nxt = self.emu.log.since(since, kind)
        limit = _query_num(query, "limit", 0, int)
        if limit and len(events) > limit:
            events = events[:limit]
            nxt = events[-1]["seq"] + 1
        return {"events": events, "next": nxt}

    def get_config(self, body: dict, query: dict) -> dict:
        with self.net.lock:
            return self.emu.config_status()

    def set_config(self, body: dict, query: dict) -> dict:
        with self.net.lock:
            self.emu.set_config(body)
            return self.emu.config_status()

    # --- subscribers and calls ---------------------------------------------------

    def add_subscriber(self, body: dict, query: dict) -> dict:
        with self.net.lock:
            return self.net.add_subscriber(body).to_dict()

    def subscribers(self, body: dict, query: dict) -> list:
        with self.net.lock:
            return [s.to_dict() for s in self.net.subscribers.values()]

    def place_call(self, body: dict, query: dict) -> dict:
        with self.net.lock:
            return self.net.place_call(body).to_dict()

    def calls(self, body: dict, query: dict) -> list:
        with self.net.lock:
            return [c.to_dict() for c in self.net.calls.values()]

    def call(self, cid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            return self.net.call(cid).to_dict()

    def hangup(self, cid: str, body: dict, query: dict) -> dict:
        cause = body.get("cause", 16)
        if isinstance(cause, bool) or not isinstance(cause, int) or not 1 <= cause <= 127:
            raise ValueError("cause: must be a Q.850 cause 1..127")
        with self.net.lock:
            return self.net.far_hangup(self.net.call(cid), cause).to_dict()

    def send_to_call(self, cid: str, body: dict, query: dict) -> dict:
        check_send(body)
        with self.net.lock:
            return {"t": self.net.far_send(self.net.call(cid), body)}

    def call_heard(self, cid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            call = self.net.call(cid)
        return call.heard()

    def call_recording(self, cid: str, body: dict, query: dict) -> Binary:
        with self.net.lock:
            call = self.net.call(cid)
        return wav_answer(call.recording())

    # --- modems ---------------------------------------------------------------------

    def modems(self, body: dict, query: dict) -> list:
        with self.net.lock:
            return [m.status() for m in self.net.modems]

    def modem(self, mid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            return self.net.modem(mid).status()

    def fault(self, mid: str, body: dict, query: dict) -> dict:
        kind = _need(body, "kind", str, f"one of {', '.join(modem_faults.KINDS)}")
        with self.net.lock:
            modem = self.net.modem(mid)
            session = modem_faults.apply(modem, kind, body)
        if session is not None:
            session.wait_closed(2.0)
        with self.net.lock:
            return modem.status()

    def signal(self, mid: str, body: dict, query: dict) -> dict:
        csq = _need(body, "csq", int, "0..31 or 99")
        with self.net.lock:
            modem = self.net.modem(mid)
            modem.set_csq(csq)
            return modem.status()

    def registration(self, mid: str, body: dict, query: dict) -> dict:
        stat = _need(body, "stat", int, "0..5 (27.007 +CREG stat)")
        with self.net.lock:
            modem = self.net.modem(mid)
            modem.set_network_stat(stat)
            return modem.status()

    def sim(self, mid: str, body: dict, query: dict) -> dict:
        state = _need(body, "state", str, "ready, pin, puk or absent")
        with self.net.lock:
            modem = self.net.modem(mid)
            modem.set_sim(state, body.get("pin"))
            return modem.status()

    def modem_config(self, mid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            modem = self.net.modem(mid)
            modem.config.update(body)
            return modem.status()

    def modem_sms(self, mid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            modem = self.net.modem(mid)
            return {"sent": [dict(s) for s in modem.sent],
                    "inbox": [dict(modem.inbox[i]) for i in sorted(modem.inbox)]}

    def deliver_sms(self, mid: str, body: dict, query: dict) -> dict:
        sender = _need(body, "from", str, "the sender's number (or a short alphanumeric name)")
        text = _need(body, "text", str, "the message text")
        if not sender or len(sender) > 20:
            raise ValueError("from: must be 1..20 characters")
        with self.net.lock:
            return {"index": self.net.modem(mid).deliver_sms(sender, text)}

    # --- analog lines (the exchange) ---------------------------------------------------

    def lines(self, body: dict, query: dict) -> list:
        with self.net.lock:
            return [_line_status(line) for line in self.net.lines]

    def line(self, lid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            return _line_status(self.net.line(lid))

    def line_modem(self, lid: str, body: dict, query: dict) -> dict:
        """POST /lines/{id}/modem: the voice modem on the line (sim-v253): unplug, replug,
        which events it reports, whether it has voice duplex."""
        with self.net.lock:
            line = self.net.line(lid)
            if not hasattr(line.wire, "configure"):
                raise ApiError(409, f"line {line.id} ends in an FXO port, not a voice modem")
            line.wire.configure(body)
            return _line_status(line)

    def _line_call(self, lid: str) -> Any:
        """The line's call now, else the last call it had (404 if none)."""
        with self.net.lock:
            line = self.net.line(lid)
            if line.call is not None:
                return line.call
            calls = [c for c in self.net.calls.values() if c.line is line]
        if not calls:
            raise KeyError(f"line {line.id} has had no call yet")
        return calls[-1]

    def line_heard(self, lid: str, body: dict, query: dict) -> dict:
        call = self._line_call(lid)
        return {**call.heard(), "call": call.id}

    def line_recording(self, lid: str, body: dict, query: dict) -> Binary:
        return wav_answer(self._line_call(lid).recording())

    def line_fault(self, lid: str, body: dict, query: dict) -> dict:
        _need(body, "kind", str, "cut, restore or noise")
        with self.net.lock:
            line = self.net.line(lid)
            line.fault(body)
            return line.status()

    def line_config(self, lid: str, body: dict, query: dict) -> dict:
        with self.net.lock:
            line = self.net.line(lid)
            line.configure(body)
            return line.status()

    # --- phones and LEDs ------------------------------------------------------------

    def _phone(self, port: str) -> Any:
        return self.emu.component("phones").get(port)

    def phones(self, body: dict, query: dict) -> list:
        return self.emu.component("phones").list()

    def phone(self, port: str, body: dict, query: dict) -> dict:
        return self._phone(port).details()

    def phone_hook(self, port: str, body: dict, query: dict) -> dict:
        return self._phone(port).hook(_need(body, "state", str, "off, on or flash"))

    def phone_dial(self, port: str, body: dict, query: dict) -> dict:
        return {"t": self._phone(port).dial(_need(body, "digits", str, "DTMF digits"))}

    def phone_send(self, port: str, body: dict, query: dict) -> dict:
        phone = self._phone(port)
        if "dtmf" in body:
            return {"t": phone.send(dtmf=body["dtmf"])}
        return {"t": phone.send(tone_hz=body.get("tone_hz"), ms=body.get("ms"))}

    def phone_heard(self, port: str, body: dict, query: dict) -> dict:
        return self._phone(port).heard()

    def phone_recording(self, port: str, body: dict, query: dict) -> Binary:
        return wav_answer(self._phone(port).recording())

    def phone_auto_answer(self, port: str, body: dict, query: dict) -> dict:
        if body.get("off") is True:
            return self._phone(port).auto_answer(None)
        after = body.get("after_s")
        if isinstance(after, bool) or not isinstance(after, int | float) or after < 0:
            raise ValueError("after_s: required, a number >= 0 (or {\"off\": true})")
        return self._phone(port).auto_answer(float(after))

    def leds(self, body: dict, query: dict) -> dict:
        return self.emu.component("leds").state()


MODEM = r"/modems/([^/]+)"
ROUTES = [
    ("GET", "/health", "health"), ("GET", "/events", "events"),
    ("GET", "/config", "get_config"), ("POST", "/config", "set_config"),
    ("POST", "/subscribers", "add_subscriber"), ("GET", "/subscribers", "subscribers"),
    ("POST", "/calls", "place_call"), ("GET", "/calls", "calls"),
    ("GET", r"/calls/([^/]+)", "call"), ("POST", r"/calls/([^/]+)/hangup", "hangup"),
    ("POST", r"/calls/([^/]+)/send", "send_to_call"),
    ("GET", r"/calls/([^/]+)/heard", "call_heard"),
    ("GET", r"/calls/([^/]+)/recording", "call_recording"),
    ("GET", "/modems", "modems"), ("GET", MODEM, "modem"),
    ("POST", MODEM + "/fault", "fault"), ("POST", MODEM + "/signal", "signal"),
    ("POST", MODEM + "/registration", "registration"), ("POST", MODEM + "/sim", "sim"),
    ("POST", MODEM + "/config", "modem_config"),
    ("GET", MODEM + "/sms", "modem_sms"), ("POST", MODEM + "/sms", "deliver_sms"),
    ("GET", "/lines", "lines"), ("GET", r"/lines/([^/]+)", "line"),
    ("POST", r"/lines/([^/]+)/fault", "line_fault"),
    ("GET", r"/lines/([^/]+)/heard", "line_heard"),
    ("GET", r"/lines/([^/]+)/recording", "line_recording"),
    ("POST", r"/lines/([^/]+)/config", "line_config"),
    ("POST", r"/lines/([^/]+)/modem", "line_modem"),
    ("GET", "/phones", "phones"), ("GET", r"/phones/([^/]+)", "phone"),
    ("POST", r"/phones/([^/]+)/hook", "phone_hook"),
    ("POST", r"/phones/([^/]+)/dial", "phone_dial"),
    ("POST", r"/phones/([^/]+)/send", "phone_send"),
    ("GET", r"/phones/([^/]+)/heard", "phone_heard"),
    ("GET", r"/phones/([^/]+)/recording", "phone_recording"),
    ("POST", r"/phones/([^/]+)/auto_answer", "phone_auto_answer"),
    ("GET", "/leds", "leds"),
]


def _line_status(line: Any) -> dict:
    """A line's status; a line ending in a voice modem (sim-v253) adds "modem"."""
    status = line.status()
    if hasattr(line.wire, "status"):
        status["modem"] = line.wire.status()
    return status


def _query_num(query: dict, key: str, default: Any, kind: type) -> Any:
    if key not in query:
        return default
    try:
        value = kind(query[key])
    except ValueError:
        raise ValueError(f"{key}: must be a number, got {query[key]!r}") from None
    if value < 0:
        raise ValueError(f"{key}: must be >= 0")
    return value


def _json_body(raw: bytes) -> dict:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"body is not valid JSON: {e}") from None
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


class _Handler(BaseHTTPRequestHandler):
    server: ControlServer
    protocol_version = "HTTP/1.1"

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(413, {"error": f"body larger than {MAX_BODY} bytes"})
            return
        raw = self.rfile.read(length) if length else b""
        status, obj = self.server.api.handle(method, self.path, raw)
        self._answer(status, obj)

    def _answer(self, status: int, obj: Any) -> None:
        if isinstance(obj, Binary):
            data, kind, headers = obj.data, obj.content_type, obj.headers
        else:
            data = json.dumps(obj, ensure_ascii=False).encode()
            kind, headers = "application/json; charset=utf-8", {}
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ControlServer(ThreadingHTTPServer):
    """The HTTP server on 127.0.0.1:port (0 = a free port) serving `api`."""

    daemon_threads = True

    def __init__(self, api: Api, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), name="pstn-http",
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
