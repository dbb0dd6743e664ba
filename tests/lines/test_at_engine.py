"""AtEngine against an in-process fake port: final codes, echo, prompt, junk, timeouts."""

import asyncio

import pytest

from firmware.errors import SwitchboardError
from firmware.lines.at import (
    AtEngine,
    CallNotConnected,
    CmeError,
    CmsError,
    CommandFailed,
    CommandNotSupported,
    ModemError,
    ModemGone,
    ModemTimeout,
    reply_prefix,
    shown,
    split_fields,
)
from tests.lines.fakeport import FakePort, frame


async def test_reply_lines_and_ok():
    port = FakePort({"AT+CSQ": frame("+CSQ: 18,99", "OK")})
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 18,99",)
    assert reply.final == "OK"
    assert reply.value("+CSQ:") == "18,99"
    assert port.written == [b"AT+CSQ\r"]


async def test_connect_is_a_success():
    port = FakePort({"ATD10086;": frame("CONNECT 9600")})
    reply = await port.engine.command("ATD10086;", call=True)
    assert reply.final == "CONNECT 9600"


@pytest.mark.parametrize("line, cls, code, words", [
    ("ERROR", CommandFailed, None, "ERROR"),
    ("ERROR+CNUM:", CommandFailed, None, "ERROR"),
    ("COMMAND NOT SUPPORT", CommandNotSupported, None, "not supported"),
    ("+CME ERROR: 16", CmeError, 16, "incorrect password"),
    ("+CME ERROR: 10", CmeError, 10, "SIM not inserted"),
    ("+CME ERROR: 30", CmeError, 30, "no network service"),
    ("+CME ERROR: SIM failure", CmeError, None, "SIM failure"),
    ("+CMS ERROR: 330", CmsError, 330, "SMSC address unknown"),
    ("+CMS ERROR: 500", CmsError, 500, "unknown error"),
])
async def test_error_codes_map_to_exceptions(line, cls, code, words):
    port = FakePort({"AT+CLIP=1": frame(line)})
    with pytest.raises(cls) as info:
        await port.engine.command("AT+CLIP=1")
    assert words in str(info.value)
    assert "AT+CLIP=1" in str(info.value)
    assert getattr(info.value, "code", None) == code
    assert isinstance(info.value, CommandFailed)
    assert isinstance(info.value, ModemError) and isinstance(info.value, SwitchboardError)


@pytest.mark.parametrize("result", ["NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE"])
async def test_call_results_end_call_commands(result):
    port = FakePort({"ATD13800138000;": frame(result)})
    with pytest.raises(CallNotConnected) as info:
        await port.engine.command("ATD13800138000;", call=True)
    assert info.value.result == result
    assert port.urcs == []


@pytest.mark.parametrize("result", ["NO CARRIER", "BUSY"])
async def test_call_results_outside_call_commands_are_urcs(result):
    port = FakePort({"AT+CSQ": frame("+CSQ: 9,99", result, "OK")})
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 9,99",)
    assert [u.line for u in port.urcs] == [result]


async def test_echo_is_not_a_reply():
    port = FakePort({"AT+CGMI": b"AT+CGMI\r" + frame("huawei", "OK"),
                     "ATE0": b"ATE0\r" + frame("OK")})
    reply = await port.engine.command("AT+CGMI", freeform=True)
    assert reply.lines == ("huawei",)
    assert (await port.engine.command("ATE0")).lines == ()
    assert port.urcs == []


async def test_sms_prompt_without_line_end():
    port = FakePort({'AT+CMGS="10086"': b"\r\n> ", "<text>": frame("+CMGS: 42", "OK")})
    reply = await port.engine.command('AT+CMGS="10086"', body="hello", timeout=5)
    assert reply.value("+CMGS:") == "42"
    assert port.written[-1] == b"hello\x1a"


async def test_sms_prompt_split_over_reads_with_junk():
    port = FakePort({'AT+CMGS="10086"': b"\r\n", "<text>": frame("+CMGS: 1", "OK")})
    task = asyncio.ensure_future(port.engine.command('AT+CMGS="10086"', body="hi"))
    await asyncio.sleep(0.01)
    port.engine.feed(b"\xff")
    port.engine.feed(b"> ")
    reply = await asyncio.wait_for(task, 2)
    assert reply.value("+CMGS:") == "1"


