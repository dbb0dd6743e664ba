"""The emulated Huawei modem's command engine, over raw AT on its pty."""

from __future__ import annotations

import pytest

from hil_tests.pstn.testing import FAST, open_at, wait_for


@pytest.fixture
def emu(emulator_factory):
    return emulator_factory("sim", **FAST)


@pytest.fixture
def port(emu):
    with open_at(emu) as p:
        yield p


def test_boot_urcs_and_echo_until_ate0(emu):
    with open_at(emu, boot=False) as port:
        assert port.wait_line("^SIMST:") == "^SIMST:1"
        port.wait_line("^RSSI:20")
        raw = port.command("AT")
        assert raw.final == "OK"
        port.write(b"AT\r")
        assert port.read_raw(0.2) == b"AT\r\r\nOK\r\n"
        assert port.command("ATE0").final == "OK"
        port.write(b"AT\r")
        assert port.read_raw(0.2) == b"\r\nOK\r\n"
        assert port.command("ATZ", echo=False).final == "OK"
        port.write(b"AT\r")
        assert port.read_raw(0.2) == b"AT\r\r\nOK\r\n"


def test_chained_lowercase_and_unknown_commands(port):
    port.command("ATE0")
    answer = port.command("at+cgmi;+CGMM;E0Q0V1")
    assert answer.info == ["huawei", "E1550"] and answer.final == "OK"
    assert port.command("AT+FOO").final == "ERROR"
    assert port.command("AT^FOO").final == "COMMAND NOT SUPPORT"
    assert port.command("AT+CGMI;+FOO;+CGMM").lines == ["huawei", "ERROR"]
    assert port.command("AT+CSQ=?").info == ["+CSQ: (0-31,99),(0-7,99)"]
    assert port.command("AT^CVOICE?").info == ["^CVOICE: 0,8000,16,20"]
    assert port.command('AT+CSCS="UCS2";+CSCS?').info == ['+CSCS: "UCS2"']


def test_identity_matches_the_control_api(emu, port):
    modem = emu.client.modems()[0]
    port.command("ATE0")
    assert port.command("AT+CGSN").info == [modem["imei"]]
    assert port.command("AT+CIMI").info == [modem["imsi"]]
    assert port.command("AT+CNUM").info == ['+CNUM: "","+8613900000001",145']
    assert port.command("AT+COPS?").info == ['+COPS: 0,0,"CHINA MOBILE",2']


def test_cmee_modes_shape_errors(emu, port):
    port.command("ATE0")
    emu.client.modem_sim(emu.modems[0], "absent")
    assert port.command("AT+CIMI").final == "ERROR"
    port.command("AT+CMEE=1")
    assert port.command("AT+CIMI").final == "+CME ERROR: 10"
    port.command("AT+CMEE=2")
    assert port.command("AT+CIMI").final == "+CME ERROR: SIM not inserted"
    assert port.command("AT+CMEE?").info == ["+CMEE: 2"]
    assert port.command("AT+CMGF=1;+CMGR=0").final.startswith("+CMS ERROR: SIM not inserted")


def test_pin_flow_wrong_pins_then_puk(emu, port):
    mid = emu.modems[0]
    emu.client.modem_sim(mid, "pin", pin="4321")
    port.command("ATE0;+CMEE=1")
    assert port.command("AT+CPIN?").info == ["+CPIN: SIM PIN"]
    assert port.command("AT+CIMI").final == "+CME ERROR: 11"
    assert port.command('AT+CPIN="1111"').final == "+CME ERROR: 16"
    assert port.command('AT+CPIN="4321"').final == "OK"
    assert port.command("AT+CPIN?").info == ["+CPIN: READY"]
    wait_for(lambda: emu.client.modem(mid)["registration"] == 1, what="registration")
    emu.client.modem_sim(mid, "pin")
    for _ in range(3):
        assert port.command('AT+CPIN="0000"').final == "+CME ERROR: 16"
    assert port.command("AT+CPIN?").info == ["+CPIN: SIM PUK"]
    assert port.command("AT+CIMI").final == "+CME ERROR: 12"
    assert port.command('AT+CPIN="12345678","5555"').final == "OK"
    assert emu.client.modem(mid)["sim"] == "ready"


def test_creg_and_signal_urcs(emu, port):
    mid = emu.modems[0]
    port.command("ATE0;+CREG=2")
    assert port.command("AT+CREG?").info == ['+CREG: 2,1,"2F1A","0C3B"']
    emu.client.modem_registration(mid, 0)
    assert port.wait_line("+CREG:") == "+CREG: 0"
    assert port.wait_line("^SRVST:") == "^SRVST:0"
    emu.client.modem_registration(mid, 5)
    assert port.wait_line("+CREG:") == '+CREG: 5,"2F1A","0C3B"'
    port.command("AT+CREG=1")
    emu.client.modem_registration(mid, 1)
    assert port.wait_line("+CREG:") == "+CREG: 1"
    emu.client.modem_signal(mid, 7)
    assert port.wait_line("^RSSI:") == "^RSSI:7"
    assert port.command("AT+CSQ").info == ["+CSQ: 7,99"]


def test_every_line_is_logged(emu, port):
    mark = emu.client.mark()
    port.command("ATE0;+CSQ")
    rx = emu.client.wait_event(kind="at_rx", since=mark, line="ATE0;+CSQ")
    tx = emu.client.wait_event(kind="at_tx", since=mark, line="+CSQ: 20,99")
    assert rx["t"] <= tx["t"] and rx["modem"] == emu.modems[0]


def test_latency_is_applied(emu, port):
    emu.client.modem_config(emu.modems[0], latency_s=0.3)
    port.command("ATE0")
    import time

    t0 = time.monotonic()
    port.command("AT")
    assert time.monotonic() - t0 >= 0.3
