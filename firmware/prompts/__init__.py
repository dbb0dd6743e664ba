"""Prompts: the audio the box says to callers (FEATURES W4, G1; docs/prompts.md).

- phrases.py: every phrase the box says, zh and en: the default prompts' texts, numbers.
- convert.py: sox (uploads: WAV, MP3 -> 8 kHz mono s16) and espeak-ng (text -> speech).
- store.py: the owner's prompts under the data dir over the built-in defaults; list,
  upload, speak, delete (the web page's process writes, the box reads).
- library.py: the box's side: prompt names -> clips for the media engine, small ones
  cached in memory, a beep for a missing file (logged once).
- settings.py: the config's `prompts` section (greetings per schedule, ringback
  message, language) and where the config uses a prompt.

No pjsua2 here: the web page's process imports this package.
"""

from firmware.prompts.errors import PromptError, PromptInUse, UnknownPrompt
from firmware.prompts.phrases import LANGUAGES, PHRASES, number_names
from firmware.prompts.store import MAX_SECONDS, MAX_TEXT, MAX_UPLOAD_BYTES, PromptStore

__all__ = [
    "LANGUAGES", "MAX_SECONDS", "MAX_TEXT", "MAX_UPLOAD_BYTES", "PHRASES", "PromptError",
    "PromptInUse", "PromptStore", "UnknownPrompt", "number_names",
]
