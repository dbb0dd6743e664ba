"""The simulated board's side of docs/sim-link.md, against a raw fake emulator."""

import json
import os
import socket
import threading

import pytest

import board
from board.base import FRAME_BYTES, BoardUnavailable, PortInUse, WrongPortKind
from board.simlink import FrameDecoder, FrameError, decode_json, encode_frame, encode_json
from hil_tests.pstn.testing import wait_for


def test_frames_survive_any_read_sizes():
    stream = (encode_frame("A", b"\x01" * FRAME_BYTES) + encode_json("E", {"kind": "onhook"})
              + encode_frame("S", b""))
    for size in (1, 2, 3, 7, 320, 10_000):
        decoder = FrameDecoder()
        frames = []
        for i in range(0, len(stream), size):
            frames += decoder.feed(stream[i:i + size])
        assert [k for k, _ in frames] == ["A", "E", "S"]
        assert frames[0][1] == b"\x01" * FRAME_BYTES
        assert decode_json(frames[1][1]) == {"kind": "onhook"}


def test_bad_frames_are_refused_by_name():
    with pytest.raises(FrameError, match="unknown frame type 'X'"):
        encode_frame("X", b"")
    with pytest.raises(FrameError, match="exceeds"):
        encode_frame("A", bytes(70_000))
    with pytest.raises(FrameError, match="not JSON"):
        decode_json(b"{oops")
    with pytest.raises(FrameError, match="not a JSON object"):
        decode_json(b"[1]")


class FakeEmulator:
    """Listens on RUNDIR/fxs0.sock and leds.sock and lets a test write raw bytes."""

    def __init__(self, rundir, names=("fxs0", "fxs1", "fxs2", "fxs3", "leds")):
        self.rundir = rundir
        self.conns = {}
        self.received = {name: b"" for name in names}
        self.servers = {}
        for name in names:
            self.listen(name)

    def listen(self, name):
        path = self.rundir / f"{name}.sock"
        path.unlink(missing_ok=True)
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(str(path))
        srv.listen(2)
        self.servers[name] = srv
        threading.Thread(target=self._accept, args=(name, srv), daemon=True).start()

    def vanish(self, name):
        """The emulator's port goes away: no listener, the live connection cut."""
        self.servers.pop(name).close()
        (self.rundir / f"{name}.sock").unlink()
        self.conns[name].shutdown(socket.SHUT_RDWR)

    def _accept(self, name, srv):
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            self.conns[name] = conn
            if name != "leds":
                conn.sendall(encode_json("S", {"hook": "on"}))
            threading.Thread(target=self._read, args=(name, conn), daemon=True).start()

    def _read(self, name, conn):
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received[name] += data

    def close(self):
        for srv in self.servers.values():
            srv.close()
        for conn in self.conns.values():
            conn.close()


@pytest.fixture
def sim(tmp_path):
    emulator = FakeEmulator(tmp_path)
    b = board.load_board("sim", rundir=tmp_path, timeout=5)
    b.open()
    yield b, emulator
    b.close()
    emulator.close()


def test_malformed_frames_are_ignored_and_the_port_keeps_working(sim, caplog):
    b, emulator = sim
    port = b.port("fxs0")
    seen = []
    port.on_event(seen.append)
    conn = emulator.conns["fxs0"]
    conn.sendall(encode_frame("E", b"{not json") + encode_json("E", {"kind": "explode"})
                 + encode_frame("A", b"\x00" * 10) + encode_frame("C", b"{}")
                 + encode_json("S", {"hook": "sideways"})
                 + encode_json("E", {"kind": "offhook", "t": 123.5}))
    wait_for(lambda: seen)
    assert seen[0].kind == "offhook" and seen[0].t == 123.5 and seen[0].port == "fxs0"
    assert port.hook_state() == "off"
    assert caplog.text.count("bad") >= 5
    assert port.status().ok


