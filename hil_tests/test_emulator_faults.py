"""Faults injected into the emulated modem, seen from the host's side of the pty."""

from __future__ import annotations

import errno
import os
import termios

import pytest
import serial

from hil_tests.pstn.testing import FAST, AtPort, open_at, wait_for


@pytest.fixture
def emu(emulator_factory):
    return emulator_factory("sim", **FAST)


@pytest.fixture
def port(emu):
    with open_at(emu) as p:
        p.command("ATE0;+CMEE=1")
        yield p


def test_unplug_hangs_up_the_tty_and_replug_brings_new_ports(emu, port):
    mid, moddir = emu.modems[0], emu.modem_dir()
    fd = os.open(port.path, os.O_RDWR | os.O_NOCTTY)
    try:
        status = emu.client.modem_fault(mid, "unplug")
        assert status["plugged"] is False and not moddir.exists()
        assert os.read(fd, 10) == b"", "a hung-up tty reads end-of-file"
        with pytest.raises(OSError) as err:
            os.write(fd, b"AT\r")
        assert err.value.errno == errno.EIO
        with pytest.raises(termios.error):
            termios.tcgetattr(fd)
    finally:
        os.close(fd)
    with pytest.raises(serial.SerialException):
        port.command("AT", timeout=1)
    emu.client.modem_fault(mid, "replug")
    assert (moddir / "at").exists() and (moddir / "profile").read_text() == "huawei_e1550\n"
    with open_at(emu, boot=False) as again:
        assert again.wait_line("^SIMST:") == "^SIMST:1"
        assert again.command("AT").lines == ["OK"]


def test_unplug_ends_an_active_call(emu, port):
    emu.client.add_subscriber("+8613800138000", "answer", answer_after_s=0.05)
    port.command("ATD13800138000;")
    port.wait_line("^CONN:")
    emu.client.modem_fault(emu.modems[0], "unplug")
    call = emu.client.calls()[0]
    assert (call["state"], call["cause"]) == ("ended", 41)


@pytest.mark.parametrize("how", ["fault", "AT+CFUN=1,1"])
def test_reset_comes_back_with_power_up_defaults(emu, port, how):
    mid = emu.modems[0]
    mark = emu.client.mark()
    if how == "fault":
        emu.client.modem_fault(mid, "reset", down_s=0.3)
    else:
        assert port.command("AT+CFUN=1,1").final == "OK"
    emu.client.wait_event(kind="modem_plug", since=mark, plugged=False)
    emu.client.wait_event(kind="modem_plug", since=mark, plugged=True)
    with open_at(emu, boot=False) as again:
        again.wait_line("^SIMST:")
        again.wait_line("^RSSI:")
        again.write(b"AT+CMEE?\r")
        assert again.wait_line("AT+CMEE?") == "AT+CMEE?"
        assert again.wait_line("+CMEE:") == "+CMEE: 0"


def test_hang_and_unhang(emu, port):
    mid = emu.modems[0]
    emu.client.modem_fault(mid, "hang")
    with pytest.raises(TimeoutError):
        port.command("AT", timeout=0.5)
    emu.client.modem_signal(mid, 3)
    assert port.collect(0.2) == []
    emu.client.modem_fault(mid, "unhang")
    assert port.command("AT").final == "OK"


def test_garbage_then_the_modem_still_answers(emu, port):
    emu.client.modem_fault(emu.modems[0], "garbage", bytes=64)
    raw = port.read_raw(0.3)
    assert len(raw) >= 64
    assert port.command("AT").final == "OK"


def test_urc_between_reply_lines(emu, port):
    emu.client.modem_fault(emu.modems[0], "urc_in_reply", urc="^RSSI:9")
    assert port.command("AT").lines == ["OK"]
    port.write(b"AT+CGMI\r")
    assert port.read_raw(0.3) == b"\r\nhuawei\r\n\r\n^RSSI:9\r\n\r\nOK\r\n"


def test_sim_removed_and_inserted(emu, port):
    mid = emu.modems[0]
    emu.client.modem_fault(mid, "sim_removed")
    assert port.wait_line("^SIMST:") == "^SIMST:255"
    assert port.command("AT+CPIN?").final == "+CME ERROR: 10"
    emu.client.modem_fault(mid, "sim_inserted")
    assert port.wait_line("^SIMST:") == "^SIMST:1"
    assert port.command("AT+CPIN?").info == ["+CPIN: READY"]
    wait_for(lambda: emu.client.modem(mid)["registration"] == 1, what="registration")


def test_cme_busy_for_a_few_commands(emu, port):
    emu.client.modem_fault(emu.modems[0], "cme_busy", count=2, code=515)
    assert port.command("AT").final == "OK"
    assert port.command("AT+CSQ").final == "+CME ERROR: 515"
    assert port.command("AT+CSQ").final == "+CME ERROR: 515"
    assert port.command("AT+CSQ").final == "OK"


def test_host_reopening_the_port_keeps_working(emu, port):
    port.close()
    with AtPort(port.path) as again:
        assert again.command("AT").final == "OK"
