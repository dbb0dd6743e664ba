"""Call recording end to end (T6), one box for the module: a call under a recording
rule (route "sales") is announced to the caller ("this call may be recorded"), recorded
with both parties mixed (the caller's 1000 Hz and the desk phone's 1400 Hz tone both in
the decoded MP3, as far apart as they were sent), linked from its call record, fetched
over the web API and played on the records page; the storage limit deletes the oldest
recording and warns the owner; a call under no rule is not recorded; settings saved on
the System page's form (ring group, Opus) apply to the next call."""

from __future__ import annotations

import http.cookiejar
import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from firmware.media.testing import power_at
from firmware.prompts.store import DEFAULTS_DIR
from firmware.recordings.store import RecordingStore
from hil_tests.calls_rig import (
    CALLER,
    SIM,
    box_with,
    heard_tone,
    office,
    records,
    ringing,
    wait_record,
)
from hil_tests.prompt_match import MATCH_SCORE, find_prompt
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, browser  # noqa: F401 (fixture)

pytestmark = pytest.mark.hil
PASSWORD = "Gr33n-tea-pot!"
OTHER = "+8613700000007"
CALLER_HZ, DESK_HZ = 1000.0, 1400.0  # tones the emulator's ears know
TONE_MS = 1500
BLOCK = 2000  # 0.25 s at 8 kHz
OLD_BYTES = 1_045_000  # an old recording: with the next one, over the 1 MiB limit


def recording_office() -> dict:
    config = office(members=("801",), forward_chain=())
    config["schema_version"] = 2
    config["routes"] = [
        {"name": "sales", "to": "ring_group:desk", "callers": {"numbers": [CALLER]}},
        {"name": "other", "to": "ring_group:desk"}]
    config["recording"] = {"rules": ["route:sales"], "format": "mp3", "announce": True,
                           "storage_limit_mb": 1, "retention_days": 30}
    return config


class Owner:
    """The owner logged in to the box's web page over real HTTP (bytes in, bytes out)."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.csrf = ""
        self.get("/setup")
        body = urllib.parse.urlencode({"csrf": self.csrf, "password": PASSWORD,
                                       "again": PASSWORD}).encode()
        self.open(urllib.request.Request(base + "/setup", data=body,
                                         headers={"Origin": base}))

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self.open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode({"csrf": self.csrf, **fields}, doseq=True).encode()
        return self.open(urllib.request.Request(self.base + path, data=body,
                                                headers={"Origin": self.base}))

    def json(self, path: str) -> dict:
        status, _, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def open(self, request: urllib.request.Request) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=10) as reply:
                status, headers, body = reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, dict(exc.headers), exc.read()
        text = body.decode("utf-8", "replace")
        if 'name="csrf" value="' in text:
            self.csrf = text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        return status, headers, body


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("recording")
    store = RecordingStore.in_data_dir(tmp / "data")
    old = store.begin("", time.time() - 86400, caller="+8613511111111", rule="all")
    Path(old.file).write_bytes(bytes(OLD_BYTES))
    store.finished(old.id, 60.0, encode=False)
    box = box_with(tmp, recording_office())
    box.old_id = old.id
    yield box
    box.kill()
    print(box.output()[-5000:])  # shown when a test failed


def _owner(box) -> Owner:
    """One owner session for the module's box (the first run sets the password)."""
    if getattr(box, "owner", None) is None:
        box.owner = Owner(box.web_url)
    return box.owner


def _heard_out(heard: dict, hz: float, after: float, ms: int = TONE_MS) -> bool:
    """A tone at `hz` heard from `after` on for (about) all of its `ms`."""
    if not heard_tone(heard, hz, after - 0.1):
        return False
    pieces = [t["t_end"] - t["t_start"] for t in heard.get("tones", [])
              if abs(t["hz"] - hz) <= hz * 0.03 and t["t_start"] >= after - 0.1]
    return sum(pieces) >= ms * 0.7 / 1000  # a click under load may split it in two


def _after_tone(t_sent: float) -> None:
    """Wait until a tone sent at `t_sent` is over (the emulator's times are this host's
    monotonic clock), so the other party's tone does not overlap it."""
    over = t_sent + TONE_MS / 1000 + 0.3
    wait_for(lambda: time.monotonic() >= over, 5, interval=0.05, what="the tone over")


