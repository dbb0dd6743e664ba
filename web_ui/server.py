"""The web page's HTTP server: waitress in threads, never wsgiref; and the page's process.

waitress reads and buffers each request in its I/O loop before a worker thread
runs the application, so a client that sends slowly (or not at all) holds no
worker; idle connections are dropped after `channel_timeout`. Workers reach the
box only through `firmware.service`.

Nothing a client sends reaches the disk: a request body larger than the page takes
(`MAX_BODY`) is answered 413 as soon as its Content-Length is read, a chunked one is
cut off at that size, and what waitress buffers (requests up to that size, answers
up to the high-water mark, at which a worker waits for the client to read) stays in
memory, where waitress would otherwise spill it to a temporary file (the SD card).
At most `CONNECTION_LIMIT` connections at once bound that memory.

`WebServer(app, "127.0.0.1:8080").start()` listens and serves in daemon threads;
`stop()` closes the listener and every connection and joins the thread. `main()`
runs the page as its own process beside the box, which is how the daemon starts it:
the box's audio threads then never wait for the web threads' interpreter lock, and
the kernel schedules the page (niced) after the box.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from web_ui.app import MAX_BODY
from web_ui.uploads import UploadChannel

log = logging.getLogger("switchboard.web")

# Python runs one thread at a time per process: more workers only queue for the lock.
# Two keep the page responsive (SQLite releases the lock while it queries).
THREADS = 2
WEB_NICE = 19  # the page yields the CPU to the box: its event loop, media and lines
CHANNEL_TIMEOUT_S = 30  # an idle or stalled connection is closed after this
CONNECTION_LIMIT = 100  # a few browsers and scripts; each may buffer up to MAX_BODY
OUTBUF_HIGH_WATERMARK = 1024 * 1024  # a worker waits while a client has this much unread
# Kept in memory (waitress spills larger buffers to temporary files): a body up to
# MAX_BODY, an answer up to the high-water mark plus its largest single write
# (a config backup, at most MAX_BODY).
INBUF_OVERFLOW = MAX_BODY + 64 * 1024
OUTBUF_OVERFLOW = OUTBUF_HIGH_WATERMARK + MAX_BODY + 64 * 1024


BUFFERS = {
    "max_request_body_size": MAX_BODY + 1,  # waitress refuses a body of this size or more
    "inbuf_overflow": INBUF_OVERFLOW,
    "outbuf_overflow": OUTBUF_OVERFLOW,
    "outbuf_high_watermark": OUTBUF_HIGH_WATERMARK,
}


class WebError(Exception):
    """The web server could not start (a bad address, the port is taken)."""


def parse_listen(text: str) -> tuple[str, int]:
    """"HOST:PORT" ("[::1]:8080" for IPv6); WebError says what is wrong."""
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if (not sep or not host or not (port.isascii() and port.isdigit())
            or not 0 <= int(port) <= 65535):
        raise WebError(f"--web {text!r}: expected HOST:PORT, like 127.0.0.1:8080")
    return host, int(port)


class WebServer:
    def __init__(self, app: Any, listen: str, *, threads: int = THREADS,
                 channel_timeout: int = CHANNEL_TIMEOUT_S):
        self.host, self.port = parse_listen(listen)
        self._app, self._threads, self._timeout = app, threads, channel_timeout
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        try:
            self._server = create_server(
                _niced(self._app), host=self.host, port=self.port, threads=self._threads,
                channel_timeout=self._timeout, connection_limit=CONNECTION_LIMIT,
                cleanup_interval=5, ident="switchboard", clear_untrusted_proxy_headers=True,
                expose_tracebacks=False, **BUFFERS)
        except OSError as exc:
            raise WebError(_listen_problem(self.host, self.port, exc)) from exc
        _guard_trigger(self._server.trigger)
        self._server.channel_class = UploadChannel  # prompt uploads: a larger body
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=_run_niced, args=(self._server,), name="web",
                                        daemon=True)
        self._thread.start()
        log.info("owner's web page listening on %s", self.url)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listener and every connection (on waitress's loop thread), let the
        workers finish, then close the loop's trigger, which ends the loop.

        In that order because a worker that finishes a request wakes the loop through
        the trigger (a write to its pipe): closed first, as it once was, a late worker
        wrote to a closed descriptor (EBADF), or to whatever reused its number.
        `_guard_trigger` makes a pull after the close a no-op as well, for a worker
        still running when the shutdown's timeout ends."""
        server, self._server = self._server, None
        if server is None:
            return
        closed = threading.Event()
        server.trigger.pull_trigger(lambda: (_close_connections(server), closed.set()))
        closed.wait(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        server.trigger.pull_trigger(server.trigger.close)
        if self._thread is not None:
            self._thread.join(timeout)
        log.info("owner's web page stopped")


def _listen_problem(host: str, port: int, exc: OSError) -> str:
    """Why the page cannot listen, in words an owner can act on."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"{where} is already in use by another program"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{where}: {host} is not an address of this machine"
    if exc.errno == errno.EACCES:
        return f"{where}: a port below 1024 needs the right to bind it"
    return f"cannot listen on {where}: {exc.strerror or exc}"


def _yield_to_the_box() -> None:
    """The page's process gives way to the box: the lowest nice value, as a batch task
    (it never preempts a woken audio thread). Not SCHED_IDLE: a box busy at 100 % must
    still show its owner the page. Threads made after this inherit it."""
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    os.nice(WEB_NICE)


def _nice_this_thread() -> None:
    """Lower this thread's CPU priority (Linux: a thread's nice value is its own)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WEB_NICE)


