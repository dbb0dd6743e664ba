"""GsmLine against a scripted modem on a pseudo-terminal: the paths the emulator
does not take (odd caller ID, direct SMS, restarts, missing voice, bad ports)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from firmware.errors import ConfigError, LineOutOfService
from firmware.events import EventBus
from firmware.lines.gsm import (
    CallStateError,
    GsmCallEnded,
    GsmIncomingCall,
    GsmLine,
    GsmSmsReceived,
    GsmStatusChanged,
)
from tests.lines.ptymodem import PtyModem


async def until(condition, timeout: float = 5.0, what: str = "condition"):
    """Poll `condition` on the loop until it is truthy; its value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"{what} not met within {timeout} s")
        await asyncio.sleep(0.01)
    return value


@asynccontextmanager
async def running(ports, **options):
    bus = EventBus()
    events: list = []
    bus.subscribe(events.append)
    options.setdefault("poll_interval", 0.2)
    line = GsmLine("gsmU", ports, bus, **options)
    line.events = events
    await line.start()
    try:
        yield line
    finally:
        await line.stop()


def of(line, kind) -> list:
    return [e for e in line.events if isinstance(e, kind)]


async def test_init_sequence_and_ready():
    modem = PtyModem()
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready", what="ready")
        assert line.status.operator == "TEST NET" and line.status.csq == 18
        order = [c for c in modem.commands if c in ("ATZ", "ATE0", "AT+CMEE=1", "AT+CPIN?",
                                                      "AT+CREG=2", "AT+CLIP=1", "AT^CVOICE?")]
        assert order == ["ATZ", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CREG=2", "AT+CLIP=1",
                         "AT^CVOICE?"]
        assert line.info["imsi"] == "460001234567890"
    assert of(line, GsmStatusChanged)[-1].status.state == "out_of_service"
    modem.close()


async def test_ring_without_caller_id_then_ringing_stops():
    modem = PtyModem()
    async with running(modem.ports(), ring_gap=0.5) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc("RING")
        incoming = await until(lambda: of(line, GsmIncomingCall), what="incoming call")
        assert (incoming[0].number, incoming[0].withheld) == (None, False)
        assert line.status.in_call
        ended = await until(lambda: of(line, GsmCallEnded), what="abandoned")
        assert ended[0].cause == "abandoned" and not line.status.in_call
    modem.close()


async def test_caller_id_unavailable_and_repeated_rings():
    modem = PtyModem()
    async with running(modem.ports(), ring_gap=0.5) as line:
        await until(lambda: line.status.state == "ready")
        for _ in range(4):
            modem.urc("RING", '+CLIP: "",128,,,,2')
            await asyncio.sleep(0.2)
        assert [(e.number, e.withheld) for e in of(line, GsmIncomingCall)] == [(None, False)]
        assert of(line, GsmCallEnded) == []  # still ringing: each RING re-arms the gap
        modem.urc("^CEND:1,0,29,16")
        await until(lambda: of(line, GsmCallEnded))
        assert of(line, GsmCallEnded)[0].cause == "abandoned"
    modem.close()


async def test_sms_shown_directly():
    modem = PtyModem()
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc('+CMT: "+8613800138000",,"24/05/01,10:00:00+32"', "Hello box")
        sms = await until(lambda: of(line, GsmSmsReceived))
        assert (sms[0].sender, sms[0].text) == ("+8613800138000", "Hello box")
    modem.close()


async def test_modem_restart_is_a_reopen():
    modem = PtyModem()
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc("RDY")
        await until(lambda: modem.count("ATZ") == 2, what="re-init")
        await until(lambda: line.status.state == "ready")
        states = [e.status.state for e in of(line, GsmStatusChanged)]
        assert "out_of_service" in states
    modem.close()


