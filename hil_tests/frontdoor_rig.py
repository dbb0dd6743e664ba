"""The front-door office as a new owner tries it (README, "Try it"): the example config
docs/example-config-frontdoor.json imported as it ships, the menu prompt `main_menu`
spoken from text on the box, notices by e-mail to a real SMTP server (aiosmtpd), and
the box run on the simulated board at a Monday morning (`--clock`), in office hours.

`FrontDoor` holds what the walk's tests share: the running box, its emulator, the SMTP
server, the owner's logged-in web session, and the checks that read what a caller heard
(prompt_match against the prompt files the box plays).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from firmware.prompts.store import DEFAULTS_DIR
from hil_tests.boxrig import REPO, BoxProcess
from hil_tests.prompt_match import (
    MATCH_SCORE,
    RATE,
    Match,
    audio_of,
    find_prompt,
    find_prompts,
)
from hil_tests.pstn.client import EmulatorClient
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_page import PASSWORD, Browser
from tests.notify.smtp import SmtpServer

EXAMPLE = REPO / "docs" / "example-config-frontdoor.json"
ARTIFACTS = Path(os.environ.get("SB_ARTIFACTS", REPO / "test-artifacts")) / "frontdoor"
MONDAY_10AM = "2026-10-12T10:00"  # a working Monday, in office hours
MENU_TEXT = "销售请按1，技术支持请按2，前台请按0"
OWNER_EMAIL = "boss@example.cn"
CLIP_S = 3.0  # how much of a prompt's start is matched


def prompt_file(data: Path, name: str) -> Path:
    """The zh WAV the box plays for `name`: the owner's own, else the built-in one."""
    own = data / "prompts" / "zh" / f"{name}.wav"
    return own if own.exists() else DEFAULTS_DIR / "zh" / f"{name}.wav"


def speak_menu(data: Path) -> None:
    """The owner makes the menu prompt from text (README: `prompts speak`)."""
    data.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "firmware.cli", "prompts", "speak",
                           "main_menu", MENU_TEXT, "--lang", "zh", "--data", str(data)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def office_config(smtp: SmtpServer) -> dict:
    """The example office as shipped, plus where the owner wants voicemail told."""
    config = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    config["notifications"] = {
        "smtp": {**smtp.smtp_config("starttls"), "verify_certificate": False},
        "emails": [OWNER_EMAIL], "voicemail": {"email": True, "sms": False}}
    return config


@dataclass
class FrontDoor:
    box: BoxProcess
    smtp: SmtpServer
    web: Browser
    third_call: dict | None = None  # a call the walk leaves waiting while it checks more

    @property
    def emu(self) -> EmulatorClient:
        assert self.box.emulator is not None
        return self.box.emulator

    def heard(self, call: dict, name: str, after_s: float = 0.0,
              clip_s: float | None = CLIP_S) -> list[Match]:
        """Where the prompt `name` played in what the caller heard, looking only from
        `after_s` into the call's recording: the whole prompt, or else its first
        `clip_s` seconds, or else its first half of that (music is found before it has played to its
        end; a prompt cut short by a key is found by its start). On a loaded machine a
        late frame shifts what follows it: the whole prompt may then fit where its start
        alone does not, or a shorter start where a longer one does not."""
        pcm, _ = audio_of(self.emu.call_recording(call["id"]))
        pcm = pcm[int(after_s * RATE) * 2:]
        whole, _ = audio_of(prompt_file(self.box.data, name))
        clips = (clip_s, clip_s / 2) if clip_s is not None else ()
        tries = [whole] + [whole[:int(c * RATE) * 2] for c in clips]
        for prompt in tries:
            if len(prompt) <= len(pcm):
                found = find_prompts(pcm, prompt, MATCH_SCORE)
                if found:
                    return [replace(m, offset_s=round(m.offset_s + after_s, 4)) for m in found]
        return []

    def wait_heard(self, call: dict, name: str, timeout: float = 30.0, after_s: float = 0.0,
                   clip_s: float | None = CLIP_S) -> Match:
        try:
            return wait_for(lambda: (self.heard(call, name, after_s, clip_s) or [None])[0],
                            timeout, interval=0.25, what=f"the caller heard {name}")
        except TimeoutError as exc:
            rec = self.emu.call_recording(call["id"])
            best = find_prompt(rec, prompt_file(self.box.data, name))
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            kept = ARTIFACTS / f"frontdoor-{call['id']}.wav"
            kept.write_bytes(rec.wav)
            raise AssertionError(f"{exc}; best fit {best} from {after_s} s on, in "
                                 f"{kept}") from None

    def api(self, path: str) -> dict:
        status, text = self.web.get(path)
        assert status == 200, (path, status, text[:300])
        return json.loads(text)

    def voicemail_file(self, ident: str) -> str:
        [message] = [m for m in self.voicemail_cli() if m["id"] == ident]
        return message["file"]

    def voicemail_cli(self) -> list[dict]:
        done = self.box.switchboard("voicemail", "list", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


def owner_session(box: BoxProcess) -> Browser:
    """The owner's first visit: a password set, a logged-in session."""
    assert box.web_url, box.output()
    web = Browser(box.web_url)
    web.get("/setup")
    assert web.post("/setup", {"password": PASSWORD, "again": PASSWORD})[0] == 303
    assert web.get("/")[0] in (200, 303)
    return web
