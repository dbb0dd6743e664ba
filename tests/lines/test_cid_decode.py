"""Caller ID as the FXO port receives it: FSK (Bell 202, V.23; SDMF, MDMF) and DTMF."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware.lines.callerid import caller_id_audio, mdmf_message
from firmware.lines.cid_decode import (
    CallerIdFormatError,
    DtmfCallerIdReceiver,
    FskCallerIdReceiver,
    parse_message,
)
from hil_tests.pstn.dsp import CallerIdReceiver, dtmf_tones
from tests.lines import signals as sig
from tests.lines.signals import cid_bits, frames, fsk, mdmf, pcm, sdmf

MODEMS = {"bell202": (1200.0, 2200.0), "v23": (1300.0, 2100.0)}
WHEN = "05010830"


def decode(audio: bytes, modems=("bell202",), t0: float = 100.0):
    receiver = FskCallerIdReceiver(modems)
    return [cid for frame, t in frames(audio, t0) for cid in receiver.feed(frame, t)]


def line(samples: list[float], lead: float = 0.1, tail: float = 0.2) -> bytes:
    return pcm(sig.silence(lead) + samples + sig.silence(tail))


def a_call(modem: str = "bell202", message: bytes | None = None, level: float = -13.0,
           **kw) -> list[float]:
    mark, space = MODEMS[modem]
    return fsk(cid_bits(message or sdmf(WHEN, "13812345678")), mark, space, level, **kw)


def test_the_boxs_own_desk_phone_caller_id_is_read_back_exactly():
    audio = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    [cid] = decode(bytes(1170 * 2) + audio)
    assert (cid.ok, cid.number, cid.name, cid.when, cid.format) == \
        (True, "13812345678", "北京分公司", WHEN, "MDMF")
    assert cid.method == "fsk" and cid.modem == "bell202"
    assert cid.t_start == pytest.approx(100 + 1170 / 8000 + 0.4, abs=0.002)  # seizure + marks
    assert cid.t_end == pytest.approx(cid.t_start + 43 * 10 / 1200, abs=0.002)


@pytest.mark.parametrize(("withheld", "number", "absent"),
                         [(True, "13812345678", "withheld"), (False, None, "unavailable")])
def test_absent_numbers_say_why(withheld, number, absent):
    audio = caller_id_audio(datetime(2024, 12, 31, 23, 59), number, withheld=withheld)
    [cid] = decode(audio)
    assert (cid.ok, cid.number, cid.absent, cid.name, cid.when) == \
        (True, None, absent, None, "12312359")


def test_a_gbk_name_is_read_as_gbk():
    audio = caller_id_audio(datetime(2024, 5, 1, 8, 30), "02161234567", "上海办事处",
                            encoding="gbk")
    assert decode(audio)[0].name == "上海办事处"


@pytest.mark.parametrize("modem", ["bell202", "v23"])
@pytest.mark.parametrize("level", [-40.0, -25.0, -5.0])
def test_sdmf_and_mdmf_at_any_level_with_noise_at_15_db_snr(modem, level):
    rng = random.Random(int(-level) * 7 + len(modem))
    message = mdmf([(0x01, WHEN.encode()), (0x02, b"075512345678"), (0x07, b"ACME Ltd")])
    for msg, number in ((sdmf(WHEN, "13812345678"), "13812345678"), (message, "075512345678")):
        clean = a_call(modem, msg, level, phase=rng.uniform(0, 6.3))
        noisy = sig.mix(clean, sig.noise(len(clean) / 8000, level - 15, rng))
        for modems in ((modem,), ("bell202", "v23")):  # its own filters, and cn's "either"
            [cid] = decode(line(noisy, lead=rng.uniform(0, 0.1)), modems)
            assert (cid.ok, cid.number) == (True, number), (modem, level, modems)


@pytest.mark.parametrize("modem", ["bell202", "v23"])
def test_frequency_and_baud_offsets_and_a_start_mid_byte(modem):
    rng = random.Random(5)
    mark, space = MODEMS[modem]
    bits = cid_bits(sdmf(WHEN, "13812345678"), seizure=300)
    for f_off, baud in ((0.015, 1212.0), (-0.015, 1188.0), (0.01, 1200.0), (-0.01, 1200.0)):
        skip = rng.randrange(100, 2000)  # the receiver hears the seizure from mid-byte
        samples = fsk(bits, mark * (1 + f_off), space * (1 + f_off), -20.0, baud=baud,
                      phase=rng.uniform(0, 6.3), skip_samples=skip)
        for modems in ((modem,), ("bell202", "v23")):
            [cid] = decode(line(samples, lead=0.0), modems)
            assert (cid.ok, cid.number, cid.when) == (True, "13812345678", WHEN), \
                (f_off, baud, modems)


def test_level_changes_and_clipping():
    samples = a_call("v23", level=-10.0)
    half = len(samples) // 2
    stepped = samples[:half] + [x * 0.05 for x in samples[half:]]  # 26 dB down mid-message
    [cid] = decode(line(stepped), ("bell202", "v23"))
    assert cid.number == "13812345678"
    clipped = pcm(sig.silence(0.1) + samples + sig.silence(0.1), gain=8.0)  # ~18 dB over
    [cid] = decode(clipped, ("bell202", "v23"))
    assert cid.number == "13812345678"


def test_extra_stop_bits_between_bytes_are_fine():
    samples = fsk(cid_bits(sdmf(WHEN, "13812345678"), stop_bits=4), 1200, 2200, -15.0)
    assert decode(line(samples))[0].number == "13812345678"


def test_the_emulators_receiver_agrees_with_these_test_signals():
    """Two independent receivers read the test modulator's Bell 202 alike."""
    audio = line(a_call("bell202", mdmf([(0x01, WHEN.encode()), (0x02, b"13812345678"),
                                          (0x07, "王小明".encode())])))
    emulator = CallerIdReceiver()
    theirs = [m for frame, t in frames(audio) for m in emulator.feed(frame, t)]
    [ours] = decode(audio)
    assert theirs[0]["ok"] and theirs[0]["number"] == ours.number == "13812345678"
    assert theirs[0]["name"] == ours.name == "王小明"