async def test_sms_error_after_text():
    port = FakePort({'AT+CMGS="10086"': b"\r\n> ", "<text>": frame("+CMS ERROR: 330")})
    with pytest.raises(CmsError) as info:
        await port.engine.command('AT+CMGS="10086"', body="x")
    assert info.value.code == 330


async def test_junk_bytes_are_skipped():
    junk = b"\x00\xff\xfe\x13"
    stream = junk + b"\r\n+CS\x80Q: 1\xc38,99\r\n" + junk + b"\r\n\r\nO\x00K\r\n"
    port = FakePort({"AT+CSQ": stream})
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 18,99",)
    assert port.engine.junk_bytes == 2 * len(junk) + 3
    assert port.urcs == []


async def test_urcs_in_the_middle_of_a_reply():
    port = FakePort({"AT+CSQ": frame("RING", "+CSQ: 18,99", '+CLIP: "+8613800138000",145,,,,0',
                                     "^RSSI:17", "OK")})
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 18,99",)
    assert [u.name for u in port.urcs] == ["RING", "+CLIP", "^RSSI"]
    assert port.urcs[1].value == '"+8613800138000",145,,,,0'


async def test_creg_reply_and_creg_urc_told_apart():
    port = FakePort({"AT+CREG?": frame('+CREG: 1,"1A2B","0C3D"', '+CREG: 2,1,"1A2B","0C3D"',
                                       "+CREG: 5", "OK")})
    reply = await port.engine.command("AT+CREG?")
    assert reply.lines == ('+CREG: 2,1,"1A2B","0C3D"',)
    assert [u.value for u in port.urcs] == ['1,"1A2B","0C3D"', "5"]


async def test_unknown_info_lines_are_urcs_not_replies():
    port = FakePort({"AT+CSQ": frame("^DSFLOWRPT:0,0,0", "+XYZ: 1", "+CSQ: 3,99", "OK")})
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 3,99",)
    assert [u.line for u in port.urcs] == ["^DSFLOWRPT:0,0,0", "+XYZ: 1"]


async def test_free_text_only_where_expected():
    port = FakePort({"AT+CLIP=1": frame("stray words", "OK"),
                     "AT+CGSN": frame("866123456789012", "OK")})
    assert (await port.engine.command("AT+CLIP=1")).lines == ()
    assert (await port.engine.command("AT+CGSN", freeform=True)).lines == ("866123456789012",)


async def test_two_line_urc_carries_its_body():
    port = FakePort()
    port.engine.feed(frame('+CMT: "+8613800138000",,"24/05/01,10:00:00+32"', "Hello there"))
    assert port.urcs[0].name == "+CMT"
    assert port.urcs[0].body == "Hello there"


async def test_byte_by_byte_delivery():
    port = FakePort()
    task = asyncio.ensure_future(port.engine.command("AT+COPS?"))
    await asyncio.sleep(0)
    for b in frame("RING", '+COPS: 0,0,"CHINA MOBILE",7', "OK"):
        port.engine.feed(bytes([b]))
    reply = await asyncio.wait_for(task, 2)
    assert reply.lines == ('+COPS: 0,0,"CHINA MOBILE",7',)
    assert [u.line for u in port.urcs] == ["RING"]


async def test_timeout_then_resync_absorbs_the_late_answer():
    port = FakePort({"AT+CCFC=0,2": None, "AT": frame("OK"), "AT+CSQ": frame("+CSQ: 7,99", "OK")})
    with pytest.raises(ModemTimeout) as info:
        await port.engine.command("AT+CCFC=0,2", timeout=0.05)
    assert isinstance(info.value, TimeoutError)
    assert "AT+CCFC=0,2" in str(info.value)
    assert port.engine.timeouts_in_row == 1
    port.engine.feed(frame("+CCFC: 0,1"))  # the late reply of the timed-out command
    port.replies["AT"] = frame("OK", "OK")  # late OK lands on the resync AT, its own is stray
    reply = await port.engine.command("AT+CSQ")
    assert reply.lines == ("+CSQ: 7,99",)
    assert port.commands == ["AT+CCFC=0,2", "AT", "AT+CSQ"]
    assert port.engine.timeouts_in_row == 0


