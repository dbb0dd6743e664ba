"""Start the PSTN emulator as a separate process, as the box's tests do.

`start_emulator(rundir)` runs `python -m hil_tests.pstn` with the same Python,
waits until RUNDIR/emulator.json names the new process, and returns an
`EmulatorProcess` (`.url`, `.rundir`, `.client`, `.stop()`; also a context
manager). The child's stdout and stderr go to RUNDIR/emulator.out and
RUNDIR/emulator.err; a child that dies while starting raises EmulatorStartError
quoting the end of emulator.err.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hil_tests.pstn.client import EmulatorClient

REPO_ROOT = Path(__file__).resolve().parents[2]


class EmulatorStartError(RuntimeError):
    """The emulator process did not come up; the message quotes its stderr."""


class EmulatorProcess:
    """A running emulator child process."""

    def __init__(self, proc: subprocess.Popen, rundir: Path, info: dict):
        self.proc, self.rundir, self.info = proc, rundir, info
        self.url: str = info["control_url"]
        self.client = EmulatorClient(self.url)

    @property
    def modems(self) -> list[str]:
        return list(self.info["modems"])

    def modem_dir(self, index: int = 0) -> Path:
        return self.rundir / "modems" / self.info["modems"][index]

    def stop(self, timeout: float = 5.0) -> int:
        """SIGTERM, wait (then SIGKILL); the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        return self.proc.returncode

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_emulator(rundir: str | Path, shape: str = "sim", port: int = 0,
                   timeout: float = 15.0, **timings: float) -> EmulatorProcess:
    """Start `python -m hil_tests.pstn` for `rundir`; timings as in --latency-s etc."""
    rundir = Path(rundir).resolve()
    rundir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "hil_tests.pstn", "--rundir", str(rundir),
           "--port", str(port), "--shape", shape]
    for name, value in timings.items():
        cmd += ["--" + name.replace("_", "-"), str(value)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    with open(rundir / "emulator.out", "wb") as out, open(rundir / "emulator.err", "wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=REPO_ROOT, env=env)
    try:
        info = _wait_ready(proc, rundir, timeout)
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    return EmulatorProcess(proc, rundir, info)


def _wait_ready(proc: subprocess.Popen, rundir: Path, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    path = rundir / "emulator.json"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EmulatorStartError(f"emulator exited with {proc.returncode}: {_tail(rundir)}")
        try:
            info = json.loads(path.read_text())
            if info.get("pid") == proc.pid:
                return info
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    raise EmulatorStartError(f"emulator not ready within {timeout} s: {_tail(rundir)}")


def _tail(rundir: Path) -> str:
    try:
        return (rundir / "emulator.err").read_text(errors="replace")[-2000:]
    except OSError:
        return "(no emulator.err)"