def test_a_damaged_message_is_an_error_never_a_number():
    good = sdmf(WHEN, "13812345678")
    bad_sum = good[:-1] + bytes([(good[-1] + 1) & 0xFF])
    [cid] = decode(line(a_call(message=bad_sum)))
    assert (cid.ok, cid.number, cid.error) == (False, None, "checksum does not match")
    cut = a_call()[: 8000 * 400 // 1000 + 8000 * 5 * 10 // 1200]  # five bytes, then nothing
    [cid] = decode(line(cut))
    assert not cid.ok and cid.error.startswith("carrier lost after")
    assert cid.number is None


def test_noise_tones_and_silence_give_nothing():
    rng = random.Random(9)
    for samples in (sig.noise(2.0, -10.0, rng), sig.sines([(1200, 8000)], 1.0),
                    sig.cadence([(450, 6000)], (0.35, 0.35), 2.0), sig.silence(1.0)):
        assert decode(pcm(samples)) == []


def test_hostile_fields_are_refused_by_name():
    cases = {
        mdmf([(0x02, b"1381234\x075678")]): "number",
        mdmf([(0x01, b"13450830"), (0x02, b"123")]): "date/time",
        mdmf([(0x04, b"X")]): "absent number",
        mdmf([(0x02, b"12"), (0x04, b"P")]): "both a number",
        bytes([0x80, 9, 0x02, 20, 0x31]): "length byte",
        bytes([0x99, 0x00, 0x67]): "message type",
        mdmf([(0x02, b"13812345678")])[:-1][:6]: "length byte",
    }
    for message, words in cases.items():
        with pytest.raises(CallerIdFormatError, match=words):
            parse_message(message)
    fields = parse_message(mdmf([(0x02, b"123"), (0x07, b"\x1b[2Jevil\x00")]))
    assert fields["name"] == "[2Jevil"  # control characters never reach a display


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=st.text("0123456789", min_size=3, max_size=20),
       name=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs")),
                    min_size=1, max_size=12),
       when=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)),
       modem=st.sampled_from(["bell202", "v23"]), phase=st.floats(0, 6.28),
       lead=st.integers(0, 800))
