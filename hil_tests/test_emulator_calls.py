"""Calls through the emulated network: into the box, out of it, DTMF, box to box."""

from __future__ import annotations

import pytest

from hil_tests.pstn.testing import FAST, open_at, wait_for

CALLER = "+8613812345678"
SIM = "+8613900000001"


@pytest.fixture
def emu(emulator_factory):
    return emulator_factory("sim", **FAST)


@pytest.fixture
def port(emu):
    with open_at(emu) as p:
        p.command("ATE0;+CMEE=1;+CLIP=1")
        yield p


def test_incoming_call_rings_answers_and_ends_on_remote_hangup(emu, port):
    call = emu.client.place_call(CALLER, SIM)
    for _ in range(2):
        assert port.wait_line("RING") == "RING"
        assert port.wait_line("+CLIP:") == f'+CLIP: "{CALLER}",145,,,,0'
    assert port.command("AT+CLCC").info == [f'+CLCC: 1,1,4,0,0,"{CALLER}",145']
    assert port.command("ATA").final == "OK"
    assert port.wait_line("^CONN:") == "^CONN:1,0"
    assert emu.client.call(call["id"])["state"] == "active"
    assert port.command("AT+CLCC").info == [f'+CLCC: 1,1,0,0,0,"{CALLER}",145']
    emu.client.hangup(call["id"])
    assert port.wait_line("^CEND:", regex=False).startswith("^CEND:1,")
    ended = emu.client.call(call["id"])
    assert (ended["state"], ended["cause"], ended["ended_by"]) == ("ended", 16, "far")


def test_withheld_caller_gives_up(emu, port):
    port.command("AT+CRC=1")
    call = emu.client.place_call(CALLER, SIM, withheld=True)
    assert port.wait_line("+CRING:") == "+CRING: VOICE"
    assert port.wait_line("+CLIP:") == '+CLIP: "",128,,,,1'
    emu.client.hangup(call["id"])
    assert port.wait_line("^CEND:") == "^CEND:1,0,29,16"
    assert port.command("ATA").final == "NO CARRIER"


def test_box_rejects_a_ringing_call(emu, port):
    call = emu.client.place_call(CALLER, SIM)
    port.wait_line("RING")
    assert port.command("AT+CHUP").final == "OK"
    assert port.wait_line("^CEND:") == "^CEND:1,0,29,21"
    assert emu.client.call(call["id"])["ended_by"] == "box"


@pytest.mark.parametrize("behaviour, options, urcs, cause", [
    ("answer", {"answer_after_s": 0.2}, ["^ORIG:1,0", "^CONF:1", "^CONN:1,0"], None),
    ("busy", {}, ["^ORIG:1,0", "^CEND:1,0,29,17"], 17),
    ("no_answer", {"no_answer_after_s": 0.3}, ["^ORIG:1,0", "^CONF:1", "^CEND:1,0,29,19"], 19),
    ("reject", {"answer_after_s": 0.2}, ["^ORIG:1,0", "^CONF:1", "^CEND:1,0,29,21"], 21),
    ("unreachable", {}, ["^ORIG:1,0", "^CEND:1,0,29,1"], 1),
])
def test_outgoing_call_by_subscriber_behaviour(emu, port, behaviour, options, urcs, cause):
    emu.client.add_subscriber("+8613800138000", behaviour, **options)
    assert port.command("ATD13800138000;").final == "OK"
    for urc in urcs:
        assert port.wait_line(urc[:5]) == urc
    call = emu.client.calls()[0]
    assert (call["direction"], call["to"], call["cause"]) == ("from_box", "13800138000", cause)


def test_outgoing_to_an_unknown_number_is_unassigned(emu, port):
    assert port.command("ATD10086;").final == "OK"
    assert port.wait_line("^CEND:") == "^CEND:1,0,29,1"
    assert port.command("ATD10086").final == "NO CARRIER"
    assert port.command("ATDabc;").final == "ERROR"


def test_box_hangs_up_an_answered_call_and_dtmf_is_heard(emu, port):
    emu.client.add_subscriber("+8613800138000", "answer", answer_after_s=0.1)
    port.command("ATD+8613800138000;")
    port.wait_line("^CONN:")
    assert port.command("AT^DTMF=1,5").final == "OK"
    assert port.command('AT+VTS="#"').final == "OK"
    assert port.command("AT^DTMF=1,A").final == "+CME ERROR: 50"
    call = emu.client.calls()[0]
    heard = emu.client.call_heard(call["id"])["dtmf"]
    assert [d["digit"] for d in heard] == ["5", "#"]
    emu.client.send_to_call(call["id"], dtmf="7*")
    assert port.wait_line("^DDTMF:") == "^DDTMF: 7"
    assert port.wait_line("^DDTMF:") == "^DDTMF: *"
    assert port.command("ATH").final == "OK"
    assert port.wait_line("^CEND:").startswith("^CEND:1,")
    ended = emu.client.call(call["id"])
    assert (ended["cause"], ended["ended_by"]) == (16, "box")


def test_subscriber_hangs_up_by_itself(emu, port):
    emu.client.add_subscriber("+8613800138000", "answer", answer_after_s=0.1,
                              hangup_after_s=0.2)
    port.command("ATD13800138000;")
    port.wait_line("^CONN:")
    assert port.wait_line("^CEND:").endswith(",29,16")


def test_box_to_box_call_on_two_sims(emulator_factory):
    emu = emulator_factory("sim-2gsm", **FAST)
    numbers = [m["number"] for m in emu.client.modems()]
    assert numbers == ["+8613900000001", "+8613900000002"]
    with open_at(emu, 0) as a, open_at(emu, 1) as b:
        b.command("ATE0;+CLIP=1")
        a.command("ATE0")
        assert a.command("ATD13900000002;").final == "OK"
        assert b.wait_line("+CLIP:") == '+CLIP: "+8613900000001",145,,,,0'
        assert a.wait_line("^CONF:") == "^CONF:1"
        b.command("ATA")
        assert a.wait_line("^CONN:") == "^CONN:1,0"
        b.command("AT^DTMF=1,9")
        assert a.wait_line("^DDTMF:") == "^DDTMF: 9"
        a.command("AT+CHUP")
        assert b.wait_line("^CEND:").endswith(",16")
    calls = emu.client.calls()
    assert {c["direction"] for c in calls} == {"from_box", "to_box"}
    assert all(c["state"] == "ended" for c in calls)


def test_unplugged_sim_is_absent_to_callers(emu, port):
    emu.client.modem_fault(emu.modems[0], "unplug")
    call = emu.client.place_call(CALLER, SIM)
    assert (call["state"], call["cause"]) == ("ended", 20)


def test_second_caller_gets_busy(emu, port):
    first = emu.client.place_call(CALLER, SIM)
    second = emu.client.place_call("+8613811112222", SIM)
    assert (second["state"], second["cause"]) == ("ended", 17)
    emu.client.hangup(first["id"])
    wait_for(lambda: emu.client.call(first["id"])["state"] == "ended")
