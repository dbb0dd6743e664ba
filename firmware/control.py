"""The running box's local control socket, and the client the CLI uses to reach it.

`ControlServer` listens on a Unix socket (`firmware.paths.control_socket(data)`,
mode 0600, so only the box's own user can talk to it) on the box's event loop.
The wire is JSON lines, one request and one reply per line, several per
connection if the client likes:

    -> {"op": "config.import", "args": {"config": {...}}}
    <- {"ok": true, "result": ...}
    <- {"ok": false, "error": "why", "errors": [["field", "reason"], ...],
        "issues": [{"field": "...", "reason": "...", "code": "...", "params": {...}}, ...]}

`errors` and `issues` are present only when the handler refused a config
(`ConfigError`): `errors` the English (field, reason) pairs, `issues` the same with
each reason's catalogue code and parameters (firmware/config/reasons.py), so the
web page in its own process can say them in the owner's language.
Handlers are plain or async callables taking the `args` dict; plain ones run on
the loop, so wrap one that blocks (file writes with fsync) in `in_thread()`.
A malformed request gets an error reply; nothing a client sends stops the
server. The built-in op "ping" answers "pong".

`control_request()` is the synchronous client (CLI, tests): it raises
`ControlError` when no box answers or a request is refused, and re-raises
`ConfigError` (with its list, codes and parameters) when the box refused a config.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import socket
import stat
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from firmware.config.jsontext import MAX_CONFIG_BYTES, MAX_DEPTH, json_depth
from firmware.config.reasons import Reason
from firmware.errors import ConfigError, ControlError, SwitchboardError

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Any]

MAX_MESSAGE = 16 * 1024 * 1024  # bytes per reply line (records pages can be long)
# bytes per request line: a config (at most MAX_CONFIG_BYTES as compact JSON) and its
# envelope; the CLI sends it compact, but with JSON's ", " and ": " spaces
MAX_REQUEST = 2 * MAX_CONFIG_BYTES
SUN_PATH_MAX = 100  # sockaddr_un holds 108 bytes; longer paths go through /proc/self/fd


class ControlServer:
    """Answers control requests on the Unix socket at `path` with `handlers[op](args)`.

    Start and stop it on the box's event loop. Starting replaces a stale socket
    file (one nobody listens on) and refuses when another box answers there.
    """

    def __init__(self, path: str | os.PathLike[str], handlers: Mapping[str, Handler]):
        self.path = Path(path)
        self.handlers: dict[str, Handler] = {"ping": lambda args: "pong", **handlers}
        self._listener: socket.socket | None = None
        self._clients: dict[asyncio.Task[None], socket.socket] = {}
        self._writers: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._inode: int | None = None

    async def start(self) -> None:
        self._clear_path()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with _sun_path(self.path) as address:
                sock.bind(address)
            os.chmod(self.path, 0o600)
            self._inode = os.stat(self.path).st_ino
            sock.listen(16)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self._listener = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._accept)
        log.info("control socket listening on %s", self.path)

    async def stop(self) -> None:
        """Stop listening, end every connection, remove the socket file."""
        if self._listener is None:
            return
        asyncio.get_running_loop().remove_reader(self._listener.fileno())
        self._listener.close()
        self._listener = None
        clients, writers = list(self._clients.items()), list(self._writers.values())
        for task, _ in clients:
            task.cancel()
        await asyncio.gather(*(task for task, _ in clients), return_exceptions=True)
        for _, conn in clients:
            conn.close()  # a task cancelled before it ran never saw its socket
        for writer in writers:
            await _closed(writer)
        await asyncio.sleep(0)  # let close callbacks queued just now run
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self._inode:
                self.path.unlink()

    async def __aenter__(self) -> ControlServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _clear_path(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            mode = os.lstat(self.path).st_mode
        except FileNotFoundError:
            return
        if not stat.S_ISSOCK(mode):
            raise ControlError(f"{self.path} exists and is not a socket; not touching it")
        if box_is_running(self.path):
            raise ControlError(f"another box is already answering on {self.path}")
        log.info("removing stale control socket %s", self.path)
        self.path.unlink()

    def _accept(self) -> None:
        """The listening socket is readable: take the connection, serve it in a task.

        Accepting in a plain reader callback (not asyncio.Server, not a cancellable
        sock_accept) means no accepted socket is ever in limbo when stop() runs.
        """
        assert self._listener is not None
        try:
            conn, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # out of file descriptors, say; the client will retry
            log.warning("control socket accept failed: %s", exc)
            return
        conn.setblocking(False)
        task = asyncio.get_running_loop().create_task(self._serve_connection(conn))
        self._clients[task] = conn
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._clients.pop(task, None)
        self._writers.pop(task, None)

    async def _serve_connection(self, conn: socket.socket) -> None:
        try:
            reader, writer = await asyncio.open_unix_connection(sock=conn, limit=MAX_REQUEST)
        except BaseException:
            conn.close()
            raise
        task = asyncio.current_task()
        if task is not None:
            self._writers[task] = writer
        try:
            await self._serve_client(reader, writer)
        finally:
            writer.close()

    async def _serve_client(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except ValueError:  # the line is longer than MAX_REQUEST
                    writer.write(_encode(_failure(f"request longer than {MAX_REQUEST} bytes")))
                    break
                if not line:
                    break
                writer.write(_encode(await self.answer(line)))
                await writer.drain()
        except ConnectionError:
            pass

    async def answer(self, line: bytes) -> dict[str, Any]:
        """The reply to one request line (never raises)."""
        request = _parse_request(line)
        if "error" in request:
            return request
        op, args = request["op"], request["args"]
        handler = self.handlers.get(op)
        if handler is None:
            return _failure(f"unknown op {op!r} (known: {', '.join(sorted(self.handlers))})")
        try:
            result = handler(args)
            if inspect.isawaitable(result):
                result = await result
            json.dumps(result)
        except ConfigError as exc:
            return {"ok": False, "error": str(exc), "errors": [list(e) for e in exc.errors],
                    "issues": exc.entries()}
        except SwitchboardError as exc:
            return _failure(str(exc))
        except Exception as exc:
            log.exception("control op %s failed", op)
            return _failure(f"{op} failed: {type(exc).__name__}: {exc}")
        return {"ok": True, "result": result}


async def _closed(writer: asyncio.StreamWriter) -> None:
    """Wait until the transport has really let go of the socket.

    Only stop() waits here: a client task cancelled while waiting on the
    protocol's shared close future would cancel that future for every waiter.
    """
    with contextlib.suppress(Exception):
        await writer.wait_closed()


def _parse_request(line: bytes) -> dict[str, Any]:
    """{"op", "args"} from a request line, or a failure reply saying what is wrong."""
    if json_depth(line) > MAX_DEPTH + 2:  # the config's own depth plus the envelope
        return _failure(f"not a JSON request: nested deeper than {MAX_DEPTH} levels")
    try:
        request = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return _failure(f"not a JSON request: {exc}")
    if not isinstance(request, dict) or not isinstance(request.get("op"), str):
        return _failure('a request is a JSON object {"op": "...", "args": {...}}')
    args = request.get("args")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return _failure('"args" must be a JSON object')
    return {"op": request["op"], "args": args}


def _failure(message: str) -> dict[str, Any]:
    return {"ok": False, "error": message}


def _encode(message: dict[str, Any]) -> bytes:
    # a lone surrogate (from a "\\ud800" escape) has no UTF-8: escaped, never a crash
    return json.dumps(message, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"


def in_thread(handler: Handler) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    """Wrap a blocking handler so it runs in a worker thread, off the event loop."""

    async def run(args: dict[str, Any]) -> Any:
        return await asyncio.to_thread(handler, args)

    return run


# --- client -------------------------------------------------------------------


def control_request(path: str | os.PathLike[str], op: str,
                    args: dict[str, Any] | None = None, timeout: float = 5.0) -> Any:
    """Send one request to the box at `path` and return its result.

    Raises ControlError when no box answers, the reply is late or garbled, or
    the box refused the request; ConfigError (with the box's list) when the box
    refused a config.
    """
    deadline = time.monotonic() + timeout
    with _connect(Path(path), timeout) as sock:
        try:
            sock.sendall(_encode({"op": op, "args": args or {}}))
            line = _read_line(sock, deadline)
        except TimeoutError:
            raise ControlError(f"the box did not answer {op} within {timeout:g} s") from None
        except OSError as exc:
            raise ControlError(f"lost the connection to the box during {op}: {exc}") from exc
    return _result(op, line)


def box_is_running(path: str | os.PathLike[str], timeout: float = 1.0) -> bool:
    """True when something listens on the control socket (a stale file is "not running")."""
    try:
        with _connect(Path(path), timeout):
            return True
    except ControlError:
        return False


def _connect(path: Path, timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        with _sun_path(path) as address:
            sock.connect(address)
    except (FileNotFoundError, ConnectionRefusedError, NotADirectoryError):
        sock.close()
        raise ControlError(f"the box is not running (nothing answers on {path})") from None
    except OSError as exc:
        sock.close()
        raise ControlError(f"cannot reach the box on {path}: {exc}") from exc
    return sock


def _read_line(sock: socket.socket, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = sock.recv(65536)
        if not chunk:
            raise ControlError("the box closed the connection without answering")
        chunks.append(chunk)
        size += len(chunk)
        if b"\n" in chunk:
            return b"".join(chunks).split(b"\n", 1)[0]
        if size > MAX_MESSAGE:
            raise ControlError(f"the box's reply is longer than {MAX_MESSAGE} bytes")


def _result(op: str, line: bytes) -> Any:
    try:
        reply = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ControlError(f"garbled reply to {op}: {exc}") from exc
    if not isinstance(reply, dict):
        raise ControlError(f"garbled reply to {op}: {reply!r}")
    if reply.get("ok") is True:
        return reply.get("result")
    errors = reply.get("errors")
    if isinstance(errors, list) and errors:
        pairs = [(str(e[0]), str(e[1])) if isinstance(e, list) and len(e) == 2
                 else ("(reply)", str(e)) for e in errors]
        issues = reply.get("issues")
        if isinstance(issues, list) and len(issues) == len(pairs):
            pairs = [(field, _reason(issue, text))
                     for (field, text), issue in zip(pairs, issues, strict=True)]
        raise ConfigError(pairs)
    raise ControlError(f"the box refused {op}: {reply.get('error', 'no reason given')}")


def _reason(issue: Any, text: str) -> Reason | str:
    """The Reason an issue of a reply carries (its English `text` as the box said it);
    the text alone when the issue is malformed."""
    if not isinstance(issue, dict):
        return text
    code, params = issue.get("code"), issue.get("params")
    if not isinstance(code, str) or not isinstance(params, dict):
        return text
    return Reason(code, {str(k): v if isinstance(v, (str, int)) and not isinstance(v, bool)
                         else [str(i) for i in v] if isinstance(v, list) else str(v)
                         for k, v in params.items()}, text)


@contextlib.contextmanager
def _sun_path(path: Path) -> Iterator[str]:
    """An address for bind/connect that fits sockaddr_un, however deep `path` is."""
    if len(os.fsencode(str(path))) <= SUN_PATH_MAX:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)
