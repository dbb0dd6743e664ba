"""Finding GSM modems: one directory per modem, or a fixed list of device paths.

Both the Pi and the simulated board publish a modem as a directory named by
its stable id (the IMEI) holding symlinks to its serial devices:

    /dev/modem/by-imei/<imei>/at     (udev rules on the Pi, HARDWARE.md 2.6)
    RUNDIR/modems/<imei>/at          (the PSTN emulator, docs/sim-link.md)
                         audio       optional: the PCM serial port
                         profile     optional text file: the AT dialect

The symlinks are resolved here, so the GSM driver opens the real device
(/dev/ttyUSB2, /dev/pts/7) and a replug that renumbers the ttys is seen on the
next scan. A directory whose `at` link is missing or dangling is a modem that is
not (or no longer) there, and is skipped.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from board.base import ModemPorts
from board.boardfile import ModemDevice

log = logging.getLogger(__name__)


def scan_modem_dirs(pattern: str, default_profile: str) -> list[ModemPorts]:
    """The modems present now under the directories matching `pattern`, by id."""
    found = []
    for path in sorted(glob.glob(pattern)):
        modem = modem_from_dir(Path(path), default_profile)
        if modem is not None:
            found.append(modem)
    return found


def modem_from_dir(path: Path, default_profile: str) -> ModemPorts | None:
    """One modem directory -> ModemPorts, or None if its AT device is not there."""
    at = _resolved(path / "at")
    if at is None:
        return None
    audio = _resolved(path / "audio")
    return ModemPorts(id=path.name, at_url=at, audio_url=audio,
                      profile=_profile(path / "profile", default_profile))


def fixed_modems(devices: Iterable[ModemDevice]) -> list[ModemPorts]:
    """The modems of an explicit list whose AT device exists now."""
    found = []
    for dev in devices:
        at = _resolved(Path(dev.at))
        if at is None:
            continue
        audio = _resolved(Path(dev.audio)) if dev.audio else None
        found.append(ModemPorts(id=dev.id, at_url=at, audio_url=audio, profile=dev.profile))
    return found


def _resolved(link: Path) -> str | None:
    """The real device behind `link`, or None when the link is missing or dangling."""
    real = os.path.realpath(link)
    return real if os.path.exists(real) else None


def _profile(path: Path, default: str) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return default
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("modem profile file %s unreadable (%s); using %s", path, exc, default)
        return default
    return text or default
