"""`EmulatorClient`: the PSTN emulator's control API as Python methods.

A thin urllib JSON client, one method per route (docs/emulator.md), plus
`wait_event()` that long-polls GET /events until an event matches. Errors
from the emulator raise `EmulatorError` carrying the HTTP status and the
emulator's message.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

Event = dict[str, Any]


class EmulatorError(RuntimeError):
    """The emulator refused a request: `status` is the HTTP status, the message its error."""

    def __init__(self, status: int, message: str, route: str):
        super().__init__(f"{route}: HTTP {status}: {message}")
        self.status, self.message, self.route = status, message, route


class EmulatorClient:
    """Talks to one running emulator at `url` (http://127.0.0.1:PORT)."""

    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    # --- transport ----------------------------------------------------------------

    def request(self, method: str, path: str, body: dict | None = None,
                timeout: float | None = None) -> Any:
        """One JSON request; the decoded answer, or EmulatorError."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                message = json.loads(raw).get("error", raw.decode(errors="replace"))
            except ValueError:
                message = raw.decode(errors="replace")
            raise EmulatorError(e.code, message, f"{method} {path}") from None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: dict | None = None) -> Any:
        return self.request("POST", path, body or {})

    # --- general -----------------------------------------------------------------------

    def health(self) -> dict:
        return self.get("/health")

    def events(self, since: int = 0, kind: str | None = None, wait_s: float = 0.0) -> dict:
        """{"events": [...], "next": N}; wait_s > 0 long-polls for a first event."""
        query = {"since": since}
        if kind:
            query["kind"] = kind
        if wait_s:
            query["wait_s"] = wait_s
        return self.request("GET", "/events?" + urlencode(query), timeout=wait_s + self.timeout)

    def mark(self) -> int:
        """The number the next event will get: pass it as `since` to see only newer ones."""
        return self.events(since=1 << 60)["next"]

    def wait_event(self, predicate: Callable[[Event], bool] | str | None = None,
                   kind: str | None = None, timeout: float = 10.0, since: int | None = 0,
                   **fields: Any) -> Event:
        """The first event (numbered `since` or later) of `kind` whose fields equal `fields`
        and for which `predicate` holds; TimeoutError listing the last events otherwise.
        A string first argument is taken as the kind: wait_event("call", state="active")."""

        if isinstance(predicate, str):
            predicate, kind = None, predicate
        since = since or 0

        def matches(e: Event) -> bool:
            if any(e.get(k) != v for k, v in fields.items()):
                return False
            return predicate is None or bool(predicate(e))

        deadline = time.monotonic() + timeout
        seen: list[Event] = []
        while True:
            remaining = deadline - time.monotonic()
            answer = self.events(since, kind, wait_s=max(0.0, min(remaining, 2.0)))
            for e in answer["events"]:
                if matches(e):
                    return e
                seen.append(e)
            since = answer["next"]
            if time.monotonic() >= deadline:
                tail = "\n  ".join(json.dumps(e, default=str) for e in seen[-15:])
                raise TimeoutError(f"no {kind or 'event'} matching {fields or predicate} within "
                                   f"{timeout} s; last seen:\n  {tail}")

    def config(self, **settings: Any) -> dict:
        """GET /config, or POST /config when settings are given (e.g. ring_period_s=0.5)."""
        return self.post("/config", settings) if settings else self.get("/config")

    # --- network ---------------------------------------------------------------------------

    def add_subscriber(self, number: str, behaviour: str = "answer", **options: Any) -> dict:
        return self.post("/subscribers", {"number": number, "behaviour": behaviour, **options})

    def subscribers(self) -> list:
        return self.get("/subscribers")

    def place_call(self, frm: str, to: str, withheld: bool = False, **options: Any) -> dict:
        """A subscriber `frm` calls the box SIM `to`; the call (with its "id")."""
        return self.post("/calls", {"from": frm, "to": to, "withheld": withheld, **options})

    def calls(self) -> list:
        return self.get("/calls")

    def call(self, cid: str) -> dict:
        return self.get(f"/calls/{quote(cid)}")

    def hangup(self, cid: str, cause: int = 16) -> dict:
        return self.post(f"/calls/{quote(cid)}/hangup", {"cause": cause})

    def send_to_call(self, cid: str, tone_hz: float | None = None, ms: int | None = None,
                     dtmf: str | None = None) -> float:
        """The far party plays a tone or DTMF; the monotonic time it starts."""
        return self.post(f"/calls/{quote(cid)}/send", _send_body(tone_hz, ms, dtmf))["t"]

    def call_heard(self, cid: str) -> dict:
        return self.get(f"/calls/{quote(cid)}/heard")

    # --- desk phones -----------------------------------------------------------------------

    def phones(self) -> list:
        return self.get("/phones")

    def phone_hook(self, port: str, state: str) -> dict:
        return self.post(f"/phones/{quote(port)}/hook", {"state": state})

    def phone_dial(self, port: str, digits: str) -> float:
        return self.post(f"/phones/{quote(port)}/dial", {"digits": digits})["t"]

    def phone_send(self, port: str, tone_hz: float | None = None, ms: int | None = None,
                   dtmf: str | None = None) -> float:
        return self.post(f"/phones/{quote(port)}/send", _send_body(tone_hz, ms, dtmf))["t"]

    def phone_heard(self, port: str) -> dict:
        return self.get(f"/phones/{quote(port)}/heard")

    def phone_auto_answer(self, port: str, after_s: float | None) -> dict:
        body = {"off": True} if after_s is None else {"after_s": after_s}
        return self.post(f"/phones/{quote(port)}/auto_answer", body)

    # --- modems -----------------------------------------------------------------------------

    def modems(self) -> list:
        return self.get("/modems")

    def modem(self, mid: str) -> dict:
        return self.get(f"/modems/{quote(mid)}")

    def modem_fault(self, mid: str, kind: str, **options: Any) -> dict:
        return self.post(f"/modems/{quote(mid)}/fault", {"kind": kind, **options})

    def modem_signal(self, mid: str, csq: int) -> dict:
        return self.post(f"/modems/{quote(mid)}/signal", {"csq": csq})

    def modem_registration(self, mid: str, stat: int) -> dict:
        return self.post(f"/modems/{quote(mid)}/registration", {"stat": stat})

    def modem_sim(self, mid: str, state: str, pin: str | None = None) -> dict:
        body = {"state": state} if pin is None else {"state": state, "pin": pin}
        return self.post(f"/modems/{quote(mid)}/sim", body)

    def modem_config(self, mid: str, **settings: Any) -> dict:
        return self.post(f"/modems/{quote(mid)}/config", settings)

    def modem_sms(self, mid: str) -> dict:
        return self.get(f"/modems/{quote(mid)}/sms")

    def deliver_sms(self, mid: str, frm: str, text: str) -> int | None:
        """An SMS from `frm` arrives at modem `mid`; its SIM storage index."""
        return self.post(f"/modems/{quote(mid)}/sms", {"from": frm, "text": text})["index"]

    # --- analog lines ------------------------------------------------------------------------

    def lines(self) -> list:
        return self.get("/lines")

    def line(self, lid: str) -> dict:
        return self.get(f"/lines/{quote(lid)}")

    def line_fault(self, lid: str, kind: str, **options: Any) -> dict:
        return self.post(f"/lines/{quote(lid)}/fault", {"kind": kind, **options})

    def line_config(self, lid: str, **settings: Any) -> dict:
        return self.post(f"/lines/{quote(lid)}/config", settings)

    def line_modem(self, lid: str, **settings: Any) -> dict:
        """The voice modem at the end of line `lid` (sim-v253): action, reports, duplex."""
        return self.post(f"/lines/{quote(lid)}/modem", settings)

    def leds(self) -> dict:
        return self.get("/leds")


def _send_body(tone_hz: float | None, ms: int | None, dtmf: str | None) -> dict:
    if dtmf is not None:
        return {"dtmf": dtmf}
    return {"tone_hz": tone_hz, "ms": ms}
