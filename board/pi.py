"""The Raspberry Pi boards: GPIO LEDs, a USB voice modem as FXO port, USB GSM modems, watchdog.

`pi-usbmodem` and `pi-gsm` (board/boards/*.json) are driven here:

- LEDs: BCM GPIO output pins from the board file, through RPi.GPIO (on a Pi 5
  the `rpi-lgpio` drop-in provides the same module). RPi.GPIO is imported only
  when the board opens, so this module imports on any machine.
- Analog ports: the FXO port is a USB voice modem (board/v253.py) at the board
  file's device (a udev symlink, docs/analog.md). A modem that is unplugged
  does not stop the board: its port is out of service, saying why, and opens
  the device when it appears. There is no FXS driver on a Pi: analog desk phones
  come through a SIP ATA (docs/analog.md, "Analog lines on a Raspberry Pi").
- Modems: one directory per modem under the board file's glob, made by udev
  rules keyed on the IMEI (`/dev/modem/by-imei/<imei>/{at,audio}`), or the
  board file's fixed device list.
- Watchdog: `/dev/watchdog`, kicked by `watchdog_kick()`; a clean close writes
  the magic 'V' so a deliberate stop does not reboot the box.

Opening the GPIO is all or nothing: if it fails, BoardUnavailable says why. A
missing watchdog device only warns; a missing voice modem is the port's status.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from board.base import BoardUnavailable, ModemPorts
from board.boardfile import BoardSpec, LedSpec
from board.ledengine import LedEngine
from board.modems import fixed_modems, scan_modem_dirs
from board.v253 import V253Port

log = logging.getLogger(__name__)

_FROM_FILE: Any = object()


class GpioLeds:
    """The LED engine's writer on a Pi: one BCM output pin per LED (RPi.GPIO)."""

    def __init__(self, leds: tuple[LedSpec, ...]):
        self._leds = {led.name: led for led in leds}
        self._gpio: Any = None

    def open(self) -> None:
        try:
            gpio = importlib.import_module("RPi.GPIO")
        except (ImportError, RuntimeError) as exc:  # RuntimeError: not a Pi, or a Pi 5
            raise BoardUnavailable(
                f"GPIO LEDs need RPi.GPIO ({exc}); on a Raspberry Pi 5 install rpi-lgpio") from exc
        gpio.setwarnings(False)
        gpio.setmode(gpio.BCM)
        for led in self._leds.values():
            gpio.setup(led.pin, gpio.OUT, initial=self._level(gpio, led, False))
        self._gpio = gpio

    def write(self, name: str, on: bool, t: float) -> None:
        if self._gpio is None:
            return
        led = self._leds[name]
        self._gpio.output(led.pin, self._level(self._gpio, led, on))

    def close(self) -> None:
        if self._gpio is not None:
            self._gpio.cleanup([led.pin for led in self._leds.values()])
            self._gpio = None

    @staticmethod
    def _level(gpio: Any, led: LedSpec, on: bool) -> Any:
        return gpio.HIGH if on != led.active_low else gpio.LOW


class Watchdog:
    """The hardware watchdog device: opened once, kicked by a write, closed with 'V'."""

    def __init__(self, path: str | None):
        self.path = path
        self._fd: int | None = None

    def open(self) -> None:
        if self.path is None:
            return
        try:
            self._fd = os.open(self.path, os.O_WRONLY)
        except OSError as exc:
            log.warning("watchdog %s not available (%s): the box runs without it", self.path, exc)

    def kick(self) -> None:
        if self._fd is not None:
            os.write(self._fd, b"\0")

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.write(self._fd, b"V")  # magic close: a deliberate stop does not reboot
            finally:
                os.close(self._fd)
                self._fd = None

    @property
    def active(self) -> bool:
        return self._fd is not None


class PiBoard:
    """A Raspberry Pi board described by a `pi` board file. Options: watchdog, modem_glob."""

    def __init__(self, spec: BoardSpec, watchdog: str | None = _FROM_FILE,
                 modem_glob: str | None = None):
        self.spec = spec
        self.info = spec.info()
        self._gpio = GpioLeds(spec.leds)
        self.leds = LedEngine([led.name for led in spec.leds], self._gpio.write,
                              label=f"{spec.name}-leds")
        self._ports = [V253Port(p.name, str(p.device)) for p in spec.ports]
        self.watchdog = Watchdog(spec.watchdog if watchdog is _FROM_FILE else watchdog)
        self._modem_glob = modem_glob or spec.modems.glob

    def open(self) -> None:
        """GPIO, the watchdog, the voice modem ports; BoardUnavailable naming what failed."""
        try:
            self._gpio.open()
        except BoardUnavailable as exc:
            self.close()
            raise BoardUnavailable(f"board {self.info.name}: {exc}") from exc
        for port in self._ports:
            port.start()
        self.watchdog.open()
        self.leds.start()

    def close(self) -> None:
        self.leds.stop()
        for port in self._ports:
            port.stop()
        self._gpio.close()
        self.watchdog.close()

    def ports(self) -> list[V253Port]:
        return list(self._ports)

    def modems(self) -> list[ModemPorts]:
        if self.spec.modems.discovery == "devices":
            return fixed_modems(self.spec.modems.devices)
        if self.spec.modems.discovery == "udev" and self._modem_glob:
            return scan_modem_dirs(self._modem_glob, self.spec.modems.profile)
        return []

    def watchdog_kick(self) -> None:
        self.watchdog.kick()
