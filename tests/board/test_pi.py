"""The Pi boards without a Pi: a fake RPi.GPIO, a file as watchdog, symlinks as modems."""

import os
import sys
import types

import pytest

import board
from board.base import Blink, BoardUnavailable, Solid
from board.pi import PiBoard
from hil_tests.pstn.testing import wait_for


class FakeGPIO(types.ModuleType):
    """Records what RPi.GPIO was asked to do."""

    BCM, OUT, HIGH, LOW = "BCM", "OUT", 1, 0

    def __init__(self):
        super().__init__("RPi.GPIO")
        self.mode = None
        self.setup_calls = []
        self.levels = {}
        self.writes = []
        self.cleaned = None

    def setwarnings(self, flag):
        pass

    def setmode(self, mode):
        self.mode = mode

    def setup(self, pin, direction, initial=0):
        self.setup_calls.append((pin, direction, initial))
        self.levels[pin] = initial

    def output(self, pin, level):
        self.levels[pin] = level
        self.writes.append((pin, level))

    def cleanup(self, pins=None):
        self.cleaned = pins


@pytest.fixture
def gpio(monkeypatch):
    fake = FakeGPIO()
    package = types.ModuleType("RPi")
    package.GPIO = fake
    monkeypatch.setitem(sys.modules, "RPi", package)
    monkeypatch.setitem(sys.modules, "RPi.GPIO", fake)
    return fake


def test_pi_module_imports_without_rpi_gpio():
    assert "RPi.GPIO" not in sys.modules or isinstance(sys.modules["RPi.GPIO"], FakeGPIO)
    assert board.load_board("pi-gsm").info.name == "pi-gsm"


def test_leds_drive_the_board_file_pins(gpio, tmp_path):
    wd = tmp_path / "watchdog"
    wd.write_bytes(b"")
    pi = board.load_board("pi-gsm", watchdog=str(wd), modem_glob=str(tmp_path / "none/*"))
    pi.open()
    try:
        assert gpio.mode == "BCM"
        assert sorted(p for p, _, _ in gpio.setup_calls) == [5, 6, 13, 16, 17, 22, 23]
        assert all(direction == "OUT" and level == 0 for _, direction, level in gpio.setup_calls)
        pi.leds.set("PWR", Solid())
        pi.leds.set("SYS", Blink(50, 50))
        wait_for(lambda: gpio.levels[5] == 1)
        wait_for(lambda: gpio.writes.count((6, 1)) >= 3)
        assert gpio.levels[13] == 0
        pi.watchdog_kick()
        pi.watchdog_kick()
    finally:
        pi.close()
    assert sorted(gpio.cleaned) == [5, 6, 13, 16, 17, 22, 23]
    assert wd.read_bytes() == b"\0\0V"  # two kicks, then the magic close


def test_active_low_leds_are_inverted(gpio, tmp_path):
    spec = board.boardfile.parse_spec({
        "name": "t", "description": "test", "kind": "pi",
        "leds": [{"name": "PWR", "pin": 4, "active_low": True}]}, "t")
    pi = PiBoard(spec, watchdog=None)
    pi.open()
    try:
        assert gpio.setup_calls == [(4, "OUT", 1)]  # off = high
        pi.leds.set("PWR", Solid())
        wait_for(lambda: gpio.levels[4] == 0)
    finally:
        pi.close()


def test_without_rpi_gpio_the_board_does_not_open(monkeypatch):
    monkeypatch.setitem(sys.modules, "RPi.GPIO", None)  # import raises ImportError
    pi = board.load_board("pi-gsm", watchdog=None)
    with pytest.raises(BoardUnavailable, match=r"board pi-gsm: GPIO LEDs need RPi\.GPIO"):
        pi.open()


def test_a_missing_voice_modem_does_not_stop_the_board(gpio, tmp_path):
    """The USB voice modem unplugged: the board opens, the port is out of service saying
    why, and it opens the device once it appears."""
    pi = board.load_board("pi-usbmodem", watchdog=None)
    (port,) = pi.ports()
    port.url = str(tmp_path / "switchboard-fxo0")
    pi.open()
    try:
        wait_for(lambda: "not found" in port.status().reason)
        assert not port.status().ok and str(tmp_path) in port.status().reason
        assert gpio.mode == "BCM"
    finally:
        pi.close()
    assert port.status().reason == "closed"


def test_a_missing_watchdog_only_warns(gpio, tmp_path, caplog):
    pi = board.load_board("pi-gsm", watchdog=str(tmp_path / "no-watchdog"))
    pi.open()
    try:
        pi.watchdog_kick()
        assert not pi.watchdog.active
    finally:
        pi.close()
    assert "runs without it" in caplog.text


def _modem_dir(root, imei, at, audio=None):
    d = root / imei
    d.mkdir(parents=True)
    os.symlink(at, d / "at")
    if audio:
        os.symlink(audio, d / "audio")
    return d


def test_modems_are_found_by_udev_symlinks_and_resolved(tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    for tty in ("ttyUSB1", "ttyUSB2", "ttyUSB5"):
        (dev / tty).write_text("")
    by_imei = tmp_path / "by-imei"
    _modem_dir(by_imei, "861234567890123", dev / "ttyUSB2", dev / "ttyUSB1")
    _modem_dir(by_imei, "861234567890999", dev / "ttyUSB9")  # unplugged: dangling link
    _modem_dir(by_imei, "860000000000001", dev / "ttyUSB5")
    pi = board.load_board("pi-gsm", modem_glob=str(by_imei / "*"))
    modems = pi.modems()
    assert [m.id for m in modems] == ["860000000000001", "861234567890123"]
    assert modems[1].at_url == str(dev / "ttyUSB2")
    assert modems[1].audio_url == str(dev / "ttyUSB1")
    assert modems[0].audio_url is None and modems[0].profile == "huawei_e1550"


def test_modems_from_a_fixed_device_list(tmp_path):
    (tmp_path / "ttyUSB2").write_text("")
    spec = board.boardfile.parse_spec({
        "name": "t", "description": "test", "kind": "pi", "leds": [],
        "modems": {"discovery": "devices", "devices": [
            {"id": "a", "at": str(tmp_path / "ttyUSB2"), "profile": "quectel_ec25"},
            {"id": "b", "at": str(tmp_path / "ttyUSB7")}]}}, "t")
    modems = PiBoard(spec).modems()
    assert [(m.id, m.profile) for m in modems] == [("a", "quectel_ec25")]
