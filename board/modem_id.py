"""`switchboard-modem-id`: which modem a USB tty belongs to, for udev.

The `pi-gsm` board finds its modems as `/dev/modem/by-imei/<IMEI>/{at,audio}`
(board/modems.py). A USB modem shows up as several ttys whose numbers change
with every replug and with the order sticks enumerate in, so the image's udev
rule (image/stage-pbx/02-app/files/65-switchboard-modem.rules) runs this for
each new tty of a known modem:

    IMPORT{program}="/usr/bin/switchboard-modem-id $devnode"

It reads sysfs for the tty's USB interface number and the modem's vendor and
product ids, asks the modem's AT interface (the same stick's tty on the AT
interface, whichever tty this event is for) for its IMEI with `AT+CGSN` (an
audio tty reuses the IMEI its AT sibling's link already names, so a port the
firmware has open is not disturbed), and prints udev properties:

    ID_SWITCHBOARD_IMEI=861380000000012
    ID_SWITCHBOARD_ROLE=at          (or audio)
    ID_SWITCHBOARD_PROFILE=huawei_e1550

A tty that is neither role (the PPP port) prints nothing and exits 0; a modem
that does not answer exits 1 with the reason on stderr, so udev makes no link
and logs why. It never waits more than `--timeout` seconds: udev kills slow
programs. The AT exchange is the small synchronous one udev needs, not the
firmware's AT engine (board/ never imports firmware/).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import serial

# (vendor, product) -> profile and the USB interface number of each role
# (HARDWARE.md 2: Huawei E1550, AT on interface 2 = ttyUSB2, PCM on 1 = ttyUSB1).
KNOWN_MODEMS = {
    ("12d1", "1001"): ("huawei_e1550", {2: "at", 1: "audio"}),
}
IMEI = re.compile(r"^[0-9]{15}$")
FINAL = ("OK", "ERROR")


class ModemIdError(Exception):
    """The tty's modem could not be identified; the message says why."""


@dataclass(frozen=True)
class TtyInfo:
    name: str  # "ttyUSB1"
    interface: int
    vendor: str
    product: str
    siblings: dict[int, str]  # interface number -> tty name, for the same USB device


def tty_info(devname: str, sysfs: Path = Path("/sys")) -> TtyInfo:
    """Read sysfs for a tty: its interface, its device's ids, its sibling ttys."""
    name = Path(devname).name
    try:
        port = (sysfs / "class/tty" / name / "device").resolve(strict=True)
        interface_dir = port.parent
        device_dir = interface_dir.parent
        interface = int((interface_dir / "bInterfaceNumber").read_text().strip(), 16)
        vendor = (device_dir / "idVendor").read_text().strip().lower()
        product = (device_dir / "idProduct").read_text().strip().lower()
    except (OSError, ValueError) as exc:
        raise ModemIdError(f"{name}: not a USB serial tty ({exc})") from None
    siblings = {}
    for iface in device_dir.glob(f"{device_dir.name}:*"):
        try:
            number = int((iface / "bInterfaceNumber").read_text().strip(), 16)
        except (OSError, ValueError):
            continue
        ttys = sorted(p.name for p in iface.glob("tty*") if p.name.startswith("tty"))
        if ttys:
            siblings[number] = ttys[0]
    return TtyInfo(name, interface, vendor, product, siblings)


def query_imei(at_device: str, timeout: float = 3.0) -> str:
    """Ask the modem on `at_device` for its IMEI (echo off first); ModemIdError if not."""
    deadline = time.monotonic() + timeout
    try:
        with serial.serial_for_url(at_device, 115200, timeout=0.1) as port:
            port.reset_input_buffer()
            _command(port, "ATE0", deadline)
            for line in _command(port, "AT+CGSN", deadline):
                if IMEI.match(line):
                    return line
    except serial.SerialException as exc:
        raise ModemIdError(f"{at_device}: cannot open ({exc})") from None
    raise ModemIdError(f"{at_device}: AT+CGSN gave no IMEI")


def _command(port: serial.Serial, command: str, deadline: float) -> list[str]:
    """Send `command`; the reply's lines up to its final OK (ModemIdError on ERROR)."""
    port.write(command.encode() + b"\r")
    buffer, lines = b"", []
    while time.monotonic() < deadline:
        buffer += port.read(256)
        *complete, buffer = buffer.split(b"\n")
        for raw in complete:
            line = raw.strip(b"\r ").decode("ascii", "replace")
            if not line or line == command:  # blank, or our own echo
                continue
            if line == "OK":
                return lines
            if line == "ERROR" or line.startswith("+CME ERROR"):
                raise ModemIdError(f"{port.port}: {command} -> {line}")
            lines.append(line)
    raise ModemIdError(f"{port.port}: no reply to {command} in time")


def linked_imei(by_imei: Path, at_device: Path) -> str | None:
    """The IMEI whose `at` link under `by_imei` points at `at_device`, if any."""
    target = at_device.resolve()
    for link in by_imei.glob("*/at"):
        if link.resolve() == target and IMEI.match(link.parent.name):
            return link.parent.name
    return None


def identify(devname: str, sysfs: Path = Path("/sys"), dev: Path = Path("/dev"),
             timeout: float = 3.0) -> dict[str, str]:
    """The udev properties for tty `devname`; {} for a tty of no role we use."""
    info = tty_info(devname, sysfs)
    known = KNOWN_MODEMS.get((info.vendor, info.product))
    if known is None:
        raise ModemIdError(f"{info.name}: USB device {info.vendor}:{info.product} is not a "
                           "modem the firmware knows")
    profile, roles = known
    role = roles.get(info.interface)
    if role is None:
        return {}
    at_interface = next(n for n, r in roles.items() if r == "at")
    at_tty = info.siblings.get(at_interface)
    if at_tty is None:
        raise ModemIdError(f"{info.name}: its modem has no tty on AT interface {at_interface}")
    # The AT port may be the firmware's already: an audio tty takes its IMEI from the
    # link its AT sibling got, and asks the modem only when there is none yet.
    imei = linked_imei(dev / "modem/by-imei", dev / at_tty) if role == "audio" else None
    imei = imei or query_imei(str(dev / at_tty), timeout)
    return {"ID_SWITCHBOARD_IMEI": imei, "ID_SWITCHBOARD_ROLE": role,
            "ID_SWITCHBOARD_PROFILE": profile}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="switchboard-modem-id",
                                 description="udev helper: the IMEI and role of a modem tty")
    ap.add_argument("devnode", help="the tty, e.g. /dev/ttyUSB1")
    ap.add_argument("--sysfs", type=Path, default=Path("/sys"))
    ap.add_argument("--dev", type=Path, default=Path("/dev"))
    ap.add_argument("--timeout", type=float, default=3.0)
    args = ap.parse_args(argv)
    try:
        props = identify(args.devnode, args.sysfs, args.dev, args.timeout)
    except ModemIdError as exc:
        print(f"switchboard-modem-id: {exc}", file=sys.stderr)
        return 1
    for key, value in props.items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
