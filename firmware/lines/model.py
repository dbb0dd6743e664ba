"""The one line model: what every line offers the call core, whatever its kind.

A line is registered with the box under its name (`Lines.add`) in one of two roles:

- an **outside line** (`OutsideLine`): the company's number on a GSM modem, an
  analog FXO line, later a SIP trunk. It rings into the box (`IncomingCall` on the
  bus, then `line.call` is the ringing `LineCall`), answers, dials out, hangs up,
  sends DTMF, and while a call is up its `LineCall.audio` is an 8 kHz PCM port
  (board.base.AudioPort) the media engine bridges.
- a **desk phone** (`DeskPhone`): an analog phone on an FXS port, later a SIP phone.
  The box rings it (`ring(number, name, withheld)`), and it tells the bus when it is
  lifted or put down (`DeskOffHook`, `DeskOnHook`, `DeskFlash`).

The call core (firmware/calls/) speaks only of these two roles: it picks "a free
outside line the plan allows" (`Lines.free_outside`) and "the desk phone on port X"
(`Lines.desk`). Adding a kind of line is a driver that offers this surface plus one
registration in firmware/box.py; the call core is not edited.

Optional abilities an outside line may have are named in `features`:
  "forwarding"  the network forwards its calls (`set_forwarding(number|None)`,
                `forwarding()`): GSM by AT+CCFC, an analog line by the telco's
                service codes (*57*N#)
  "sms"         `send_sms(number, text)`

Events every outside-line driver publishes (frozen dataclasses on the EventBus):
`IncomingCall`, `LineCallAnswered`, `LineCallEnded` and `LineStateChanged`, and
`LineDtmf` when the line reports the far party's digits itself. The GSM driver's
names for these (GsmIncomingCall, ..., GsmDtmf) are these classes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

# Why a call ended, the same words on every kind of line (DESIGN.md, "Lines and audio").
CAUSES = ("normal", "busy", "no_answer", "rejected", "unreachable", "failed", "abandoned")

# A line's state as the dashboard and the LEDs see it.
LINE_STATES = ("idle", "ringing", "in_use", "fault")


# --- events -------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingCall:
    """An outside line rings. `number` is None when withheld or unavailable."""

    line: str
    number: str | None
    withheld: bool = False


@dataclass(frozen=True)
class LineCallAnswered:
    """The call on the line is connected both ways and its audio port is open."""

    line: str


@dataclass(frozen=True)
class LineCallEnded:
    """cause: one of CAUSES. `q850` where the line knows one (GSM)."""

    line: str
    cause: str
    q850: int | None = None


@dataclass(frozen=True)
class LineDtmf:
    """The line itself reports a digit the far party keyed (a GSM modem's ^DDTMF);
    digits heard in the call's audio come from the box's own detector instead."""

    line: str
    digit: str


@dataclass(frozen=True)
class LineStateChanged:
    """A line's state for the dashboard and LEDs: idle, ringing, in_use or fault.
    `reason` says why in English when it is a fault."""

    line: str
    state: str
    reason: str = ""


@dataclass(frozen=True)
class DeskOffHook:
    """A desk phone was lifted. `while_ringing`: it was ringing (an answer)."""

    port: str
    t: float
    while_ringing: bool


@dataclass(frozen=True)
class DeskOnHook:
    port: str
    t: float


@dataclass(frozen=True)
class DeskFlash:
    """A hook flash (a short on-hook) on a desk phone."""

    port: str
    t: float


@dataclass(frozen=True)
class DeskStateChanged:
    port: str
    state: str  # idle | ringing | offhook | fault


# --- the surfaces -------------------------------------------------------------------


class LineCall(Protocol):
    """One call on an outside line, in or out."""

    line: str
    direction: Literal["in", "out"]
    number: str | None
    withheld: bool
    cause: str | None  # once ended: one of CAUSES
    # early_media (optional, default False): the call's audio carries the far end's
    # progress (ringback, busy tone, announcements) before the answer, as on an analog
    # line, which gives no other signal: the caller is connected to it at once

    @property
    def audio(self) -> Any:
        """The call's AudioPort once connected, else None."""

    @property
    def answered(self) -> bool: ...

    async def wait_answer(self, timeout: float | None = None) -> str:
        """"answered", or the cause the call ended with before that."""

    async def wait_end(self) -> str:
        """The cause the call ended with."""


class OutsideLine(Protocol):
    name: str
    kind: str  # "gsm", "fxo", later "sip"
    features: frozenset[str]

    @property
    def call(self) -> LineCall | None:
        """The call on the line now (ringing in, dialling, talking), if any."""

    def available(self) -> bool:
        """In service with no call: a call may be placed on it now."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def answer(self) -> LineCall: ...

    async def dial(self, number: str) -> LineCall:
        """Place a call; the LineCall's wait_answer() says how it went."""

    async def hangup(self) -> None: ...

    async def send_dtmf(self, digits: str) -> None: ...

    def status_dict(self) -> dict[str, Any]:
        """JSON for `status` ("lines"): at least kind, state (LINE_STATES), reason."""


class DeskPhone(Protocol):
    name: str  # the port: "fxs0"
    kind: str  # "fxs", later "sip"
    audio: Any

    @property
    def state(self) -> str:
        """idle | ringing | offhook | fault."""

    def start(self) -> None: ...

    def close(self) -> None: ...

    def ring(self, number: str | None, name: str | None = None,
             withheld: bool = False) -> None: ...

    def stop_ring(self) -> None: ...


# --- the registry -------------------------------------------------------------------


class Lines:
    """The box's lines by name: outside lines and desk phones, each kind alike."""

    def __init__(self) -> None:
        self.outside: dict[str, OutsideLine] = {}
        self.desks: dict[str, DeskPhone] = {}

    def add_outside(self, line: OutsideLine) -> None:
        self._check_new(line.name)
        self.outside[line.name] = line

    def add_desk(self, phone: DeskPhone) -> None:
        self._check_new(phone.name)
        self.desks[phone.name] = phone

    def _check_new(self, name: str) -> None:
        if name in self.outside or name in self.desks:
            raise ValueError(f"a line called {name} is registered already")

    def line(self, name: str) -> OutsideLine | None:
        return self.outside.get(name)

    def desk(self, name: str) -> DeskPhone | None:
        return self.desks.get(name)

    def of_kind(self, kind: str) -> dict[str, OutsideLine]:
        return {n: line for n, line in self.outside.items() if line.kind == kind}

    def with_feature(self, feature: str) -> Iterator[OutsideLine]:
        return (line for _, line in sorted(self.outside.items()) if feature in line.features)

    def free_outside(self, busy: Collection[str] = (), exclude: str | None = None,
                     avoid: Collection[str] = ()) -> OutsideLine | None:
        """The first available outside line (by name, GSM before FXO) that is not
        `exclude`, not in `avoid` (e.g. its outbound cap is reached) and not `busy`
        (held by a call of the box)."""
        for _name, line in sorted(self.outside.items(), key=_line_order):
            if line.name != exclude and line.name not in avoid and line.name not in busy \
                    and line.available():
                return line
        return None


def _line_order(item: tuple[str, Any]) -> tuple[int, str]:
    name, line = item
    return (0 if line.kind == "gsm" else 1, name)
