"""The LED controller turns box events into the patterns of docs/leds.md."""

from __future__ import annotations

from board.base import Blink, Off, Solid
from firmware.boxleds import LedController
from firmware.lines.gsm_events import (
    GsmCallAnswered,
    GsmCallEnded,
    GsmIncomingCall,
    GsmStatus,
    GsmStatusChanged,
)


class Bank:
    names = ("PWR", "SYS", "ERR", "LINE-gsm0", "SIG-gsm0", "LINE-fxs0")

    def __init__(self):
        self.shown: dict = {}

    def set(self, name, pattern):
        self.shown[name] = pattern


def _controller() -> tuple[LedController, Bank]:
    bank = Bank()
    leds = LedController(bank, lambda: "ready", lambda: {"fxs0": "idle"})
    return leds, bank


def _status(in_call: bool) -> GsmStatus:
    return GsmStatus(state="ready", sim="ready", registration=1, csq=20, in_call=in_call)


def test_an_incoming_call_blinks_the_line_until_answered_then_it_is_solid():
    leds, bank = _controller()
    leds.on_event(GsmStatusChanged("gsm0", _status(False)))
    assert isinstance(bank.shown["LINE-gsm0"], Off)
    # the driver counts a ringing call as a call: the LED still says "ringing"
    leds.on_event(GsmIncomingCall("gsm0", "+8613588888888"))
    leds.on_event(GsmStatusChanged("gsm0", _status(True)))
    assert bank.shown["LINE-gsm0"] == Blink(200, 200)
    leds.on_event(GsmCallAnswered("gsm0"))
    assert isinstance(bank.shown["LINE-gsm0"], Solid)
    leds.on_event(GsmCallEnded("gsm0", "normal"))
    leds.on_event(GsmStatusChanged("gsm0", _status(False)))
    assert isinstance(bank.shown["LINE-gsm0"], Off)


def test_an_outgoing_call_is_solid_from_dialling_on():
    leds, bank = _controller()
    leds.on_event(GsmStatusChanged("gsm0", _status(True)))
    assert isinstance(bank.shown["LINE-gsm0"], Solid)
