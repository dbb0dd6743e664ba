"""The Raspberry Pi image recipe (image/), checked without building it.

Building needs Docker and an arm64 root; these checks catch what breaks a build
or a booted box long before that: a script that does not parse, a stage pi-gen
would skip, a pjproject limit left at its default, a unit file or udev rule that
drifted from what the firmware expects.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from board.boardfile import read_spec

REPO = Path(__file__).resolve().parent.parent
IMAGE = REPO / "image"
STAGE = IMAGE / "stage-pbx"
SCRIPTS = sorted([IMAGE / "build.sh", *STAGE.rglob("*.sh")])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(IMAGE)))
def test_every_script_parses_and_is_executable(script):
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert script.stat().st_mode & 0o111, f"{script} is not executable (pi-gen skips it)"


def test_the_stage_is_one_pi_gen_runs_and_exports():
    assert (STAGE / "prerun.sh").read_text().count("copy_previous") == 1
    assert (STAGE / "EXPORT_IMAGE").is_file()
    config = (IMAGE / "config").read_text()
    assert re.search(r'^STAGE_LIST="stage0 stage1 stage2 stage-pbx"$', config, re.M)
    assert not re.search(r"^FIRST_USER_PASS=", config, re.M), "no default passwords"
    assert re.search(r"^ENABLE_SSH=0$", config, re.M)
    for sub in sorted(p for p in STAGE.iterdir() if p.is_dir()):
        names = [p.name for p in sub.iterdir() if p.name != "files"]
        assert all(re.match(r"^\d\d-(packages(-nr)?|run\.sh|run-chroot\.sh|debconf)$", n)
                   for n in names), f"{sub.name}: pi-gen ignores some of {names}"


def test_config_site_lifts_the_limits_the_pip_wheel_has():
    text = (IMAGE / "pjproject/config_site.h").read_text()
    defined = dict(re.findall(r"^#define\s+(\w+)\s+(.+?)\s*$", text, re.M))
    assert int(defined["PJSUA_MAX_CALLS"]) >= 100  # the wheel: 4 (DESIGN.md)
    assert int(defined["PJ_IOQUEUE_MAX_HANDLES"]) >= 4 * int(defined["PJSUA_MAX_CALLS"])
    assert int(defined["PJSUA_MAX_PLAYERS"]) >= 32 and int(defined["PJSUA_MAX_RECORDERS"]) >= 32
    build = (STAGE / "01-pjsua2/01-run-chroot.sh").read_text()
    assert "--enable-epoll" in build and "config_site.h" in build


def test_pjproject_source_is_the_release_the_pinned_wheel_is_built_from():
    source = dict(line.split("=", 1) for line in (IMAGE / "pjproject/SOURCE").read_text()
                  .splitlines() if line and not line.startswith("#"))
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    wheel = next(d for d in deps if d.startswith("pjsua2-python=="))
    assert wheel.split("==")[1].split(";")[0].strip().startswith(source["version"])
    assert source["version"] in source["url"]
    assert re.fullmatch(r"|[0-9a-f]{64}", source["sha256"])


def test_the_stage_installs_the_units_and_helpers_the_firmware_ships():
    build = (IMAGE / "build.sh").read_text()
    assert "systemd/switchboard.service" in build
    unit = (REPO / "systemd/switchboard.service").read_text()
    assert "ExecStart=/usr/bin/switchboard run --board-file /etc/switchboard/board" in unit
    app = (STAGE / "02-app/01-run-chroot.sh").read_text()
    assert "/usr/bin/switchboard-modem-id" in app and "systemctl enable switchboard" in app
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["switchboard-modem-id"] == "board.modem_id:main"


def test_udev_links_are_where_the_pi_gsm_board_looks():
    rules = (STAGE / "02-app/files/65-switchboard-modem.rules").read_text()
    assert 'IMPORT{program}="/usr/bin/switchboard-modem-id $devnode"' in rules
    assert 'ENV{ID_MM_DEVICE_IGNORE}="1"' in rules
    link = re.search(r'SYMLINK\+="([^"]+)"', rules).group(1)
    assert link == "modem/by-imei/$env{ID_SWITCHBOARD_IMEI}/$env{ID_SWITCHBOARD_ROLE}"
    assert read_spec("pi-gsm").modems.glob == "/dev/modem/by-imei/*"  # what the board scans


def test_the_voice_modem_rule_links_where_the_pi_usbmodem_board_opens():
    rules = (STAGE / "02-app/files/66-switchboard-voice-modem.rules").read_text()
    assert 'ENV{ID_MM_DEVICE_IGNORE}="1"' in rules and 'KERNEL!="ttyACM[0-9]*"' in rules
    link = re.search(r'SYMLINK\+="([^"]+)"', rules).group(1)
    (port,) = read_spec("pi-usbmodem").ports
    assert port.device == "/dev/" + link
    run = (STAGE / "02-app/00-run.sh").read_text()
    assert "files/66-switchboard-voice-modem.rules" in run
    assert "${SWITCHBOARD_BOARD:-pi-usbmodem}" in run
    packages = (STAGE / "00-deps/00-packages").read_text().split()
    assert not [p for p in packages if p.startswith("dahdi")]  # no DAHDI: docs/analog.md
