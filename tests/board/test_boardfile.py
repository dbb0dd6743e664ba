import copy
import json

import pytest

import board
from board.base import BadBoard, BoardUnavailable
from board.boardfile import BOARDS_DIR, board_names, parse_spec, read_spec, read_spec_file


def _shipped(name):
    return json.loads((BOARDS_DIR / f"{name}.json").read_text())


def test_the_eight_boards_ship():
    assert board.board_names() == ["pi-gsm", "pi-usbmodem", "sim", "sim-2gsm", "sim-3gsm",
                                   "sim-analog", "sim-mixed", "sim-v253"]


@pytest.mark.parametrize("name", board_names())
def test_every_shipped_board_file_is_valid(name):
    spec = read_spec(name)
    assert spec.name == name
    assert {"PWR", "SYS", "ERR"} <= {led.name for led in spec.leds}
    for port in spec.ports:
        assert f"LINE-{port.name}" in spec.info().leds


def test_sim_boards_have_the_promised_shape():
    sim, sim2 = read_spec("sim"), read_spec("sim-2gsm")
    assert [p.name for p in sim.ports] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    assert (sim.modems.expected, sim2.modems.expected) == (1, 2)
    assert {"LINE-gsm1", "SIG-gsm1"} <= set(sim2.info().leds)
    analog, mixed = read_spec("sim-analog"), read_spec("sim-mixed")
    assert [(p.name, p.kind) for p in analog.ports] == [("fxo0", "fxo")] + [
        (f"fxs{i}", "fxs") for i in range(4)]
    assert [p.name for p in mixed.ports] == [p.name for p in analog.ports]
    assert (analog.modems.discovery, mixed.modems.expected) == ("none", 1)
    assert "LINE-gsm0" in mixed.info().leds and "LINE-gsm0" not in analog.info().leds
    v253 = read_spec("sim-v253")
    assert [(p.name, p.driver) for p in v253.ports] == [("fxo0", "v253")] + [
        (f"fxs{i}", "sim") for i in range(4)]
    usb = read_spec("pi-usbmodem")
    assert [(p.name, p.kind, p.driver, p.device) for p in usb.ports] == \
        [("fxo0", "fxo", "v253", "/dev/switchboard-fxo0")]
    assert all(led.pin is not None for led in usb.leds)


def test_unknown_board_is_refused_naming_the_known_ones():
    with pytest.raises(BadBoard, match=r"no board named 'pi-zero'.*pi-gsm, pi-usbmodem, sim"):
        board.load_board("pi-zero")
    with pytest.raises(LookupError):  # BadBoard is also a LookupError
        board.load_board("../etc/passwd")


def test_sim_board_needs_its_rundir_and_refuses_unknown_options(tmp_path):
    with pytest.raises(BadBoard, match="needs the option rundir"):
        board.load_board("sim")
    with pytest.raises(BadBoard, match=r"does not take the option\(s\) speed"):
        board.load_board("sim", rundir=tmp_path, speed=3)
    with pytest.raises(BadBoard, match="does not take the option"):
        board.load_board("pi-gsm", rundir=tmp_path)
    assert board.load_board("sim-2gsm", rundir=tmp_path).info.name == "sim-2gsm"


def test_a_real_board_is_loaded_without_touching_hardware():
    pi = board.load_board("pi-usbmodem")
    assert pi.info.extra["kind"] == "pi"
    (port,) = pi.ports()
    assert (port.name, port.kind, port.url, port.ring_edges, port.caller_id) == \
        ("fxo0", "fxo", "/dev/switchboard-fxo0", False, "port")
    assert not port.status().ok  # not opened yet: out of service, saying so
    assert "not opened yet" in port.status().reason


def test_sim_board_without_emulator_does_not_open(tmp_path):
    with pytest.raises(BoardUnavailable, match="does not exist"):
        board.load_board("sim", rundir=tmp_path / "missing").open()
    b = board.load_board("sim", rundir=tmp_path, timeout=0.3)
    with pytest.raises(BoardUnavailable, match=r"did not answer within 0.3 s.*fxs0.sock"):
        b.open()


def _mutate(name, change):
    data = copy.deepcopy(_shipped(name))
    change(data)
    return data