async def test_voice_disabled_is_reported_not_fatal():
    modem = PtyModem({"AT^CVOICE?": ["ERROR"], "AT^CVOICE=0": ["COMMAND NOT SUPPORT"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        assert line.info["voice"] is None
        assert modem.count("AT^CVOICE=0") == 1
    modem.close()


async def test_voice_enabled_on_demand():
    answers = iter([["ERROR"], ["^CVOICE: 0,8000,16,20", "OK"]])
    modem = PtyModem({"AT^CVOICE?": lambda c: next(answers), "AT^CVOICE=0": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        assert line.info["voice"] == "0,8000,16,20"
    modem.close()


@pytest.mark.parametrize("cpin, state, sim", [
    (["+CPIN: SIM PUK", "OK"], "sim_error", "puk"),
    (["+CME ERROR: 10"], "no_sim", "absent"),
    (["+CME ERROR: 13"], "sim_error", "error"),
])
async def test_unusable_sim(cpin, state, sim):
    modem = PtyModem({"AT+CPIN?": cpin})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == state, what=state)
        assert line.status.sim == sim
        with pytest.raises(LineOutOfService):
            await line.dial("10086")
    modem.close()


async def test_sim_pulled_out_then_back():
    modem = PtyModem()
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        modem.replies["AT+CPIN?"] = ["+CME ERROR: 10"]
        modem.urc("^SIMST:255")
        await until(lambda: line.status.state == "no_sim")
        modem.replies["AT+CPIN?"] = ["+CPIN: READY", "OK"]
        modem.urc("^SIMST:1")
        await until(lambda: line.status.state == "ready", what="back")
    modem.close()


async def test_call_requests_in_the_wrong_state():
    modem = PtyModem({"ATD10086;": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        with pytest.raises(CallStateError):
            await line.answer()
        with pytest.raises(CallStateError):
            await line.send_dtmf("1")
        await line.hangup()  # nothing to hang up: no-op
        call = await line.dial("10086")
        assert call.state == "dialing"
        with pytest.raises(CallStateError):
            await line.dial("10010")
        with pytest.raises(ValueError):
            await line.dial("not a number")
        modem.urc("^CEND:1,0,29,17")
        assert await call.wait_end(5) == "busy"
    modem.close()


async def test_modem_missing_then_present():
    modem = PtyModem()
    present = {"ports": None}
    async with running(lambda: present["ports"]) as line:
        await until(lambda: line.status.reason == "modem not present")
        present["ports"] = modem.ports()
        await until(lambda: line.status.state == "ready", timeout=10)
    modem.close()


async def test_board_that_fails_to_list_modems():
    modem = PtyModem()
    calls = {"n": 0}

    def ports():
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("udev went away")
        return modem.ports()

    async with running(ports) as line:
        await until(lambda: line.status.state == "ready", timeout=10)
    modem.close()


async def test_unplug_and_new_device_path():
    first, second = PtyModem(), PtyModem()
    current = {"modem": first}
    async with running(lambda: current["modem"].ports()) as line:
        await until(lambda: line.status.state == "ready")
        first.unplug()
        await until(lambda: line.status.state == "out_of_service")
        current["modem"] = second  # re-enumerated on another tty
        await until(lambda: line.status.state == "ready", timeout=10)
        assert second.count("ATZ") == 1
    second.close()


@pytest.mark.parametrize("pin", ["12", '12"34', "abcd", "123456789"])
def test_a_bad_sim_pin_is_a_config_error(pin):
    with pytest.raises(ConfigError, match=r"gsmU\.sim_pin"):
        GsmLine("gsmU", None, EventBus(), sim_pin=pin)


async def test_pin_given_later_is_tried_once():
    state = {"sim": "SIM PIN"}

    def enter_pin(command):
        state["sim"] = "READY"
        return ["OK"]

    modem = PtyModem({"AT+CPIN?": lambda c: [f"+CPIN: {state['sim']}", "OK"],
                      'AT+CPIN="4321"': enter_pin})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "pin_required")
        line.set_sim_pin("4321")
        await until(lambda: line.status.state == "ready", what="unlocked")
        assert modem.count('AT+CPIN="4321"') == 1
    modem.close()
