"""The box's side of the prompts: names -> clips the media engine plays.

`PromptLibrary.clips(["queue_position", "n3", "queue_position_after"], "zh")` gives
one clip per name: the owner's prompt, else the default (store.PromptStore.path).
A small file (up to SMALL_BYTES, every phrase and number) is read once and kept in
memory, up to CACHE_BYTES in all, least recently used out first; a larger one (a
long greeting, music on hold) is handed over as a Path and streamed by the engine.
The cache knows a file by path, size and change time, so an owner's new upload
plays at the next call.

A prompt with no file in that language (a default not built, a name the config
names but nobody uploaded) plays as a short beep instead, and the box logs it once
per name and language: the caller hears that something was said, the owner finds
the reason in the log.

Reading a small file happens on the event loop: a few KiB from the SD card, well
under a frame's time; large files are never read here.
"""

from __future__ import annotations

import logging
import math
import struct
from collections import OrderedDict
from pathlib import Path

from firmware.prompts.store import PromptStore

log = logging.getLogger(__name__)

SMALL_BYTES = 256 * 1024  # 16 s of 8 kHz s16: every phrase and number of the defaults
CACHE_BYTES = 4 * 1024 * 1024
WAV_HEADER = 44  # the prompt format's canonical header (convert.py writes it through sox)
RATE = 8000


def beep(hz: float = 1000.0, on_ms: int = 300, off_ms: int = 200) -> bytes:
    """A short tone then silence: what plays for a prompt whose file is missing."""
    samples = RATE * on_ms // 1000
    tone = struct.pack(f"<{samples}h", *(round(6000 * math.sin(2 * math.pi * hz * i / RATE))
                                         for i in range(samples)))
    return tone + bytes(2 * RATE * off_ms // 1000)


BEEP = beep()


class PromptLibrary:
    """Prompt names to clips for the media engine (see the module docstring)."""

    def __init__(self, store: PromptStore, *, small_bytes: int = SMALL_BYTES,
                 cache_bytes: int = CACHE_BYTES):
        self.store = store
        self.small_bytes = small_bytes
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()
        self._cached = 0
        self._missing_logged: set[tuple[str, str]] = set()

    def clips(self, names: list[str], lang: str) -> list[bytes | Path]:
        """One clip per name, in order (BEEP for a name with no file)."""
        return [self.clip(name, lang) for name in names]

    def clip(self, name: str, lang: str) -> bytes | Path:
        path = self.store.path(name, lang)
        if path is None:
            return self._missing(name, lang)
        try:
            stat = path.stat()
        except OSError:
            return self._missing(name, lang)
        if stat.st_size > self.small_bytes:
            return path
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        pcm = self._cache.get(key)
        if pcm is not None:
            self._cache.move_to_end(key)
            return pcm
        return self._load(key, path, name, lang)

    def has(self, name: str, lang: str) -> bool:
        return self.store.path(name, lang) is not None

    def _load(self, key: tuple[str, int, int], path: Path, name: str,
              lang: str) -> bytes | Path:
        try:
            data = path.read_bytes()
        except OSError:
            return self._missing(name, lang)
        if data[:4] != b"RIFF" or data[36:40] != b"data":
            return path  # not the canonical header: let the engine's WAV reader take it
        pcm = data[WAV_HEADER:]
        pcm = pcm[: len(pcm) // 2 * 2]
        self._cache[key] = pcm
        self._cached += len(pcm)
        while self._cached > self.cache_bytes and len(self._cache) > 1:
            _key, dropped = self._cache.popitem(last=False)
            self._cached -= len(dropped)
        return pcm

    def _missing(self, name: str, lang: str) -> bytes:
        if (name, lang) not in self._missing_logged:
            self._missing_logged.add((name, lang))
            log.warning("prompt %r (%s) has no file (neither the owner's nor a default): "
                        "a beep plays instead", name, lang)
        return BEEP


def prompt_library(data_dir: Path) -> PromptLibrary:
    """The library the box plays from: the owner's prompts in `data_dir` over the defaults
    (a box whose defaults were never built says so once, at start: they beep)."""
    store = PromptStore(data_dir)
    if not (store.defaults / "zh" / "welcome.wav").is_file():
        log.warning("the default prompts are not built in %s: run scripts/make_prompts.py "
                    "(scripts/setup.sh does); until then they play as a beep", store.defaults)
    return PromptLibrary(store)
