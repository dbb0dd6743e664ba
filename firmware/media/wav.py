"""WAV files (greetings, prompts) as the PCM the engine plays: 8 kHz s16le mono."""

from __future__ import annotations

import wave
from pathlib import Path

RATE = 8000


def load_wav(path: str | Path) -> bytes:
    """The samples of an 8 kHz 16-bit mono PCM WAV file, little-endian.

    Anything else (another rate, stereo, 8-bit, A-law, a broken file) raises
    ValueError naming the file and what is wrong: convert it once, offline.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            shape = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            data = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a PCM WAV file: {exc}") from None
    if shape != (RATE, 1, 2):
        raise ValueError(f"{path}: need 8000 Hz, mono, 16-bit PCM; got {shape[0]} Hz, "
                         f"{shape[1]} channel(s), {8 * shape[2]}-bit")
    if not data:
        raise ValueError(f"{path}: the WAV file holds no samples")
    return data  # WAV samples are little-endian already, like every frame in the box
