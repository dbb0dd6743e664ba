"""Network call forwarding (AT+CCFC) on the emulated modem, and its effect on calls."""

from __future__ import annotations

import pytest

from hil_tests.pstn.testing import FAST, open_at, wait_for

SIM = "+8613900000001"
MOBILE = "+8613700001111"


@pytest.fixture
def emu(emulator_factory):
    return emulator_factory("sim", **FAST)


@pytest.fixture
def port(emu):
    with open_at(emu) as p:
        p.command("ATE0;+CMEE=1;+CLIP=1")
        yield p


def test_register_query_disable_erase(emu, port):
    mid = emu.modems[0]
    assert port.command("AT+CCFC=0,2").info == ["+CCFC: 0,1"]
    assert port.command(f'AT+CCFC=0,3,"{MOBILE}",145').final == "OK"
    assert port.command("AT+CCFC=0,2").info == [f'+CCFC: 1,1,"{MOBILE}",145']
    assert emu.client.modem(mid)["forwarding"]["unconditional"] == {
        "active": True, "number": MOBILE, "type": 145, "time": 20}
    assert port.command("AT+CCFC=0,0").final == "OK"
    assert port.command("AT+CCFC=0,2").info == ["+CCFC: 0,1"]
    assert port.command("AT+CCFC=0,1").final == "OK"
    assert emu.client.modem(mid)["forwarding"]["unconditional"]["active"] is True
    assert port.command("AT+CCFC=0,4").final == "OK"
    assert port.command("AT+CCFC=0,1").final == "+CME ERROR: 3"
    assert port.command("AT+CCFC=0,3").final == "+CME ERROR: 50"
    assert port.command("AT+CCFC=9,2").final == "+CME ERROR: 50"


def test_unconditional_forwarding_bypasses_the_modem(emu, port):
    emu.client.add_subscriber(MOBILE, "answer", answer_after_s=0.1)
    port.command(f'AT+CCFC=0,3,"{MOBILE}",145')
    call = emu.client.place_call("+8613812345678", SIM)
    assert call["forwarded_to"] == MOBILE and call["forwarded_via"] == [SIM]
    wait_for(lambda: emu.client.call(call["id"])["state"] == "active", what="forwarded answer")
    assert not [x for x in port.collect(0.4) if x in ("RING",) or x.startswith("+CLIP")]
    emu.client.hangup(call["id"])
    port.command("AT+CCFC=0,4")
    emu.client.place_call("+8613812345678", SIM)
    assert port.wait_line("RING") == "RING"


def test_forwarding_when_busy_and_when_unreachable(emu, port):
    mid = emu.modems[0]
    emu.client.add_subscriber(MOBILE, "no_answer")
    port.command(f'AT+CCFC=1,3,"{MOBILE}",145;+CCFC=3,3,"{MOBILE}",145')
    first = emu.client.place_call("+8613812345678", SIM)
    assert first["state"] == "ringing"
    second = emu.client.place_call("+8613811112222", SIM)
    assert (second["state"], second["forwarded_to"]) == ("alerting", MOBILE)
    emu.client.modem_registration(mid, 0)
    third = emu.client.place_call("+8613833334444", SIM)
    assert (third["state"], third["forwarded_to"]) == ("alerting", MOBILE)


def test_forwarding_needs_the_network(emu, port):
    emu.client.modem_registration(emu.modems[0], 0)
    assert port.command("AT+CCFC=0,2").final == "+CME ERROR: 30"
