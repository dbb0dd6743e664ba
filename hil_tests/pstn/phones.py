"""Analog desk phones on the box's FXS ports, as the PSTN emulator plays them.

Each phone listens on `RUNDIR/<port>.sock` (docs/sim-link.md) for the box's
simulated board. Right after the board connects it gets `S {"hook"}`. Taking
the handset off hook sends `E offhook` and starts the microphone: one `A`
frame every 20 ms on an absolute monotonic schedule, silence unless a test
queued a tone or DTMF (`dial`, `send`). Frames from the box (the earpiece) go to
an Ear (ears.py: tones, DTMF, speech, and the recording of the call, which
starts over each time the handset is lifted) while the phone is off hook,
timestamped by a model of the
earpiece's playout buffer: a frame plays 20 ms after the previous one, or on
arrival if the buffer ran dry. `C ringer` commands are the bell: every on/off
edge is timestamped on arrival, and `auto_answer(after_s)` lifts the handset
`after_s` seconds after a ringing episode starts.

On hook the phone listens for caller ID like a real one: frames go to a
Bell-202 FSK receiver (dsp.CallerIdReceiver) and a decoded message is kept as
`caller_id`, with where it fell among the ring edges. A ringing episode (the
first ring after hook activity or after RING_GAP_S of silence) clears it and
starts a new measured `cadence` (on and off durations).

Everything a phone does or hears goes to the EventLog: `hook`, `ringer`,
`phone_dial`, `phone_send`, `phone_heard`, `phone_link`, `phone_caller_id`.
"""

from __future__ import annotations

import itertools
import logging
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

from board.simlink import (
    AUDIO,
    COMMAND,
    EVENT,
    STATUS,
    FrameDecoder,
    FrameError,
    LinkServer,
    decode_json,
    encode_frame,
    encode_json,
    shutdown_socket,
)
from hil_tests.pstn.dsp import (
    FRAME_BYTES,
    FRAME_S,
    AudioSource,
    CallerIdReceiver,
    dtmf_tones,
    tone,
)
from hil_tests.pstn.ears import Ear
from hil_tests.pstn.eventlog import EventLog

log = logging.getLogger(__name__)

