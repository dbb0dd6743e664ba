"""Ring detection by cadence: real rings per profile, never a spike or a short burst."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.lines.analog_profiles import CN, US, profile
from firmware.lines.ring_cadence import RingCadence

T0 = 1000.0


def run(cadence: RingCadence, edges: list[tuple[bool, float]], until: float,
        chatter: bool = False) -> list:
    """Feed edges (relative times) and poll every 20 ms, as the driver does."""
    events = []
    pending = sorted(edges, key=lambda e: e[1])
    t = 0.0
    while t <= until:
        while pending and pending[0][1] <= t:
            on, te = pending.pop(0)
            events += cadence.edge(on, T0 + te)
        events += cadence.poll(T0 + t)
        t = round(t + 0.02, 6)
    return events


def rings(on_s: float, off_s: float, count: int, start: float = 0.0) -> list[tuple[bool, float]]:
    edges = []
    for k in range(count):
        t = start + k * (on_s + off_s)
        edges += [(True, t), (False, t + on_s)]
    return edges


def kinds(events) -> list[str]:
    return [e.kind for e in events]


def test_china_rings_one_second_on_four_off():
    events = run(RingCadence(CN), rings(1.0, 4.0, 3, start=0.5), until=18.0)
    assert kinds(events) == ["ring", "ring_end", "cid_window", "ring", "ring_end",
                             "ring", "ring_end", "stopped"]
    first, _, window, second, *_ = events
    assert (first.n, first.t, first.cadence_ok) == (1, T0 + 0.5, None)
    assert window.t == pytest.approx(T0 + 1.5) and window.t_end == pytest.approx(T0 + 6.3)
    assert (second.n, second.cadence_ok) == (2, True)
    assert events[-1].t == pytest.approx(T0 + 0.5 + 2 * 5.0 + 1.0 + CN.ring.abandon_s)


def test_a_ring_is_known_after_min_on_not_at_the_end_of_the_burst():
    cadence = RingCadence(CN)
    assert cadence.edge(True, T0) == []
    assert cadence.poll(T0 + 0.38) == []
    [ring] = cadence.poll(T0 + 0.42)
    assert ring.kind == "ring" and cadence.ringing


def test_us_cadence_on_a_cn_line_rings_but_is_not_the_profile():
    events = run(RingCadence(CN), rings(2.0, 4.0, 2), until=7.0)
    assert [e.cadence_ok for e in events if e.kind == "ring"] == [None, False]
    events = run(RingCadence(US), rings(2.0, 4.0, 2), until=7.0)
    assert [e.cadence_ok for e in events if e.kind == "ring"] == [None, True]


@pytest.mark.parametrize("length", [0.01, 0.05, 0.2, 0.3, 0.39])
def test_spikes_and_short_bursts_are_never_rings(length):
    events = run(RingCadence(CN), [(True, 1.0), (False, 1.0 + length)], until=3.0)
    assert kinds(events) == ["rejected"]
    assert events[0].on_s == pytest.approx(length)


def test_detector_chatter_inside_a_burst_does_not_split_it():
    edges = []
    for k in range(50):  # a 25 Hz ring signal seen as 20 ms on, 20 ms off
        edges += [(True, 0.04 * k), (False, 0.04 * k + 0.02)]
    events = run(RingCadence(CN), edges, until=3.0)
    assert kinds(events) == ["ring", "ring_end", "cid_window"]
    assert events[1].on_s == pytest.approx(1.98)


def test_spikes_between_rings_do_not_spoil_the_cadence():
    edges = [*rings(1.0, 4.0, 2), (True, 2.5), (False, 2.55)]
    events = run(RingCadence(CN), edges, until=6.5)
    assert kinds(events) == ["ring", "ring_end", "cid_window", "rejected", "ring", "ring_end"]
    assert events[4].cadence_ok is True


def test_a_caller_who_gives_up_after_one_ring():
    events = run(RingCadence(US), rings(2.0, 4.0, 1), until=12.0)
    assert kinds(events)[-1] == "stopped"
    cadence = RingCadence(US)
    run(cadence, rings(2.0, 4.0, 1), until=12.0)
    assert not cadence.ringing and cadence.rings == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 0.3), st.floats(0.16, 3.0)), min_size=1,
                max_size=12))
def test_no_train_of_short_bursts_ever_rings(bursts):
    edges, t = [], 0.0
    for on_s, off_s in bursts:
        edges += [(True, t), (False, t + on_s)]
        t += on_s + off_s
    events = run(RingCadence(CN), edges, until=t + 1.0)
    assert "ring" not in kinds(events)


def test_profiles_by_name():
    assert profile("cn") is CN and profile("us") is US
    with pytest.raises(ValueError, match="'uk' is not one of cn, us"):
        profile("uk")


@settings(max_examples=40, deadline=None)
@given(count=st.integers(1, 4), jitter=st.lists(st.floats(-0.1, 0.1), min_size=8, max_size=8),
       chatter=st.booleans(), us=st.booleans())
def test_every_real_ring_counts_once_and_fits_its_cadence(count, jitter, chatter, us):
    prof = US if us else CN
    edges, t = [], 0.3
    for k in range(count):
        on_s = prof.ring.on_s * (1 + jitter[2 * k])
        if chatter:  # the detector sees the 20-25 Hz ring signal's half cycles
            n = int(on_s / 0.04)
            edges += [e for i in range(n) for e in ((True, t + 0.04 * i),
                                                     (False, t + 0.04 * i + 0.02))]
        else:
            edges += [(True, t), (False, t + on_s)]
        t += on_s + prof.ring.off_s * (1 + jitter[2 * k + 1])
    events = run(RingCadence(prof), edges, until=t)
    found = [e for e in events if e.kind == "ring"]
    assert [e.n for e in found] == list(range(1, count + 1))
    assert all(e.cadence_ok for e in found[1:])
    assert "rejected" not in kinds(events)
