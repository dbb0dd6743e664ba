"""The call core's recording hook (calls/recording.py) with a stand-in bridge: a call
under a rule gets a recorder that hears its two legs, follows the legs a transfer
connects, stops once; a call under no rule, a box without recording, and a full bridge
leave the call unrecorded (and the call goes on)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from firmware.calls.record import Who
from firmware.calls.recording import begin_recording, call_facts, recorder_of
from firmware.config.recording_schema import RecordingConfig
from firmware.media.recorder import RecorderRefused


class FakeMedia:
    def __init__(self, room: int = 1):
        self.room = room
        self.heard: set[str] = set()
        self.stopped: list[str] = []

    def start_recorder(self, name: str):
        if self.room < 1:
            raise RecorderRefused("no room")
        self.room -= 1
        return SimpleNamespace(name=name, drain=lambda: [])

    def record_from(self, recorder, slot) -> None:
        self.heard.add(slot)

    def stop_record_from(self, recorder, slot) -> None:
        self.heard.discard(slot)

    def stop_recorder(self, recorder) -> None:
        self.stopped.append(recorder.name)


class FakeKeeper:
    def __init__(self):
        self.begun, self.ended, self.refused = [], [], 0

    def begin(self, call_id, drain, *, caller, rule):
        rec = SimpleNamespace(id=f"r{len(self.begun)}", call_id=call_id, rule=rule)
        self.begun.append(rec)
        return rec

    def end(self, rec) -> None:
        self.ended.append(rec.id)


def _leg(name: str, number: str = ""):
    loop = asyncio.get_running_loop()
    return SimpleNamespace(name=name, slot=f"slot-{name}", number=number,
                           ended=loop.create_future())


def _core(rules: tuple[str, ...], media: FakeMedia, keeper: FakeKeeper | None):
    config = SimpleNamespace(recording=RecordingConfig(rules=rules))
    return SimpleNamespace(config=lambda: config, media=media, recordings=keeper,
                           audio=SimpleNamespace(on_attach=None))


def _record(direction: str = "in", route: str = "sales", groups=("sales",), agent="801"):
    return SimpleNamespace(id="20260901-100000-abcdef", direction=direction, route_name=route,
                           answered_who=Who(agent_id=agent, groups=groups), agent_id=agent,
                           caller="+8613588888888")


def test_a_recorded_call_follows_its_legs_through_a_transfer():
    async def run():
        media, keeper = FakeMedia(), FakeKeeper()
        core = _core(("ring_group:sales",), media, keeper)
        caller, agent, colleague = _leg("gsm0"), _leg("fxs0", "801"), _leg("fxs1", "802")
        recorder = await begin_recording(core, caller, agent, _record())
        assert recorder is not None and recorder.rule == "ring_group:sales"
        recorder.follow(caller, agent)
        assert media.heard == {"slot-gsm0", "slot-fxs0"}
        assert recorder_of(core, agent) is recorder
        recorder.follow(caller, colleague)  # a blind transfer: 801 out, 802 in
        assert media.heard == {"slot-gsm0", "slot-fxs1"} and recorder.legs == {"gsm0", "fxs1"}
        assert recorder_of(core, agent) is None and recorder_of(core, colleague) is recorder
        media.heard.discard("slot-fxs1")  # 802's slot left the bridge, attached again
        colleague.slot = "slot-fxs1-tapped"
        core.audio.on_attach(colleague)
        assert media.heard == {"slot-gsm0", "slot-fxs1-tapped"}
        core.audio.on_attach(agent)  # not in the recording: nothing changes
        assert media.heard == {"slot-gsm0", "slot-fxs1-tapped"}
        recorder.stop()
        recorder.stop()
        assert media.stopped == ["call-20260901-100000-abcdef"] and keeper.ended == ["r0"]
        assert recorder_of(core, caller) is None
        recorder.follow(caller, agent)  # after the end: nothing more is heard
        assert media.heard == {"slot-gsm0", "slot-fxs1-tapped"}

    asyncio.run(run())


def test_calls_that_are_not_recorded():
    async def run():
        caller, agent = _leg("gsm0"), _leg("fxs0", "801")
        keeper = FakeKeeper()
        assert await begin_recording(_core(("route:support",), FakeMedia(), keeper),
                                     caller, agent, _record()) is None
        assert await begin_recording(_core(("all",), FakeMedia(), None),
                                     caller, agent, _record()) is None
        full = _core(("all",), FakeMedia(room=0), keeper)
        assert await begin_recording(full, caller, agent, _record()) is None
        assert keeper.refused == 1 and keeper.begun == []

    asyncio.run(run())


def test_the_facts_name_the_agents_on_an_outbound_call():
    from firmware.calls.legs import DeskLeg

    async def run():
        desk = DeskLeg(SimpleNamespace(name="fxs2", kind="fxs"), "803")
        far = SimpleNamespace(name="gsm0", number="+8613800000101")
        record = SimpleNamespace(direction="out", agent_id="", answered_who=None)
        return call_facts(record, desk, far)

    facts = asyncio.run(run())
    assert facts.direction == "out" and facts.agents == ("803",) and facts.route == ""
