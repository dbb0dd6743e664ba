""""Nobody available: an SMS to the caller's mobile" (Q5): the owner's text (Chinese
goes as UCS2 through the line) to a mobile caller only, at most once an hour."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.notify import nobody_available_sms
from firmware.notify.notifier import CALLER_SMS_QUIET_S
from tests.notify.helpers import Rig, run, settle, until

TEXT = "您好，现在无人接听，我们稍后回电。"


def test_a_mobile_caller_gets_the_owners_text(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"caller_sms_text": TEXT})
        notifier = await rig.start()
        assert nobody_available_sms(notifier, "13588888888")  # national form, read in CN
        await until(lambda: rig.sms.sent, "sent")
        assert rig.sms.sent == [("+8613588888888", TEXT)]
        await settle()
        assert rig.state()["sent"][0]["kind"] == "caller_sms"
        await rig.stop()

    run(scenario)


def test_a_landline_a_withheld_caller_or_an_empty_text_get_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {"caller_sms_text": ""})
        notifier = await rig.start()
        assert not nobody_available_sms(notifier, "+8613588888888")  # no text set
        assert not nobody_available_sms(notifier, "+8613588888888", "  ")
        assert not nobody_available_sms(notifier, "+862161234567", TEXT)  # a landline
        assert not nobody_available_sms(notifier, None, TEXT)
        assert not nobody_available_sms(notifier, "anonymous", TEXT)
        assert not nobody_available_sms(object(), "+8613588888888", TEXT)  # no notifier
        await rig.advance(60)
        assert rig.sms.sent == [] and rig.state()["pending"] == []
        await rig.stop()

    run(scenario)


def test_one_caller_gets_it_at_most_once_an_hour(tmp_path: Path) -> None:
    async def scenario() -> None:
        rig = Rig(tmp_path, {})
        notifier = await rig.start()
        nobody_available_sms(notifier, "+8613588888888", TEXT)
        await until(lambda: len(rig.sms.sent) == 1, "the first")
        await rig.advance(CALLER_SMS_QUIET_S - 60)
        nobody_available_sms(notifier, "+8613588888888", TEXT)
        await rig.advance(1)
        assert len(rig.sms.sent) == 1
        await rig.advance(61)
        nobody_available_sms(notifier, "+8613588888888", "又一次")
        await until(lambda: len(rig.sms.sent) == 2, "an hour later, again")
        assert rig.sms.sent[1] == ("+8613588888888", "又一次")
        await rig.stop()

    run(scenario)


def test_the_default_text_is_chinese_and_goes_through_the_box_lines(tmp_path: Path) -> None:
    """The box's sender: the first free SMS line in service; none: a reason kept."""
    from firmware.notify.wiring import box_sms_sender

    class Line:
        def __init__(self, name: str, state: str, call: object = None) -> None:
            self.name, self.call, self.sent = name, call, []
            self.status = type("S", (), {"state": state})()

        async def send_sms(self, number: str, text: str) -> list[int]:
            self.sent.append((number, text))
            return [1]

    lines = {"gsm0": Line("gsm0", "ready", call=object()), "gsm1": Line("gsm1", "ready"),
             "gsm2": Line("gsm2", "no_sim")}
    box = type("Box", (), {"gsm": lines})()

    async def scenario() -> None:
        rig = Rig(tmp_path, {})
        notifier = await rig.start()
        notifier.sms_send = box_sms_sender(box)
        assert nobody_available_sms(notifier, "+8613588888888")
        await until(lambda: lines["gsm1"].sent, "sent on the free line")
        assert lines["gsm1"].sent[0][1].startswith("您好")
        assert lines["gsm0"].sent == []
        await rig.stop()

    run(scenario)


def test_the_call_core_reaches_the_notifier_through_the_bus(tmp_path: Path) -> None:
    """The call core knows no box: its requests travel as events the notifier hears."""
    from firmware.events import EventBus
    from firmware.notify import notify_voicemail
    from firmware.notify.wiring import subscribe

    async def scenario() -> None:
        rig = Rig(tmp_path, {"caller_sms_text": TEXT, "sms_numbers": ["+8613800000999"],
                             "voicemail": {"sms": True}})
        notifier = await rig.start()
        bus = EventBus()
        subscribe(bus, notifier)
        core = type("Core", (), {"bus": bus, "config": lambda self: rig.config})()
        assert nobody_available_sms(core, "13588888888")
        assert not nobody_available_sms(core, "02161234567")  # a landline in Shanghai
        assert notify_voicemail(core, {"caller": "+8613588888888", "box": "801",
                                       "duration_s": 7}, tmp_path / "vm.wav")
        await until(lambda: len(rig.sms.sent) == 2, "both sent")
        assert ("+8613588888888", TEXT) in rig.sms.sent
        [vm] = [s for s in rig.sms.sent if s[0] == "+8613800000999"]
        assert vm[1].startswith("[测试公司] 新语音留言：+8613588888888") and "801" in vm[1]
        assert not notify_voicemail(object(), {}, "x.wav")
        await rig.stop()

    run(scenario)


def test_lines_of_the_one_line_model_are_used_by_their_sms_feature(tmp_path: Path) -> None:
    """A box whose lines are in the registry (firmware/lines/model.py): only a line with
    the "sms" feature sends, and one in fault is no line at all."""
    from firmware.lines.model import Lines
    from firmware.notify.notifier import NoSmsLine, SmsLinesBusy
    from firmware.notify.wiring import box_sms_sender

    class Line:
        def __init__(self, name: str, kind: str, features: set[str], state: str,
                     free: bool = True) -> None:
            self.name, self.kind, self.features = name, kind, frozenset(features)
            self.state, self.free, self.sent = state, free, []

        def available(self) -> bool:
            return self.free and self.state != "fault"

        def status_dict(self) -> dict:
            return {"kind": self.kind, "state": self.state, "reason": ""}

        async def send_sms(self, number: str, text: str) -> None:
            self.sent.append((number, text))

    lines = Lines()
    fxo = Line("fxo0", "fxo", set(), "idle")
    gsm = Line("gsm0", "gsm", {"sms", "forwarding"}, "in_use", free=False)
    lines.add_outside(fxo)
    lines.add_outside(gsm)
    send = box_sms_sender(type("Box", (), {"lines": lines})())

    async def scenario() -> None:
        with pytest.raises(SmsLinesBusy):
            await send("+8613588888888", "hi")
        gsm.free, gsm.state = True, "idle"
        await send("+8613588888888", "hi")
        assert gsm.sent == [("+8613588888888", "hi")] and fxo.sent == []
        gsm.state = "fault"
        with pytest.raises(NoSmsLine):
            await send("+8613588888888", "hi")

    run(scenario)
