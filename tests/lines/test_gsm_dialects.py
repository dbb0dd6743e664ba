"""Other modems' call reports and hang-up habits (issue 9 §5): the driver follows
+CLCC URCs (SIMCom with AT+CLCC=1), ^DSCI, Quectel's +QIND "ccinfo" and SIMCom's
VOICE CALL END / MISSED_CALL as it follows Huawei's ^ORIG/^CONF/^CONN/^CEND, and a
hang-up is believed only once AT+CLCC no longer lists the call."""

from __future__ import annotations

import pytest

from firmware.lines.gsm import GsmCallEnded, GsmIncomingCall
from firmware.lines.gsm_calls import parse_state_report
from firmware.lines.gsm_clear import ModemCall, hangup_commands, parse_clcc
from tests.lines.ptymodem import PtyModem
from tests.lines.test_gsm_line import of, running, until


@pytest.mark.parametrize("name, value, report", [
    ("+CLCC", '1,0,2,0,0,"10086",129', (1, "dialing")),
    ("+CLCC", '1,0,3,0,0,"10086",129', (1, "alerting")),
    ("+CLCC", '2,1,0,0,0,"+8613800138000",145', (2, "active")),
    ("+CLCC", '4,1,6,0,0,"08020866256",128', (4, "released")),
    ("^DSCI", '2,1,6,0,+48123456789,145', (2, "released")),
    ("+QIND", '"ccinfo",1,0,0,0,0,"10086",129', (1, "active")),
    ("+QIND", '"csq",20,99', None),
    ("VOICE CALL", "END: 000008", (None, "released")),
    ("VOICE CALL", "BEGIN", None),
    ("MISSED_CALL", "11:53AM 08020866256", (None, "released")),
    ("+CLCC", "garbage", None),
])
def test_state_reports_are_read(name: str, value: str, report) -> None:
    assert parse_state_report(name, value) == report


def test_clcc_lines_and_hangup_order() -> None:
    call = parse_clcc('1,1,0,0,0,"+8613800138000",145')
    assert call == ModemCall(1, True, 0, "+8613800138000") and not call.ringing_in
    assert hangup_commands(call) == ("AT+CHUP", "AT+CHLD=11", "ATH")
    ringing = parse_clcc('2,1,4,0,0,"",128')
    assert ringing.ringing_in and hangup_commands(ringing) == ("AT+CHUP", "AT+CHLD=0", "ATH")
    with pytest.raises(ValueError):
        parse_clcc("１,1,0")


