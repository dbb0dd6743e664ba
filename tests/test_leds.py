"""docs/leds.md, row by row: box state -> LED pattern."""

import pytest

from board.base import Blink, Count, Off, Solid
from firmware.leds import (
    FAULT_FXO_BATTERY,
    FAULT_MODEM_LOST,
    FAULT_NO_SIM,
    FAULT_PIN,
    FAULT_STORAGE,
    BoxState,
    GsmLineState,
    active_faults,
    led_patterns,
    signal_bars,
)

GOOD = GsmLineState(sim="ready", registration="registered", csq=22)


def pattern(led, **state):
    return led_patterns(BoxState(**state), [led])[led]


@pytest.mark.parametrize(("system", "sys_led"), [
    ("booting", Blink(500, 500)), ("ready", Solid()), ("fault", Off())])
def test_pwr_and_sys(system, sys_led):
    assert pattern("PWR", system=system) == Solid()
    assert pattern("SYS", system=system) == sys_led


@pytest.mark.parametrize(("line", "expected"), [
    (GsmLineState(), Off()),
    (GsmLineState(ringing=True), Blink(200, 200)),
    (GsmLineState(in_call=True), Solid()),
    (GsmLineState(in_call=True, ringing=True), Solid()),  # call waiting: still in a call
    (GsmLineState(ringing=True, present=False), Off()),
])
def test_gsm_line_led(line, expected):
    assert pattern("LINE-gsm0", system="ready", gsm={"gsm0": line}) == expected


@pytest.mark.parametrize(("line", "expected"), [
    (GsmLineState(registration="registered", csq=99), Count(0)),
    (GsmLineState(registration="registered", csq=5), Count(1)),
    (GsmLineState(registration="registered", csq=12), Count(2)),
    (GsmLineState(registration="registered", csq=17), Count(3)),
    (GsmLineState(registration="registered", csq=22), Count(4)),
    (GsmLineState(registration="registered", csq=31), Count(5)),
    (GsmLineState(registration="searching", csq=20), Blink(100, 100)),
    (GsmLineState(registration="denied"), Blink(100, 900)),
    (GsmLineState(registration="none"), Off()),
    (GsmLineState(sim="absent", registration="registered", csq=20), Off()),
    (GsmLineState(sim="pin"), Off()),
    (GsmLineState(registration="registered", csq=20, present=False), Off()),
])
def test_gsm_signal_led(line, expected):
    assert pattern("SIG-gsm0", system="ready", gsm={"gsm0": line}) == expected


@pytest.mark.parametrize(("csq", "bars"), [(0, 0), (1, 0), (2, 1), (9, 1), (10, 2), (14, 2),
                                           (15, 3), (19, 3), (20, 4), (24, 4), (25, 5),
                                           (31, 5), (99, 0)])
def test_signal_bars_from_csq(csq, bars):
    assert signal_bars(csq) == bars


@pytest.mark.parametrize(("port_state", "expected"), [
    ("idle", Off()), ("ringing", Blink(200, 200)), ("in_use", Solid()),
    ("fault", Blink(100, 1900))])
@pytest.mark.parametrize("port", ["fxs0", "fxo1"])
def test_analog_port_led(port, port_state, expected):
    assert pattern(f"LINE-{port}", system="ready", ports={port: port_state}) == expected


@pytest.mark.parametrize(("state", "code"), [
    (BoxState("ready", gsm={"gsm0": GsmLineState(sim="absent")}), FAULT_NO_SIM),
    (BoxState("ready", gsm={"gsm0": GsmLineState(sim="pin")}), FAULT_PIN),
    (BoxState("ready", gsm={"gsm0": GsmLineState(present=False)}), FAULT_MODEM_LOST),
    (BoxState("ready", ports={"fxo0": "fault"}), FAULT_FXO_BATTERY),
    (BoxState("ready", fault=FAULT_STORAGE), FAULT_STORAGE),
])
def test_err_flashes_the_fault_code(state, code):
    assert led_patterns(state, ["ERR"])["ERR"] == Count(code, 4000)


def test_err_shows_the_lowest_code_and_nothing_while_booting():
    state = dict(gsm={"gsm0": GsmLineState(sim="pin"), "gsm1": GsmLineState(present=False)},
                 ports={"fxo0": "fault", "fxs0": "fault"}, fault=FAULT_STORAGE)
    assert active_faults(BoxState("ready", **state)) == [2, 3, 4, 5]
    assert pattern("ERR", system="ready", **state) == Count(2, 4000)
    assert pattern("ERR", system="booting", **state) == Off()


def test_err_without_faults():
    assert pattern("ERR", system="ready", gsm={"gsm0": GOOD}, ports={"fxs0": "fault"}) == Off()
    assert pattern("ERR", system="fault") == Solid()


def test_every_led_of_a_board_gets_a_pattern_and_unknown_ones_stay_dark():
    names = ["PWR", "SYS", "ERR", "LINE-gsm0", "SIG-gsm0", "LINE-gsm1", "SIG-gsm1",
             "LINE-fxs0", "LINE-fxs3", "BUZZER"]
    state = BoxState("ready", gsm={"gsm0": GsmLineState(registration="registered", csq=31,
                                                          in_call=True)},
                     ports={"fxs0": "ringing"})
    got = led_patterns(state, names)
    assert list(got) == names
    assert got["LINE-gsm0"] == Solid() and got["SIG-gsm0"] == Count(5)
    assert got["LINE-fxs0"] == Blink(200, 200)
    assert got["LINE-gsm1"] == got["SIG-gsm1"] == got["LINE-fxs3"] == got["BUZZER"] == Off()


@pytest.mark.parametrize(("words", "line"), [
    (("ready", 1, 20), GsmLineState("ready", "registered", 20)),
    (("ready", 5, 20), GsmLineState("ready", "registered", 20)),
    (("puk", 0, None), GsmLineState("pin", "none", 99)),
    (("error", 2, 3), GsmLineState("absent", "searching", 3)),
    ((None, None, None), GsmLineState("ready", "none", 99)),
    (("ready", 3, 10), GsmLineState("ready", "denied", 10)),
])
def test_line_state_from_the_modem_words(words, line):
    assert GsmLineState.from_modem(*words) == line


@pytest.mark.parametrize("bad", [
    lambda: GsmLineState(csq=40), lambda: GsmLineState(sim="locked"),
    lambda: GsmLineState(registration="roaming"), lambda: BoxState("sleeping"),
    lambda: BoxState(fault=9), lambda: BoxState(ports={"fxs0": "busy"})])
def test_bad_states_are_refused(bad):
    with pytest.raises(ValueError):
        bad()


def test_the_function_is_pure():
    state = BoxState("ready", gsm={"gsm0": GOOD})
    assert led_patterns(state, ["SIG-gsm0"]) == led_patterns(state, ["SIG-gsm0"])
    assert state == BoxState("ready", gsm={"gsm0": GOOD})
