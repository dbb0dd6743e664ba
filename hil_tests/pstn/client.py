"""`EmulatorClient`: the PSTN emulator's control API as Python methods.

A thin urllib JSON client, one method per route (docs/emulator.md), plus
`wait_event()` that long-polls GET /events until an event matches. Errors
from the emulator raise `EmulatorError` carrying the HTTP status and the
emulator's message.
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

Event = dict[str, Any]


@dataclass(frozen=True)
class RecordingFile:
    """A party's recording as the emulator served it: the WAV (8 kHz s16 mono),
    the monotonic time of its first sample (None while empty: the time base of
    `heard`), its length and how much older audio was dropped."""

    wav: bytes
    t_start: float | None
    duration_s: float
    dropped_s: float

    def pcm(self) -> bytes:
        """The samples without the WAV header."""
        with wave.open(io.BytesIO(self.wav)) as reader:
            return reader.readframes(reader.getnframes())


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

    def get_recording(self, path: str) -> RecordingFile:
        """GET a WAV route; the file and the X-Recording-* facts, or EmulatorError."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=self.timeout) as resp:
                data, headers = resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            try:
                message = json.loads(e.read()).get("error", "")
            except ValueError:
                message = ""
            raise EmulatorError(e.code, message, f"GET {path}") from None
        t_start = headers.get("X-Recording-T-Start") or None
        return RecordingFile(data, float(t_start) if t_start else None,
                             float(headers.get("X-Recording-Duration-S") or 0.0),
                             float(headers.get("X-Recording-Dropped-S") or 0.0))

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

    def call_recording(self, cid: str) -> RecordingFile:
        """What the far party of call `cid` heard so far, as a WAV."""
        return self.get_recording(f"/calls/{quote(cid)}/recording")

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

    def phone_recording(self, port: str) -> RecordingFile:
        """What the desk phone's earpiece heard since the handset was last lifted."""
        return self.get_recording(f"/phones/{quote(port)}/recording")

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
    def line_heard(self, lid: str) -> dict:
        """What the far party of the line's call (now, else its last) heard, with "call"."""
        return self.get(f"/lines/{quote(lid)}/heard")

    def line_recording(self, lid: str) -> RecordingFile:
        return self.get_recording(f"/lines/{quote(lid)}/recording")

    def leds(self) -> dict:
        return self.get("/leds")


def _send_body(tone_hz: float | None, ms: int | None, dtmf: str | None) -> dict:
    if dtmf is not None:
        return {"dtmf": dtmf}
    return {"tone_hz": tone_hz, "ms": ms}
