"""An in-process stand-in for a modem's AT port, for AtEngine tests.

It records what the engine writes and answers each command from a script:
`replies[command]` is the bytes to feed back (or a list, one per time the
command is sent; None = stay silent). The SMS text sent after a `> ` prompt is
looked up as "<text>". Replies are fed on the next loop turn, as the serial
reader thread would.
"""

from __future__ import annotations

import asyncio

from firmware.lines.at import AtEngine, Urc


def frame(*lines: str) -> bytes:
    """Lines as a modem frames them: `\\r\\n<line>\\r\\n` each."""
    return b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines)


class FakePort:
    def __init__(self, replies: dict | None = None, **engine_options):
        self.replies = dict(replies or {})
        self.written: list[bytes] = []
        self.urcs: list[Urc] = []
        engine_options.setdefault("busy_backoff", 0.01)
        self.engine = AtEngine("gsmT", self.write, self.urcs.append, **engine_options)

    @property
    def commands(self) -> list[str]:
        return [w[:-1].decode() for w in self.written if w.endswith(b"\r")]

    def write(self, data: bytes) -> None:
        self.written.append(data)
        key = data[:-1].decode("ascii", "replace") if data.endswith(b"\r") else "<text>"
        reply = self.replies.get(key)
        if isinstance(reply, list):
            reply = reply.pop(0) if reply else None
        if reply:
            self.feed_soon(reply)

    def feed_soon(self, data: bytes) -> None:
        asyncio.get_running_loop().call_soon(self.engine.feed, data)
