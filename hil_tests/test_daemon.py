"""`switchboard run` as a whole process: start, systemd, status, config, faults, stop.

Each test starts the real entry point on a simulated board (the daemon starts
its own PSTN emulator, as the README's run command does) and checks it only
through its public surfaces: stdout, the control socket and CLI, the
emulator's control API, a fake systemd notify socket, and signals.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from hil_tests.boxrig import REPO, start_box, wait_gsm_state
from hil_tests.pstn.testing import wait_for

EXAMPLE = REPO / "docs" / "example-config.json"


@pytest.fixture
def notify_socket(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify.sock"
    sock.bind(str(path))
    sock.settimeout(0.2)
    yield sock, path
    sock.close()


def _datagrams(sock: socket.socket, seen: list[str]) -> list[str]:
    try:
        while True:
            seen.append(sock.recv(4096).decode())
    except (TimeoutError, BlockingIOError):
        pass
    return seen


def test_box_runs_under_systemd_reports_status_and_stops_cleanly(tmp_path, notify_socket, boxes):
    sock, path = notify_socket
    env = {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "2000000"}  # ping every second
    box = start_box(tmp_path / "data", "sim", env=env)
    boxes.append(box)

    seen: list[str] = []
    wait_for(lambda: any(m.startswith("READY=1") for m in _datagrams(sock, seen)), 10,
             what="READY=1")
    wait_for(lambda: _datagrams(sock, seen).count("WATCHDOG=1") >= 2, 10,
             what="two watchdog pings")

    gsm = wait_gsm_state(box, "ready")
    assert gsm["sim"] == "ready" and gsm["registration"] == 1 and gsm["csq"] == 20
    status = box.status()
    assert status["board"] == "sim" and status["system"] == "ready"
    assert status["ports"] == {f"fxs{i}": "idle" for i in range(4)}
    assert status["leds"]["PWR"] == "solid" and status["leds"]["SYS"] == "solid"
    box.wait_output(r"gsm0: registered \(home\), signal 20/31")  # plain words in the log

    leds = box.emulator.leds()["leds"]
    assert leds["PWR"]["on"] and leds["SYS"]["on"]

    emulator_pid = json.loads((tmp_path / "data/run/pstn/emulator.json").read_text())["pid"]
    assert box.stop() == 0
    assert any(m.startswith("STOPPING=1") for m in _datagrams(sock, seen))
    assert not (tmp_path / "data" / "run" / "control.sock").exists()
    wait_for(lambda: not _alive(emulator_pid), 10, what="emulator stopped with the box")


def test_two_modem_board_brings_up_both_lines(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim-2gsm")
    boxes.append(box)
    wait_gsm_state(box, "ready", "gsm0")
    wait_gsm_state(box, "ready", "gsm1")
    assert len(box.emulator.modems()) == 2
    assert box.stop() == 0


def test_config_import_goes_through_the_running_box(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim")
    boxes.append(box)

    done = box.switchboard("config", "import", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    exported = json.loads(box.switchboard("config", "export").stdout)
    assert exported["ring_groups"][0]["name"] == "sales"
    box.wait_output(r"configuration changed")  # the box itself took it

    bad = json.loads(EXAMPLE.read_text())
    bad["forward_chain"] = ["zhang"]  # shorter than the 4 the feature needs
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    refused = box.switchboard("config", "import", str(bad_file))
    assert refused.returncode != 0
    assert "forward_chain" in refused.stderr
    assert json.loads(box.switchboard("config", "export").stdout) == exported
    assert box.stop() == 0


def test_unplugged_modem_is_reported_out_of_service_and_back(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim")
    boxes.append(box)
    wait_gsm_state(box, "ready")
    modem = box.emulator.modems()[0]["id"]

    box.emulator.modem_fault(modem, "unplug")
    gsm = wait_gsm_state(box, "out_of_service")
    assert gsm["reason"]
    wait_for(lambda: box.status()["leds"]["ERR"] == "3 flashes every 4000 ms", 10,
             what="ERR shows fault code 3 (modem lost)")

    box.emulator.modem_fault(modem, "replug")
    wait_gsm_state(box, "ready", timeout=30)
    wait_for(lambda: box.status()["leds"]["ERR"] == "off", 10, what="ERR dark again")
    box.wait_output(r"gsm0: out of service")
    assert box.stop() == 0


def test_desk_phone_hook_is_logged_and_lit(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim")
    boxes.append(box)
    box.emulator.phone_hook("fxs1", "off")
    box.wait_output(r"fxs1: off hook")
    wait_for(lambda: box.status()["ports"]["fxs1"] == "in_use", 10, what="fxs1 in use")
    wait_for(lambda: box.emulator.leds()["leds"]["LINE-fxs1"]["on"], 10, what="LINE-fxs1 lit")
    box.emulator.phone_hook("fxs1", "on")
    box.wait_output(r"fxs1: on hook")
    wait_for(lambda: box.status()["ports"]["fxs1"] == "idle", 10, what="fxs1 idle")
    assert box.stop() == 0


def test_sigint_also_stops_cleanly(tmp_path, boxes):
    import signal

    box = start_box(tmp_path / "data", "sim")
    boxes.append(box)
    box.proc.send_signal(signal.SIGINT)
    assert box.proc.wait(20) == 0


@pytest.mark.parametrize("args, message", [
    ([], "say which board"),
    (["--board", "nosuchboard"], "nosuchboard"),
])
def test_bad_board_is_refused_with_a_reason(tmp_path, args, message):
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "run", *args,
                           "--data", str(tmp_path)], cwd=REPO, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr


def test_corrupt_config_stops_the_start_before_the_board_moves(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.json").write_text("{ not json")
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "run", "--board", "sim",
                           "--data", str(data)], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "config" in done.stderr.lower()


def test_status_without_a_running_box_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "status", "--data",
                           str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "running" in done.stderr.lower() or "no box" in done.stderr.lower()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_of_the_box_takes_its_emulator_along(tmp_path, boxes):
    box = start_box(tmp_path / "data", "sim")
    boxes.append(box)
    emulator_pid = json.loads((tmp_path / "data/run/pstn/emulator.json").read_text())["pid"]
    box.kill()
    wait_for(lambda: not _alive(emulator_pid), 10, what="emulator gone after kill -9")
