"""Build the default prompts: every phrase of phrases.py, spoken in zh and en, and
`music` (music on hold, generated here: an arpeggio loop).

Run at build time by scripts/make_prompts.py (scripts/setup.sh calls it; the Pi image
recipe too) into firmware/data/prompts/<lang>/<name>.wav, which git does not keep:
they are made from the phrases by espeak-ng and sox on the machine, never fetched.
A stamp file holds a digest of the phrases and the tools' versions, so a second run
with nothing changed does nothing.
"""

from __future__ import annotations

import array
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from firmware.prompts import convert
from firmware.prompts.phrases import LANGUAGES, PHRASES, phrase_text
from firmware.prompts.store import DEFAULTS_DIR

STAMP = ".built"
MUSIC = "music"  # music on hold: a generated piece, the same in both languages
_CHORDS = ((261.63, 329.63, 392.00), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63),
           (196.00, 246.94, 293.66))  # C, Am, F, G: a calm loop of arpeggios
NOTE_S = 0.3


def music_pcm(rounds: int = 4) -> bytes:
    """A quiet arpeggio loop (8 kHz s16le): plucked notes with a soft overtone, made here,
    so music on hold needs no recording and nothing fetched. It loops seamlessly."""
    rate = convert.RATE
    per_note = int(NOTE_S * rate)
    out = array.array("h")
    for _ in range(rounds):
        for chord in _CHORDS:
            for hz in (*chord, chord[1]):
                for i in range(per_note):
                    t = i / rate
                    level = 11000 * math.exp(-4.0 * t)
                    out.append(round(level * (math.sin(2 * math.pi * hz * t)
                                              + 0.3 * math.sin(4 * math.pi * hz * t)) / 1.3))
    return out.tobytes()


def _write_music(path: Path) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(convert.RATE)
        wav.writeframes(music_pcm())


def _tool_version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    return (done.stdout or done.stderr).decode("utf-8", "replace").strip()[:80]


def digest(names: list[str]) -> str:
    tools = [_tool_version(["espeak-ng", "--version"]), _tool_version(["sox", "--version"])]
    texts = {name: PHRASES[name] for name in names}
    code = [hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()
            for module in (convert, sys.modules[__name__])]  # how they are made
    payload = json.dumps({"texts": texts, "tools": tools, "code": code},
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build(out: Path = DEFAULTS_DIR, names: list[str] | None = None,
          force: bool = False) -> int:
    """Speak every phrase (or `names`) in every language into `out`; the number made
    (0 when the stamp says they are current)."""
    names = sorted(PHRASES) if names is None else names
    stamp = out / STAMP
    want = digest(names)
    if not force and stamp.is_file() and stamp.read_text("utf-8").strip() == want \
            and all((out / lang / f"{n}.wav").is_file()
                    for lang in LANGUAGES for n in [*names, MUSIC]):
        return 0
    made = 0
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for lang in LANGUAGES:
            (out / lang).mkdir(parents=True, exist_ok=True)
            for name in names:
                text = phrase_text(name, lang)
                raw, part = work / "raw.wav", work / f"{lang}-{name}.wav"
                convert.speak(text, lang, raw, work)
                convert.normalise(raw, part, "text")
                shutil.move(part, out / lang / f"{name}.wav")
                os.chmod(out / lang / f"{name}.wav", 0o644)
                made += 1
            _write_music(out / lang / f"{MUSIC}.wav")
            made += 1
    stamp.write_text(want + "\n", "utf-8")
    return made
