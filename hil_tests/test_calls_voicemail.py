"""Voicemail end to end (Q3): a caller on the GSM line reaches the voicemail step, says
a 700 Hz tone for 3 s and then nothing (the silence ends the message); the message is
in `switchboard voicemail list --json` with its length, its WAV holds the caller's
tone, and the desk phone hears dial tone and then the message after *97."""

from __future__ import annotations

import io
import itertools
import json
import struct
import wave
from pathlib import Path

from hil_tests.calls_rig import CALLER, SIM, box_with, heard_tone, office, wait_record
from hil_tests.pstn.testing import wait_for
from tests.notify.smtp import SmtpServer

TONE_HZ = 700.0


def voicemail_office() -> dict:
    config = office(members=("801",), forward_chain=())
    config["schema_version"] = 2
    config["plans"] = [{"name": "vm", "steps": [
        {"id": "vm", "do": "voicemail", "voicemail": {"box": "801", "silence_s": 4}}]}]
    config["routes"] = [{"name": "to voicemail", "to": "plan:vm"}]
    return config


def _dominant_hz(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        n = w.getnframes()
        samples = struct.unpack(f"<{n}h", w.readframes(n))
    loud = [i for i, s in enumerate(samples) if abs(s) > 1000]
    assert loud, "the message is silent"
    sound = samples[loud[0]:loud[-1] + 1]
    crossings = sum(1 for a, b in itertools.pairwise(sound) if a < 0 <= b)
    return crossings / (len(sound) / 8000)


def _tone_seconds(pcm: bytes, block: int = 2000) -> float:
    """How long the desk phone heard the caller's tone (0.25 s blocks at TONE_HZ)."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])
    found = 0
    for i in range(0, len(samples) - block + 1, block):
        seg = samples[i:i + block]
        if max(abs(s) for s in seg) < 1000:
            continue
        hz = sum(1 for a, b in itertools.pairwise(seg) if a < 0 <= b) * 8000 / block
        found += abs(hz - TONE_HZ) < TONE_HZ * 0.05
    return found * block / 8000


def test_a_caller_leaves_a_message_and_a_desk_phone_hears_it(tmp_path, boxes):
    box = box_with(tmp_path, voicemail_office())
    boxes.append(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15,
             what="the box answered for voicemail")
    box.wait_output(r"voicemail for 801: recording", 15)
    emu.send_to_call(call["id"], tone_hz=TONE_HZ, ms=3000)  # then 4 s of silence end it
    rec = wait_record(box, 30, result="voicemail")
    assert rec["caller"] == CALLER and "for 801" in rec["cause"]

    done = box.switchboard("voicemail", "list", "--json")
    assert done.returncode == 0, done.stderr
    [message] = json.loads(done.stdout)
    assert message["box"] == "801" and message["caller"] == CALLER
    assert 2.5 <= message["duration_s"] <= 4.0, message
    data = Path(message["file"]).read_bytes()
    assert abs(_dominant_hz(data) - TONE_HZ) < TONE_HZ * 0.1

    emu.phone_hook("fxs0", "off")  # 801: a message waits
    wait_for(lambda: heard_tone(emu.phone_heard("fxs0"), 450.0), 10,
             what="dial tone (stuttered) on fxs0")
    emu.phone_dial("fxs0", "*97")
    wait_for(lambda: _tone_seconds(emu.phone_recording("fxs0").pcm()) >= 2.5, 30,
             interval=0.5, what="the message played to the desk phone")
    emu.phone_hook("fxs0", "on")
    assert box.stop() == 0


def test_the_owner_gets_the_message_by_email_and_a_caller_sms(tmp_path, boxes):
    """The voicemail e-mail carries the WAV (a real SMTP server, STARTTLS and AUTH); a
    plan whose group nobody answers ends in an SMS to the caller."""
    smtp = SmtpServer(tmp_path).start()
    try:
        config = voicemail_office()
        config["notifications"] = {
            "smtp": {**smtp.smtp_config("starttls"), "verify_certificate": False},
            "emails": ["boss@example.cn"], "voicemail": {"email": True, "sms": False},
            "caller_sms_text": "您好，现在无人接听，我们会尽快回电。"}
        config["plans"].append({"name": "sms", "steps": [
            {"id": "desk", "do": "ring_group:desk"}, {"id": "sms", "do": "sms_caller"}]})
        config["ring_groups"][0].update(ring_time=5, total_ring_time=5)
        config["routes"] = [{"name": "other", "to": "plan:sms",
                             "callers": {"numbers": ["+8613700000007"]}},
                            {"name": "to voicemail", "to": "plan:vm"}]
        box = box_with(tmp_path, config)
        boxes.append(box)
        emu = box.emulator
        call = emu.place_call(CALLER, SIM[0])
        wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="answered")
        box.wait_output(r"voicemail for 801: recording", 15)
        emu.send_to_call(call["id"], tone_hz=TONE_HZ, ms=2000)
        wait_record(box, 30, result="voicemail")
        mail = wait_for(lambda: smtp.mailbox.messages, 30, what="the voicemail e-mail")
        [wav] = [part for part in mail[0].iter_attachments()
                 if part.get_content_type() in ("audio/wav", "audio/x-wav")]
        assert abs(_dominant_hz(wav.get_content()) - TONE_HZ) < TONE_HZ * 0.1

        modem = emu.modems()[0]["id"]
        emu.place_call("+8613700000007", SIM[0])
        rec = wait_record(box, 40, caller="+8613700000007")
        assert rec["result"] == "missed" and "SMS to the caller" in rec["cause"]
        sent = wait_for(lambda: [s for s in emu.modem_sms(modem)["sent"]
                                 if s["to"] == "+8613700000007"], 30, what="the caller's SMS")
        assert "无人接听" in sent[0]["text"]
        assert box.stop() == 0
    finally:
        smtp.stop()
