"""The simulated board's FXO port (board/sim_fxo.py) against a raw fake exchange socket."""

import json
import socket
import threading

import pytest

from board.base import FRAME_BYTES, BoardUnavailable, WrongPortKind
from board.sim_fxo import SimFxoPort
from board.simlink import FrameDecoder, encode_frame, encode_json
from hil_tests.pstn.testing import wait_for

LINE_UP = {"hook": "on", "battery": True, "polarity": "normal", "loop_ma": 0,
           "ringing": False, "profile": "cn"}


class FakeExchange:
    """Listens on RUNDIR/fxo0.sock, greets with `S`, keeps what the port sends."""

    def __init__(self, rundir, status=None):
        self.path = rundir / "fxo0.sock"
        self.status = dict(status or LINE_UP)
        self.received = b""
        self.conns = []
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(str(self.path))
        self.srv.listen(2)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            self.conns.append(conn)
            conn.sendall(encode_json("S", self.status))
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += data

    def send(self, data):
        self.conns[-1].sendall(data)

    def commands(self):
        return [json.loads(p) for k, p in FrameDecoder().feed(self.received) if k == "C"]

    def close(self):
        self.srv.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def fxo(tmp_path):
    exchange = FakeExchange(tmp_path)
    port = SimFxoPort("fxo0", tmp_path / "fxo0.sock", backoff=(0.02, 0.1))
    events = []
    port.on_event(events.append)
    port.start()
    assert port.wait_ready(5)
    yield port, exchange, events
    port.stop()
    exchange.close()


def test_line_events_become_the_ports_events_and_state(fxo):
    port, exchange, events = fxo
    assert port.status().ok and port.line_state()["battery"] is True
    exchange.send(encode_json("E", {"kind": "ring_begin", "t": 10.0, "hz": 25})
                  + encode_json("E", {"kind": "ring_end", "t": 11.0})
                  + encode_json("E", {"kind": "polarity", "t": 12.0, "polarity": "reversed"})
                  + encode_json("E", {"kind": "loop_current", "t": 13.0, "ma": 26})
                  + encode_json("E", {"kind": "loop_current", "t": 13.5, "ma": 26})
                  + encode_json("E", {"kind": "loop_current", "t": 14.0, "ma": 0}))
    wait_for(lambda: len(events) >= 5)
    assert [(e.kind, e.t, e.port) for e in events] == [
        ("ring_begin", 10.0, "fxo0"), ("ring_end", 11.0, "fxo0"), ("polarity", 12.0, "fxo0"),
        ("loop_on", 13.0, "fxo0"), ("loop_off", 14.0, "fxo0")]
    state = port.line_state()
    assert (state["polarity"], state["loop_ma"], state["last_ring_t"]) == ("reversed", 0, 10.0)


def test_a_cut_line_is_out_of_service_until_battery_returns(fxo):
    port, exchange, events = fxo
    seen = []
    port.on_status(seen.append)
    exchange.send(encode_json("E", {"kind": "battery_lost", "t": 1.0}))
    wait_for(lambda: not port.status().ok)
    assert "no battery" in port.status().reason and events[-1].kind == "battery_lost"
    exchange.send(encode_json("E", {"kind": "battery_restored", "t": 2.0}))
    wait_for(lambda: port.status().ok)
    assert [s.ok for s in seen] == [False, True]


def test_hook_flash_and_audio_reach_the_exchange(fxo):
    port, exchange, _ = fxo
    with pytest.raises(BoardUnavailable, match="seized"):
        port.flash(600)
    port.set_hook(True)
    port.flash(600)
    port.audio.write_frame(bytes(FRAME_BYTES))
    with pytest.raises(ValueError, match=r"1\.\.5000 ms"):
        port.flash(0)
    with pytest.raises(WrongPortKind, match="FXO"):
        port.set_ringer(True)
    wait_for(lambda: len(exchange.commands()) == 2 and b"A" in exchange.received)
    assert exchange.commands() == [{"cmd": "hook", "off": True}, {"cmd": "flash", "ms": 600}]
    assert port.hook_state() == "off"
    exchange.send(encode_frame("A", b"\x01" * FRAME_BYTES))
    assert wait_for(port.audio.read_frame) == b"\x01" * FRAME_BYTES


def test_bad_frames_are_ignored_and_a_reconnect_says_the_hook_again(fxo, caplog):
    port, exchange, events = fxo
    exchange.send(encode_json("E", {"kind": "explode"}) + encode_frame("A", b"\0" * 3)
                  + encode_json("E", {"kind": "polarity", "polarity": "up"})
                  + encode_json("S", {"battery": "yes"}) + encode_frame("C", b"{}")
                  + encode_json("E", {"kind": "ring_begin", "t": 5.0}))
    wait_for(lambda: events)
    assert [e.kind for e in events] == ["ring_begin"] and caplog.text.count("bad") >= 5
    port.set_hook(True)
    wait_for(lambda: exchange.commands() == [{"cmd": "hook", "off": True}])
    exchange.conns[-1].shutdown(socket.SHUT_RDWR)  # the link drops; the exchange says "on"
    wait_for(lambda: len(exchange.conns) == 2 and port.status().ok, 5)
    wait_for(lambda: exchange.commands() == [{"cmd": "hook", "off": True}] * 2)
