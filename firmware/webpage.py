"""The owner's web page as a process beside the box (web_ui/server.py main).

The box does not import web_ui: it starts `python -m web_ui.server` and reads its
first line. "owner's web page: URL" means the page is up; "owner's web page cannot
start: WHY" (a taken port, an address not on this machine) means it is not.

A page that cannot start does not stop the box: calls are still answered. The box says
so loudly (`NO_PAGE_LINE` on stdout, an error in the journal, the systemd status) and
never prints "switchboard: ready" while the page is down; it tries again every
`RETRY_S` (the port's holder may be an old page still closing, or a program the owner
stops), and once the page is up prints its URL and then "switchboard: ready".
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("switchboard")

WEB_PAGE_MODULE = "web_ui.server"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
RETRY_S = 10.0
UP = re.compile(rb"owner's web page: (\S+)")
CANNOT = re.compile(rb"owner's web page cannot start: (.+)")
NO_PAGE_LINE = "switchboard: NO WEB PAGE"


class WebPage:
    """The page's process: `start()` once, `keep_trying()` while it is down, `stop()`."""

    def __init__(self, listen: str, data: Path):
        self.listen, self.data = listen, data
        self.url: str | None = None
        self.problem = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._relay: asyncio.Task | None = None
        self._retry: asyncio.Task | None = None

    @property
    def wanted(self) -> bool:
        return bool(self.listen)

    async def start(self) -> bool:
        """Start the page's process; True once it listens (its URL printed)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", WEB_PAGE_MODULE, "--data", str(self.data),
            "--listen", self.listen, stdout=asyncio.subprocess.PIPE,
            preexec_fn=_die_with_parent)
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT_S)
        except TimeoutError:
            line = b""
        except asyncio.CancelledError:  # the box stops while the page starts
            await _end(proc)
            raise
        found = UP.match(line)
        if found is None:
            self.problem = _problem(line, self.listen)
            await _end(proc)
            return False
        self._proc, self.url, self.problem = proc, found[1].decode(), ""
        self._relay = asyncio.create_task(_relay(proc.stdout))
        print(f"owner's web page: {self.url}", flush=True)
        return True

    def announce_down(self) -> None:
        """Say loudly that the page is not up, why, and what the owner can do."""
        text = (f"{NO_PAGE_LINE}: {self.problem}. Calls are still answered, but the owner's "
                f"page is not up. Stop the program that holds the address (`ss -ltnp` names "
                f"it) or start the box with --web HOST:PORT on a free port; the box tries "
                f"again every {RETRY_S:g} s.")
        log.error("%s", text)
        print(text, flush=True)

    def keep_trying(self, when_up: Callable[[], None]) -> None:
        """Retry every RETRY_S until the page starts; then call `when_up`."""
        self._retry = asyncio.create_task(self._retry_loop(when_up))

    async def _retry_loop(self, when_up: Callable[[], None]) -> None:
        while True:
            await asyncio.sleep(RETRY_S)
            if await self.start():
                when_up()
                return
            log.warning("owner's web page still not up: %s", self.problem)

    async def stop(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
        if self._proc is not None:
            await _end(self._proc)
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay


def _problem(line: bytes, listen: str) -> str:
    found = CANNOT.match(line)
    if found:
        return found[1].decode(errors="replace").strip()
    said = line.decode(errors="replace").strip()
    return f"the page's process did not start on {listen}" + (f" (it said {said!r})"
                                                             if said else "")


async def _end(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("owner's web page did not stop in %g s; killing it", STOP_TIMEOUT_S)
            proc.kill()
            await proc.wait()


async def _relay(stream: asyncio.StreamReader) -> None:
    while line := await stream.readline():
        sys.stdout.write(line.decode(errors="replace"))
        sys.stdout.flush()


def _die_with_parent() -> None:
    """In the web page's process: the kernel sends it SIGTERM when the box dies (kill -9)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
