""""Nobody available: an SMS to the caller's mobile" (Q5): the owner's text (Chinese
goes as UCS2 through the line) to a mobile caller only, at most once an hour."""

from __future__ import annotations

from pathlib import Path

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