BAD = [
    ("sim", lambda d: d.update(kind="fpga"), "kind: must be one of sim, pi"),
    ("sim", lambda d: d.update(name="other"), "name: must be 'sim'"),
    ("sim", lambda d: d.update(description=""), "description: must be a non-empty string"),
    ("sim", lambda d: d.update(colour="red"), "colour: unknown field"),
    ("sim", lambda d: d["leds"].append({"name": "PWR"}), "LED name 'PWR' appears twice"),
    ("sim", lambda d: d["leds"][0].update(pin=4), "leds[0].pin: a simulated board has no GPIO"),
    ("sim", lambda d: d["leds"][1].update(name="no spaces"), "leds[1].name"),
    ("sim-analog", lambda d: d["ports"][0].update(channel=1), "ports[0].channel: unknown field"),
    ("sim-analog", lambda d: d["ports"][0].update(device="/dev/ttyACM0"),
     "ports[0].device: a simulated board's ports are found in the emulator's run directory"),
    ("sim-analog", lambda d: d["ports"][0].update(driver="dahdi"),
     "ports[0].driver: must be one of sim, v253 on a sim board"),
    ("sim-v253", lambda d: d["ports"][1].update(driver="v253"),
     "ports[1].driver: a V.253 voice modem is an FXO port only"),
    ("sim-analog", lambda d: d["ports"][0].update(kind="fxs"), "ports[0].kind: must be 'fxo'"),
    ("sim", lambda d: d["ports"][0].update(kind="fxo"), "ports[0].kind: must be 'fxs'"),
    ("sim", lambda d: d["ports"][2].update(name="line2"), "ports[2].name"),
    ("sim", lambda d: d.update(modems={"discovery": "udev"}), "modems.discovery"),
    ("sim", lambda d: d.update(leds="PWR"), "leds: must be a list"),
    ("pi-gsm", lambda d: d["leds"][2].update(pin=40), "leds[2].pin: 40 is not a BCM GPIO"),
    ("pi-gsm", lambda d: d["leds"][2].update(pin=5), "pin 5 appears twice"),
    ("pi-gsm", lambda d: d["leds"][0].update(active_low="yes"), "active_low"),
    ("pi-gsm", lambda d: d["modems"].pop("glob"), "modems.glob"),
    ("pi-gsm", lambda d: d.update(watchdog="watchdog"), "watchdog: must be an absolute"),
    ("pi-gsm", lambda d: d.update(modems={"discovery": "devices", "devices": []}),
     "modems.devices: must list at least one"),
    ("pi-gsm", lambda d: d.update(modems={"discovery": "devices", "devices": [{"id": "m"}]}),
     "modems.devices[0].at"),
    ("pi-usbmodem", lambda d: d["ports"][0].pop("device"), "ports[0].device: must be the"),
    ("pi-usbmodem", lambda d: d["ports"][0].update(device="ttyACM0"), "ports[0].device"),
    ("pi-usbmodem", lambda d: d["ports"].append(dict(d["ports"][0], name="fxo1")),
     "device '/dev/switchboard-fxo0' appears twice"),
    ("pi-usbmodem", lambda d: d["ports"].append({"name": "fxs0", "kind": "fxs",
                                                 "device": "/dev/ttyACM1"}),
     "ports[1].driver: a V.253 voice modem is an FXO port only (analog desk phones on a Pi"),
    ("pi-usbmodem", lambda d: d["ports"][0].update(driver="dahdi"),
     "ports[0].driver: must be one of v253 on a pi board"),
    ("pi-usbmodem", lambda d: d.update(dahdi={"device": "/dev/dahdi/channel"}),
     "dahdi: unknown field"),
]


@pytest.mark.parametrize(("name", "change", "message"), BAD)
def test_bad_board_files_are_refused_naming_the_field(name, change, message):
    with pytest.raises(BadBoard, match=f"board '{name}'") as info:
        parse_spec(_mutate(name, change), name)
    assert message in str(info.value)


def test_every_problem_is_reported_at_once():
    def break_twice(d):
        d["kind"] = "fpga"
        d["leds"][0]["name"] = ""

    with pytest.raises(BadBoard) as info:
        parse_spec(_mutate("sim", break_twice), "sim")
    assert "kind:" in str(info.value) and "leds[0].name" in str(info.value)


def test_unreadable_files_are_refused(tmp_path):
    (tmp_path / "broken.json").write_text("{ not json")
    with pytest.raises(BadBoard, match=r"board 'broken' .*not valid JSON"):
        read_spec("broken", tmp_path)
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(BadBoard, match="one JSON object"):
        read_spec_file(tmp_path / "list.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BadBoard, match="cannot read"):
        read_spec("bin", tmp_path)


def test_explicit_modem_devices_parse():
    data = _mutate("pi-gsm", lambda d: d.update(modems={
        "discovery": "devices",
        "devices": [{"id": "usb0", "at": "/dev/ttyUSB2", "audio": "/dev/ttyUSB1"}]}))
    spec = parse_spec(data, "pi-gsm")
    assert spec.modems.devices[0].audio == "/dev/ttyUSB1"
    assert spec.modems.devices[0].profile == "huawei_e1550"


def test_a_voice_modem_may_be_opened_through_a_logging_spy():
    data = _mutate("pi-usbmodem", lambda d: d["ports"][0].update(
        device="spy:///dev/ttyACM0?file=/tmp/modem.log"))
    assert parse_spec(data, "pi-usbmodem").ports[0].device.startswith("spy://")
