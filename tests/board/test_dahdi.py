"""DAHDI ports without DAHDI: ioctl numbers, event mapping, a fake channel."""

import os
import socket
import struct

import pytest

from board import dahdi
from board.base import FRAME_BYTES, BoardUnavailable, WrongPortKind
from board.dahdi import DahdiPort, map_event
from hil_tests.pstn.testing import wait_for


def test_ioctl_numbers_match_the_c_macros():
    # _IOW(0xDA, nr, int) = 0x4004DA00 | nr ; _IOR(0xDA, nr, int) = 0x8004DA00 | nr
    assert dahdi.DAHDI_SPECIFY == 0x4004DA26
    assert dahdi.DAHDI_SETLINEAR == 0x4004DA28
    assert dahdi.DAHDI_HOOK == 0x4004DA07
    assert dahdi.DAHDI_SET_BLOCKSIZE == 0x4004DA01
    assert dahdi.DAHDI_GETEVENT == 0x8004DA08


@pytest.mark.parametrize(("kind", "code", "event"), [
    ("fxs", dahdi.EVENT_RINGOFFHOOK, "offhook"),
    ("fxs", dahdi.EVENT_ONHOOK, "onhook"),
    ("fxs", dahdi.EVENT_WINKFLASH, "flash"),
    ("fxs", dahdi.EVENT_POLARITY, None),
    ("fxo", dahdi.EVENT_RINGOFFHOOK, "ring_begin"),
    ("fxo", dahdi.EVENT_RINGEROFF, "ring_end"),
    ("fxo", dahdi.EVENT_RINGBEGIN, None),
    ("fxo", dahdi.EVENT_POLARITY, "polarity"),
    ("fxo", dahdi.EVENT_ALARM, "battery_lost"),
    ("fxo", dahdi.EVENT_NOALARM, "battery_restored"),
    ("fxo", dahdi.EVENT_ONHOOK, None),
    ("fxs", (1 << 17) | ord("5"), None),  # DTMFDOWN: digits are in-band, not events
])
def test_event_mapping(kind, code, event):
    assert map_event(kind, code) == event


class FakeChannel:
    """The driver's side: a socketpair for audio, a queue of events, a log of ioctls."""

    def __init__(self, events=()):
        self.ours, self.theirs = socket.socketpair()
        self.ours.setblocking(False)
        self.calls = []
        self.events = list(events)

    def opener(self, path):
        self.calls.append(("open", path))
        return os.dup(self.ours.fileno())  # the port owns (and closes) its own fd

    def ioctl(self, fd, request, arg, mutate=False):
        if request == dahdi.DAHDI_GETEVENT:
            arg[0] = self.events.pop(0) if self.events else 0
            return 0
        self.calls.append((request, struct.unpack("i", arg)[0]))
        return arg


def port(kind, channel, events=()):
    fake = FakeChannel(events)
    p = DahdiPort(f"{kind}0", kind, 3, "/dev/dahdi/channel", ioctl=fake.ioctl,
                  opener=fake.opener)
    return p, fake


def test_open_selects_the_channel_in_linear_20ms_blocks():
    p, fake = port("fxs", 3)
    p.open()
    try:
        assert fake.calls == [("open", "/dev/dahdi/channel"), (dahdi.DAHDI_SPECIFY, 3),
                              (dahdi.DAHDI_SETLINEAR, 1), (dahdi.DAHDI_SET_BLOCKSIZE, 160)]
        assert p.status().ok
    finally:
        p.close()


def test_audio_frames_flow_both_ways():
    p, fake = port("fxs", 3)
    p.open()
    try:
        fake.theirs.sendall(b"\x01\x02" * 160)
        assert wait_for(p.audio.read_frame) == b"\x01\x02" * 160
        p.audio.write_frame(b"\x00\x07" * 160)
        assert fake.theirs.recv(FRAME_BYTES) == b"\x00\x07" * 160
        with pytest.raises(ValueError, match="fxs0: an audio frame is 320 bytes"):
            p.audio.write_frame(b"\x00" * 10)
    finally:
        p.close()


def test_events_become_line_events_and_hook_state():
    p, _ = port("fxs", 3, [dahdi.EVENT_RINGOFFHOOK, dahdi.EVENT_WINKFLASH])
    p.fd = 99  # drain_events only needs an fd for the (fake) ioctl
    seen = []
    p.on_event(seen.append)
    p.drain_events()
    assert [e.kind for e in seen] == ["offhook", "flash"]
    assert p.hook_state() == "off" and seen[0].port == "fxs0"
    p.handle_event(dahdi.EVENT_ONHOOK)
    assert p.hook_state() == "on"


def test_a_removed_channel_goes_out_of_service():
    p, _ = port("fxo", 3)
    statuses = []
    p.on_status(statuses.append)
    p.handle_event(dahdi.EVENT_REMOVED)
    assert statuses[-1].ok is False and "removed" in statuses[-1].reason


def test_ringer_and_hook_are_dahdi_hook_calls():
    fxs, fake = port("fxs", 3)
    fxs.fd = 99
    fxs.set_ringer(True)
    fxs.set_ringer(False)
    assert fake.calls == [(dahdi.DAHDI_HOOK, dahdi.DAHDI_RING),
                          (dahdi.DAHDI_HOOK, dahdi.DAHDI_RINGOFF)]
    with pytest.raises(WrongPortKind, match="fxs0 is an FXS port"):
        fxs.set_hook(True)
    fxo, fake = port("fxo", 1)
    fxo.fd = 99
    fxo.set_hook(True)
    assert fake.calls == [(dahdi.DAHDI_HOOK, dahdi.DAHDI_OFFHOOK)]
    assert fxo.hook_state() == "off"
    with pytest.raises(WrongPortKind, match="fxo0 is an FXO port"):
        fxo.set_ringer(True)


def test_hook_on_a_closed_channel_is_refused():
    fxs, _ = port("fxs", 3)
    with pytest.raises(BoardUnavailable, match="fxs0: channel is not open"):
        fxs.set_ringer(True)


def test_a_channel_that_cannot_be_specified_fails_the_open():
    fake = FakeChannel()

    def refuse(fd, request, arg, mutate=False):
        raise OSError(6, "No such device or address")

    p = DahdiPort("fxs1", "fxs", 9, ioctl=refuse, opener=fake.opener)
    with pytest.raises(BoardUnavailable, match="port fxs1: DAHDI channel 9"):
        p.open()
