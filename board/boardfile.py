"""Board description files: `board/boards/<name>.json`, read and checked.

A board file says what a board has, never how to drive it: its LEDs (with GPIO
pins on a Pi), its analog ports (on a Pi: the serial device of the USB voice modem
that is the FXO port), where its GSM modems are found, and its watchdog device.
`board.load_board(name)` reads the file through here and hands the checked
`BoardSpec` to the driver named by its `kind` ("sim" -> board/sim.py, "pi" -> board/pi.py).

Everything wrong in a file is reported at once, each problem naming the field:
    BadBoard: board 'x' (board/boards/x.json): leds[2].pin: 40 is not a BCM GPIO 0..27
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from board.base import BadBoard, BoardInfo

BOARDS_DIR = Path(__file__).resolve().parent / "boards"
KINDS = ("sim", "pi")
DEFAULT_PROFILE = "huawei_e1550"
PORT_DRIVERS = {"sim": ("sim", "v253"), "pi": ("v253",)}  # board kind: port drivers
_PORT_NAME = re.compile(r"^(fxs|fxo)[0-9]+$")
_SERIAL_URL = re.compile(r"^(spy|rfc2217|socket|alt|hwgrep)://\S+$")
_LED_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TOP_KEYS = {"name", "description", "kind", "leds", "ports", "modems", "watchdog"}


@dataclass(frozen=True)
class LedSpec:
    name: str
    color: str = ""
    pin: int | None = None  # BCM GPIO number (Pi boards)
    active_low: bool = False


@dataclass(frozen=True)
class PortSpec:
    """An analog port. driver "sim": the emulator's socket (sim boards); "v253": a USB
    voice modem as FXO port, at `device` on a Pi, on the emulator's RUNDIR/<name>.tty
    pty on a sim board."""

    name: str  # fxs0, fxo1
    kind: str  # "fxs" | "fxo"
    driver: str = "sim"
    device: str | None = None  # serial device of a v253 port (Pi boards)


@dataclass(frozen=True)
class ModemDevice:
    """A modem at fixed device paths (a board file that names them explicitly)."""

    id: str
    at: str
    audio: str | None = None
    profile: str = DEFAULT_PROFILE


@dataclass(frozen=True)
class ModemSpec:
    """Where modems are found: "rundir" (the emulator's RUNDIR/modems/*/), "udev"
    (one directory per modem matching `glob`, holding `at` and `audio` symlinks)
    or "devices" (the fixed list `devices`)."""

    discovery: str = "none"
    glob: str | None = None
    profile: str = DEFAULT_PROFILE
    devices: tuple[ModemDevice, ...] = ()
    expected: int | None = None


@dataclass(frozen=True)
class BoardSpec:
    name: str
    description: str
    kind: str
    leds: tuple[LedSpec, ...]
    ports: tuple[PortSpec, ...]
    modems: ModemSpec
    watchdog: str | None = None
    source: str = ""

    def info(self) -> BoardInfo:
        return BoardInfo(
            name=self.name,
            description=self.description,
            leds=tuple(led.name for led in self.leds),
            ports=tuple(port.name for port in self.ports),
            extra={"kind": self.kind, "modem_discovery": self.modems.discovery,
                   "modems_expected": self.modems.expected},
        )

    def led(self, name: str) -> LedSpec:
        for led in self.leds:
            if led.name == name:
                return led
        raise KeyError(f"board {self.name} has no LED {name!r}")


def board_names(directory: Path = BOARDS_DIR) -> list[str]:
    """The names of the shipped board files, sorted."""
    return sorted(p.stem for p in Path(directory).glob("*.json"))


def read_spec(name: str, directory: Path = BOARDS_DIR) -> BoardSpec:
    """Read and check the board file `<directory>/<name>.json`; BadBoard if missing or invalid."""
    path = Path(directory) / f"{name}.json"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name or "") or not path.is_file():
        known = ", ".join(board_names(directory)) or "none"
        raise BadBoard(f"no board named {name!r} (known boards: {known})")
    return read_spec_file(path, expect_name=name)


def read_spec_file(path: Path, expect_name: str | None = None) -> BoardSpec:
    """Read and check one board file; BadBoard naming every problem found."""
    label = expect_name or Path(path).stem
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadBoard(f"board {label!r} ({path}): cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise BadBoard(f"board {label!r} ({path}): not valid JSON: {exc}") from exc
    return parse_spec(data, label, str(path))


def parse_spec(data: Any, name: str, source: str = "<memory>") -> BoardSpec:
    """Check a decoded board description; BadBoard naming every problem found."""
    check = _Checker()
    if not isinstance(data, dict):
        check.fail("", "the file must hold one JSON object")
        check.raise_if_any(name, source)
    check.unknown_keys("", data, _TOP_KEYS)
    if data.get("name") != name:
        check.fail("name", f"must be {name!r} (the file's name), not {data.get('name')!r}")
    description = check.text("description", data.get("description"))
    kind = data.get("kind")
    if kind not in KINDS:
        check.fail("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
    leds = _leds(check, data.get("leds"), kind)
    ports = _ports(check, data.get("ports", []), kind)
    modems = _modems(check, data.get("modems", {"discovery": "none"}), kind)
    watchdog = data.get("watchdog")
    if watchdog is not None and not (isinstance(watchdog, str) and watchdog.startswith("/")):
        check.fail("watchdog", "must be an absolute device path like /dev/watchdog")
    check.raise_if_any(name, source)
    return BoardSpec(name=name, description=description, kind=kind, leds=leds, ports=ports,
                     modems=modems, watchdog=watchdog, source=source)


class _Checker:
    """Collects (field, problem) pairs so one read reports every mistake."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}" if where else what)

    def text(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty string")
            return ""
        return value

    def unknown_keys(self, where: str, obj: dict, allowed: set[str]) -> None:
        for key in sorted(set(obj) - allowed):
            self.fail(f"{where}.{key}" if where else key,
                      f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def raise_if_any(self, name: str, source: str) -> None:
        if self.problems:
            raise BadBoard(f"board {name!r} ({source}): " + "; ".join(self.problems))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unique(check: _Checker, where: str, values: list, what: str) -> None:
    seen: set = set()
    for value in values:
        if value is not None and value in seen:
            check.fail(where, f"{what} {value!r} appears twice")
        seen.add(value)


def _leds(check: _Checker, raw: Any, kind: Any) -> tuple[LedSpec, ...]:
    if not isinstance(raw, list):
        check.fail("leds", "must be a list of {\"name\", \"color\", \"pin\"} objects")
        return ()
    leds = []
    for i, item in enumerate(raw):
        where = f"leds[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "must be an object")
            continue
        check.unknown_keys(where, item, {"name", "color", "pin", "active_low"})
        name = item.get("name")
        if not isinstance(name, str) or not _LED_NAME.match(name):
            check.fail(f"{where}.name", "must be a name like PWR or LINE-gsm0")
        pin = item.get("pin")
        if kind == "pi" and not (_is_int(pin) and 0 <= pin <= 27):
            check.fail(f"{where}.pin", f"{pin!r} is not a BCM GPIO 0..27")
        if kind == "sim" and pin is not None:
            check.fail(f"{where}.pin", "a simulated board has no GPIO pins")
        if not isinstance(item.get("active_low", False), bool):
            check.fail(f"{where}.active_low", "must be true or false")
        leds.append(LedSpec(str(name), str(item.get("color", "")), pin,
                            bool(item.get("active_low", False))))
    _unique(check, "leds", [led.name for led in leds], "LED name")
    _unique(check, "leds", [led.pin for led in leds], "pin")
    return tuple(leds)


def _ports(check: _Checker, raw: Any, kind: Any) -> tuple[PortSpec, ...]:
    if not isinstance(raw, list):
        check.fail("ports", "must be a list of {\"name\", \"kind\"} objects")
        return ()
    ports = []
    for i, item in enumerate(raw):
        where = f"ports[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "must be an object")
            continue
        check.unknown_keys(where, item, {"name", "kind", "driver", "device"})
        name, port_kind = item.get("name"), item.get("kind")
        match = _PORT_NAME.match(name) if isinstance(name, str) else None
        if not match:
            check.fail(f"{where}.name", f"{name!r} is not a port name like fxs0 or fxo1")
        elif port_kind != match.group(1):
            check.fail(f"{where}.kind", f"must be {match.group(1)!r} for port {name}")
        driver = item.get("driver", "sim" if kind == "sim" else "v253")
        device = item.get("device")
        _port_driver(check, where, kind, port_kind, driver, device)
        ports.append(PortSpec(str(name), str(port_kind), str(driver), device))
    _unique(check, "ports", [p.name for p in ports], "port name")
    _unique(check, "ports", [p.device for p in ports], "device")
    return tuple(ports)


def _port_driver(check: _Checker, where: str, kind: Any, port_kind: Any, driver: Any,
                 device: Any) -> None:
    allowed = PORT_DRIVERS.get(kind, ())
    if driver not in allowed:
        check.fail(f"{where}.driver", f"must be one of {', '.join(allowed) or '?'} "
                                      f"on a {kind} board, not {driver!r}")
        return
    if driver == "v253" and port_kind != "fxo":
        check.fail(f"{where}.driver", "a V.253 voice modem is an FXO port only "
                                      "(analog desk phones on a Pi come through a SIP ATA)")
    if kind == "pi" and not (isinstance(device, str)
                             and (device.startswith("/") or _SERIAL_URL.match(device))):
        check.fail(f"{where}.device", "must be the voice modem's serial device, like "
                                      "/dev/switchboard-fxo0 (or a pyserial URL like "
                                      "spy:///dev/ttyACM0?file=/tmp/modem.log)")
    if kind == "sim" and device is not None:
        check.fail(f"{where}.device", "a simulated board's ports are found in the "
                                      "emulator's run directory")


def _modems(check: _Checker, raw: Any, kind: Any) -> ModemSpec:
    if not isinstance(raw, dict):
        check.fail("modems", "must be an object like {\"discovery\": \"udev\", \"glob\": ...}")
        return ModemSpec()
    check.unknown_keys("modems", raw, {"discovery", "glob", "profile", "devices", "expected"})
    discovery = raw.get("discovery")
    allowed = {"sim": ("rundir", "none"), "pi": ("udev", "devices", "none")}.get(kind, ())
    if discovery not in allowed:
        check.fail("modems.discovery", f"must be one of {', '.join(allowed) or '?'} "
                                       f"for a {kind} board, not {discovery!r}")
    pattern = raw.get("glob")
    if discovery == "udev" and not (isinstance(pattern, str) and pattern.startswith("/")):
        check.fail("modems.glob", "must be an absolute path pattern like /dev/modem/by-imei/*")
    profile = raw.get("profile", DEFAULT_PROFILE)
    check.text("modems.profile", profile)
    expected = raw.get("expected")
    if expected is not None and not (_is_int(expected) and expected >= 0):
        check.fail("modems.expected", "must be a whole number")
    devices = _devices(check, raw.get("devices", []), discovery)
    return ModemSpec(str(discovery), pattern, str(profile), devices, expected)


def _devices(check: _Checker, raw: Any, discovery: Any) -> tuple[ModemDevice, ...]:
    if discovery != "devices":
        if raw:
            check.fail("modems.devices", "only used with \"discovery\": \"devices\"")
        return ()
    if not isinstance(raw, list) or not raw:
        check.fail("modems.devices", "must list at least one {\"id\", \"at\"} object")
        return ()
    devices = []
    for i, item in enumerate(raw):
        where = f"modems.devices[{i}]"
        if not isinstance(item, dict):
            check.fail(where, "must be an object")
            continue
        check.unknown_keys(where, item, {"id", "at", "audio", "profile"})
        check.text(f"{where}.id", item.get("id"))
        for key in ("at", "audio"):
            value = item.get(key)
            if (key == "at" or value is not None) and not (
                    isinstance(value, str) and value.startswith("/")):
                check.fail(f"{where}.{key}", "must be an absolute device path")
        devices.append(ModemDevice(str(item.get("id")), str(item.get("at")), item.get("audio"),
                                   str(item.get("profile", DEFAULT_PROFILE))))
    _unique(check, "modems.devices", [d.id for d in devices], "modem id")
    return tuple(devices)
