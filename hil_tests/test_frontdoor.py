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
import json
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, ringing, wait_record
from hil_tests.frontdoor_rig import (
    MONDAY_10AM,
    OWNER_EMAIL,
    FrontDoor,
    office_config,
    owner_session,
    speak_menu,
)
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401 (fixture)
from tests.notify.smtp import SmtpServer

pytestmark = pytest.mark.hil
TONE_HZ = 700.0
SUPPORT_CALLER = "+8613700000007"
THIRD_CALLER = "+8618600000003"
FOURTH_CALLER = "+8613900000444"


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
    emu.phone_hook("fxs3", "off")  # (zhang's mobile needs a second line: not rung)
    call = emu.place_call(CALLER, SIM[0])
    _answered(office, call)
    greeting = office.wait_heard(call, "welcome", 20)
    menu = office.wait_heard(call, "main_menu", 20, after_s=greeting.end_s - 0.3, clip_s=2.0)
    emu.send_to_call(call["id"], dtmf="1")  # a caller who knows the menu cuts it short
    hold = office.wait_heard(call, "queue_hold", 20, after_s=menu.offset_s)
    position = office.wait_heard(call, "queue_position", 20, after_s=hold.end_s - 0.3)
    queues = office.box.status().get("queues") or []
    assert [w["caller"] for q in queues if q["queue"] == "sales" for w in q["waiting"]] \
        == [CALLER], queues
    music = office.wait_heard(call, "music", 30, after_s=position.end_s, clip_s=2.0)

    emu.send_to_call(call["id"], dtmf="1")  # the queue's leave key: sales voicemail
    office.box.wait_output(r"voicemail for sales: recording", 20)
    office.wait_heard(call, "voicemail_intro", 5, after_s=music.offset_s)
    _leave_message(office, call, "sales", 2500)

    rec = wait_record(office.box, 20, caller=CALLER)
    emu.phone_hook("fxs1", "on")
    emu.phone_hook("fxs3", "on")
    assert rec["result"] == "voicemail", rec
    assert re.fullmatch(r"route front door > greeting hello:open > menu main:1 > "
                        r"queue sales: waited \d+ s, position 1 on entry, left > sales_vm",
                        rec["route"]), rec["route"]
    [message] = [m for m in office.voicemail_cli() if m["box"] == "sales"]
    assert message["caller"] == CALLER and 2.0 <= message["duration_s"] <= 4.0, message
    assert abs(_dominant_hz(_wav_pcm(Path(message["file"]).read_bytes())) - TONE_HZ) \
        < TONE_HZ * 0.1


def _leave_message(office: FrontDoor, call: dict, box: str, ms: int) -> str:
    """The caller says a tone for `ms`, keys #, hears "saved" begin and hangs up; the
    message's id as the box logged it."""
    office.emu.send_to_call(call["id"], tone_hz=TONE_HZ, ms=ms)
    office.emu.send_to_call(call["id"], dtmf="#")  # queued: keyed once the tone is said
    saved = office.box.wait_output(rf"voicemail (\w+) for {box}: [\d.]+ s \(# pressed\)", 15)
    office.wait_heard(call, "voicemail_saved", 10, clip_s=1.5)
    office.emu.hangup(call["id"])
    return saved[1]


def test_support_caller_keys_2_in_the_greeting_and_reaches_support_voicemail(office):
    emu = office.emu
    emu.phone_hook("fxs2", "off")  # 803, support's desk phone, is on the phone
    call = emu.place_call(SUPPORT_CALLER, SIM[0])
    _answered(office, call)
    wait_for(lambda: emu.call_heard(call["id"])["speech"], 20, interval=0.2,
             what="the greeting began")
    emu.send_to_call(call["id"], dtmf="2")
    office.box.wait_output(r"voicemail for support: recording", 20)
    _leave_message(office, call, "support", 1500)
    rec = wait_record(office.box, 20, caller=SUPPORT_CALLER)
    emu.phone_hook("fxs2", "on")
    assert rec["result"] == "voicemail", rec
    assert rec["route"] == ("route front door > greeting hello:open > menu main:2 > support "
                            "> support_vm"), rec["route"]
    listed = {m["box"]: m for m in office.voicemail_cli()}
    assert listed["support"]["caller"] == SUPPORT_CALLER


def test_the_owner_finds_both_messages_on_the_api_and_by_email(office):
    """Meanwhile a third caller, who keys nothing, waits in the menu (the last test)."""
    office.third_call = office.emu.place_call(THIRD_CALLER, SIM[0])
    _answered(office, office.third_call)
    listing = office.api("/api/voicemail")
    assert listing["boxes"] == {"sales": {"total": 1, "unheard": 1},
                                "support": {"total": 1, "unheard": 1}}
    by_box = {m["box"]: m for m in listing["messages"]}
    assert by_box["sales"]["caller"] == CALLER
    assert by_box["support"]["caller"] == SUPPORT_CALLER
    mails = wait_for(lambda: len(office.smtp.mailbox.messages) >= 2 and
                     office.smtp.mailbox.messages, 30, what="both voicemail e-mails")
    for box, message in by_box.items():
        wav = office.web.opener.open(office.web.base + message["audio_url"]).read()
        assert wav == Path(office.voicemail_file(message["id"])).read_bytes()
        [mail] = [m for m in mails if message["caller"] in m.get_body(("plain",)).get_content()]
        assert mail["To"] == OWNER_EMAIL
        [attached] = [p for p in mail.iter_attachments()
                      if p.get_content_type() in ("audio/wav", "audio/x-wav")]
        assert attached.get_content() == wav, f"the {box} e-mail carries the message"


