"""SMS on the emulated modem: text and PDU mode, UCS2, the SIM inbox, errors."""

from __future__ import annotations

import pytest

from hil_tests.pstn.testing import FAST, open_at

TO = "+8613800138000"
TO_UCS2 = "002B0038003600310033003800300030003100330038003000300030"


@pytest.fixture
def emu(emulator_factory):
    return emulator_factory("sim", **FAST)


@pytest.fixture
def port(emu):
    with open_at(emu) as p:
        p.command("ATE0;+CMEE=1")
        yield p


def test_text_mode_send(emu, port):
    port.command("AT+CMGF=1")
    assert port.command(f'AT+CMGS="{TO}"').final == "> "
    port.write(b"Line one\rline two\x1a")
    assert port.wait_line("+CMGS:") == "+CMGS: 1"
    assert port.wait_line("OK") == "OK"
    sent = emu.client.modem_sms(emu.modems[0])["sent"]
    assert [(s["to"], s["text"], s["mr"]) for s in sent] == [(TO, "Line one\nline two", 1)]


def test_ucs2_chinese_text_and_number_decode(emu, port):
    port.command('AT+CMGF=1;+CSCS="UCS2";+CSMP=17,167,0,8')
    assert port.command(f'AT+CMGS="{TO_UCS2}"').final == "> "
    port.write("你好世界".encode("utf-16-be").hex().upper().encode() + b"\x1a")
    assert port.wait_line("+CMGS:") == "+CMGS: 1"
    sent = emu.client.modem_sms(emu.modems[0])["sent"][0]
    assert (sent["to"], sent["text"], sent["encoding"]) == (TO, "你好世界", "ucs2")


def test_escape_aborts_and_bad_ucs2_is_refused(emu, port):
    port.command("AT+CMGF=1")
    assert port.command(f'AT+CMGS="{TO}"').final == "> "
    port.write(b"never mind\x1b")
    assert port.wait_line("OK") == "OK"
    port.command('AT+CSCS="UCS2"')
    assert port.command('AT+CMGS="12"').final == "+CMS ERROR: 305"
    assert port.command(f'AT+CMGS="{TO_UCS2}"').final == "> "
    port.write(b"XYZ\x1a")
    assert port.wait_line("+CMS ERROR:") == "+CMS ERROR: 305"
    assert emu.client.modem_sms(emu.modems[0])["sent"] == []


def test_pdu_mode_send(emu, port):
    pdu = b"0011000D91683108108300F00000AA05E8329BFD06"
    assert port.command("AT+CMGF=0;+CMGS=20").final == "> "
    port.write(pdu + b"\x1a")
    assert port.wait_line("+CMGS:") == "+CMGS: 1"
    sent = emu.client.modem_sms(emu.modems[0])["sent"][0]
    assert (sent["to"], sent["text"], sent["mode"]) == (TO, "hello", "pdu")
    assert port.command("AT+CMGS=21").final == "> "
    port.write(pdu + b"\x1a")
    assert port.wait_line("+CMS ERROR:") == "+CMS ERROR: 304"


def test_incoming_sms_is_stored_read_and_deleted(emu, port):
    mid = emu.modems[0]
    port.command("AT+CMGF=1")
    assert emu.client.deliver_sms(mid, "+8613811112222", "Meeting at 3") == 0
    assert port.wait_line("+CMTI:") == '+CMTI: "SM",0'
    answer = port.command("AT+CMGR=0")
    assert answer.info[0].startswith('+CMGR: "REC UNREAD","+8613811112222",,"')
    assert answer.info[1] == "Meeting at 3"
    assert port.command("AT+CMGR=0").info[0].startswith('+CMGR: "REC READ"')
    assert emu.client.deliver_sms(mid, "10086", "余额不足") == 1
    port.command('AT+CSCS="UCS2"')
    assert port.command("AT+CMGR=1").info[1] == "余额不足".encode("utf-16-be").hex().upper()
    port.command("AT+CMGF=0")
    pdu_answer = port.command("AT+CMGR=1")
    assert pdu_answer.info[0].startswith("+CMGR: 1,,")
    assert "4F59989D4E0D8DB3" in pdu_answer.info[1]
    assert port.command("AT+CMGD=0").final == "OK"
    assert port.command("AT+CMGR=0").final == "+CMS ERROR: 321"
    assert [m["index"] for m in emu.client.modem_sms(mid)["inbox"]] == [1]


def test_send_errors(emu, port):
    mid = emu.modems[0]
    port.command("AT+CMGF=1")
    emu.client.modem_fault(mid, "sms_error", code=500)
    port.command(f'AT+CMGS="{TO}"')
    port.write(b"x\x1a")
    assert port.wait_line("+CMS ERROR:") == "+CMS ERROR: 500"
    emu.client.modem_registration(mid, 0)
    assert port.command(f'AT+CMGS="{TO}"').final == "+CMS ERROR: 331"