def _decode(mp3: bytes) -> bytes:
    done = subprocess.run(["sox", "-q", "-t", "mp3", "-", "-t", "raw", "-r", "8000", "-e",
                           "signed", "-b", "16", "-c", "1", "-"], input=mp3,
                          capture_output=True, timeout=60, check=True)
    return done.stdout


def _tone_blocks(pcm: bytes, hz: float) -> list[int]:
    """The 0.25 s blocks of `pcm` where `hz` carries most of the sound."""
    found = []
    for i in range(0, len(pcm) // 2 - BLOCK, BLOCK):
        block = pcm[2 * i:2 * (i + BLOCK)]
        other_hz = DESK_HZ if hz == CALLER_HZ else CALLER_HZ
        mine, other = power_at(block, hz), power_at(block, other_hz)
        if mine > 1e5 and mine > 10 * other:
            found.append(i // BLOCK)
    return found


def test_a_call_under_a_rule_is_announced_recorded_linked_and_played(box):
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 15, what="801 rings")
    emu.phone_hook("fxs0", "off")
    box.wait_output(r"recording [0-9a-f]{12} \(rule route:sales\)", 20)
    assert wait_for(lambda: [c for c in box.status()["calls"] if c["recording"]], 10,
                    what="the live call marked recorded")
    # one after the other, as people talk: each waits until the other was heard out
    t_caller = emu.send_to_call(call["id"], tone_hz=CALLER_HZ, ms=TONE_MS)
    wait_for(lambda: _heard_out(emu.phone_heard("fxs0"), CALLER_HZ, t_caller), 10,
             interval=0.1, what="801 heard the caller's tone")
    _after_tone(t_caller)
    t_desk = emu.phone_send("fxs0", tone_hz=DESK_HZ, ms=TONE_MS)
    wait_for(lambda: _heard_out(emu.call_heard(call["id"]), DESK_HZ, t_desk), 10,
             interval=0.1, what="the caller heard 801's tone")
    _after_tone(t_desk)
    heard = emu.call_recording(call["id"])
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    rec = wait_record(box, 30, caller=CALLER)
    assert rec["result"] == "answered"

    announcement = find_prompt(heard, DEFAULTS_DIR / "zh" / "recorded.wav")
    assert announcement.score >= MATCH_SCORE, announcement

    def ready() -> list | None:
        done = box.switchboard("recordings", "list", "--call", rec["id"], "--json")
        assert done.returncode == 0, done.stderr
        found = json.loads(done.stdout)
        return found if found and found[0]["state"] == "ready" else None

    [listed] = wait_for(ready, 60, interval=0.5, what="the recording encoded")
    assert listed["format"] == "mp3" and listed["file"].endswith(".mp3")
    assert listed["rule"] == "route:sales" and listed["caller"] == CALLER
    assert 2 * TONE_MS / 1000 <= listed["duration_s"] <= 20, listed  # both tones, in turn

    [console] = [r for r in records(box) if r["id"] == rec["id"]]  # switchboard records
    assert [(r["id"], r["file"], r["format"]) for r in console["recordings"]] == \
        [(listed["id"], listed["file"], "mp3")]

    owner = _owner(box)
    linked = owner.json(f"/api/records/{rec['id']}")["recordings"]
    assert [r["id"] for r in linked] == [listed["id"]]
    status, headers, audio = owner.get(linked[0]["url"])
    assert status == 200 and headers["Content-Type"].startswith("audio/mpeg")
    assert audio == Path(listed["file"]).read_bytes()
    status, headers, by_call = owner.get(f"/api/calls/{rec['id']}/recording?download=1")
    assert status == 200 and by_call == audio
    assert headers["Content-Disposition"].startswith("attachment")
    page = owner.get("/records")[2].decode()
    assert f'<audio controls preload="none" src="{linked[0]["url"]}"' in page

    pcm = _decode(audio)
    caller_blocks, desk_blocks = _tone_blocks(pcm, CALLER_HZ), _tone_blocks(pcm, DESK_HZ)
    assert len(caller_blocks) >= 4 and len(desk_blocks) >= 4, (caller_blocks, desk_blocks)
    apart = (desk_blocks[0] - caller_blocks[0]) * BLOCK / 8000
    assert abs(apart - (t_desk - t_caller)) <= 0.6, (apart, t_desk - t_caller)

    # the old recording made room: the oldest goes first, and the owner is told
    gone = owner.get(f"/api/recordings/{box.old_id}")[0]
    assert gone == 404
    warning = owner.json("/api/recordings")["storage"]["warning"]
    assert warning and warning["deleted"] == 1 and warning["limit_mb"] == 1
    assert wait_for(lambda: (box.status().get("recording") or {}).get("warning"), 10,
                    what="the warning in the box's status")
    assert 'id="recording-warning"' in owner.get("/")[2].decode()  # on the dashboard


def test_the_owner_plays_the_recording_in_a_browser(box, browser):  # noqa: F811
    """Debian's headless Chromium decodes the MP3 the records page's player streams."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    _owner(box)  # the password is set
    page.goto(box.web_url + "/login")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button")
    page.wait_for_url("**/")
    page.goto(box.web_url + "/records")
    seconds = page.evaluate("""() => new Promise((ok, fail) => {
        const audio = document.querySelector('td.recording audio');
        audio.preload = 'auto';
        audio.addEventListener('loadedmetadata', () => ok(audio.duration));
        audio.addEventListener('error', () => fail('the browser cannot play it'));
        audio.load();
    })""")
    assert 2 * TONE_MS / 1000 - 0.5 <= seconds <= 20
    with page.expect_download() as saving:
        page.click("td.recording a[download]")
    assert saving.value.suggested_filename.endswith(".mp3")
    page.screenshot(path=str(ARTIFACTS / "records-recording.png"), full_page=True)
    context.close()


def test_a_call_under_no_rule_is_not_recorded(box):
    emu = box.emulator
    call = emu.place_call(OTHER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 15, what="801 rings")
    emu.phone_hook("fxs0", "off")
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="connected")
    talking = wait_for(lambda: [c for c in box.status()["calls"] if c["state"] == "talking"],
                       10, what="talking")
    assert talking[0]["recording"] is False
    t = emu.send_to_call(call["id"], tone_hz=CALLER_HZ, ms=500)
    wait_for(lambda: _heard_out(emu.phone_heard("fxs0"), CALLER_HZ, t, 500), 10, interval=0.1,
             what="801 heard the caller")
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    rec = wait_record(box, 30, caller=OTHER)
    assert rec["result"] == "answered"
    done = box.switchboard("recordings", "list", "--call", rec["id"], "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == []
    assert _owner(box).get(f"/api/calls/{rec['id']}/recording")[0] == 404


def test_settings_saved_on_the_page_apply_to_the_next_call(box):
    """The owner records the ring group "desk" as Opus, without the announcement, on the
    System page's form: the next call through that group is recorded so."""
    owner = _owner(box)
    owner.get("/system")
    status, _, body = owner.post("/system/recording", {
        "rule": ["ring_group:desk"], "format": "opus", "announcement": "recorded",
        "storage_limit_mb": "100", "retention_days": "30"})
    assert status in (200, 303), body[:500]
    emu = box.emulator
    before = {r["id"] for r in records(box)}
    call = emu.place_call(OTHER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 15, what="801 rings")
    emu.phone_hook("fxs0", "off")
    box.wait_output(r"recording [0-9a-f]{12} \(rule ring_group:desk\)", 20)
    t = emu.send_to_call(call["id"], tone_hz=CALLER_HZ, ms=TONE_MS)
    wait_for(lambda: _heard_out(emu.phone_heard("fxs0"), CALLER_HZ, t), 10, interval=0.1,
             what="801 heard the caller")
    _after_tone(t)
    emu.hangup(call["id"])
    emu.phone_hook("fxs0", "on")
    rec = wait_for(lambda: next((r for r in records(box) if r["id"] not in before
                                 and r["result"] == "answered"), None), 30, interval=0.3,
                   what="the call's record")
    linked = wait_for(lambda: [r for r in owner.json(f"/api/records/{rec['id']}")["recordings"]
                               if r["state"] == "ready"], 60, interval=0.5,
                      what="the Opus recording")
    assert linked[0]["format"] == "opus"
    status, headers, audio = owner.get(f"/api/calls/{rec['id']}/recording")
    assert status == 200 and headers["Content-Type"].startswith("audio/ogg")
    assert audio[:4] == b"OggS" and b"OpusHead" in audio[:64]
    assert box.stop() == 0
