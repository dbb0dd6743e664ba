"""Audio in, prompt out: sox converts uploads, espeak-ng speaks texts (both from Debian).

Every prompt the box keeps is a WAV file at the bridge's format: 8 kHz, mono,
16-bit signed PCM, normalised to -3 dBFS so one prompt is not louder than the next.

- `sniff(head)`: "wav", "mp3" or None, from a file's first bytes (the name and the
  browser's content type are the sender's word, the bytes are the file's).
- `seconds(path)`: how long an audio file plays (sox --info), before converting it.
- `to_prompt(src, kind, dst)`: any WAV or MP3 sox reads -> the prompt format;
  `normalise(src, dst)`: to -3 dBFS peak (after the store checked it is not silent).
- `speak(text, lang, dst)`: espeak-ng (voice `cmn` for Chinese, `en` for English),
  then sox down to 8 kHz.

Failures raise PromptError naming the field ("file", "text") with a catalogue reason.
The tools run with a timeout, never through a shell, the text on stdin (a text that
starts with "-" is not an option).
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

from firmware.config.reasons import reason
from firmware.prompts.errors import PromptError
from firmware.prompts.phrases import ESPEAK_VOICES

RATE = 8000
TOOL_TIMEOUT_S = 120  # a 10-minute MP3 converts in a few seconds on a Pi 4
SPEECH_RATE_WPM = 150  # a little slower than espeak-ng's 175: clearer on a phone line
FORMAT = ["-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "wav"]
EFFECTS = ["gain", "-n", "-3"]  # normalise: uploads and speech at one loudness


def sniff(head: bytes) -> str | None:
    """"wav" or "mp3" by the file's first bytes; None for anything else."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 \
            and (head[1] & 0x06) != 0:  # an MPEG audio frame sync with a layer
        return "mp3"
    return None


def _run(argv: list[str], field: str, what: str, stdin: bytes | None = None) -> str:
    if shutil.which(argv[0]) is None:
        raise PromptError(field, reason("prompt_tool", what=what,
                                        error=f"{argv[0]} is not installed"))
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, timeout=TOOL_TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        raise PromptError(field, reason("prompt_tool", what=what,
                                        error=f"{argv[0]} took over {TOOL_TIMEOUT_S} s")) from None
    if done.returncode != 0:
        raise PromptError(field, reason("prompt_unreadable", error=_first_line(done.stderr)))
    return done.stdout.decode("utf-8", "replace")


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    message = lines[0] if lines else "the tool failed"
    return message.removeprefix("sox FAIL ").strip()[:200]


def seconds(path: Path) -> float:
    """How long the audio file plays, by sox's reading of its header (PromptError if
    sox cannot read it). The file's name ends in its type (.wav, .mp3)."""
    out = _run(["sox", "--info", "-D", str(path)], "file", "convert audio")
    try:
        return float(out.strip())
    except ValueError:
        raise PromptError("file", reason("prompt_unreadable",
                                         error=out.strip()[:100])) from None


def to_prompt(src: Path, kind: str, dst: Path, field: str = "file") -> None:
    """Convert `src` (of `kind`: wav or mp3) into the prompt format at `dst`, as loud
    as it was (no dither: silence stays silent, so `normalise` can tell)."""
    _run(["sox", "-V1", "-D", "-t", kind, str(src), *FORMAT, str(dst)], field,
         "convert audio")


def normalise(src: Path, dst: Path, field: str = "file") -> None:
    """`src` (the prompt format) at -3 dBFS peak into `dst`: every prompt one loudness."""
    _run(["sox", "-V1", "-D", "-t", "wav", str(src), *FORMAT, str(dst), *EFFECTS], field,
         "convert audio")


def speak(text: str, lang: str, dst: Path, work: Path) -> None:
    """Say `text` in `lang` (zh, en) into the prompt format at `dst`; `work` is a
    scratch directory for espeak-ng's own 22 kHz output."""
    raw = work / "espeak.wav"
    _run(["espeak-ng", "-v", ESPEAK_VOICES[lang], "-s", str(SPEECH_RATE_WPM), "-b", "1",
          "--stdin", "-w", str(raw)], "text", "speak text", stdin=text.encode("utf-8"))
    to_prompt(raw, "wav", dst, field="text")  # then the store's check and normalise()


def wav_seconds(path: Path) -> float:
    """The length of a prompt-format WAV file from its header (0.0 if unreadable)."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate() or RATE)
    except (OSError, EOFError, wave.Error):
        return 0.0
