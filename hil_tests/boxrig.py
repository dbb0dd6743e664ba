"""The running box as tests see it: `switchboard run` in a subprocess.

`start_box(data_dir, board="sim")` starts the real entry point (`python -m
firmware.cli run`) exactly as the README's run command does underneath, waits
for "switchboard: ready", and returns a `BoxProcess`: its output lines (kept by
a reader thread, so a test can wait for a log line), an `EmulatorClient` for
the emulator it started (or was given), and `status()`/`switchboard()` to talk
to it through its public surfaces (control socket, CLI). `stop()` sends SIGTERM
and returns the exit code.

`status()` asks the control socket from the test's own process and `cli()` runs a
read-only `switchboard` command in it too: tests poll them many times a second, and a
new Python process per poll cost 0.3 s of CPU that the box under test then lacked
(the CLI's own process is tested in test_daemon; `switchboard()` still starts one).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from firmware import cli, paths
from firmware.control import control_request
from hil_tests.pstn.client import EmulatorClient
from hil_tests.pstn.testing import wait_for

REPO = Path(__file__).resolve().parent.parent
READY_LINE = "switchboard: ready"
START_TIMEOUT_S = 30.0
# False for tests marked `no_web_page` (conftest.py): their boxes run without the owner's
# web page (`--web ''`), whose process they never open and would wait for at every start
WEB_PAGE = True
STATUS_GAP_S = 0.02


class BoxProcess:
    def __init__(self, proc: subprocess.Popen, data: Path):
        self.proc = proc
        self.data = data
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.emulator: EmulatorClient | None = None
        self._web_url: str | None = None  # the owner's web page, once ready
        self.web_page = True  # False: started without it (`--web ''`, no_web_page)
        self._status_at = 0.0  # when status() last asked (monotonic)

    def _read(self) -> None:
        for raw in self.proc.stdout:
            with self._lock:
                self.lines.append(raw.rstrip("\n"))

    @property
    def web_url(self) -> str | None:
        """The owner's web page (None if it is not up)."""
        assert self.web_page, "this box runs without its web page: the test is marked " \
                              "no_web_page (conftest.py)"
        return self._web_url

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

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """A read-only `switchboard` command against this box's data dir, in this process."""
        return run_cli(self.data, *args)

    def status(self) -> dict:
        """What `switchboard status` prints: the box's answer to "status" on its socket.
        Asked at most every STATUS_GAP_S, so a test polling it in a tight loop does not
        keep the box's event loop busy."""
        wait = self._status_at + STATUS_GAP_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._status_at = time.monotonic()
        return control_request(paths.control_socket(self.data), "status", {})

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


def run_cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    """`switchboard ARGS --data DATA` run in this process (`firmware.cli.main`, the
    command's own code, without a new interpreter): its exit code and output."""
    argv = [*args, "--data", str(data)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse refusing the arguments
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["switchboard", *argv], code, out.getvalue(),
                                       err.getvalue())


def start_box(data: Path, board: str = "sim", *extra: str, env: dict | None = None,
              emulator_rundir: Path | None = None, wait_ready: bool = True) -> BoxProcess:
    """Start `switchboard run --board BOARD --data DATA` and wait until it is ready."""
    cmd = [sys.executable, "-u", "-m", "firmware.cli", "run", "--board", board,
           "--data", str(data), "--log-level", "INFO", *extra]
    if "--web" not in extra:  # any free port: boxes of parallel tests must not collide
        cmd += ["--web", "127.0.0.1:0" if WEB_PAGE else ""]
    if emulator_rundir is not None:
        cmd += ["--emulator-rundir", str(emulator_rundir)]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1,
                            start_new_session=True)
    box = BoxProcess(proc, data)
    box.web_page = bool(cmd[cmd.index("--web") + 1])
    try:
        if board.startswith("sim"):
            url = box.wait_output(r"PSTN emulator control: (http://\S+)", START_TIMEOUT_S)[1]
            box.emulator = EmulatorClient(url)
        if wait_ready:
            box.wait_output(re.escape(READY_LINE), START_TIMEOUT_S)
            web = re.search(r"owner's web page: (http://\S+)", box.output())
            box._web_url = web[1] if web else None
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
