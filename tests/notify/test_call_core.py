"""The call core tells the bus when a call's record ends (`CallFinished`), and the
notifier counts as missed only the call nobody answered: an answered call is never
told, a call every desk phone was busy for is."""

from __future__ import annotations

from pathlib import Path

from firmware.calls.finished import CallFinished
from firmware.events import EventBus
from tests.calls.rig import CALLER, office, until
from tests.calls.rig import Rig as CallRig
from tests.calls.test_record_words import _answered_call, _hang_up_desk, _ring_in
from tests.notify.helpers import Rig, run

SMS_NOW = {"sms_numbers": ["+8613800000999"], "missed_calls": {"sms": True},
           "batch_seconds": 0}


def test_answered_is_not_told_and_all_busy_is(tmp_path: Path) -> None:
    async def scenario() -> None:
        calls = CallRig(tmp_path, office(members=("801", "802")))
        calls.core.bus = bus = EventBus()
        seen: list[CallFinished] = []
        bus.subscribe(seen.append, CallFinished)
        rig = Rig(tmp_path / "notify", SMS_NOW)
        notifier = await rig.start()
        bus.subscribe(notifier.on_call_finished, CallFinished)

        _caller, desk = await _answered_call(calls)
        await _hang_up_desk(calls, desk)
        await until(lambda: not calls.core.calls, "the answered call ends")
        for port in ("fxs0", "fxs1"):
            calls.fxs[port].state = "offhook"
        _ring_in(calls)
        await until(lambda: len(seen) == 2, "the busy call ends")
        assert [(e.result, e.answered_by, e.line, e.caller) for e in seen] == [
            ("answered", "801", "gsm0", CALLER), ("busy", "", "gsm0", CALLER)]
        assert seen[0].call_id == calls.calls()[0]["id"]
        await until(lambda: rig.sms.sent, "the owner told of the busy call")
        [(_, text)] = rig.sms.sent
        assert text.startswith("[测试公司] 未接来电1个：+8613588888888")
        await rig.stop()
        calls.close()

    run(scenario)
