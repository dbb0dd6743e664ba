"""The emulator process and its HTTP control API: start, publish, errors, stop."""

from __future__ import annotations

import json
import signal
import urllib.request

import pytest

from hil_tests.pstn.client import EmulatorError
from hil_tests.pstn.process import EmulatorStartError, start_emulator
from hil_tests.pstn.testing import wait_for


def raw_post(url: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_rundir_is_published_and_cleaned_up(emulator):
    info = json.loads((emulator.rundir / "emulator.json").read_text())
    assert info["control_url"] == emulator.url and info["shape"] == "sim"
    assert info["fxs"] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    imei = info["modems"][0]
    assert len(imei) == 15 and imei.isdigit()
    moddir = emulator.rundir / "modems" / imei
    assert (moddir / "at").resolve().as_posix().startswith("/dev/pts/")
    assert (moddir / "audio").is_symlink()
    assert all((emulator.rundir / f"fxs{i}.sock").exists() for i in range(4))
    assert emulator.client.health() | {"uptime_s": 0} == {
        "ok": True, "modems": 1, "phones": 4, "shape": "sim", "pid": info["pid"],
        "uptime_s": 0, "errors": {}}
    printed = (emulator.rundir / "emulator.out").read_text()
    assert f"PSTN emulator control: {emulator.url}" in printed
    emulator.proc.send_signal(signal.SIGINT)
    assert emulator.proc.wait(5) == 0
    assert not (emulator.rundir / "emulator.json").exists()
    assert not (emulator.rundir / "modems").exists()
    assert not (emulator.rundir / "fxs0.sock").exists()


def test_two_gsm_shape(emulator_factory):
    emu = emulator_factory("sim-2gsm")
    modems = emu.client.modems()
    assert [m["number"] for m in modems] == ["+8613900000001", "+8613900000002"]
    assert len({m["imei"] for m in modems}) == 2 and len(emu.client.phones()) == 4


def test_a_rundir_in_use_is_refused(emulator, tmp_path):
    with pytest.raises(EmulatorStartError, match="in use by emulator pid"):
        start_emulator(emulator.rundir)


def test_bad_requests_name_the_problem(emulator):
    c = emulator.client
    status, body = raw_post(emulator.url + "/calls", b"{not json")
    assert status == 400 and "not valid JSON" in body["error"]
    status, body = raw_post(emulator.url + "/calls", b"[1, 2]")
    assert status == 400 and "JSON object" in body["error"]
    cases = [
        (lambda: c.call("c99"), 404, "no call"),
        (lambda: c.modem_fault("nope", "unplug"), 404, "no modem"),
        (lambda: c.modem_fault(emulator.modems[0], "explode"), 400, "kind"),
        (lambda: c.modem_signal(emulator.modems[0], 40), 400, "csq"),
        (lambda: c.modem_registration(emulator.modems[0], "1"), 400, "stat"),
        (lambda: c.add_subscriber("+8613800138000", "sing"), 400, "behaviour"),
        (lambda: c.add_subscriber("not a number"), 400, "number"),
        (lambda: c.place_call("+8613812345678", "+8613700000000"), 404, "not a box SIM"),
        (lambda: c.get("/nowhere"), 404, "no route"),
        (lambda: c.phone_hook("fxs9", "off"), 404, "fxs9"),
        (lambda: c.post("/config", {"ring_period_s": -1}), 400, "ring_period_s"),
        (lambda: c.post("/config", {"warp": 1}), 400, "unknown setting"),
        (lambda: c.events(since=-1), 400, "since"),
    ]
    for request, status, words in cases:
        with pytest.raises(EmulatorError) as err:
            request()
        assert err.value.status == status and words in err.value.message, err.value


def test_state_conflicts_are_409(emulator):
    c, mid = emulator.client, emulator.modems[0]
    wait_for(lambda: c.modem(mid)["registration"] == 1, what="registration")
    call = c.place_call("+8613812345678", "+8613900000001")
    with pytest.raises(EmulatorError) as err:
        c.send_to_call(call["id"], tone_hz=1000, ms=100)
    assert err.value.status == 409 and "ringing" in err.value.message
    c.hangup(call["id"])
    with pytest.raises(EmulatorError) as err:
        c.hangup(call["id"])
    assert err.value.status == 409 and "already ended" in err.value.message
    c.modem_fault(mid, "unplug")
    with pytest.raises(EmulatorError) as err:
        c.modem_fault(mid, "unplug")
    assert err.value.status == 409
    with pytest.raises(EmulatorError) as err:
        c.deliver_sms(mid, "10086", "hi")
    assert err.value.status == 409 and "not registered" in err.value.message


def test_events_filter_and_wait(emulator):
    c = emulator.client
    mark = c.mark()
    c.add_subscriber("+8613800138000", "busy")
    answer = c.events(since=mark, kind="subscriber")
    assert [e["number"] for e in answer["events"]] == ["+8613800138000"]
    assert answer["next"] > mark
    assert c.events(since=answer["next"], kind="subscriber", wait_s=0.1)["events"] == []
    with pytest.raises(TimeoutError, match="no subscriber"):
        c.wait_event(kind="subscriber", since=answer["next"], timeout=0.2)
    assert c.subscribers()[0]["behaviour"] == "busy"


def test_config_and_phone_and_led_routes(emulator):
    c = emulator.client
    config = c.config(ring_period_s=0.5, no_answer_s=4)
    assert config["network"]["no_answer_s"] == 4.0
    assert config["modems"][emulator.modems[0]]["ring_period_s"] == 0.5
    assert [p["port"] for p in c.phones()] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    assert c.leds() == {"leds": {}}


def test_phone_routes(emulator):
    c = emulator.client
    assert c.phone_hook("fxs1", "off")["hook"] == "off"
    assert c.wait_event("hook", port="fxs1", state="off", timeout=2)["port"] == "fxs1"
    assert isinstance(c.phone_dial("fxs1", "801"), float)
    assert isinstance(c.phone_send("fxs1", tone_hz=1000, ms=200), float)
    assert set(c.phone_heard("fxs1")) >= {"tones", "dtmf", "ringer"}
    assert c.phone_auto_answer("fxs2", 1.5)["auto_answer"] == 1.5
    assert c.phone_auto_answer("fxs2", None)["auto_answer"] is None
    for request, words in [(lambda: c.phone_hook("fxs1", "sideways"), "hook state"),
                           (lambda: c.phone_dial("fxs1", "12x"), ""),
                           (lambda: c.post("/phones/fxs1/auto_answer", {}), "after_s")]:
        with pytest.raises(EmulatorError) as err:
            request()
        assert err.value.status == 400 and words in err.value.message
