"""A call core on fake lines with a real records store, for the tests of what the
records say (result words, end reasons, forwarding periods, the outbound cap).

The GSM side uses the driver's own `GsmCall` (so the legs read the causes the driver
gives): `FakeGsmLine` rings, answers, dials and hangs up by settling its futures the
way `CallControl.end` does. Desk phones are `FakeFxs` ports the legs ring and stop.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from firmware.calls.controller import CallController
from firmware.cdr.store import CdrStore
from firmware.config.schema import Config
from firmware.config.validate import check_config
from firmware.lines.gsm_calls import GsmCall
from firmware.lines.gsm_events import GsmStatus
from firmware.lines.model import Lines
from tests.routing.helpers import sh

SIM = "+8613900000001"
CALLER = "+8613588888888"
MOBILES = {"zhang": "+8613800000101", "wang": "+8613800000102"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office(*, lines: int = 1, members: tuple[str, ...] = ("801", "802"),
           forward_chain: tuple[str, ...] = (), caps: list | None = None) -> Config:
    """An office open around the clock: desk phones 801-804 on fxs0-fxs3, one ring group."""
    return check_config({
        "schema_version": 1,
        "settings": {"company_name": "测试公司", "country": "CN", "timezone": "Asia/Shanghai",
                     "outside_line_prefix": "0"},
        "lines": {"gsm": [{"name": f"gsm{i}", "modem": "auto", "number": f"+86139000000{i + 1:02d}"}
                          for i in range(lines)],
                  "fxs": [{"name": f"fxs{i}"} for i in range(4)]},
        "extensions": [{"number": f"80{i + 1}", "name": f"Desk {i + 1}", "port": f"fxs{i}"}
                       for i in range(4)],
        "bound_numbers": [{"id": k, "name": k.title(), "number": v} for k, v in MOBILES.items()],
        "ring_groups": [{"name": "desk", "members": list(members), "strategy": "sequential",
                         "ring_time": 5, "total_ring_time": 60}],
        "schedule": {d: ["00:00-24:00"] for d in DAYS},
        "duty_roster": {"entries": [], "default": "zhang"},
        "forward_chain": list(forward_chain),
        "inbound": {"ring_group": "desk"},
        "caps": caps or [],
    })


class Clock:
    """The box's clock, moved by hand: wall time and monotonic time together."""

    def __init__(self, start: datetime | None = None) -> None:
        self.wall = start or sh(2, 10)
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


class FakeFxs:
    """The surface of lines.fxs.FxsLine the legs and the controller use."""

    kind = "fxs"
    audio = None

    def __init__(self, name: str):
        self.name, self.state = name, "idle"

    def ring(self, number: str | None, name: str | None = None, *, withheld: bool = False
             ) -> None:
        self.state = "ringing"
        self.shown = number  # the caller ID it shows

    def stop_ring(self) -> None:
        if self.state == "ringing":
            self.state = "idle"


class FakeGsmLine:
    """A GSM line whose calls the test ends as the driver would (`end`)."""

    kind = "gsm"
    features = frozenset({"forwarding", "sms"})
    LOST = ("modem_lost", "modem lost")

    def __init__(self, name: str):
        self.name = name
        self.status = GsmStatus(state="ready", sim="ready", registration=1, csq=20)
        self.call: GsmCall | None = None
        self.dialled: list[str] = []
        self.dial_result = "answered"  # or a cause: "busy", ...

    def available(self) -> bool:
        return self.call is None and self.status.state == "ready"

    def status_dict(self) -> dict:
        return {"kind": "gsm", "state": "in_use" if self.call else "idle"}

    def ring(self, number: str) -> GsmCall:
        self.call = GsmCall(self.name, "in", number, False, 0.0)
        return self.call

    async def answer(self) -> GsmCall:
        assert self.call is not None
        self.call.t_answer = 1.0
        self.call.state = "active"
        return self.call

    async def dial(self, number: str) -> GsmCall:
        self.dialled.append(number)
        call = self.call = GsmCall(self.name, "out", number, False, 0.0)
        if self.dial_result == "answered":
            call.t_answer = 1.0
            call.state = "active"
            call._outcome.set_result("answered")
        else:
            self.end(self.dial_result)
        return call

    async def hangup(self) -> None:
        if self.call is not None:
            self.call.releasing = ("normal", 16)
            self.end("normal", 16)

    def end(self, cause: str, q850: int | None = None) -> None:
        """The call ends with `cause` (the driver's words) and Q.850 `q850`."""
        call, self.call = self.call, None
        if call is None:
            return
        call.state, call.cause, call.q850 = "ended", cause, q850
        for future in (call._outcome, call._ended):
            if not future.done():
                future.set_result(cause)


class FakeAudio:
    def __init__(self) -> None:
        self.tones: list[tuple[str, str | None]] = []

    def attach(self, leg: Any, detect_dtmf: bool = False) -> None:
        pass

    def detach(self, leg: Any) -> None:
        pass

    def tone(self, leg: Any, name: str | None) -> None:
        self.tones.append((leg.name, name))

    def talk(self, a: Any, b: Any) -> None:
        pass

    def part(self, a: Any, b: Any) -> None:
        pass


class Rig:
    """A call core with `lines` GSM lines, four desk phones and records in `tmp`."""

    def __init__(self, tmp: Path, config: Config, lines: int = 1):
        self.clock = Clock()
        self.config = config
        self.cdr = CdrStore(tmp / "records.sqlite3", preload_regions=False)
        self.gsm = {f"gsm{i}": FakeGsmLine(f"gsm{i}") for i in range(lines)}
        self.fxs = {f"fxs{i}": FakeFxs(f"fxs{i}") for i in range(4)}
        lines = Lines()
        for line in self.gsm.values():
            lines.add_outside(line)
        for phone in self.fxs.values():
            lines.add_desk(phone)
        self.core = CallController(None, None, lines, lambda: self.config,
                                   self.cdr, self.clock)
        self.core.audio = self.audio = FakeAudio()

    def close(self) -> None:
        self.cdr.close()

    def calls(self) -> list[dict]:
        return [c.as_dict(self.cdr.tz) for c in self.cdr.calls(newest_first=False)]


async def settle(rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


async def until(condition: Any, what: str, timeout: float = 15.0) -> None:
    """Wait (on the loop) for `condition()`; fail naming `what`."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)
    assert condition(), what
