"""Caller ID: the firmware's MDMF message and FSK audio, checked against the
emulator's independent receiver (hil_tests/pstn/dsp.py)."""

from __future__ import annotations

import itertools
import math
import random
from array import array
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.lines.callerid import (
    FRAME_BYTES,
    NAME_MAX_BYTES,
    caller_id_audio,
    checksum,
    fit_name,
    mdmf_message,
    message_bits,
    modulate,
)
from hil_tests.pstn.dsp import CallerIdReceiver, parse_caller_id

WHEN = datetime(2024, 3, 5, 9, 7, tzinfo=ZoneInfo("Asia/Shanghai"))
HANZI = "北京上海广州深圳分公司销售部张伟王芳李娜刘洋陈静"


def receive(pcm: bytes, t0: float = 100.0) -> list[dict]:
    receiver = CallerIdReceiver()
    pcm += bytes(-len(pcm) % FRAME_BYTES) + bytes(2 * FRAME_BYTES)  # then silence
    found = []
    for i in range(0, len(pcm), FRAME_BYTES):
        found += receiver.feed(pcm[i:i + FRAME_BYTES], t0 + i / 16000)
    return found


def test_mdmf_layout_date_number_name_and_checksum():
    message = mdmf_message(WHEN, "13812345678", "Li")
    assert message[0] == 0x80 and message[1] == len(message) - 3
    assert message[2:12] == b"\x01\x0803050907"
    assert message[12:25] == b"\x02\x0b13812345678"
    assert message[25:29] == b"\x07\x02Li"
    assert sum(message) % 256 == 0
    assert checksum(message[:-1]) == message[-1]


@pytest.mark.parametrize(("number", "withheld", "reason"),
                         [(None, False, b"O"), (None, True, b"P"), ("13812345678", True, b"P")])
def test_an_absent_number_says_why(number, withheld, reason):
    message = mdmf_message(WHEN, number, None, withheld=withheld)
    assert b"\x04\x01" + reason in message and b"\x08\x01" + reason in message
    assert b"\x02" not in message[12:-1] and b"13812345678" not in message
    assert sum(message) % 256 == 0


def test_a_number_without_a_name_sends_no_name_field():
    message = mdmf_message(WHEN, "801")
    assert message[12:-1] == b"\x02\x03801"


def test_chinese_names_are_cut_at_a_character_boundary():
    name = HANZI  # 27 characters, 81 bytes of UTF-8
    sent = fit_name(name)
    assert len(sent) == 48 and sent.decode("utf-8") == name[:16]
    assert fit_name("ab" + name, 5) == b"ab" + name[0].encode()
    assert fit_name(name, 50, "gbk").decode("gbk") == name[:25]
    assert fit_name("Zoë 😀", 50, "gb2312") == b"Zo? ?"
    field = mdmf_message(WHEN, "8001", name)
    assert field[18:20] == bytes([0x07, 48])


def test_bad_numbers_are_refused():
    for bad in ("", "138-1234", "1" * 21, "12x"):
        with pytest.raises(ValueError, match="caller ID number"):
            mdmf_message(WHEN, bad)


def test_bits_seizure_marks_and_framed_bytes():
    bits = message_bits(b"\x80\x01")
    assert bits[:6] == [0, 1, 0, 1, 0, 1] and len(bits) == 300 + 180 + 20 + 10
    assert set(bits[300:480]) == {1}
    assert bits[480:490] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]  # 0x80, LSB first, framed
    assert bits[490:500] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 1]


def test_fsk_is_phase_continuous_and_padded_to_frames():
    pcm = modulate([1, 0] * 50 + [0, 0, 1, 1] * 30, amplitude=8000)
    assert len(pcm) % FRAME_BYTES == 0
    samples = array("h", pcm)
    n = math.ceil(220 * 8000 / 1200)
    assert max(abs(x) for x in samples[:n]) <= 8000
    # no step larger than the fastest tone (2200 Hz) can make in one sample
    limit = 8000 * 2 * math.sin(math.pi * 2200 / 8000) + 2
    assert max(abs(b - a) for a, b in itertools.pairwise(samples[:n])) <= limit
    assert not any(samples[n + 1:])
    with pytest.raises(ValueError, match="amplitude"):
        modulate([1], amplitude=0)


def test_the_emulator_receives_number_name_and_date():
    [got] = receive(caller_id_audio(WHEN, "13812345678", "北京分公司"))
    assert got["ok"] and got["format"] == "MDMF" and got["checksum_ok"]
    assert (got["number"], got["name"], got["date"]) == ("13812345678", "北京分公司", "03050907")
    assert got["t_start"] == pytest.approx(100.0, abs=0.01)
    seconds = (300 + 180 + 10 * (3 + 10 + 13 + 17) + 10) / 1200
    assert got["t_end"] == pytest.approx(100.0 + seconds - 10 / 1200, abs=0.003)


