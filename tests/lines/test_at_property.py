"""Property: URCs and junk interleaved anywhere never misattribute a reply or hang.

Hypothesis draws a run of commands; for each it builds the modem's byte stream
(optional echo, reply lines, final code) and mixes in unsolicited codes at line
boundaries and junk bytes anywhere (junk lines at boundaries, junk bytes inside
lines), then cuts the stream into random chunks. Every command must get exactly
its own reply lines and outcome, every URC must reach the URC handler in order
and none may show up in a reply, and nothing may wait past a short deadline.
"""

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.lines.at import AtEngine, CallNotConnected, CmeError, CmsError, CommandFailed

# (command, options, reply lines, final code, expected outcome)
COMMANDS = [
    ("AT+CSQ", {}, ["+CSQ: 18,99"], "OK", "OK"),
    ("AT+CREG?", {}, ['+CREG: 2,1,"1A2B","0C3D"'], "OK", "OK"),
    ("AT+CGMI", {"freeform": True}, ["huawei"], "OK", "OK"),
    ("AT+CGSN", {"freeform": True}, ["866123456789012"], "OK", "OK"),
    ("AT+CLIP=1", {}, [], "OK", "OK"),
    ("AT+COPS?", {}, ['+COPS: 0,0,"CHINA MOBILE",7'], "OK", "OK"),
    ("AT+CCFC=0,2", {}, ['+CCFC: 1,1,"+8613800138000",145', "+CCFC: 0,2"], "OK", "OK"),
    ("AT+CMGR=3", {"freeform": True},
     ['+CMGR: "REC UNREAD","002B0038","","24/01/01"', "4F60597D"], "OK", "OK"),
    ("ATD13800138000;", {"call": True}, [], "BUSY", CallNotConnected),
    ("ATD10086;", {"call": True}, [], "NO CARRIER", CallNotConnected),
    ("ATA", {"call": True}, [], "OK", "OK"),
    ('AT+CPIN="1234"', {}, [], "+CME ERROR: 16", CmeError),
    ("AT^DTMF=1,5", {}, [], "COMMAND NOT SUPPORT", CommandFailed),
    ("AT+CNMI=2,1,0,0,0", {}, [], "ERROR", CommandFailed),
    ('AT+CMGS="10086"', {"body": "hello"}, ["+CMGS: 7"], "OK", "OK"),
    ('AT+CMGS="10010"', {"body": "4F60"}, [], "+CMS ERROR: 330", CmsError),
]
# (line, body of a two-line URC); call results only as URCs outside call commands
URCS = [
    ("RING", None), ('+CLIP: "+8613800138000",145,,,,0', None), ("^RSSI:18", None),
    ("^CONN:1,0", None), ("^CEND:1,23,29,16", None), ('+CREG: 1,"1A2B","0C3D"', None),
    ("+CREG: 5", None), ("^DDTMF: 5", None), ('+CMTI: "SM",3', None), ("^SIMST: 1", None),
    ("^SRVST: 2", None), ("^BOOT:1234,0,0,0,72", None), ("^ORIG:1,0", None),
    ("^CONF:1", None), ('+QIND: "csq",20,99', None), ("^DSFLOWRPT:0,0,0,0,0,0,0", None),
    ('+CMT: "+8613800138000",,"24/01/01"', "Hello"),
]
CALL_RESULT_URCS = [("NO CARRIER", None), ("BUSY", None)]
JUNK = [*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0x100)]

junk_bytes = st.lists(st.sampled_from(JUNK), min_size=1, max_size=6).map(bytes)


@st.composite
def garbled(draw, line: str) -> bytes:
    """`line` framed by CRLF, with junk bytes maybe inside it and junk lines around it."""
    raw = line.encode()
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(junk_bytes) + raw[at:]
    before = draw(st.one_of(st.just(b""), junk_bytes.map(lambda j: j + b"\r\n")))
    return before + b"\r\n" + raw + b"\r\n"


@st.composite
def exchange(draw):
    """One command and the modem's answer: (command entry, part before prompt, after, urcs)."""
    entry = draw(st.sampled_from(COMMANDS))
    command, options, lines, final, _ = entry
    pool = URCS if options.get("call") else URCS + CALL_RESULT_URCS
    urcs = draw(st.lists(st.sampled_from(pool), max_size=3))
    # a URC goes before reply line k (k == len(lines): before the final; +1: after it)
    slots = [draw(st.integers(0, len(lines) + 1)) for _ in urcs]
    order = sorted(range(len(urcs)), key=lambda i: slots[i])
    items: list = []
    for k in range(len(lines) + 2):
        items += [urcs[i] for i in order if slots[i] == k]
        if k < len(lines):
            items.append((lines[k], "reply"))
        elif k == len(lines):
            items.append((final, "reply"))
    stream = b""
    for line, body in items:
        stream += draw(garbled(line))
        if body not in (None, "reply"):
            stream += b"\r\n" + body.encode() + b"\r\n"
    echo = (command.encode() + b"\r") if draw(st.booleans()) else b""
    expected_urcs = [(line, body) for line, body in items if body != "reply"]
    if "body" in options:
        prompt = b"\r\n" + draw(st.sampled_from([b"", b"\x00"])) + b"> "
        return entry, echo + prompt, stream, expected_urcs
    return entry, echo + stream, b"", expected_urcs


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


class ScriptedPort:
    """Feeds each command's scripted stream in chunks when the command is written."""

    def __init__(self, script: list, cuts: list[int]):
        self.script, self.cuts = list(script), cuts
        self.urcs: list = []
        self.engine = AtEngine("gsmP", self.write, self.urcs.append)
        self.after_prompt = b""

    def write(self, data: bytes) -> None:
        if data.endswith(b"\x1a"):
            stream, self.after_prompt = self.after_prompt, b""
        else:
            _, stream, self.after_prompt, _ = self.script.pop(0)
        loop = asyncio.get_running_loop()
        for piece in chunks(stream, self.cuts):
            loop.call_soon(self.engine.feed, piece)


async def run_script(script: list, cuts: list[int]) -> None:
    port = ScriptedPort(script, cuts)
    expected_urcs = []
    for (command, options, lines, _, outcome), _, _, urcs in script:
        expected_urcs += urcs
        try:
            reply = await asyncio.wait_for(port.engine.command(command, **options), 2.0)
        except CommandFailed as e:
            assert outcome != "OK" and isinstance(e, outcome), (command, e)
        else:
            assert outcome == "OK", (command, reply)
            assert list(reply.lines) == lines, (command, reply.lines)
    await asyncio.sleep(0)
    assert [(u.line, u.body) for u in port.urcs] == expected_urcs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(exchange(), min_size=1, max_size=6),
       cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_urcs_and_junk_never_misattribute_or_hang(script, cuts):
    asyncio.run(run_script(script, cuts))
