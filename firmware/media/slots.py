"""The handle the engine gives for a line in the conference bridge, and its prompt.

A `Slot` names one line's port in the bridge. The engine owns every pjsua2
object behind it (the line's port, the slot's tone generator, its PCM source):
a slot only points at them while attached and lets go on detach, so a caller
holding an old Slot never keeps a pjsua2 object alive past the engine's stop
(a destructor after `libDestroy()` would touch a destroyed library).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pjsua2 as pj

    from firmware.media.clips import ClipSource
    from firmware.media.ports import LinePort, PcmSource, SlotCounters

PlaybackKind = Literal["tone", "dtmf", "pcm", "prompt"]


@dataclass(eq=False)
class Playback:
    """What the engine is playing into a slot: its source port and who awaits it."""

    kind: PlaybackKind
    what: str  # the tone's name, the digits, or "pcm"
    source: pj.AudioMedia
    done: asyncio.Future[bool]
    loop: bool


class Slot:
    """One line's audio port in the conference bridge (see firmware.media)."""

    def __init__(self, name: str, port: LinePort):
        self.name = name
        self.port_id: int = port.getPortId()
        self._counters = port.counters
        self._port: LinePort | None = port
        self._tone: pj.ToneGenerator | None = None
        self._pcm: PcmSource | None = None
        self._clips: ClipSource | None = None
        self._playing: Playback | None = None

    @property
    def attached(self) -> bool:
        return self._port is not None

    @property
    def counters(self) -> SlotCounters:
        """A snapshot of the port's counters (still readable after detach)."""
        return self._counters.snapshot()

    @property
    def playing(self) -> str | None:
        """"tone:busy", "dtmf:123", "pcm", "prompt" or None: what the engine plays into
        the slot."""
        if self._playing is None:
            return None
        if self._playing.kind in ("pcm", "prompt"):
            return self._playing.kind
        return f"{self._playing.kind}:{self._playing.what}"

    def __repr__(self) -> str:
        state = f"port {self.port_id}" if self.attached else "detached"
        return f"<Slot {self.name} {state}>"