def _run_niced(server: Any) -> None:
    _nice_this_thread()
    server.run()


def _niced(app: Any) -> Any:
    """The WSGI app, lowering the priority of each worker thread on its first request."""
    done = threading.local()

    def wsgi(environ: dict, start_response: Any) -> Any:
        if not getattr(done, "niced", False):
            done.niced = True
            _nice_this_thread()
        return app(environ, start_response)

    return wsgi


def _close_connections(server: Any) -> None:
    """On waitress's loop thread: close every connection (as waitress does when a client
    goes: a worker waiting to write is woken) and the listener; the trigger stays, so the
    loop runs on until `stop` closes it."""
    for channel in list(server._map.values()):
        if channel is server.trigger or channel is server:
            continue
        close = getattr(channel, "handle_close", channel.close)
        try:
            close()
        except OSError:  # a connection the client already reset
            channel.close()
    wasyncore.dispatcher.close(server)  # the listener only (server.close() shuts the trigger)


def _guard_trigger(trigger: Any) -> None:
    """Pulling waitress's trigger (a worker waking the loop) after it is closed does
    nothing, instead of writing to a closed (or reused) descriptor: a pull and the
    close take one lock, and a pull checks the trigger is still open."""
    lock = threading.Lock()
    pull, close = trigger._physical_pull, trigger._close

    def guarded_pull() -> None:
        with lock:
            if not trigger._closed:
                pull()

    def guarded_close() -> None:
        with lock:
            close()

    trigger._physical_pull, trigger._close = guarded_pull, guarded_close


def serve(service: Any, listen: str, **app_options: Any) -> WebServer:
    """Build the web app for `service` and start serving it on `listen` ("HOST:PORT")."""
    from web_ui.app import make_app

    server = WebServer(make_app(service, **app_options), listen)
    server.start()
    return server


def main(argv: list[str] | None = None) -> int:
    """`python -m web_ui.server --data DIR --listen HOST:PORT`: the page as its own process.

    The daemon starts it beside the box (firmware/webpage.py). It prints
    "owner's web page: URL" once it listens, or "owner's web page cannot start: WHY"
    and exits 2. It stops on SIGTERM, or when the box that started it is gone (the
    kernel sends SIGTERM then: PR_SET_PDEATHSIG).
    """
    import argparse
    import signal

    from firmware.service import BoxService

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _yield_to_the_box()
    # SIGTERM (from the daemon, or from the kernel when the box dies) is taken with
    # sigwait in this thread: no Python signal handler, so nothing can run between a
    # lock's steps. Blocked before any thread starts, so every thread inherits it.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    try:
        server = serve(BoxService.of_running_box(args.data), args.listen)
    except WebError as exc:
        log.error("%s", exc)
        print(f"owner's web page cannot start: {exc}", flush=True)  # the box reads this
        return 2
    print(f"owner's web page: {server.url}", flush=True)
    signal.sigwait(stop_signals)
    last_resort = threading.Timer(15.0, os._exit, args=(1,))  # a stop that hangs must not
    last_resort.daemon = True  # leave an orphan holding the port
    last_resort.start()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