def test_the_owner_listens_in_a_browser_and_deletes_one(office, browser):  # noqa: F811
    """Headless Chromium: the voicemail page lists both messages; the sales message's
    <audio> loads the WAV the box serves (audio/wav, the stored bytes) and the browser's
    own decoder finds its length; "delete" removes the support message and its WAV."""
    messages = {m["box"]: m for m in office.voicemail_cli()}
    sales, support = messages["sales"], messages["support"]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = office.box.web_url
    page.goto(base + "/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button")
    page.wait_for_url(base + "/")
    page.click("nav >> text=语音信箱")
    page.wait_for_url(base + "/voicemail")
    assert CALLER in page.text_content(f"#message-{sales['id']}")
    assert SUPPORT_CALLER in page.text_content(f"#message-{support['id']}")

    src = page.get_attribute(f"#message-{sales['id']} audio", "src")
    served = context.request.get(base + src)
    assert served.status == 200 and served.headers["content-type"] == "audio/wav"
    assert served.body() == Path(sales["file"]).read_bytes()
    duration, ready = _loaded(page, f"#message-{sales['id']}")
    assert ready >= 1 and abs(duration - sales["duration_s"]) < 0.1, (duration, sales)
    page.screenshot(path=str(ARTIFACTS / "voicemail-zh.png"), full_page=True)

    page.click(f"#message-{support['id']} >> text=删除")
    page.wait_for_url(base + "/voicemail")
    assert "留言已删除" in page.text_content(".flash")
    assert page.locator(f"#message-{support['id']}").count() == 0
    assert page.locator(f"#message-{sales['id']}").count() == 1
    context.close()
    assert [m["id"] for m in office.voicemail_cli()] == [sales["id"]]
    assert not Path(support["file"]).exists()
    assert office.web.get(f"/api/voicemail/{support['id']}")[0] == 404


def _loaded(page, row: str) -> tuple[float, int]:
    """(duration, readyState) of a row's player once the browser loaded its audio."""
    return tuple(page.evaluate("""(sel) => new Promise((ok, fail) => {
        const audio = document.querySelector(sel + ' audio');
        audio.preload = 'auto';
        audio.addEventListener('loadeddata', () => ok([audio.duration, audio.readyState]));
        audio.addEventListener('error', () => fail('the browser cannot play it'));
        audio.load();
    })""", row))


def test_a_caller_who_keys_nothing_reaches_the_reception(office):
    """The third caller placed above: the menu times out, the reception's 801 rings."""
    emu, call = office.emu, office.third_call
    wait_for(lambda: ringing(emu, "fxs0"), 45, what="801, the reception, rings")
    greeting = office.wait_heard(call, "welcome", 1)
    office.wait_heard(call, "main_menu", 1, after_s=greeting.end_s - 0.3)
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: any(c.get("state") == "talking" for c in office.box.status()["calls"]),
             15, what="the reception talks with the caller")
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    rec = wait_record(office.box, 20, caller=THIRD_CALLER)
    assert rec["result"] == "answered" and rec["answered_by"] == "801", rec
    assert rec["route"] == ("route front door > greeting hello:open > menu main:timeout > "
                            "reception"), rec["route"]


def test_over_the_monthly_cap_a_caller_goes_straight_to_voicemail(office, tmp_path):
    """The owner caps the line at the 3 calls it took this month, action "voicemail"
    with the reception's box: the fourth caller hears no greeting, only the voicemail's,
    and leaves a message for 801 (cap action `voicemail`, docs/config.md "caps")."""
    config = office_config(office.smtp)
    config["caps"] = [{"line": "gsm0", "voicemail": "801",
                       "limits": [{"counter": "inbound_calls", "max": 3,
                                   "action": "voicemail"}]}]
    path = tmp_path / "capped.json"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    done = office.box.switchboard("config", "import", str(path))
    assert done.returncode == 0, done.stdout + done.stderr

    call = office.emu.place_call(FOURTH_CALLER, SIM[0])
    _answered(office, call)
    office.box.wait_output(r"voicemail for 801: recording", 20)
    _leave_message(office, call, "801", 1500)
    rec = wait_record(office.box, 20, caller=FOURTH_CALLER)
    assert rec["result"] == "voicemail" and rec["route"] == "cap_voicemail", rec
    assert not office.heard(call, "welcome", clip_s=None), "the capped caller hears no greeting"
    [message] = [m for m in office.voicemail_cli() if m["box"] == "801"]
    assert message["caller"] == FOURTH_CALLER