@pytest.mark.parametrize("connect, end, cause", [
    (['+CLCC: 1,0,3,0,0,"10086",129', '+CLCC: 1,0,0,0,0,"10086",129'],
     ["VOICE CALL: END: 000003"], "normal"),
    (['^DSCI: 1,0,3,0,10086,129', '^DSCI: 1,0,0,0,10086,129'],
     ["^DSCI: 1,0,6,0,10086,129"], "normal"),
    (['+QIND: "ccinfo",1,0,3,0,0,"10086",129', '+QIND: "ccinfo",1,0,0,0,0,"10086",129'],
     ["NO CARRIER"], "normal"),
])
async def test_an_outgoing_call_on_other_modems(connect, end, cause) -> None:
    modem = PtyModem({"ATD10086;": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        call = await line.dial("10086")
        modem.urc(*connect)
        assert await call.wait_answer(5) == "answered"
        modem.urc(*end)
        assert await call.wait_end(5) == cause
    modem.close()


async def test_a_caller_who_gives_up_on_simcom_is_abandoned() -> None:
    modem = PtyModem()
    async with running(modem.ports(), ring_gap=30) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc("RING", '+CLIP: "+8613800138000",145,,,,0')
        await until(lambda: of(line, GsmIncomingCall), what="ringing")
        modem.urc("MISSED_CALL: 11:53AM +8613800138000")
        await until(lambda: of(line, GsmCallEnded), what="ended")
        assert of(line, GsmCallEnded)[0].cause == "abandoned"
    modem.close()


async def test_a_hang_up_the_modem_ignores_is_tried_another_way() -> None:
    """AT+CHUP answers OK but the call stays listed: AT+CHLD=1x, checked by AT+CLCC."""
    state = {"up": True}

    def clcc(command):
        return (['+CLCC: 1,1,0,0,0,"+8613800138000",145'] if state["up"] else []) + ["OK"]

    def release(command):
        state["up"] = False
        return ["OK"]

    modem = PtyModem({"AT+CLCC": clcc, "AT+CHLD=11": release, "ATA": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc("RING", '+CLIP: "+8613800138000",145,,,,0')
        await until(lambda: of(line, GsmIncomingCall), what="ringing")
        await line.answer()
        await line.hangup()
        assert not state["up"]
        assert modem.count("AT+CHUP") == 1 and modem.count("AT+CHLD=11") == 1
    modem.close()


async def test_a_call_left_up_at_init_is_ended_before_ready() -> None:
    state = {"up": True}

    def clcc(command):
        return (['+CLCC: 1,0,0,0,0,"10086",129'] if state["up"] else []) + ["OK"]

    def chup(command):
        state["up"] = False
        return ["OK"]

    modem = PtyModem({"AT+CLCC": clcc, "AT+CHUP": chup})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        assert not state["up"]
        assert modem.commands.index("AT+CHUP") < modem.commands.index("AT+CREG?")
    modem.close()


async def test_a_call_that_cannot_be_ended_keeps_the_line_out_of_service() -> None:
    modem = PtyModem({"AT+CLCC": ['+CLCC: 1,0,0,0,0,"10086",129', "OK"],
                      "AT+CHUP": ["ERROR"], "AT+CHLD=11": ["+CME ERROR: 3"], "ATH": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: "could not be ended" in line.status.reason, what="said why")
        assert line.status.state == "out_of_service"
    modem.close()


async def test_an_idle_line_ends_a_call_the_modem_kept_and_is_not_ready_meanwhile() -> None:
    """The box owns no call but the modem lists one (a hang-up it ignored): the next
    supervision round ends it; the line reads starting until it is gone."""
    from firmware.lines.gsm import GsmStatusChanged

    state = {"up": False}

    def clcc(command):
        return (['+CLCC: 1,1,0,0,0,"+8613800138000",145'] if state["up"] else []) + ["OK"]

    def chup(command):
        state["up"] = False
        return ["OK"]

    modem = PtyModem({"AT+CLCC": clcc, "AT+CHUP": chup})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        mark = len(line.events)
        state["up"] = True
        await until(lambda: not state["up"], what="the kept call ended")
        await until(lambda: line.status.state == "ready", what="ready again")
        states = [e.status.state for e in line.events[mark:] if isinstance(e, GsmStatusChanged)]
        assert states[:2] == ["starting", "ready"]
    modem.close()


async def test_the_next_caller_ringing_in_on_the_ended_call_index_is_not_hung_up() -> None:
    """The box hangs up an answered call; before it sees the call gone the next caller
    rings in and the modem lists them on the same index 1: that is a new call, not the
    one being ended (no AT+CHLD=11, no ATH), and the box takes it at its next ring."""
    state = {"old": True, "new": False}

    def clcc(command):
        rows = ['+CLCC: 1,1,0,0,0,"+8613800138000",145'] if state["old"] else []
        if state["new"]:
            rows.append('+CLCC: 1,1,4,0,0,"+8613900139000",145')
        return [*rows, "OK"]

    def chup(command):
        state["old"], state["new"] = False, True
        return ["OK"]

    modem = PtyModem({"AT+CLCC": clcc, "AT+CHUP": chup, "ATA": ["OK"]})
    async with running(modem.ports()) as line:
        await until(lambda: line.status.state == "ready")
        modem.urc("RING", '+CLIP: "+8613800138000",145,,,,0')
        await until(lambda: of(line, GsmIncomingCall), what="ringing")
        await line.answer()
        await line.hangup()
        assert modem.count("AT+CHLD=11") == 0 and modem.count("ATH") == 0
        modem.urc("RING", '+CLIP: "+8613900139000",145,,,,0')
        await until(lambda: len(of(line, GsmIncomingCall)) == 2, what="the next caller")
        assert of(line, GsmIncomingCall)[1].number == "+8613900139000"
    modem.close()


def test_same_call_tells_a_new_caller_from_the_call_being_ended() -> None:
    from firmware.lines.gsm_clear import ModemCall, same_call

    talking = ModemCall(1, True, 0, "+8613800138000")
    assert same_call(talking, ModemCall(1, True, 0, "13800138000"))  # national form
    assert not same_call(talking, ModemCall(1, True, 4, "+8613800138000"))  # rings anew
    assert not same_call(talking, ModemCall(1, True, 0, "+8613900139000"))
    assert not same_call(talking, ModemCall(2, True, 0, "+8613800138000"))
    refusing = ModemCall(1, True, 4, "")
    assert same_call(refusing, ModemCall(1, True, 4, "+8613800138000"))
