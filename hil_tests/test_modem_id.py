"""switchboard-modem-id, the udev helper of the Pi image, against the emulator's modem.

A fake sysfs tree describes a Huawei E1550 (12d1:1001) with ttyUSB0-2 on USB
interfaces 0-2; a fake /dev links ttyUSB2 to the emulator's AT pseudo-terminal
and ttyUSB1 to its audio one, so the helper talks AT to the strict modem model
exactly as it would to the stick.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from board.modem_id import ModemIdError, identify, main

INTERFACES = {0: "ttyUSB0", 1: "ttyUSB1", 2: "ttyUSB2"}


def _sysfs(root: Path, vendor: str = "12d1", product: str = "1001") -> Path:
    device = root / "devices/platform/usb1/1-1.3"
    device.mkdir(parents=True)
    (device / "idVendor").write_text(vendor + "\n")
    (device / "idProduct").write_text(product + "\n")
    for number, tty in INTERFACES.items():
        iface = device / f"1-1.3:1.{number}"
        (iface / tty).mkdir(parents=True)
        (iface / "bInterfaceNumber").write_text(f"{number:02x}\n")
        (root / "class/tty" / tty).mkdir(parents=True)
        os.symlink(iface / tty, root / "class/tty" / tty / "device")
    return root


@pytest.fixture
def stick(tmp_path, emulator):
    modem = emulator.modem_dir(0)
    dev = tmp_path / "dev"
    dev.mkdir()
    os.symlink(os.path.realpath(modem / "at"), dev / "ttyUSB2")
    os.symlink(os.path.realpath(modem / "audio"), dev / "ttyUSB1")
    return _sysfs(tmp_path / "sys"), dev, modem.name


def test_the_at_tty_is_named_by_the_imei_the_modem_gives(stick):
    sysfs, dev, imei = stick
    assert identify("/dev/ttyUSB2", sysfs, dev) == {
        "ID_SWITCHBOARD_IMEI": imei, "ID_SWITCHBOARD_ROLE": "at",
        "ID_SWITCHBOARD_PROFILE": "huawei_e1550"}


def test_the_audio_tty_asks_the_at_sibling_when_no_link_exists_yet(stick):
    sysfs, dev, imei = stick
    props = identify("ttyUSB1", sysfs, dev)
    assert props["ID_SWITCHBOARD_IMEI"] == imei and props["ID_SWITCHBOARD_ROLE"] == "audio"


def test_the_audio_tty_reuses_the_at_link_and_leaves_the_busy_port_alone(tmp_path):
    sysfs = _sysfs(tmp_path / "sys")
    dev = tmp_path / "dev"
    dev.mkdir()
    not_a_modem = tmp_path / "plain-file"  # opening this as a serial port fails
    not_a_modem.write_text("")
    os.symlink(not_a_modem, dev / "ttyUSB2")
    link_dir = dev / "modem/by-imei/861380000000099"
    link_dir.mkdir(parents=True)
    os.symlink(dev / "ttyUSB2", link_dir / "at")
    assert identify("ttyUSB1", sysfs, dev)["ID_SWITCHBOARD_IMEI"] == "861380000000099"
    with pytest.raises(ModemIdError, match="ttyUSB2"):
        identify("ttyUSB2", sysfs, dev, timeout=1.0)


def test_the_ppp_tty_gets_no_link(stick, capsys):
    sysfs, dev, _ = stick
    assert identify("ttyUSB0", sysfs, dev) == {}
    assert main(["/dev/ttyUSB0", "--sysfs", str(sysfs), "--dev", str(dev)]) == 0
    assert capsys.readouterr().out == ""


def test_main_prints_udev_properties(stick, capsys):
    sysfs, dev, imei = stick
    assert main(["/dev/ttyUSB2", "--sysfs", str(sysfs), "--dev", str(dev)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"ID_SWITCHBOARD_IMEI={imei}" in lines and "ID_SWITCHBOARD_ROLE=at" in lines


def test_an_unknown_stick_and_a_non_usb_tty_are_refused_with_the_reason(tmp_path, capsys):
    sysfs = _sysfs(tmp_path / "sys", vendor="2c7c", product="0125")
    with pytest.raises(ModemIdError, match="2c7c:0125 is not a modem the firmware knows"):
        identify("ttyUSB2", sysfs, tmp_path)
    assert main(["/dev/ttyAMA0", "--sysfs", str(sysfs)]) == 1
    assert "ttyAMA0: not a USB serial tty" in capsys.readouterr().err


def test_a_modem_that_does_not_answer_times_out(tmp_path, emulator):
    sysfs = _sysfs(tmp_path / "sys")
    dev = tmp_path / "dev"
    dev.mkdir()
    os.symlink(os.path.realpath(emulator.modem_dir(0) / "at"), dev / "ttyUSB2")
    emulator.client.post(f"/modems/{emulator.modems[0]}/fault", {"kind": "hang"})
    with pytest.raises(ModemIdError, match="no reply to ATE0 in time"):
        identify("ttyUSB2", sysfs, dev, timeout=1.0)
