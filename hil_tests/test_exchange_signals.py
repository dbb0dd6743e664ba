"""The exchange's signals in-process: caller ID, tones, numbering plan, service codes.

What the exchange modulates (linesignals.py) is read back by the emulator's own
receivers (dsp.py), written separately from the standards, with noise and level
changes on the way, as a line adds them.
"""

from __future__ import annotations

import itertools
import math
from array import array

import pytest

from hil_tests.pstn import lineprofiles as lp
from hil_tests.pstn.dsp import FRAME_BYTES, Analyzer, CallerIdReceiver
from hil_tests.pstn.exchange import national, same_number
from hil_tests.pstn.linesignals import (
    NoiseSource,
    TonePlayer,
    caller_id_message,
    dtmf_caller_id,
    dtmf_cid_pcm,
    fsk_caller_id,
)


def frames(pcm: bytes):
    pcm += bytes(-len(pcm) % FRAME_BYTES)
    return [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm), FRAME_BYTES)]


def scaled(frame: bytes, gain: float) -> bytes:
    samples = array("h", frame)
    return array("h", (max(-32768, min(32767, round(s * gain))) for s in samples)).tobytes()


def decode(pcm: bytes, gain: float = 1.0, noise_dbfs: float | None = None) -> list[dict]:
    rx, noise, found = CallerIdReceiver(), None, []
    if noise_dbfs is not None:
        noise = NoiseSource(noise_dbfs)
    for i, frame in enumerate(frames(bytes(1600) + pcm + bytes(1600))):
        frame = scaled(frame, gain)
        found += rx.feed(noise.add(frame) if noise else frame, 100.0 + 0.02 * i)
    return found


@pytest.mark.parametrize(("gain", "noise"), [(1.0, None), (0.2, -45), (2.5, -35)])
def test_mdmf_with_a_chinese_name_survives_level_and_noise(gain, noise):
    message = caller_id_message("mdmf", "12030907", "13812345678", None, "北京分公司")
    (cid,) = decode(fsk_caller_id(message), gain, noise)
    assert cid["ok"] and cid["format"] == "MDMF" and cid["number"] == "13812345678"
    assert (cid["date"], cid["name"]) == ("12030907", "北京分公司")


def test_sdmf_and_absent_numbers():
    (plain,) = decode(fsk_caller_id(caller_id_message("sdmf", "01020304", "2125550100", None)))
    assert plain["format"] == "SDMF" and plain["number"] == "2125550100" and plain["ok"]
    (withheld,) = decode(fsk_caller_id(caller_id_message("sdmf", "01020304", None, "P")))
    assert withheld["number_absent"] == "P" and withheld["number"] is None
    (unknown,) = decode(fsk_caller_id(caller_id_message("mdmf", "01020304", None, "O")))
    assert unknown["number_absent"] == "O" and unknown["ok"]


def test_the_fsk_burst_fits_between_two_rings():
    message = caller_id_message("mdmf", "12030907", "01062345678", None, "x" * 20)
    seconds = len(fsk_caller_id(message)) / 2 / 8000
    assert seconds < lp.PROFILES["cn"].ring_off_s - lp.PROFILES["cn"].cid_after_ring_s - 1


def test_dtmf_caller_id_strings_and_their_sound():
    assert dtmf_caller_id("13812345678", "valid") == "A13812345678C"
    assert dtmf_caller_id("13812345678", "withheld") == "D10C"
    assert dtmf_caller_id("", "unavailable") == "D00C"
    ear = Analyzer("cid")
    for i, frame in enumerate(frames(dtmf_cid_pcm("A0123C"))):
        ear.feed(frame, 0.02 * i)
    assert "".join(d["digit"] for d in ear.heard()["dtmf"]) == "A0123C"


@pytest.mark.parametrize(("profile", "name", "hz", "period"), [
    ("cn", "busy", 450, 0.7), ("cn", "congestion", 450, 1.4), ("cn", "ringback", 450, 5.0),
    ("us", "busy", 480, 1.0), ("us", "congestion", 620, 0.5)])
def test_tones_keep_their_cadence(profile, name, hz, period):
    player, ear = TonePlayer(lp.PROFILES[profile].tones[name]), Analyzer("tone")
    for i in range(int(2.2 * period / 0.02)):
        ear.feed(player.next_frame(), 0.02 * i)
    starts = [t["t_start"] for t in ear.heard()["tones"] if t["hz"] == hz]
    assert len(starts) >= 2
    assert all(b - a == pytest.approx(period, abs=0.03) for a, b in itertools.pairwise(starts))


def test_a_one_shot_tone_ends_and_stays_quiet():
    player = TonePlayer(lp.PROFILES["cn"].tones["confirm"])
    loud = [player.next_frame() for _ in range(40)]
    assert player.done and set(loud[-1]) == {0}
    rms = math.sqrt(sum(s * s for s in array("h", loud[0])) / 160)
    assert rms > 3000


def test_numbering_plan_and_service_codes():
    cn, us = lp.PROFILES["cn"], lp.PROFILES["us"]
    complete = [d for d in ("13800138000", "013800138000", "01062345678", "62345678",
                            "*57*13800138000#", "#57#") if lp.number_complete(cn, d)]
    assert len(complete) == 6
    assert not any(lp.number_complete(cn, d) for d in ("1380013800", "10086", "0106234567",
                                                       "*57*1380"))
    assert lp.number_complete(us, "2125550100") and not lp.number_complete(us, "212555")
    assert lp.service_code(cn, "*57*13800138000#") == ("on", "unconditional", "13800138000")
    assert lp.service_code(cn, "#41#") == ("off", "no_reply", None)
    assert lp.service_code(us, "*7213800138000") == ("on", "unconditional", "13800138000")
    assert lp.service_code(us, "*73") == ("off", "unconditional", None)
    assert lp.service_code(cn, "*99#") is None
    with pytest.raises(ValueError, match="profile: must be one of cn, us"):
        lp.profile("uk")


def test_numbers_as_the_exchange_presents_and_matches_them():
    assert national("+8613812345678") == "13812345678"
    assert national("+861062345678") == "01062345678"
    assert national("+12125550100") == "12125550100"
    assert same_number("+861062345678", "01062345678")
    assert same_number("+861062345678", "1062345678")
    assert not same_number("+861062345678", "+8613800138000")