RING_GAP_S = 6.0  # a ringer silent this long means the caller gave up (cadence off <= 4 s)
PLAYOUT_MAX_S = 0.2  # earpiece buffer: beyond this much queued audio, frames play on arrival
MAX_SEND_MS = 60_000
_PORT_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_DTMF = re.compile(r"^[0-9*#A-Da-d]+$")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Phone:
    """One emulated analog desk phone on FXS port `port`."""

    def __init__(self, port: str, rundir: Path, eventlog: EventLog):
        self.port = port
        self._log = eventlog
        self.source = AudioSource()
        self.analyzer = Ear(port, on_heard=self._on_heard)  # tones, DTMF, speech, recording
        self.cid = CallerIdReceiver()
        self._cid_listening = True
        self._caller_id: dict | None = None
        self._episode_edges: list[tuple[bool, float]] = []  # ringer edges of this episode
        self._server = LinkServer(Path(rundir) / f"{port}.sock", self._serve, f"phone-{port}")
        self._lock = threading.RLock()
        self._conn: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._hook = "on"
        self._ringing = False
        self._ringer: list[dict] = []
        self._episode_t: float | None = None  # first ringer-on of the current ringing
        self._last_ring_t = 0.0
        self._auto_after: float | None = None
        self._answer_at: float | None = None
        self._next_frame_t: float | None = None
        self._playout_t = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_sent = 0
        self.frames_heard = 0

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        self._server.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"phone-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._server.stop()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None

    def drop_link(self) -> None:
        """Test verb: cut the board's connection (the board must reconnect)."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            shutdown_socket(conn)

    # --- what a person does ----------------------------------------------------

    def hook(self, state: str) -> dict:
        """"off" lifts the handset, "on" hangs up, "flash" taps the hook (off hook only)."""
        if state not in ("off", "on", "flash"):
            raise ValueError(f"hook state must be 'off', 'on' or 'flash', not {state!r}")
        with self._lock:
            if state == "flash" and self._hook == "on":
                raise ValueError(f"phone {self.port} is on hook: a flash needs the handset up")
            if state == self._hook:
                return self.status()
            now = time.monotonic()
            if state != "flash":
                self._hook = state
                if state == "off":  # a new call: its recording starts now
                    self.analyzer.new_recording()
                self._answer_at = None
                self._episode_t = None
                self._next_frame_t = None
                self.source.clear()
            kind = {"off": "offhook", "on": "onhook", "flash": "flash"}[state]
            delivered = self._send(encode_json(EVENT, {"kind": kind, "t": now}))
            self._log.add("hook", port=self.port, state=state, delivered=delivered, t=now)
        self._wake.set()
        return self.status()

    def dial(self, digits: str) -> float:
        """Dial in-band DTMF through the microphone; the time the first digit starts."""
        self._check_dtmf(digits)
        t = self._play(dtmf_tones(digits))
        self._log.add("phone_dial", port=self.port, digits=digits, t_start=t)
        return t

    def send(self, tone_hz: float | None = None, ms: float | None = None,
             dtmf: str | None = None) -> float:
        """Play a tone (`tone_hz` for `ms`) or DTMF digits into the microphone."""
        if (tone_hz is None) == (dtmf is None):
            raise ValueError("send needs either tone_hz (with ms) or dtmf, not both or neither")
        if dtmf is not None:
            self._check_dtmf(dtmf)
            pcm = dtmf_tones(dtmf)
        else:
            if not _number(tone_hz) or not 0 < tone_hz < 4000:
                raise ValueError(f"tone_hz must be a number between 0 and 4000, not {tone_hz!r}")
            if not _number(ms) or not 0 < ms <= MAX_SEND_MS:
                raise ValueError(f"ms must be a number of milliseconds 1..{MAX_SEND_MS}, "
                                 f"not {ms!r}")
            pcm = tone(tone_hz, ms)
        t = self._play(pcm)
        self._log.add("phone_send", port=self.port, tone_hz=tone_hz, ms=ms, dtmf=dtmf, t_start=t)
        return t

    def auto_answer(self, after_s: float | None) -> dict:
        """Lift the handset `after_s` s after ringing starts (None: stop answering)."""
        if after_s is not None and (not _number(after_s) or not 0 <= after_s <= 600):
            raise ValueError(f"after_s must be seconds 0..600 or None, not {after_s!r}")
        with self._lock:
            self._auto_after = after_s
            self._answer_at = None
            if after_s is not None and self._ringing and self._hook == "on":
                self._answer_at = max(time.monotonic(), self._episode_t + after_s)
        self._wake.set()
        return self.status()

    def recording(self) -> Any:
        """What the earpiece heard since the handset was last lifted (recording.Recording)."""
        return self.analyzer.recording

    def heard(self) -> dict:
        """What the earpiece heard (tones, DTMF, speech, the recording's time base)
        and the bell's edges."""
        result = self.analyzer.heard()
        with self._lock:
            result["ringer"] = [dict(edge) for edge in self._ringer]
            result["caller_id"] = dict(self._caller_id) if self._caller_id else None
        return result

    def status(self) -> dict:
        with self._lock:
            return {"port": self.port, "hook": self._hook, "ringing": self._ringing,
                    "connected": self._conn is not None, "auto_answer": self._auto_after}

    def details(self) -> dict:
        """status() plus the last caller ID heard and this ringing episode's cadence."""
        with self._lock:
            caller_id = dict(self._caller_id) if self._caller_id else None
            return {**self.status(), "caller_id": caller_id, "cadence": self._cadence()}

    def _cadence(self) -> dict | None:
        """The current ringing episode: when it began, its rings, on and off durations."""
        edges = self._episode_edges
        if not edges:
            return None
        durations: dict[bool, list[float]] = {True: [], False: []}
        for (on, t), (_, t_next) in itertools.pairwise(edges):
            durations[on].append(round(t_next - t, 4))
        return {"t_start": edges[0][1], "rings": sum(1 for on, _ in edges if on),
                "on_s": durations[True], "off_s": durations[False]}

    def _check_dtmf(self, digits: Any) -> None:
        if not isinstance(digits, str) or not _DTMF.match(digits):
            raise ValueError(f"digits must be DTMF keys 0-9 * # A-D, not {digits!r}")

    def _play(self, pcm: bytes) -> float:
        with self._lock:
            if self._hook == "on":
                raise ValueError(f"phone {self.port} is on hook: lift the handset first")
            return self.source.queue(pcm)

    # --- the board's connection (server thread) ---------------------------------

    def _serve(self, conn: socket.socket, stopping: threading.Event) -> None:
        with self._lock:
            old, self._conn = self._conn, conn
            hook = self._hook
        if old is not None:  # a restarted box replaces a stale connection
            shutdown_socket(old)
        self._send(encode_json(STATUS, {"hook": hook}))
        self._log.add("phone_link", port=self.port, connected=True)
        self._wake.set()
        try:
            self._read(conn, stopping)
        finally:
            with self._lock:
                if self._conn is conn:
                    self._conn = None
            self._log.add("phone_link", port=self.port, connected=False)

    def _read(self, conn: socket.socket, stopping: threading.Event) -> None:
        decoder = FrameDecoder()
        while not stopping.is_set() and self._conn is conn:
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return
            for kind, payload in decoder.feed(data):
                try:
                    self._on_frame(kind, payload)
                except FrameError as exc:
                    log.warning("phone %s: bad %r frame from the box ignored: %s",
                                self.port, kind, exc)

    def _on_frame(self, kind: str, payload: bytes) -> None:
        if kind == AUDIO:
            if len(payload) != FRAME_BYTES:
                raise FrameError(f"audio frame of {len(payload)} bytes")
            self._on_audio(payload)
        elif kind == COMMAND:
            cmd = decode_json(payload)
            if cmd.get("cmd") != "ringer" or not isinstance(cmd.get("on"), bool):
                raise FrameError(f"unknown command {cmd!r}")
            self._on_ringer(cmd["on"])
        else:
            raise FrameError(f"the box does not send {kind!r} frames")

    def _on_audio(self, frame: bytes) -> None:
        now = time.monotonic()
        with self._lock:
            t = self._playout_t + FRAME_S
            if not now <= t <= now + PLAYOUT_MAX_S:
                t = now  # buffer ran dry (or overflowed): play on arrival
            self._playout_t = t
            on_hook = self._hook == "on"
            if not on_hook:
                self.frames_heard += 1
            fresh, self._cid_listening = on_hook and not self._cid_listening, on_hook
        if not on_hook:
            self.analyzer.feed(frame, t)
            return
        if fresh:  # back on hook: nothing half-heard before counts
            self.cid.reset()
        for message in self.cid.feed(frame, t):
            self._on_caller_id(message)

    def _on_caller_id(self, message: dict) -> None:
        """Keep a decoded caller ID with its place among this episode's ring edges."""
        with self._lock:
            before = [(on, t) for on, t in self._episode_edges if t <= message["t_start"]]
            offs = [t for on, t in before if not on]
            message["rings_before"] = sum(1 for on, _ in before if on)
            message["after_ring_s"] = (message["t_start"] - offs[-1]
                                       if offs and not before[-1][0] else None)
            message["next_ring_s"] = None
            self._caller_id = message
        self._log.add("phone_caller_id", port=self.port, **message)

    def _on_ringer(self, on: bool) -> None:
        now = time.monotonic()
        with self._lock:
            if on == self._ringing:
                return
            self._ringing = on
            self._ringer.append({"on": on, "t": now})
            if on and (self._episode_t is None or now - self._last_ring_t > RING_GAP_S):
                self._new_episode(now)
            self._episode_edges.append((on, now))
            if on:
                if self._caller_id is not None and self._caller_id["next_ring_s"] is None:
                    self._caller_id["next_ring_s"] = now - self._caller_id["t_end"]
                if self._auto_after is not None and self._hook == "on" and not self._answer_at:
                    self._answer_at = self._episode_t + self._auto_after
            self._last_ring_t = now
        self._log.add("ringer", port=self.port, on=on, t=now)
        self._wake.set()

    def _new_episode(self, now: float) -> None:
        """A ringing episode starts: forget the last caller ID and cadence (lock held)."""
        self._episode_t = now
        self._episode_edges = []
        self._caller_id = None
        self.cid.reset()

    def _on_heard(self, kind: str, entry: dict) -> None:
        self._log.add("phone_heard", port=self.port, **{kind: entry})

    def _send(self, data: bytes) -> bool:
        conn = self._conn
        if conn is None:
            return False
        try:
            with self._send_lock:
                conn.sendall(data)
        except OSError as exc:
            log.info("phone %s: link to the box broken: %s", self.port, exc)
            self.drop_link()
            return False
        return True

    # --- the microphone and the auto-answer timer (phone thread) ---------------

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            self._maybe_answer(now)
            due = self._stream(now)
            if self._answer_at is not None:
                due = min(due, self._answer_at) if due is not None else self._answer_at
            self._wake.wait(0.5 if due is None else max(0.0, due - time.monotonic()))
            self._wake.clear()

    def _maybe_answer(self, now: float) -> None:
        with self._lock:
            due = self._answer_at
            if due is None or now < due:
                return
            self._answer_at = None
            gave_up = now - self._last_ring_t > RING_GAP_S and not self._ringing
        if gave_up:
            self._log.add("phone_auto_answer", port=self.port, answered=False)
            return
        self.hook("off")
        self._log.add("phone_auto_answer", port=self.port, answered=True)

    def _stream(self, now: float) -> float | None:
        """Send the microphone frames due by `now`; the time the next one is due."""
        with self._lock:
            if self._hook == "on" or self._conn is None:
                self._next_frame_t = None
                return None
            if self._next_frame_t is None or now - self._next_frame_t > 5 * FRAME_S:
                self._next_frame_t = now  # start, or resync after a stall
            due = self._next_frame_t
        while due <= now:
            frame = self.source.next_frame(due)
            if self._send(encode_frame(AUDIO, frame)):
                self.frames_sent += 1
            due += FRAME_S
        with self._lock:
            if self._next_frame_t is not None:
                self._next_frame_t = due
        return due


class PhoneBank:
    """The desk phones on the box's FXS ports: one Phone per port name."""

    def __init__(self, rundir: str | Path, names: list[str], eventlog: EventLog):
        names = list(names)
        bad = [n for n in names if not isinstance(n, str) or not _PORT_NAME.match(n)]
        if bad or len(set(names)) != len(names):
            raise ValueError(f"phone port names must be unique names like fxs0, got {names!r}")
        self.rundir = Path(rundir)
        self._phones = {name: Phone(name, self.rundir, eventlog) for name in names}

    @property
    def names(self) -> list[str]:
        return list(self._phones)

    def start(self) -> None:
        for phone in self._phones.values():
            phone.start()

    def stop(self) -> None:
        for phone in self._phones.values():
            phone.stop()

    def list(self) -> list[dict]:
        return [phone.details() for phone in self._phones.values()]

    def get(self, name: str) -> Phone:
        try:
            return self._phones[name]
        except KeyError:
            raise KeyError(f"no phone on port {name!r} (ports: {', '.join(self._phones)})") \
                from None


