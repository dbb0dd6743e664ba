"""Starting the PSTN emulator next to the box when it runs on a simulated board.

Only for `switchboard run --board sim*` from a checkout: the emulator lives in
hil_tests/pstn and is the world outside the box (telco, mobiles, desk phones).
It runs as its own process, exactly as in the hardware-in-the-loop tests; the
box reaches it only through its run directory (docs/sim-link.md).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from firmware.errors import SwitchboardError

log = logging.getLogger(__name__)


class EmulatorError(SwitchboardError, RuntimeError):
    pass


@dataclass
class World:
    rundir: Path
    control_url: str
    process: subprocess.Popen | None = None

    def stop(self, timeout: float = 5.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


def read_world(rundir: Path) -> World:
    """An emulator someone else started, found through its emulator.json."""
    info = _read_info(Path(rundir))
    if info is None:
        raise EmulatorError(f"no PSTN emulator is running in {rundir} (emulator.json missing)")
    return World(Path(rundir), info["control_url"])


def start_world(rundir: Path, shape: str, port: int = 0, timeout: float = 15.0) -> World:
    """Start the emulator in `rundir` and wait until it has written emulator.json."""
    rundir = Path(rundir)
    rundir.mkdir(parents=True, exist_ok=True)
    (rundir / "emulator.json").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "hil_tests.pstn", "--rundir", str(rundir),
           "--port", str(port), "--shape", shape]
    log_path = rundir.parent / "pstn.log"
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                cwd=Path(__file__).resolve().parent.parent,
                                start_new_session=True, env=os.environ.copy(),
                                preexec_fn=_die_with_parent)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = _read_info(rundir)
        if info is not None and info.get("pid") == proc.pid:
            return World(rundir, info["control_url"], proc)
        if proc.poll() is not None:
            raise EmulatorError(f"PSTN emulator exited with {proc.returncode}; see {log_path}")
        time.sleep(0.05)
    proc.kill()
    raise EmulatorError(f"PSTN emulator did not come up within {timeout:.0f} s; see {log_path}")


def _die_with_parent() -> None:
    """In the emulator's child, before exec: SIGTERM it when the box dies, even by
    kill -9, so a crashed box never leaves an orphan world holding the run dir."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _read_info(rundir: Path) -> dict | None:
    try:
        return json.loads((rundir / "emulator.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
