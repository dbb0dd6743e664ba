"""The running box as tests see it: `switchboard run` in a subprocess.

`start_box(data_dir, board="sim")` starts the real entry point (`python -m
firmware.cli run`) exactly as the README's run command does underneath, waits
for "switchboard: ready", and returns a `BoxProcess`: its output lines (kept by
a reader thread, so a test can wait for a log line), an `EmulatorClient` for
the emulator it started (or was given), and `status()`/`switchboard()` to talk
to it through its public surfaces (control socket, CLI). `stop()` sends SIGTERM
and returns the exit code.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from hil_tests.pstn.client import EmulatorClient
from hil_tests.pstn.testing import wait_for

REPO = Path(__file__).resolve().parent.parent
READY_LINE = "switchboard: ready"
START_TIMEOUT_S = 30.0


class BoxProcess:
    def __init__(self, proc: subprocess.Popen, data: Path):
        self.proc = proc
        self.data = data
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.emulator: EmulatorClient | None = None
        self.web_url: str | None = None  # the owner's web page, once ready

    def _read(self) -> None:
        for raw in self.proc.stdout:
            with self._lock:
                self.lines.append(raw.rstrip("\n"))

    def output(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def wait_output(self, pattern: str, timeout: float = 10.0) -> re.Match:
        """The first output line matching the regex `pattern`; fails on timeout or exit."""
        rx = re.compile(pattern)

        def found():
            with self._lock:
                for line in self.lines:
                    m = rx.search(line)
                    if m:
                        return m
            if self.proc.poll() is not None:
                self._reader.join(2)
                raise AssertionError(f"box exited ({self.proc.returncode}) before "
                                     f"{pattern!r}:\n{self.output()}")
            return None

        return wait_for(found, timeout, what=f"box output {pattern!r}")

    def switchboard(self, *args: str, stdin: str | None = None,
                    timeout: float = 30.0) -> subprocess.CompletedProcess:
        """Run the `switchboard` CLI against this box's data dir."""
        cmd = [sys.executable, "-m", "firmware.cli", *args, "--data", str(self.data)]
        return subprocess.run(cmd, cwd=REPO, input=stdin, capture_output=True, text=True,
                              timeout=timeout)

    def status(self) -> dict:
        done = self.switchboard("status")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self._reader.join(2)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def start_box(data: Path, board: str = "sim", *extra: str, env: dict | None = None,
              emulator_rundir: Path | None = None, wait_ready: bool = True) -> BoxProcess:
    """Start `switchboard run --board BOARD --data DATA` and wait until it is ready."""
    cmd = [sys.executable, "-u", "-m", "firmware.cli", "run", "--board", board,
           "--data", str(data), "--log-level", "INFO", *extra]
    if "--web" not in extra:  # any free port: boxes of parallel tests must not collide
        cmd += ["--web", "127.0.0.1:0"]
    if emulator_rundir is not None:
        cmd += ["--emulator-rundir", str(emulator_rundir)]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1,
                            start_new_session=True)
    box = BoxProcess(proc, data)
    try:
        if board.startswith("sim"):
            url = box.wait_output(r"PSTN emulator control: (http://\S+)", START_TIMEOUT_S)[1]
            box.emulator = EmulatorClient(url)
        if wait_ready:
            box.wait_output(re.escape(READY_LINE), START_TIMEOUT_S)
            web = re.search(r"owner's web page: (http://\S+)", box.output())
            box.web_url = web[1] if web else None
    except BaseException:
        box.kill()
        raise
    return box


def gsm_ready(box: BoxProcess, line: str = "gsm0") -> dict | None:
    """The box's status once `line` is registered and ready, else None."""
    status = box.status()
    gsm = status["gsm"].get(line)
    return status if gsm and gsm["state"] == "ready" else None


def wait_gsm_state(box: BoxProcess, state: str, line: str = "gsm0",
                   timeout: float = 20.0) -> dict:
    def reached() -> dict | None:
        gsm = box.status()["gsm"].get(line)
        return gsm if gsm and gsm["state"] == state else None

    return wait_for(reached, timeout, interval=0.2, what=f"{line} {state}")
