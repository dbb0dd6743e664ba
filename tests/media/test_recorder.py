"""The bridge's call recorder: both legs mixed into one stream, nothing lost on the
legs' own audio, room admitted within the engine's limit, stopped with the engine."""

from __future__ import annotations

import pytest

from firmware.media.recorder import MAX_RECORDERS, RecorderRefused
from firmware.media.testing import power_at, tone_frame
from tests.media.helpers import running, wait_until

CALLER_HZ, AGENT_HZ = 697.0, 1209.0


def _tone(hz: float):
    return lambda n: tone_frame(hz, n, 6000)


async def test_a_recorder_mixes_both_legs_and_they_still_hear_each_other():
    async with running() as rig:
        engine = rig.engine
        caller, _caller_dev = rig.line("gsm0", _tone(CALLER_HZ))
        agent, agent_dev = rig.line("fxs0", _tone(AGENT_HZ))
        engine.connect(caller, agent)
        recorder = engine.start_recorder("call-1")
        engine.record_from(recorder, caller)
        engine.record_from(recorder, agent)
        assert recorder.sources == {"gsm0", "fxs0"}
        frames: list[bytes] = []
        await wait_until(lambda: frames.extend(recorder.drain()) or len(frames) >= 60,
                         what="1.2 s of recorded audio")
        mixed = b"".join(frames[-40:])
        assert power_at(mixed, CALLER_HZ) > 1e6 and power_at(mixed, AGENT_HZ) > 1e6
        # the legs hear each other as before: the recorder takes nothing from them
        heard = b"".join(s.frame for s in list(agent_dev.written)[-20:])
        assert power_at(heard, CALLER_HZ) > 1e6 and power_at(heard, AGENT_HZ) < 1e5
        engine.stop_record_from(recorder, agent)
        await engine.settled()
        recorder.drain()
        frames.clear()
        await wait_until(lambda: frames.extend(recorder.drain()) or len(frames) >= 20,
                         what="audio after the agent left the recording")
        alone = b"".join(frames[-10:])
        assert power_at(alone, CALLER_HZ) > 1e6 and power_at(alone, AGENT_HZ) < 1e5
        engine.stop_recorder(recorder)
        assert not recorder.active and engine.recorders() == []
        engine.stop_recorder(recorder)  # idempotent


async def test_a_recorder_keeps_time_with_silence_when_nothing_talks():
    async with running() as rig:
        recorder = rig.engine.start_recorder("quiet")
        frames: list[bytes] = []
        await wait_until(lambda: frames.extend(recorder.drain()) or len(frames) >= 10,
                         what="silent frames")
        assert all(f == bytes(320) for f in frames)


async def test_recorders_are_admitted_within_the_engine_room():
    async with running() as rig:
        engine = rig.engine
        room = engine.recorder_room()
        assert 0 < room <= MAX_RECORDERS
        made = [engine.start_recorder(f"r{i}") for i in range(room)]
        assert engine.recorder_room() == 0
        with pytest.raises(RecorderRefused):
            engine.start_recorder("one-too-many")
        engine.stop_recorder(made[0])
        assert engine.recorder_room() >= 1
        # the rest are left to the engine's stop, which retires them
