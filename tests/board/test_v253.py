"""The V.253 voice modem port without a modem: its byte codec, and the port on a fake serial
device that answers with the emulator's CX93001 command set (hil_tests/pstn/v253_at.py)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from board.base import FRAME_BYTES
from board.v253 import V253Port
from board.v253_codec import (
    Shielded,
    StreamDecoder,
    caller_id_detail,
    cid_field,
    parse_vsm_list,
    pick_unsigned_pcm,
    s16_to_u8,
    shield,
    u8_to_s16,
)
from hil_tests.pstn.testing import wait_for
from hil_tests.pstn.v253_at import CommandSet

# --- the codec -----------------------------------------------------------------------


def test_dle_is_doubled_in_a_stream_and_undone_across_chunk_boundaries():
    assert shield(b"\x01\x10\x02\x10\x10") == b"\x01\x10\x10\x02\x10\x10\x10\x10"
    decoder = StreamDecoder()
    items = decoder.feed(b"\x01\x10") + decoder.feed(b"\x10\x02\x10b\x03\x10")
    items += decoder.feed(b"\x03\r\nOK\r\n")
    assert items == [b"\x01", b"\x10\x02", Shielded("b"), b"\x03", Shielded("\x03")]
    assert decoder.rest == b"\r\nOK\r\n"  # text again after DLE ETX
    assert StreamDecoder().feed(b"plain") == [b"plain"]


def test_pcm_converts_between_s16le_and_unsigned_8_bit():
    s16 = (0).to_bytes(2, "little", signed=True) + (-32768).to_bytes(2, "little", signed=True) \
        + (32767).to_bytes(2, "little", signed=True) + (256).to_bytes(2, "little", signed=True)
    assert s16_to_u8(s16) == bytes((0x80, 0x00, 0xFF, 0x81))
    assert u8_to_s16(bytes((0x80, 0x00, 0xFF))) == (0).to_bytes(2, "little") + \
        (-32768).to_bytes(2, "little", signed=True) + (32512).to_bytes(2, "little")


def test_caller_id_lines_and_their_detail():
    assert cid_field("NMBR = 13812345678") == ("NMBR", "13812345678")
    assert cid_field("DATE=0321") == ("DATE", "0321")
    assert cid_field("RING") is None
    assert caller_id_detail({"NMBR": "13812345678", "NAME": "Li Lei"}) == \
        {"number": "13812345678", "name": "Li Lei", "reason": None}
    assert caller_id_detail({"NMBR": "P"})["reason"] == "withheld"
    assert caller_id_detail({"NMBR": "O", "NAME": "O"}) == \
        {"number": None, "name": None, "reason": "unavailable"}
    assert caller_id_detail({"NMBR": "<garbled>"})["reason"] == "unavailable"


def test_the_compression_list_is_read_and_unsigned_pcm_picked():
    lines = ['1,"UNSIGNED PCM",8,0,(8000),(0),(0)', '129,"IMA ADPCM",4,0,(8000),(0),(0)',
             '+VSM: 130,"UNSIGNED PCM",8,0,7200,0,0', "garbage"]
    options = parse_vsm_list(lines)
    assert [o.cml for o in options] == [1, 129, 130]
    assert pick_unsigned_pcm(options).cml == 1
    assert pick_unsigned_pcm(options[1:], 8000) is None  # 130 only at 7200 here


# --- the port on a fake modem ---------------------------------------------------------


class FakeModem:
    """A serial device that answers like the emulated CX93001 (no line behind it)."""

    def __init__(self, commands: CommandSet | None = None, vsm_lines: list[str] | None = None,
                 refuse: tuple[str, ...] = ()):
        self.commands = commands or CommandSet()
        self.refuse = refuse
        self.vsm_lines = vsm_lines
        self.out = bytearray()
        self.seen: list[str] = []
        self.stream_in = bytearray()
        self.mode = "command"
        self.text = bytearray()
        self.lock = threading.Lock()
        self.closed = False
        self.timeout = 0.05

    def __call__(self, url, **options):  # the opener
        if self.closed:
            raise OSError(f"no such device {url}")
        return self

    @property
    def in_waiting(self) -> int:
        return len(self.out)

    def read(self, size: int = 1) -> bytes:
        if self.closed:
            raise OSError("device gone")
        deadline = time.monotonic() + self.timeout
        while not self.out and time.monotonic() < deadline:
            time.sleep(0.005)
        with self.lock:
            data = bytes(self.out[:size])
            del self.out[:size]
        return data

    def write(self, data: bytes) -> int:
        if self.closed:
            raise OSError("device gone")
        for b in data:
            self._byte(b)
        return len(data)

    def _byte(self, b: int) -> None:
        if self.mode != "command":
            self.stream_in.append(b)
            if self.stream_in.endswith((b"\x10^", b"\x10!")):
                self.mode = "command"
                self.send(b"\x10\x03\r\nOK\r\n")
            return
        if b != 0x0D:
            self.text.append(b)
            return
        line, self.text = self.text.decode("latin-1"), bytearray()
        if not line.upper().startswith("AT"):
            return
        self.seen.append(line)
        if line in self.refuse:
            self.send(b"\r\nERROR\r\n")
            return
        if line == "AT+VSM=?" and self.vsm_lines is not None:
            self.send(b"".join(b"\r\n" + x.encode() + b"\r\n" for x in self.vsm_lines)
                      + b"\r\nOK\r\n")
            return
        out = self.commands.run(line)
        self.send(b"".join(b"\r\n" + x.encode() + b"\r\n" for x in out.lines)
                  + b"\r\n" + out.final.encode() + b"\r\n")
        if out.stream:
            self.mode = out.stream

    def send(self, data: bytes) -> None:
        with self.lock:
            self.out += data

    def reset_input_buffer(self) -> None:
        with self.lock:
            self.out.clear()

    def close(self) -> None:
        pass


def _port(modem: FakeModem) -> tuple[V253Port, list]:
    port = V253Port("fxo0", "/dev/switchboard-fxo0", backoff=(0.05, 0.2), opener=modem)
    events: list = []
    port.on_event(events.append)
    port.start()
    return port, events


def test_ring_and_caller_id_lines_become_events_and_sdmf_needs_no_name():
    modem = FakeModem()
    port, events = _port(modem)
    try:
        assert port.wait_ready(3)
        modem.send(b"\r\nRING\r\n\r\nDATE = 0321\r\n\r\nTIME = 1405\r\n\r\nNMBR = 01062345678\r\n")
        wait_for(lambda: [e for e in events if e.kind == "caller_id"], 2)
        modem.send(b"\r\nRING\r\n")
        wait_for(lambda: len([e for e in events if e.kind == "ring"]) == 2, 2)
        modem.send(b"\r\nRING\r\n")
        wait_for(lambda: len([e for e in events if e.kind == "ring"]) == 3, 2)
        kinds = [e.kind for e in events]
        assert kinds == ["ring", "caller_id", "ring", "ring"]
        assert json.loads(events[1].detail) == \
            {"number": "01062345678", "name": None, "reason": None}
    finally:
        port.stop()


def test_a_call_without_caller_id_says_unavailable_at_its_second_ring():
    modem = FakeModem()
    port, events = _port(modem)
    try:
        assert port.wait_ready(3)
        modem.send(b"\r\nRING\r\n")
        wait_for(lambda: events, 2)
        modem.send(b"\r\nRING\r\n")
        wait_for(lambda: len(events) == 3, 2)
        assert [e.kind for e in events] == ["ring", "ring", "caller_id"]
        assert json.loads(events[2].detail) == \
            {"number": None, "name": None, "reason": "unavailable"}
    finally:
        port.stop()


def test_without_voice_duplex_the_port_falls_back_to_receive_only_and_leaves_with_dle_bang():
    modem = FakeModem(CommandSet(duplex=False))
    port, _ = _port(modem)
    try:
        assert port.wait_ready(3)
        port.set_hook(True)
        wait_for(lambda: port.line_state()["streaming"], 2)
        assert port.line_state()["duplex"] == "receive-only"
        assert modem.seen[-2:] == ["AT+VTR", "AT+VRX"]
        modem.send(b"\x80\x10\x10" + b"\x80" * 158 + b"\x10d")  # a frame, DLE inside, then DLE d
        frame = wait_for(port.audio.read_frame, 2)
        assert len(frame) == FRAME_BYTES and frame[2:4] == u8_to_s16(b"\x10")
        wait_for(lambda: port.line_state()["last_tone"] == "dial_tone", 2)
        port.audio.write_frame(bytes(FRAME_BYTES))  # the modem takes no voice: dropped
        assert port.audio.dropped == 1
        port.set_hook(False)
        wait_for(lambda: modem.stream_in.endswith(b"\x10!"), 2)
        with pytest.raises(Exception, match="needs the line seized"):
            port.flash(600)
    finally:
        port.stop()


def test_a_modem_without_unsigned_pcm_is_out_of_service_saying_why():
    modem = FakeModem(vsm_lines=['129,"IMA ADPCM",4,0,(8000),(0),(0)'])
    port, _ = _port(modem)
    try:
        wait_for(lambda: "8-bit unsigned PCM" in port.status().reason, 3)
        assert not port.status().ok
        with pytest.raises(Exception, match="not in service"):
            port.set_hook(True)
    finally:
        port.stop()


def test_a_modem_without_voice_mode_is_out_of_service_and_one_without_caller_id_serves():
    data_only = FakeModem(refuse=("AT+FCLASS=8",))
    port, _ = _port(data_only)
    try:
        wait_for(lambda: "no voice mode" in port.status().reason, 3)
        assert "AT+FCLASS=8: the modem answered ERROR" in port.status().reason
    finally:
        port.stop()
    no_cid = FakeModem(refuse=("AT+VCID=1", "AT+VGT=128"))
    port, _ = _port(no_cid)
    try:
        assert port.wait_ready(3)  # optional commands refused: it carries on
        assert port.line_state()["caller_id_on"] is False
    finally:
        port.stop()


def test_a_device_that_disappears_is_reported_and_reopened():
    modem = FakeModem()
    port, _ = _port(modem)
    statuses: list = []
    port.on_status(statuses.append)
    try:
        assert port.wait_ready(3)
        modem.closed = True
        wait_for(lambda: not port.status().ok, 2)
        assert "gone" in port.status().reason or "not found" in port.status().reason
        modem.closed = False
        modem.commands = CommandSet()  # a replugged stick starts from power-up
        wait_for(lambda: port.status().ok, 3)
        assert modem.seen.count("ATZ") >= 2
    finally:
        port.stop()


def test_a_stream_the_modem_ends_by_itself_is_started_again_while_off_hook():
    modem = FakeModem()
    port, _ = _port(modem)
    try:
        assert port.wait_ready(3)
        port.set_hook(True)
        wait_for(lambda: port.line_state()["streaming"], 2)
        modem.mode = "command"
        modem.send(b"\x80" * 160 + b"\x10\x03\r\nOK\r\n")  # its inactivity timer, say
        wait_for(lambda: modem.seen.count("AT+VTR") == 2, 2)
        wait_for(lambda: port.line_state()["streaming"], 2)
        assert port.status().ok
    finally:
        port.stop()


def test_a_stream_that_goes_silent_means_a_hung_modem_which_is_opened_again():
    modem = FakeModem()
    port, _ = _port(modem)
    try:
        assert port.wait_ready(3)
        port.set_hook(True)
        wait_for(lambda: port.line_state()["streaming"], 2)
        modem.mode = "command"  # it stops sending anything
        modem.commands = CommandSet()
        wait_for(lambda: "no voice data" in port.status().reason, 4)
        wait_for(lambda: port.status().ok and modem.seen.count("ATZ") == 2, 4)
        assert port.hook_state() == "on" and not port.line_state()["streaming"]
    finally:
        port.stop()
