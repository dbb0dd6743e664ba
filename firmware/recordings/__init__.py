"""Call recording (FEATURES T6; docs/recording.md).

rules.py says whether a call is recorded (pure); store.py keeps the recordings (files
under <data>/recordings/ and an SQLite index); writer.py writes the bridge recorder's
frames to WAV on its own thread; encode.py compresses a finished recording with sox
(MP3) or opusenc (Opus) at low priority; keeper.py is the box's side of it all (limits,
retention, the owner's warning); links.py links recordings from the call records;
cli.py is `switchboard recordings`. The call core's side: firmware/calls/recording.py;
the bridge's recorder: firmware/media/recorder.py.
"""
