"""A call core with a voice-menu office for the keypad-step tests (menu, PIN, verify).

`PromptAudio` stands in for calls/bridge.py's Audio: it records every prompt played
(leg, names, language, interruptible) and, when a test has queued keys for a prompt
(`keys_during[name]`), the caller "keys" them while it plays: as the line's own report
(a GSM modem's ^DDTMF, `LineDtmf`) and, with `twins`, heard in the audio too
(the controller's in-band path), so the keypad merging is exercised as on the box.
No real prompt or media engine is needed.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

from firmware.calls.inbound import inbound_call
from firmware.calls.legs import DeskLeg, OutsideLeg
from firmware.config.schema import to_dict
from firmware.config.validate import check_config
from firmware.lines.model import LineDtmf
from tests.calls.rig import CALLER, Rig, office, until


class PromptAudio:
    def __init__(self) -> None:
        self.core: Any = None
        self.plays: list[tuple[str, tuple[str, ...], str, bool]] = []
        self.tones: list[tuple[str, str | None]] = []
        self.keys_during: dict[str, list[str]] = defaultdict(list)  # prompt -> keys
        self.twins = False  # each key also heard in-band
        self.detecting: set[str] = set()
        self.looping: list[str] = []

    def attach(self, leg: Any, detect_dtmf: bool = False) -> bool:
        if detect_dtmf:
            self.detecting.add(leg.name)
        return True

    def detach(self, leg: Any) -> None:
        pass

    def tone(self, leg: Any, name: str | None) -> None:
        self.tones.append((leg.name, name))

    def talk(self, a: Any, b: Any) -> bool:
        return True

    def part(self, a: Any, b: Any) -> None:
        pass

    def digit(self, leg_name: str, digit: str) -> bool:
        return False

    async def play(self, leg: Any, names: list[str], lang: str = "zh", *,
                   interruptible: bool = False, loop: bool = False) -> str:
        self.plays.append((leg.name, tuple(names), lang, interruptible))
        if loop:  # music or a ringback message: until the call core stops it
            self.looping.append(names[0])
            try:
                await asyncio.Event().wait()
            finally:
                self.looping.remove(names[0])
        await asyncio.sleep(0)
        if leg.ended.done():
            return "gone"
        keys = self.keys_during.get(names[0], [])
        if keys:
            self.press(leg.name, keys.pop(0))
            return "interrupted" if interruptible else "finished"
        return "finished"

    def press(self, line: str, keys: str) -> None:
        for key in keys:
            self.core._on_line_dtmf(LineDtmf(line, key))
            if self.twins:
                self.core._on_digit(line, key)

    def prompts(self) -> list[str]:
        return [n for _leg, names, _lang, _i in self.plays for n in names]


FRONT_DOOR = [
    {"id": "main", "do": "menu",
     "menu": {"prompt": "main_menu", "timeout_s": 1, "max_tries": 2, "direct_dial": True,
              "choices": [{"digit": "1", "to": "sales"}, {"digit": "2", "to": "support"},
                          {"digit": "0", "to": "reception"}]},
     "on": {"timeout": "reception", "invalid": "reception", "no_answer": "reception"}},
    {"id": "support", "do": "menu",
     "menu": {"prompt": "support_menu", "timeout_s": 1, "max_tries": 1,
              "choices": [{"digit": "1", "to": "check"}, {"digit": "9", "to": "main"}]},
     "on": {"timeout": "reception"}},
    {"id": "check", "do": "pin", "pin": {"pins": ["4321"], "tries": 2, "timeout_s": 1},
     "on": {"ok": "sales"}},
    {"id": "sales", "do": "ring_group:sales"},
    {"id": "reception", "do": "ring_group:reception"},
]


def front_door(steps: list | None = None, **changes: Any):
    """The rig's office with ring groups sales (802) and reception (801) and a route
    of every call to plan "front" (`steps`: FRONT_DOOR)."""
    raw = to_dict(office())
    raw["ring_groups"] = [
        {"name": "sales", "members": ["802"], "strategy": "sequential", "ring_time": 5,
         "total_ring_time": 10},
        {"name": "reception", "members": ["801"], "strategy": "sequential", "ring_time": 5,
         "total_ring_time": 10}]
    raw["inbound"]["ring_group"] = "reception"
    raw["plans"] = [{"name": "front", "steps": steps if steps is not None else FRONT_DOOR}]
    raw["routes"] = [{"name": "front door", "to": "plan:front"}]
    raw.update(changes)
    return check_config(raw)


class IvrRig(Rig):
    def __init__(self, tmp: Path, config: Any, lines: int = 1):
        super().__init__(tmp, config, lines)
        self.core.audio = self.audio = PromptAudio()
        self.audio.core = self.core

    def ring_in(self, line: str = "gsm0", caller: str = CALLER) -> OutsideLeg:
        gsm = self.gsm[line]
        leg = OutsideLeg(gsm, gsm.ring(caller))
        self.core.owners[line] = leg
        self.core.spawn(f"inbound {caller}", inbound_call(self.core, leg), leg)
        return leg

    def ringing(self, port: str) -> DeskLeg | None:
        leg = self.core.owners.get(port)
        return leg if isinstance(leg, DeskLeg) and self.fxs[port].state == "ringing" else None

    async def answer_desk(self, port: str) -> DeskLeg:
        await until(lambda: self.ringing(port), f"{port} rings")
        desk = self.ringing(port)
        assert desk is not None
        self.fxs[port].state = "offhook"
        desk.on_offhook()
        await until(lambda: self.core.calls and next(iter(self.core.calls.values())).talking,
                    "the call is bridged")
        return desk

    async def hang_up_desk(self, desk: DeskLeg) -> None:
        self.fxs[desk.name].state = "idle"
        desk.on_onhook()
        await until(lambda: not self.core.calls, "the call ends")

    async def ended(self) -> dict:
        await until(lambda: not self.core.calls, "the call ends")
        return self.calls()[-1]
