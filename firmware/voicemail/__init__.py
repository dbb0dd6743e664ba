"""Voicemail (FEATURES Q3, Q5): messages callers leave for an extension or a ring group.

store.py keeps the messages (WAV files under <data>/voicemail/<box>/<id>.wav and an
SQLite index beside them); cli.py is `switchboard voicemail`. The call core records a
message (calls/voicemail.py) through a frame sink on the caller's audio
(media/recorder.py).
"""

from firmware.voicemail.store import Message, VoicemailError, VoicemailStore

__all__ = ["Message", "VoicemailError", "VoicemailStore"]
