"""The recordings' store: rows and files, recovery after a stop, the storage limit,
retention days, the owner's warning (firmware/recordings/store.py)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from firmware.recordings.store import NoSuchRecording, RecordingStore

NOW = 1_790_000_000.0
DAY = 86400


def _made(store: RecordingStore, at: float, size: int, call: str = "c1"):
    rec = store.begin(call, at, caller="+8613588888888", rule="all", month="2026-09")
    Path(rec.file).write_bytes(bytes(size))
    return store.finished(rec.id, size / 16000, encode=False)


def test_a_recording_goes_from_recording_to_ready(tmp_path):
    store = RecordingStore(tmp_path)
    rec = store.begin("20260901-100000-abcdef", NOW, caller="+8613588888888", rule="all")
    assert rec.state == "recording" and rec.format == "wav" and rec.file.endswith(".wav")
    Path(rec.file).write_bytes(bytes(16044))
    done = store.finished(rec.id, 1.0, encode=True)
    assert done.state == "encoding" and done.bytes == 16044 and done.duration_s == 1.0
    mp3 = Path(rec.file).with_suffix(".mp3")
    mp3.write_bytes(b"ID3" + bytes(997))
    ready = store.encoded(rec.id, mp3, "mp3")
    assert (ready.state, ready.format, ready.bytes, ready.mime) == \
        ("ready", "mp3", 1000, "audio/mpeg")
    assert not Path(rec.file).exists()  # the WAV gave way to the MP3
    assert store.for_call("20260901-100000-abcdef") == [ready]
    assert store.for_calls(["20260901-100000-abcdef", "other"]) == \
        {"20260901-100000-abcdef": [ready]}


def test_unknown_and_malformed_ids_are_refused_by_field(tmp_path):
    store = RecordingStore(tmp_path)
    for ident in ("0123456789ab", "../etc/passwd", "", "x" * 500):
        with pytest.raises(NoSuchRecording) as info:
            store.get(ident)
        assert info.value.field == "id"


def test_a_recording_cut_short_by_a_stop_is_mended_and_encoded_again(tmp_path):
    store = RecordingStore(tmp_path)
    rec = store.begin("c1", NOW)
    with wave.open(rec.file, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(8000))
    with open(rec.file, "ab") as f:  # frames written after the header was last patched
        f.write(bytes(8001))
    [again] = store.recover()
    assert again.id == rec.id and again.state == "encoding"
    with wave.open(rec.file) as w:
        assert w.getnframes() == 8000  # 0.5 + 0.5 s, the odd byte cut
    assert again.duration_s == 1.0


def test_the_limit_deletes_the_oldest_first_and_never_one_being_made(tmp_path):
    """Never one being recorded or encoded."""
    store = RecordingStore(tmp_path)
    oldest = _made(store, NOW - 3 * DAY, 400)
    middle = _made(store, NOW - 2 * DAY, 400)
    newest = _made(store, NOW - DAY, 400)
    live = store.begin("c9", NOW - 4 * DAY)  # still recording: oldest, but kept
    Path(live.file).write_bytes(bytes(100))
    encoding = store.finished(store.begin("c8", NOW - 5 * DAY).id, 0.0, encode=True)
    aged, over = store.cleanup(limit_bytes=900, retention_days=0, now=NOW)
    assert aged == [] and [r.id for r in over] == [oldest.id]
    assert not Path(oldest.file).exists()
    assert {r.id for r in store.list()} == {middle.id, newest.id, live.id, encoding.id}
    assert store.cleanup(limit_bytes=900, now=NOW) == ([], [])


def test_retention_days_delete_what_is_older(tmp_path):
    store = RecordingStore(tmp_path)
    old = _made(store, NOW - 31 * DAY, 100)
    young = _made(store, NOW - 29 * DAY, 100)
    aged, over = store.cleanup(limit_bytes=10**9, retention_days=30, now=NOW)
    assert [r.id for r in aged] == [old.id] and over == []
    assert [r.id for r in store.list()] == [young.id]
    assert store.cleanup(limit_bytes=10**9, retention_days=0, now=NOW + 999 * DAY) == ([], [])


def test_the_owner_warning_is_kept_until_cleared(tmp_path):
    store = RecordingStore(tmp_path)
    assert store.warning() is None
    store.note_cleanup(3, 500, now=NOW)
    assert store.warning() == {"at_ts": NOW, "deleted": 3, "limit_mb": 500}
    (tmp_path / "warning.json").write_text("[not a warning")
    assert store.warning() is None
    store.clear_warning()
    assert store.warning() is None


def test_delete_removes_the_row_and_the_file(tmp_path):
    store = RecordingStore(tmp_path)
    rec = _made(store, NOW, 10)
    assert store.delete(rec.id) == rec
    assert store.list() == [] and not Path(rec.file).exists()
    with pytest.raises(NoSuchRecording):
        store.delete(rec.id)
