"""An FXO line's incoming call (rings + caller ID as one offer) and disconnect supervision."""

from __future__ import annotations

from datetime import datetime

import pytest

from firmware.lines.analog_profiles import CN, US
from firmware.lines.callerid import caller_id_audio
from firmware.lines.fxo_incoming import FxoIncoming, Gone, Offer
from firmware.lines.line_battery import LineBattery
from firmware.lines.ring_cadence import RingEvent
from firmware.lines.supervision import Supervisor
from hil_tests.pstn.dsp import dtmf_tones
from tests.lines import signals as sig

FRAME_S = 0.02


def play(incoming: FxoIncoming, seconds: float, rings: list[tuple[float, float]],
         audio: dict[float, bytes]) -> list:
    """Run the line for `seconds`: ring bursts (start, length) and audio placed at times."""
    line = bytearray(2 * round(seconds * 8000))
    for start, pcm in audio.items():
        i = 2 * round(start * 8000)
        line[i:i + len(pcm)] = pcm[:len(line) - i]
    edges = sorted([(s, True) for s, _ in rings] + [(s + d, False) for s, d in rings])
    events = []
    for frame, t in sig.frames(bytes(line), 0.0):
        while edges and edges[0][0] <= t:
            te, on = edges.pop(0)
            events += incoming.ring_edge(on, te)
        events += incoming.frame(frame, t)
    return events


def offers(events) -> list[Offer]:
    return [e for e in events if isinstance(e, Offer)]


def test_fsk_caller_id_between_the_rings_is_offered_as_soon_as_it_is_read():
    fsk = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    events = play(FxoIncoming(CN), 12.0, [(0.5, 1.0), (5.5, 1.0), (10.5, 1.0)],
                  {2.1: fsk})
    [offer] = offers(events)
    assert offer.caller.number == "13812345678" and offer.caller.name == "北京分公司"
    assert offer.rings == 1 and offer.t < 5.5  # read before ring 2
    assert offer.t == pytest.approx(offer.caller.t_end, abs=0.02)  # in the frame it ended


def test_us_line_sdmf_caller_id():
    message = sig.sdmf("05010830", "4155551234")
    fsk = sig.pcm(sig.fsk(sig.cid_bits(message), 1200, 2200, -20.0))
    events = play(FxoIncoming(US), 9.0, [(0.0, 2.0), (6.0, 2.0)], {2.6: fsk})
    [offer] = offers(events)
    assert offer.caller.number == "4155551234" and offer.caller.format == "SDMF"


def test_dtmf_caller_id_before_the_first_ring_is_offered_at_ring_one():
    before = dtmf_tones("A13812345678C", 70, 70, amplitude=4000)
    events = play(FxoIncoming(CN), 3.0, [(2.4, 1.0)], {0.2: before})
    [offer] = offers(events)
    assert offer.caller.method == "dtmf" and offer.caller.number == "13812345678"
    assert offer.rings == 1 and offer.t == pytest.approx(2.4 + CN.ring.min_on_s, abs=0.021)


def test_no_caller_id_is_offered_at_ring_two_without_a_caller():
    events = play(FxoIncoming(CN), 7.0, [(0.5, 1.0), (5.5, 1.0)], {})
    [offer] = offers(events)
    assert offer.caller is None and offer.rings == 2
    assert offer.t == pytest.approx(5.5 + CN.ring.min_on_s, abs=0.021)


def test_a_caller_who_abandons_and_a_spike_that_is_no_call():
    events = play(FxoIncoming(CN), 9.0, [(0.2, 0.05), (1.0, 1.0)], {})
    assert [e.kind for e in events if isinstance(e, RingEvent)] == \
        ["rejected", "ring", "ring_end", "cid_window", "stopped"]
    gone = [e for e in events if isinstance(e, Gone)]
    assert gone and not gone[0].offered and offers(events) == []


def test_disconnect_by_polarity_ignores_the_answers_own_reversal():
    supervisor = Supervisor(CN, "polarity")
    supervisor.answered(10.0)
    assert supervisor.polarity(10.3) is None
    gone = supervisor.polarity(42.0)
    assert (gone.method, gone.t) == ("polarity", 42.0)
    assert supervisor.polarity(43.0) is None  # once


def test_disconnect_by_loop_current_drop_but_not_a_glitch():
    supervisor = Supervisor(US)
    assert supervisor.method == "loop_current"
    assert supervisor.loop_current(False, 5.0) is None
    assert supervisor.loop_current(True, 5.1) is None  # a 100 ms glitch
    assert supervisor.poll(6.0) is None
    supervisor.loop_current(False, 7.0)
    assert supervisor.poll(7.2) is None
    gone = supervisor.poll(7.26)
    assert (gone.method, gone.t) == ("loop_current", 7.0)


def test_disconnect_by_busy_tone_and_a_bad_method():
    supervisor = Supervisor(CN)
    busy = sig.pcm(sig.cadence([(450.0, 5000)], CN.busy.cadence, 3.0))
    found = [g for frame, t in sig.frames(busy, 0.0) if (g := supervisor.frame(frame, t))]
    assert [g.method for g in found] == ["busy_tone"]
    assert supervisor.polarity(5.0) is None and supervisor.loop_current(False, 5.0) is None
    with pytest.raises(ValueError, match="'cpc' is not one of busy_tone, polarity"):
        Supervisor(CN, "cpc")


def battery_run(edges: list[tuple[bool, float]], until: float) -> list:
    line = LineBattery()
    events, t = [], 0.0
    pending = list(edges)
    while t <= until:
        while pending and pending[0][1] <= t:
            events += line.battery(*pending.pop(0))
        events += line.poll(t)
        t = round(t + 0.02, 6)
    return [(e.kind, e.t) for e in events]


def test_a_cut_line_goes_out_of_service_and_comes_back():
    assert battery_run([(False, 1.0), (True, 5.0)], 6.0) == \
        [("battery_lost", 1.0), ("out_of_service", 1.0), ("in_service", 5.0)]


def test_a_short_dip_is_nothing_and_a_half_second_one_is_no_outage():
    assert battery_run([(False, 1.0), (True, 1.04)], 3.0) == []
    assert battery_run([(False, 1.0), (True, 1.5)], 3.0) == \
        [("battery_lost", 1.0), ("in_service", 1.5)]