async def test_resync_that_fails_raises_timeout_without_sending():
    port = FakePort({"AT+CSQ": None, "AT": None})
    with pytest.raises(ModemTimeout):
        await port.engine.command("AT+CSQ", timeout=0.05)
    with pytest.raises(ModemTimeout):
        await port.engine.command("AT+CSQ", timeout=0.05)
    assert port.commands == ["AT+CSQ", "AT"]
    assert port.engine.timeouts_in_row == 2


@pytest.mark.parametrize("code", [14, 515])
async def test_busy_codes_are_retried(code):
    busy = frame(f"+CME ERROR: {code}")
    port = FakePort({"AT+CPIN?": [busy, busy, frame("+CPIN: READY", "OK")]})
    reply = await port.engine.command("AT+CPIN?")
    assert reply.value("+CPIN:") == "READY"
    assert port.commands == ["AT+CPIN?"] * 3


async def test_busy_retries_give_up():
    port = FakePort({"AT+CPIN?": [frame("+CME ERROR: 14")] * 10})
    with pytest.raises(CmeError) as info:
        await port.engine.command("AT+CPIN?")
    assert info.value.code == 14
    assert len(port.commands) == 6


async def test_busy_retry_can_be_refused():
    port = FakePort({"AT+CMGF=1": [frame("+CME ERROR: 515"), frame("OK")]})
    with pytest.raises(CmeError):
        await port.engine.command("AT+CMGF=1", retry_busy=False)
    assert port.commands == ["AT+CMGF=1"]


async def test_one_command_in_flight():
    port = FakePort()
    first = asyncio.ensure_future(port.engine.command("AT+CSQ"))
    second = asyncio.ensure_future(port.engine.command("AT+CREG?"))
    await asyncio.sleep(0.01)
    assert port.commands == ["AT+CSQ"]
    port.engine.feed(frame("+CSQ: 1,99", "OK"))
    assert (await first).lines == ("+CSQ: 1,99",)
    await asyncio.sleep(0.01)
    assert port.commands == ["AT+CSQ", "AT+CREG?"]
    port.engine.feed(frame("+CREG: 2,5", "OK"))
    assert (await second).lines == ("+CREG: 2,5",)


async def test_close_fails_pending_and_later_commands():
    port = FakePort()
    task = asyncio.ensure_future(port.engine.command("AT+CSQ"))
    await asyncio.sleep(0.01)
    port.engine.close("unplugged")
    with pytest.raises(ModemGone) as info:
        await task
    assert isinstance(info.value, ConnectionError)
    with pytest.raises(ModemGone):
        await port.engine.command("AT")
    port.engine.feed(frame("RING"))  # a closed engine ignores late bytes
    assert port.urcs == []


async def test_cancelled_command_forces_a_resync():
    port = FakePort({"AT": frame("OK"), "AT+CLIP=1": frame("OK")})
    task = asyncio.ensure_future(port.engine.command("AT+CSQ"))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await port.engine.command("AT+CLIP=1")
    assert port.commands == ["AT+CSQ", "AT", "AT+CLIP=1"]


async def test_pin_is_masked_in_errors():
    port = FakePort({'AT+CPIN="1234"': frame("+CME ERROR: 16")})
    with pytest.raises(CmeError) as info:
        await port.engine.command('AT+CPIN="1234"')
    assert "1234" not in str(info.value)
    assert shown('AT+CPIN="1234"') == "AT+CPIN=****"


async def test_a_failing_urc_handler_does_not_break_the_engine():
    def boom(urc):
        raise RuntimeError("handler bug")

    written = []
    engine = AtEngine("gsmT", written.append, boom)
    task = asyncio.ensure_future(engine.command("AT+CSQ"))
    await asyncio.sleep(0)
    engine.feed(frame("RING", "+CSQ: 2,99", "OK"))
    assert (await task).lines == ("+CSQ: 2,99",)


async def test_overlong_partial_line_is_dropped():
    port = FakePort()
    port.engine.feed(b"x" * 5000)
    port.engine.feed(frame("RING"))
    assert [u.line for u in port.urcs] == ["RING"]


def test_helpers():
    assert reply_prefix("AT+CSQ") == "+CSQ:"
    assert reply_prefix("at^cvoice?") == "^CVOICE:"
    assert reply_prefix("ATD123;") is None
    assert split_fields('1,"a,b",,3') == ["1", "a,b", "", "3"]