def test_the_emulator_receives_withheld_and_unavailable():
    [private] = receive(caller_id_audio(WHEN, None, withheld=True))
    [unknown] = receive(caller_id_audio(WHEN, None))
    assert private["ok"] and private["number"] is None and private["number_absent"] == "P"
    assert unknown["ok"] and unknown["number_absent"] == "O" and unknown["name_absent"] == "O"


def test_a_gbk_name_is_read_back_too():
    [got] = receive(caller_id_audio(WHEN, "02088886666", "广州销售部", encoding="gbk"))
    assert got["ok"] and got["name"] == "广州销售部"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=st.text("0123456789", min_size=1, max_size=20),
       name=st.one_of(st.none(), st.text(HANZI + "ABC xyz-", min_size=1, max_size=30)),
       amplitude=st.integers(600, 25000), lead=st.integers(0, 500),
       minute=st.integers(0, 60 * 24 * 365))
def test_round_trip_many_numbers_and_names(number, name, amplitude, lead, minute):
    when = datetime(2024, 1, 1) + (datetime(2024, 1, 2) - datetime(2024, 1, 1)) * (minute / 1440)
    pcm = bytes(2 * lead) + caller_id_audio(when, number, name, amplitude=amplitude)
    [got] = receive(pcm)
    assert got["ok"], got
    assert got["number"] == number
    assert got["name"] == (fit_name(name).decode() if name else None)
    assert got["date"] == when.strftime("%m%d%H%M")


def test_round_trip_survives_line_noise():
    rng = random.Random(5)
    for _ in range(10):
        number = "".join(rng.choice("0123456789") for _ in range(11))
        clean = array("h", caller_id_audio(WHEN, number, HANZI[:6], amplitude=6000))
        noisy = array("h", (max(-32768, min(32767, round(x + rng.gauss(0, 250))))
                            for x in clean))  # ~24 dB below the signal
        [got] = receive(noisy.tobytes())
        assert got["ok"] and got["number"] == number


def test_a_corrupted_message_is_reported_not_trusted():
    message = bytearray(mdmf_message(WHEN, "13812345678"))
    message[14] ^= 0x01  # one bit of the number flipped: the checksum no longer adds up
    [got] = receive(modulate(message_bits(bytes(message))))
    assert got["checksum_ok"] is False and got["ok"] is False
    cut = caller_id_audio(WHEN, "13812345678")[:8800]  # stops half way: carrier lost
    [lost] = receive(cut)
    assert lost["ok"] is False and "carrier lost" in lost["error"]


def test_parse_sdmf_and_bad_messages():
    body = b"03050907" + b"13812345678"
    sdmf = bytes([0x04, len(body)]) + body
    sdmf += bytes([-sum(sdmf) & 0xFF])
    got = parse_caller_id(sdmf)
    assert (got["format"], got["date"], got["number"], got["checksum_ok"]) == \
        ("SDMF", "03050907", "13812345678", True)
    private = bytes([0x04, 9]) + b"03050907P"
    assert parse_caller_id(private + bytes([-sum(private) & 0xFF]))["number_absent"] == "P"
    assert "error" in parse_caller_id(b"\x80\x09\x01\x08")
    assert "unknown message type" in parse_caller_id(b"\x99\x00\x67")["error"]
    assert NAME_MAX_BYTES == 50


def reference_fsk(bits: list[int], amplitude: int) -> list[int]:
    """Sample by sample, as the standard says: phase-continuous tones, 1200 baud."""
    n = math.ceil(len(bits) * 8000 / 1200)
    out, phase = [], 0.0
    for i in range(n):
        out.append(round(amplitude * math.sin(phase)))
        phase += 2 * math.pi * (1200 if bits[i * 1200 // 8000] else 2200) / 8000
    return out


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=200), st.integers(1000, 20000))
def test_the_precomputed_fsk_is_the_sample_by_sample_wave(bits, amplitude):
    pcm = modulate(bits, amplitude)
    samples = array("h", pcm)
    want = reference_fsk(bits, amplitude)
    assert all(abs(a - b) <= 1 for a, b in zip(samples, want, strict=False))
    assert samples[len(want):].tobytes() == bytes(2 * (len(samples) - len(want)))


def test_caller_id_audio_is_the_whole_message_modulated():
    when = datetime(2026, 12, 3, 9, 30)
    for number, name in (("13588888888", "张伟"), (None, None), ("+8657188888888", "")):
        message = mdmf_message(when, number, name)
        assert caller_id_audio(when, number, name) == modulate(message_bits(message))