def test_ringer_commands_and_audio_reach_the_emulator(sim):
    b, emulator = sim
    port = b.port("fxs1")
    port.set_ringer(True)
    port.audio.write_frame(bytes(range(256)) + bytes(64))
    with pytest.raises(ValueError, match="fxs1: an audio frame is 320 bytes, not 3"):
        port.audio.write_frame(b"abc")
    with pytest.raises(WrongPortKind):
        port.set_hook(True)
    want = encode_json("C", {"cmd": "ringer", "on": True})
    wait_for(lambda: len(emulator.received["fxs1"]) >= len(want) + 3 + FRAME_BYTES)
    frames = FrameDecoder().feed(emulator.received["fxs1"])
    assert json.loads(frames[0][1]) == {"cmd": "ringer", "on": True}
    assert frames[1] == ("A", bytes(range(256)) + bytes(64))


def test_inbound_audio_is_bounded_dropping_the_oldest(sim):
    b, emulator = sim
    port = b.port("fxs2")
    emulator.conns["fxs2"].sendall(b"".join(
        encode_frame("A", bytes([i]) * FRAME_BYTES) for i in range(40)))
    wait_for(lambda: port.audio.inbound.received == 40)
    assert port.audio.inbound.dropped == 15
    assert port.audio.read_frame() == bytes([15]) * FRAME_BYTES
    while port.audio.read_frame() is not None:
        pass


def test_a_port_has_one_owner(sim):
    port = sim[0].port("fxs3")
    port.claim("leg-1")
    port.claim("leg-1")  # the holder may claim again
    with pytest.raises(PortInUse, match="port fxs3 is in use by leg-1"):
        port.claim("leg-2")
    with pytest.raises(PortInUse, match="held by leg-1, not leg-2"):
        port.release("leg-2")
    port.release("leg-1")
    port.claim("leg-2")
    assert port.owner == "leg-2"


def test_a_dropped_link_takes_the_port_out_of_service_until_it_reconnects(sim):
    b, emulator = sim
    port = b.port("fxs0")
    statuses = []
    port.on_status(statuses.append)
    first = emulator.conns["fxs0"]
    emulator.vanish("fxs0")
    wait_for(lambda: statuses and not statuses[0].ok)
    assert "link to the emulator lost" in port.status().reason
    with pytest.raises(BoardUnavailable, match="fxs0: no link"):
        port.set_ringer(True)
    emulator.listen("fxs0")
    wait_for(lambda: len(statuses) >= 2 and statuses[-1].ok, timeout=10)
    assert emulator.conns["fxs0"] is not first
    port.set_ringer(False)


def test_led_levels_go_out_as_json_lines(sim):
    b, emulator = sim
    b.leds.set("PWR", board.base.Solid())
    wait_for(lambda: b'"led": "PWR", "on": true' in emulator.received["leds"])
    lines = [json.loads(x) for x in emulator.received["leds"].splitlines()]
    assert {line["led"] for line in lines} == set(b.info.leds)  # every LED's first level
    assert all(isinstance(line["t"], float) for line in lines)


def test_modems_come_from_the_run_directory(tmp_path):
    modems = tmp_path / "modems"
    (modems / "861111").mkdir(parents=True)
    (modems / "862222").mkdir()
    master, slave = os.openpty()
    try:
        pts = os.ttyname(slave)
        os.symlink(pts, modems / "861111" / "at")
        os.symlink(pts, modems / "861111" / "audio")
        (modems / "861111" / "profile").write_text("quectel_ec25\n")
        os.symlink(tmp_path / "gone", modems / "862222" / "at")  # unplugged
        found = board.load_board("sim-2gsm", rundir=tmp_path).modems()
    finally:
        os.close(master)
        os.close(slave)
    assert len(found) == 1
    assert (found[0].id, found[0].at_url, found[0].audio_url, found[0].profile) == (
        "861111", pts, pts, "quectel_ec25")
