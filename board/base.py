"""What a board offers the firmware: LEDs, analog ports, GSM modems, a watchdog.

`board/` never imports `firmware/`. Every implementation (the Raspberry Pi HATs,
the simulated board wired to the PSTN emulator) offers exactly this surface, so
the firmware above it runs unchanged on both.

Threads: a board may run its own threads (a voice modem's reader, the LED pattern engine,
the emulator link). Everything here is safe to call from any thread; event
callbacks are called on a board thread and the firmware moves them onto its
event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_BYTES = 320  # s16le mono


class BoardError(Exception):
    """Root of board errors."""


class BadBoard(BoardError, LookupError):
    """The named board does not exist or its description is invalid."""


class BoardUnavailable(BoardError, OSError):
    """The board exists but its hardware (or the emulator) cannot be reached."""


class PortInUse(BoardError, RuntimeError):
    """A port has one owner at a time; the message names the owner."""


class WrongPortKind(BoardError, TypeError):
    """An FXS-only call on an FXO port, or the other way round; names the port."""


# --- LEDs -----------------------------------------------------------------


@dataclass(frozen=True)
class Off:
    pass


@dataclass(frozen=True)
class Solid:
    pass


@dataclass(frozen=True)
class Blink:
    """On `on_ms`, off `off_ms`, repeated."""

    on_ms: int
    off_ms: int


@dataclass(frozen=True)
class Count:
    """`n` short flashes, then dark until the period ends; repeated.

    Used for signal bars and fault codes (n flashes every `period_ms`).
    """

    n: int
    period_ms: int = 4000
    flash_ms: int = 150


LedPattern = Off | Solid | Blink | Count


class LedBank(Protocol):
    names: tuple[str, ...]

    def set(self, name: str, pattern: LedPattern) -> None:
        """Show `pattern` on LED `name` until told otherwise."""


# --- Audio ----------------------------------------------------------------


class AudioPort(Protocol):
    """8 kHz s16le mono PCM, one 20 ms frame (320 bytes) at a time.

    The device side keeps time: a port delivers one frame every 20 ms while the
    line is up, whatever the firmware does. Both calls never block.
    """

    def read_frame(self) -> bytes | None:
        """The oldest frame not read yet, or None when none has arrived."""

    def write_frame(self, frame: bytes) -> None:
        """Queue one frame (exactly FRAME_BYTES) towards the device."""


# --- Analog ports ---------------------------------------------------------


@dataclass(frozen=True)
class LineEvent:
    """Something an analog port saw. `t` is time.monotonic() when it happened.

    kind, by port type:
      FXS (a desk phone on our port): "offhook", "onhook", "flash"
      FXO (the telco line on our port): "ring_begin", "ring_end", "polarity",
        "battery_lost", "battery_restored", and where the port measures loop
        current (the simulated board): "loop_on", "loop_off".
        A port that does not see the ring voltage's edges (a voice modem, whose
        `ring_edges` is False) reports "ring" once per ring burst instead; a port
        that decodes caller ID itself (`caller_id == "port"`) reports "caller_id"
        with `detail` a JSON object {"number": str|null, "name": str|null,
        "reason": "withheld"|"unavailable"|null}. A port that detects call-progress
        tones itself (a voice modem) may also report "busy_tone" and "dial_tone":
        hints, the firmware still judges the line's audio.
    Digits are not events: DTMF is in-band audio and the firmware detects it.
    """

    kind: str
    t: float
    port: str = ""
    detail: str = ""


@dataclass(frozen=True)
class LineStatus:
    """Condition of an analog port's wire: whether its link is alive."""

    port: str
    ok: bool
    reason: str = ""


class AnalogPort(Protocol):
    name: str  # "fxs0", "fxo0"
    kind: Literal["fxs", "fxo"]
    audio: AudioPort

    def on_event(self, callback: Callable[[LineEvent], None]) -> None:
        """Register the one callback that receives this port's events."""

    def claim(self, owner: str) -> None:
        """Reserve the port for `owner`; raises PortInUse naming the holder."""

    def release(self, owner: str) -> None: ...

    def hook_state(self) -> Literal["on", "off"]: ...

    def on_status(self, callback: Callable[[LineStatus], None]) -> None:
        """Register the one callback told when the port's wire goes down or comes back."""

    def status(self) -> LineStatus:
        """Whether the port can be used now (its link or channel is alive)."""

    # FXS only
    def set_ringer(self, on: bool) -> None:
        """Ring voltage on/off. The firmware runs the cadence (China: 1 s on, 4 s off)."""

    # FXO only
    # ring_edges: bool       True: "ring_begin"/"ring_end" per ring; False: "ring"
    # caller_id: str         "audio": caller ID arrives as audio on hook and the
    #                        firmware decodes it; "port": a "caller_id" event
    def set_hook(self, offhook: bool) -> None:
        """Seize (off hook) or release the telco line."""

    def line_state(self) -> dict:
        """What the port knows of the line: "battery" (bool or None if it cannot tell),
        "polarity" ("normal"/"reversed"/None), "hook", "last_ring_t" (monotonic)."""


# --- GSM modems -----------------------------------------------------------


@dataclass(frozen=True)
class ModemPorts:
    """Where a GSM modem's devices are. The GSM driver opens these with
    pyserial's serial_for_url, the same way on the Pi (/dev/ttyUSB2) as on the
    simulated board (the emulator's pseudo-terminal)."""

    id: str  # stable name: IMEI, or the udev symlink's name
    at_url: str
    audio_url: str | None = None
    profile: str = "huawei_e1550"
    baudrate: int = 115200


# --- The board ------------------------------------------------------------


@dataclass
class BoardInfo:
    name: str
    description: str
    leds: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


class Board(Protocol):
    info: BoardInfo
    leds: LedBank

    def open(self) -> None:
        """Reach the hardware (or emulator). Raises BoardUnavailable."""

    def close(self) -> None: ...

    def ports(self) -> list[AnalogPort]: ...

    def modems(self) -> list[ModemPorts]:
        """The modems present now; asked again after a modem drops (hotplug)."""

    def watchdog_kick(self) -> None: ...
