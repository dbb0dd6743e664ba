"""The GSM driver's readers of modem lines and its SMS text helpers."""

import pytest

from firmware.lines.gsm_events import (
    cause_from_q850,
    cause_from_result,
    dtmf_from_urc,
    parse_ccfc,
    parse_cend,
    parse_clip,
    parse_cops,
    parse_cpin,
    parse_creg,
    parse_csq,
)
from firmware.lines.gsm_sms import (
    check_number,
    from_ucs2_hex,
    is_gsm_text,
    parse_cmgr,
    split_text,
    ucs2_hex,
)


@pytest.mark.parametrize("value, expected", [
    ('"+8613800138000",145,,,,0', ("+8613800138000", False)),
    ('"13800138000",129', ("13800138000", False)),
    ('"",128,,,,1', (None, True)),
    ('"",128,,,,2', (None, False)),
    ('""', (None, False)),
])
def test_caller_id(value, expected):
    assert parse_clip(value) == expected


def test_call_end_with_and_without_cause():
    assert parse_cend("1,23,29,16") == (1, 16)
    assert parse_cend("1,5,29") == (1, None)
    with pytest.raises(ValueError):
        parse_cend("x,1,2,3")


@pytest.mark.parametrize("q850, answered, cause", [
    (16, True, "normal"), (17, False, "busy"), (18, False, "no_answer"),
    (19, False, "no_answer"), (21, False, "rejected"), (1, False, "unreachable"),
    (20, False, "unreachable"), (34, False, "failed"), (None, False, "failed"),
    (None, True, "normal"), (17, True, "normal"),
])
def test_q850_causes(q850, answered, cause):
    assert cause_from_q850(q850, answered) == cause


def test_result_causes():
    assert cause_from_result("BUSY", False) == "busy"
    assert cause_from_result("NO ANSWER", False) == "no_answer"
    assert cause_from_result("NO CARRIER", False) == "failed"
    assert cause_from_result("NO CARRIER", True) == "normal"


def test_registration_signal_sim_operator():
    assert parse_creg('2,1,"2F1A","0C3B"', query=True) == 1
    assert parse_creg('5,"2F1A","0C3B",2', query=False) == 5
    assert parse_creg("0", query=False) == 0
    assert parse_csq("18,99") == 18 and parse_csq("99,99") == 99
    for bad in ("40,99", "x,1"):
        with pytest.raises(ValueError):
            parse_csq(bad)
    with pytest.raises(ValueError):
        parse_creg("9", query=False)
    assert parse_cpin("READY") == "ready" and parse_cpin("SIM PIN") == "pin"
    assert parse_cpin("SIM PUK") == "puk" and parse_cpin("NOT INSERTED") == "absent"
    assert parse_cpin("PH-NET PIN") == "error"
    assert parse_cops('0,0,"CHINA MOBILE",7') == "CHINA MOBILE" and parse_cops("0") is None


def test_forwarding_and_dtmf():
    assert parse_ccfc(["0,1"]) is None
    assert parse_ccfc(['1,1,"+8613700000007",145']) == "+8613700000007"
    assert parse_ccfc(["0,2", '1,4,"123",129']) is None  # not voice
    assert dtmf_from_urc("^DDTMF", " 5") == "5"
    assert dtmf_from_urc("+QTONEDET", "35") == "#"
    assert dtmf_from_urc("+RXDTMF", "b") == "B"
    assert dtmf_from_urc("^DDTMF", "55") is None


def test_sms_text_helpers():
    assert is_gsm_text("Missed call from 13800138000.")
    assert not is_gsm_text("cost $5") and not is_gsm_text("a@b") and not is_gsm_text("你好")
    assert ucs2_hex("你好") == "4F60597D"
    assert from_ucs2_hex("4F60597D") == "你好"
    assert from_ucs2_hex("hello") == "hello"
    assert from_ucs2_hex("D800") == "D800"  # a lone surrogate is not text
    assert split_text("a" * 161) == ["a" * 160, "a"]
    assert [len(p) for p in split_text("字" * 71)] == [70, 1]
    emoji = split_text("😀" * 36)  # two UTF-16 units each
    assert [len(p) for p in emoji] == [35, 1]
    assert check_number(" +86 138-0013-8000 ") == "+8613800138000"
    for bad in ("", "abc", "+", "1" * 30):
        with pytest.raises(ValueError):
            check_number(bad)


def test_reading_a_stored_message():
    lines = ['+CMGR: "REC UNREAD","002B0038003600310033",,"24/05/01,10:00:00+32"',
             "4F60597D"]
    assert parse_cmgr(lines, 3) == ("+8613", "你好")
    with pytest.raises(ValueError):
        parse_cmgr(["OK?"], 3)