def test_round_trip_of_any_mdmf_message(number, name, when, modem, phase, lead):
    message = mdmf_message(when, number, name)
    mark, space = MODEMS[modem]
    audio = pcm(sig.silence(lead / 8000) + fsk(cid_bits(message), mark, space, -18.0,
                                                   phase=phase) + sig.silence(0.1))
    [cid] = decode(audio, ("bell202", "v23"))
    assert cid.ok and cid.number == number and cid.when == when.strftime("%m%d%H%M")
    assert cid.name == parse_message(message).get("name")


# --- DTMF caller ID (before the first ring) ----------------------------------------

def dtmf_decode(keys: str, finish: bool = False, on_ms: float = 70, off_ms: float = 70):
    receiver = DtmfCallerIdReceiver()
    audio = dtmf_tones(keys, on_ms, off_ms, amplitude=4000) + bytes(3200)
    found = [cid for frame, t in frames(audio) for cid in receiver.feed(frame, t)]
    if finish:
        last = receiver.finish(200.0)
        found += [last] if last is not None else []
    return found


@pytest.mark.parametrize(("keys", "number", "absent"), [
    ("A13812345678C", "13812345678", None),
    ("D075512345678C", "075512345678", None),
    ("A02161234567#", "02161234567", None),
    ("B10C", None, "withheld"),
    ("B00C", None, "unavailable"),
    ("D1C", None, "withheld"),
    ("D3C", None, "unavailable"),
])
def test_dtmf_caller_id(keys, number, absent):
    [cid] = dtmf_decode(keys)
    assert (cid.ok, cid.number, cid.absent, cid.method, cid.format) == \
        (True, number, absent, "dtmf", "DTMF")


def test_dtmf_caller_id_without_an_end_key_is_taken_when_the_ring_begins():
    assert dtmf_decode("A13812345678") == []
    [cid] = dtmf_decode("A13812345678", finish=True)
    assert cid.number == "13812345678" and cid.t_end == 200.0


def test_dtmf_nonsense_is_an_error_and_nothing_is_nothing():
    [cid] = dtmf_decode("B99C")
    assert not cid.ok and cid.number is None and "B99" in cid.error
    assert dtmf_decode("*", finish=True) == []
    receiver = DtmfCallerIdReceiver()
    assert receiver.finish(1.0) is None


def test_speech_never_yields_a_caller_id():
    """Speech arms a bare demodulator now and then; never the caller-ID receiver."""
    for voice in ("cmn", "cmn+f3", "en", "en+f2"):
        for level in (-30.0, -10.0):
            talk = pcm(sig.scaled_to(list(sig.speech(voice, 60)), level))
            assert decode(talk, ("bell202", "v23")) == [], (voice, level)


@pytest.mark.parametrize("modem", ["bell202", "v23"])
def test_mains_hum_far_louder_than_the_caller_id(modem):
    clean = a_call(modem, level=-35.0)
    hum = sig.sines([(50.0, sig.amplitude(-10.0))], len(clean) / 8000)  # 25 dB over it
    [cid] = decode(line(sig.mix(clean, hum)), ("bell202", "v23"))
    assert cid.number == "13812345678"


@pytest.mark.parametrize("amplitude", [600, 2000, 9000])
def test_dtmf_caller_id_at_any_level_with_line_noise(amplitude):
    rng = random.Random(amplitude)
    keys = sig.samples_of(dtmf_tones("D02161234567C", 60, 60, amplitude=amplitude))
    line = sig.mix(sig.silence(0.2) + keys + sig.silence(0.3),
                   sig.noise(0.5 + len(keys) / 8000, sig.power_dbm0(keys) - 20, rng))
    receiver = DtmfCallerIdReceiver()
    found = [cid for frame, t in frames(pcm(line)) for cid in receiver.feed(frame, t)]
    assert [c.number for c in found] == ["02161234567"]
