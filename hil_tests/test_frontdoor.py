"""The front-door office walked end to end (issue 12), as a new owner tries it from the
README: the example config docs/example-config-frontdoor.json on the simulated board
with the emulator, one box for the whole module, on a Monday at 10:00 (office hours).

1. A caller hears the greeting and the menu, presses 1 (sales); every sales member is
   on the phone, so the caller waits in the sales queue (hold prompt, position, music),
   presses the queue's leave key 1 for voicemail and leaves a message (a tone, then #).
   The message is in `switchboard voicemail list --json`, on the voicemail API with its
   WAV, and e-mailed with the WAV attached.
2. A second caller presses 2 (support) during the greeting; support's desk phone is on
   the phone and its mobile cannot be bridged on one line: support's voicemail.
3. A third keys nothing: the menu times out to the reception's desk phone.
"""

from __future__ import annotations

import itertools
import re
import struct
import time
from collections.abc import Iterator

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, ringing, wait_record
from hil_tests.frontdoor_rig import (
    MONDAY_10AM,
    OWNER_EMAIL,
    FrontDoor,
    office_config,
    owner_session,
    prompt_file,
    speak_menu,
)
from hil_tests.pstn.testing import wait_for
from tests.notify.smtp import SmtpServer

pytestmark = pytest.mark.hil
TONE_HZ = 700.0
SUPPORT_CALLER = "+8613700000007"
THIRD_CALLER = "+8618600000003"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[FrontDoor]:
    tmp = tmp_path_factory.mktemp("frontdoor")
    smtp = SmtpServer(tmp).start()
    box = None
    try:
        speak_menu(tmp / "data")
        box = box_with(tmp, office_config(smtp), "sim", "--clock", MONDAY_10AM)
        yield FrontDoor(box, smtp, owner_session(box))
        assert box.stop() == 0
    finally:
        if box is not None:
            box.kill()
        smtp.stop()


def _answered(office: FrontDoor, call: dict) -> None:
    wait_for(lambda: office.emu.call(call["id"])["state"] == "active", 15,
             what="the box answered")


def _dominant_hz(pcm: bytes) -> float:
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])
    loud = [i for i, s in enumerate(samples) if abs(s) > 1000]
    assert loud, "the message is silent"
    sound = samples[loud[0]:loud[-1] + 1]
    crossings = sum(1 for a, b in itertools.pairwise(sound) if a < 0 <= b)
    return crossings / (len(sound) / 8000)


def _wav_pcm(data: bytes) -> bytes:
    import io
    import wave

    with wave.open(io.BytesIO(data)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        return w.readframes(w.getnframes())


def test_sales_caller_queues_then_leaves_a_message(office):
    emu = office.emu
    emu.phone_hook("fxs1", "off")  # 802 and 804, sales' desk phones, are on the phone
    emu.phone_hook("fxs3", "off")
    call = emu.place_call(CALLER, SIM[0])
    _answered(office, call)
    greeting = office.wait_heard(call, "welcome", 20)
    menu = office.wait_heard(call, "main_menu", 20, after_s=greeting.end_s - 0.5)
    emu.send_to_call(call["id"], dtmf="1")
    hold = office.wait_heard(call, "queue_hold", 20, after_s=menu.offset_s)
    position = office.wait_heard(call, "queue_position", 20, after_s=hold.offset_s)
    waiting = office.box.status().get("queues") or []
    assert [w["caller"] for q in waiting if q["queue"] == "sales" for w in q["waiting"]] \
        == [CALLER], waiting
    office.wait_heard(call, "music", 20, after_s=position.end_s, clip_s=3.0)

    emu.send_to_call(call["id"], dtmf="1")  # the queue's leave key: sales voicemail
    office.box.wait_output(r"voicemail for sales: recording", 20)
    emu.send_to_call(call["id"], tone_hz=TONE_HZ, ms=2500)
    time.sleep(2.6)  # the tone is said before the caller finishes with #
    emu.send_to_call(call["id"], dtmf="#")
    rec = wait_record(office.box, 30, caller=CALLER)
    assert rec["result"] == "voicemail", rec
    assert re.fullmatch(r"route front door > greeting hello:open > menu main:1 > "
                        r"queue sales: waited \d+ s, position 1 on entry, left > sales_vm",
                        rec["route"]), rec["route"]
    emu.phone_hook("fxs1", "on")
    emu.phone_hook("fxs3", "on")

    [message] = [m for m in office.voicemail_cli() if m["box"] == "sales"]
    assert message["caller"] == CALLER and 1.5 <= message["duration_s"] <= 4.0, message
    listing = office.api("/api/voicemail?box=sales")
    [shown] = listing["messages"]
    assert shown["id"] == message["id"] and shown["heard"] is False
    assert listing["boxes"]["sales"] == {"total": 1, "unheard": 1}
    wav = office.web.opener.open(office.web.base + shown["audio_url"]).read()
    assert abs(_dominant_hz(_wav_pcm(wav)) - TONE_HZ) < TONE_HZ * 0.1

    mail = wait_for(lambda: office.smtp.mailbox.messages, 30, what="the voicemail e-mail")
    assert mail[0]["To"] == OWNER_EMAIL
    [attached] = [p for p in mail[0].iter_attachments()
                  if p.get_content_type() in ("audio/wav", "audio/x-wav")]
    assert attached.get_content() == wav


def test_support_caller_keys_2_in_the_greeting_and_reaches_support_voicemail(office):
    emu = office.emu
    emu.phone_hook("fxs2", "off")  # 803, support's desk phone, is on the phone
    call = emu.place_call(SUPPORT_CALLER, SIM[0])
    _answered(office, call)
    wait_for(lambda: emu.call_heard(call["id"])["speech"], 20, interval=0.2,
             what="the greeting began")
    emu.send_to_call(call["id"], dtmf="2")
    office.box.wait_output(r"voicemail for support: recording", 20)
    emu.send_to_call(call["id"], tone_hz=TONE_HZ, ms=1500)
    time.sleep(1.6)
    emu.send_to_call(call["id"], dtmf="#")
    rec = wait_record(office.box, 30, caller=SUPPORT_CALLER)
    emu.phone_hook("fxs2", "on")
    assert rec["result"] == "voicemail", rec
    assert rec["route"].startswith("route front door > greeting hello:open > menu main:2 > "
                                   "support"), rec["route"]
    listed = {m["box"]: m for m in office.voicemail_cli()}
    assert listed["support"]["caller"] == SUPPORT_CALLER
    boxes = office.api("/api/voicemail")["boxes"]
    assert boxes["support"]["total"] == 1 and boxes["sales"]["total"] == 1


def test_no_key_reaches_the_reception(office):
    emu = office.emu
    call = emu.place_call(THIRD_CALLER, SIM[0])
    _answered(office, call)
    wait_for(lambda: ringing(emu, "fxs0"), 40, what="801, the reception, rings")
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: any(c.get("state") == "talking" for c in office.box.status()["calls"]),
             15, what="the reception talks with the caller")
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    rec = wait_record(office.box, 30, caller=THIRD_CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == "801", rec
    assert rec["route"].startswith("route front door > greeting hello:open > menu main"), rec
    assert "timeout" in rec["route"] and rec["route"].endswith("reception"), rec["route"]
