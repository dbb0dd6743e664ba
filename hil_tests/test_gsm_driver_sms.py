"""The GSM driver against the PSTN emulator: SMS both ways, call forwarding, SIM PIN."""

from __future__ import annotations

import pytest

from firmware.errors import LineOutOfService
from firmware.lines.gsm import GsmSmsReceived
from firmware.lines.gsm_sms import SmsError
from hil_tests.pstn.testing import wait_for
from hil_tests.test_gsm_driver_rig import CALLER, TIMINGS, GsmRig

pytestmark = pytest.mark.hil
FRIEND = "+8613700000009"


@pytest.fixture
def rig(emulator_factory):
    with GsmRig(emulator_factory("sim", **TIMINGS)) as r:
        r.ready()
        yield r


def _sent(rig) -> list[dict]:
    return rig.client.modem_sms(rig.mid)["sent"]


def test_sms_in_the_gsm_alphabet(rig):
    refs = rig.run(rig.line.send_sms(FRIEND, "Missed call from 13800138000, 10:32"))
    assert len(refs) == 1 and refs[0] >= 0
    (sent,) = _sent(rig)
    assert (sent["to"], sent["text"]) == (FRIEND, "Missed call from 13800138000, 10:32")
    assert sent["mr"] == refs[0]
    assert rig.client.modem(rig.mid)["settings"]["cscs"] == "GSM"


@pytest.mark.parametrize("text", ["您有一个未接来电：13800138000", "Price: $5 @ shop_1", "a\nb"])
def test_sms_outside_the_gsm_alphabet_goes_as_ucs2(rig, text):
    rig.run(rig.line.send_sms(FRIEND, text))
    (sent,) = _sent(rig)
    assert (sent["to"], sent["text"], sent["charset"]) == (FRIEND, text, "UCS2")
    settings = rig.client.modem(rig.mid)["settings"]
    assert settings["cscs"] == "GSM" and settings["csmp"][3] == 0  # put back afterwards


def test_long_chinese_sms_is_sent_in_parts(rig):
    text = "未接来电" * 25  # 100 characters: two UCS2 messages
    refs = rig.run(rig.line.send_sms(FRIEND, text))
    assert len(refs) == 2
    assert "".join(s["text"] for s in _sent(rig)) == text


def test_sms_refused_by_the_network(rig):
    rig.client.modem_fault(rig.mid, "sms_error", code=500)
    with pytest.raises(SmsError) as info:
        rig.run(rig.line.send_sms(FRIEND, "hello"))
    assert "+CMS ERROR: 500" in str(info.value) and FRIEND in str(info.value)
    rig.run(rig.line.send_sms(FRIEND, "hello again"))
    assert [s["text"] for s in _sent(rig)] == ["hello again"]


def test_bad_number_is_refused_before_the_modem_sees_it(rig):
    with pytest.raises(ValueError):
        rig.run(rig.line.send_sms("call me", "x"))
    assert _sent(rig) == []


@pytest.mark.parametrize("text", ["Hello, call back please", "你好，请回电"])
def test_received_sms_is_published_and_deleted(rig, text):
    rig.client.deliver_sms(rig.mid, CALLER, text)
    sms = rig.wait_event(GsmSmsReceived)
    assert (sms.sender, sms.text) == (CALLER, text)
    assert rig.run(_inbox_size(rig)) == 0


async def _inbox_size(rig) -> int:
    reply = await rig.line.engine().command('AT+CPMS="SM","SM","SM"')
    return int(reply.value("+CPMS:").split(",")[0])


def test_call_forwarding_on_query_off(rig):
    assert rig.run(rig.line.forwarding()) is None
    rig.run(rig.line.set_forwarding("+8613700000007"))
    assert rig.run(rig.line.forwarding()) == "+8613700000007"
    fwd = rig.client.modem(rig.mid)["forwarding"]["unconditional"]
    assert (fwd["active"], fwd["number"]) == (True, "+8613700000007")
    rig.run(rig.line.set_forwarding(None))
    assert rig.run(rig.line.forwarding()) is None
    assert rig.client.modem(rig.mid)["forwarding"]["unconditional"]["active"] is False


def test_requests_while_not_registered_are_refused(rig):
    rig.client.modem_registration(rig.mid, 0)
    rig.wait_status("not_registered")
    with pytest.raises(LineOutOfService):
        rig.run(rig.line.send_sms(FRIEND, "x"))
    with pytest.raises(LineOutOfService):
        rig.run(rig.line.dial(FRIEND))


# --- SIM PIN -----------------------------------------------------------------------


def _locked_emulator(emulator_factory, pin: str = "1234"):
    emu = emulator_factory("sim", **TIMINGS)
    emu.client.modem_sim(emu.modems[0], "pin", pin=pin)
    return emu


def test_sim_pin_unlocks(emulator_factory):
    with GsmRig(_locked_emulator(emulator_factory), sim_pin="1234") as rig:
        rig.ready()
        assert rig.client.modem(rig.mid)["sim"] == "ready"


def test_sim_pin_needed_but_not_configured(emulator_factory):
    with GsmRig(_locked_emulator(emulator_factory)) as rig:
        status = rig.wait_status("pin_required")
        assert status.sim == "pin" and "no" in status.reason
        assert rig.client.modem(rig.mid)["pin_left"] == 3


def test_wrong_sim_pin_is_tried_once_only(emulator_factory):
    with GsmRig(_locked_emulator(emulator_factory), sim_pin="0000") as rig:
        status = rig.wait_status("pin_required")
        assert "refused" in status.reason
        assert rig.client.modem(rig.mid)["pin_left"] == 2
        mark = rig.mark()
        rig.client.modem_fault(rig.mid, "unplug")  # even a reopen must not try it again
        rig.wait_status("out_of_service", since=mark)
        rig.client.modem_fault(rig.mid, "replug")
        rig.wait_status("pin_required", since=mark)
        n = len(rig.client.events(kind="at_rx")["events"])
        wait_for(lambda: len(rig.client.events(kind="at_rx")["events"]) > n + 4,
                 what="a few supervision polls")
        assert rig.client.modem(rig.mid)["pin_left"] == 2
        assert rig.line.status.state == "pin_required"


def test_no_sim_then_sim_inserted(emulator_factory):
    emu = emulator_factory("sim", **TIMINGS)
    emu.client.modem_sim(emu.modems[0], "absent")
    with GsmRig(emu) as rig:
        assert rig.wait_status("no_sim").sim == "absent"
        rig.client.modem_sim(rig.mid, "ready")
        rig.ready()
