"""The media engine: the box's conference bridge, tones and prompts (pjsua2).

This is the only package that imports pjsua2 (DESIGN.md). Call control
(firmware/calls) bridges GSM, analog and, later, SIP legs through it.

Use, all on the box's asyncio event loop thread:

    engine = MediaEngine(tone_plan="cn")
    await engine.start()                        # one engine per process
    gsm = engine.attach("gsm0", modem_audio, on_frame=dtmf_tap)
    phone = engine.attach("fxs0", fxs_port.audio)
    engine.play_tone(phone, "ringback")         # to the caller while the phone rings
    engine.stop_tone(phone)
    engine.connect(gsm, phone)                  # both ways; disconnect(a, b) undoes it
    done = engine.play_dtmf(gsm, "123#")        # asyncio.Future[bool]: True = played out
    engine.detach(gsm); engine.detach(phone)
    await engine.stop()

API (firmware.media.engine.MediaEngine):
- `MediaEngine(*, name="media", tone_plan="cn", sip_calls=1024, pj_log_level=2)`.
- `await start()`: creates the pjsua2 Endpoint (threadCnt 0, mainThreadOnly, 8 kHz
  bridge, 20 ms frames, null sound device, pjsip log lines at warning level and
  above into the "firmware.media.pjsip" logger) and a task that pumps
  `libHandleEvents(0)` every 10 ms. Logs and sets `max_sip_calls`, the effective
  SIP call limit (`sip_calls` is clamped by the build: 4 with the pip wheel).
  A second running engine in the process raises EngineAlreadyRunning.
- `await stop()`: detaches everything, waits until the bridge released it, destroys
  the library. The engine can be started again afterwards, in the same process.
- `attach(name, audio, on_frame=None) -> Slot`: `audio` is any board.base.AudioPort
  (non-blocking `read_frame() -> bytes | None`, `write_frame(bytes)`, 320-byte s16le
  8 kHz 20 ms frames). Every 20 ms the bridge's frame for the slot goes to
  `audio.write_frame`, while something transmits to the slot (nothing is written
  while nothing does: the device plays its own silence); the bridge's reads take
  `audio.read_frame()` (silence when None).
  `on_frame(frame, t_monotonic)` sees every frame read from the device, in order,
  connected or not (for an in-band DTMF detector); `t` is when the engine read it
  (a bridge tick, up to 20 ms after the device made it). `detach(slot)` is
  idempotent.
- `connect(a, b)`, `disconnect(a, b)`, `connect_one_way(src, dst)`,
  `disconnect_one_way(src, dst)`. Several sources into one slot are mixed.
  `await settled()` returns once the bridge applied them (it does so on its next
  20 ms tick).
- `play_tone(slot, name)` with name in dial, ringback, busy, congestion, vacant,
  call_waiting, confirm (tones.TONE_PLANS, "cn" and "us"), looping; `play_dtmf(slot, digits,
  on_ms=100, off_ms=100)`; `play_pcm(slot, pcm, loop=False)` (8 kHz s16le bytes;
  `load_wav(path)` reads a WAV file into that form); `play_prompt(slot, clips,
  loop=False)` plays clips one after another (clips.py: PCM bytes, or 8 kHz mono
  16-bit WAV file Paths streamed from disk, read on the loop, never on the clock
  thread): "you are number" + "3" + "in the queue", or music on hold looping.
  One prompt per slot: each
  play_* replaces the previous one and `stop_tone(slot)` stops any of them. They
  return an asyncio.Future[bool]: True when a non-looping prompt played out, False
  when it was stopped, replaced, detached or the engine stopped. A prompt mixes
  with whatever else the slot hears (a call-waiting tone over a call).
- Call recorders (recorder.py): `start_recorder(name) -> Recorder` (RecorderRefused
  beyond `recorder_room()`), `record_from(recorder, slot)` /
  `stop_record_from(recorder, slot)`: the slots it hears, mixed by the bridge into one
  8 kHz stream; `recorder.drain()` takes the mixed frames (any thread: the file is
  written off the clock thread); `stop_recorder(recorder)`. `stop()` retires them too.
- `Slot.counters` (frames_in, frames_out, underruns, dropped, unheard, errors,
  cushions, late_ticks, max_tick_gap_ms: ports.SlotCounters),
  `audio_health(stalls=False)`: every slot's counters, the detached ones summed,
  and the last stalls (late ticks, underruns) with their monotonic times;
  `Slot.playing`, `Slot.attached`; `MediaEngine.settings()` lists the bridge setup.
- Errors: MediaError and its subclasses in firmware.media.errors (a SwitchboardError
  and a RuntimeError); ValueError for a bad tone name, digits or PCM.

Threads (see ports.py): the bridge runs on pjmedia's null sound device clock thread
("clock"). `read_frame`, `write_frame` and `on_frame` are called on that thread: they
must be quick and thread-safe; `on_frame` should hand frames to the loop (e.g.
`loop.call_soon_threadsafe`). An exception in them is counted and logged once,
never raised into pjsua2.

Latency: a frame read from slot A's device reaches slot B's `write_frame` in the
same bridge tick (no buffering in the bridge); it waits up to one frame (20 ms,
10 ms on average) in A's device queue for that tick because the device and the
bridge keep separate clocks. See bench/audio_bridge.py.
"""

from firmware.media.engine import MediaEngine
from firmware.media.errors import (
    EngineAlreadyRunning,
    EngineNotRunning,
    MediaError,
    SlotGone,
    WrongThread,
)
from firmware.media.ports import SlotCounters
from firmware.media.slots import Slot
from firmware.media.tones import TONE_NAMES, TONE_PLANS
from firmware.media.wav import load_wav

__all__ = [
    "TONE_NAMES",
    "TONE_PLANS",
    "EngineAlreadyRunning",
    "EngineNotRunning",
    "MediaEngine",
    "MediaError",
    "Slot",
    "SlotCounters",
    "SlotGone",
    "WrongThread",
    "load_wav",
]
