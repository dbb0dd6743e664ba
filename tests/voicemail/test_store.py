"""The voicemail store (index and files), the recorder's sink and writer, and the CLI."""

from __future__ import annotations

import json
import math
import struct
import threading
import wave
from pathlib import Path

import pytest

from firmware.cli import main
from firmware.voicemail.recorder import FrameSink, MessageWriter
from firmware.voicemail.store import VoicemailError, VoicemailStore


def _tone(n: int) -> bytes:
    return struct.pack("<160h", *(round(6000 * math.sin(2 * math.pi * 440 * (n * 160 + i)
                                                        / 8000)) for i in range(160)))


def _message(store: VoicemailStore, box: str, at: float, size: int = 3200) -> str:
    ident, part = store.new_path(box)
    part.write_bytes(b"\1" * size)
    store.add(ident, box, part, caller="+8613588888888", region="浙江省杭州市", at_ts=at,
              duration_s=size / 16000)
    return ident


def test_add_list_heard_delete(tmp_path: Path) -> None:
    store = VoicemailStore(tmp_path)
    first = _message(store, "801", 100.0)
    second = _message(store, "sales", 50.0)
    assert [m.id for m in store.list()] == [second, first], "oldest first"
    assert [m.id for m in store.list("801")] == [first]
    assert store.unheard("801") == 1
    assert store.mark_heard(first).heard and store.unheard("801") == 0
    gone = store.delete(first)
    assert not Path(gone.file).exists()
    assert [m.id for m in store.list()] == [second]
    with pytest.raises(VoicemailError) as why:
        store.get(first)
    assert why.value.field == "id"
    with pytest.raises(VoicemailError):
        store.get("../../etc/passwd")
    with pytest.raises(VoicemailError):
        store.new_path("../x")


def test_cleanup_deletes_oldest_first_until_within_the_limit(tmp_path: Path) -> None:
    store = VoicemailStore(tmp_path)
    ids = [_message(store, "801", float(t), size=1000) for t in (3, 1, 2)]
    gone = store.cleanup(limit_bytes=2100)
    assert [m.id for m in gone] == [ids[1]]
    assert {m.id for m in store.list()} == {ids[0], ids[2]}
    assert store.cleanup(limit_bytes=10**9) == []


def test_cleanup_removes_stale_partial_recordings(tmp_path: Path) -> None:
    store = VoicemailStore(tmp_path)
    _ident, part = store.new_path("801")
    part.write_bytes(b"x")
    store.cleanup(10**9, now=part.stat().st_mtime + 10)
    assert part.exists(), "a recording in progress is kept"
    store.cleanup(10**9, now=part.stat().st_mtime + 7200)
    assert not part.exists()


def test_the_sink_takes_frames_from_another_thread_and_the_writer_writes_a_wav(
        tmp_path: Path) -> None:
    sink = FrameSink()
    feeder = threading.Thread(target=lambda: [sink.feed(_tone(n)) for n in range(100)])
    feeder.start()
    feeder.join()
    for _ in range(50):
        sink.feed(bytes(320))
    writer = MessageWriter(tmp_path / "m.wav")
    assert writer.take(sink) == 150
    assert writer.sound_s == pytest.approx(2.0)
    assert writer.silence_s == pytest.approx(1.0)
    assert writer.close() == pytest.approx(2.5), "trailing silence cut to half a second"
    with wave.open(str(tmp_path / "m.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        assert w.getnframes() == 20000


def test_cli_lists_as_json_and_deletes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    store = VoicemailStore.in_data_dir(tmp_path)
    ident = _message(store, "801", 1_790_000_000.0)
    assert main(["voicemail", "list", "--json", "--data", str(tmp_path)]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["id"] == ident and row["box"] == "801" and row["caller"] == "+8613588888888"
    assert row["duration_s"] == 0.2 and row["file"].endswith(f"801/{ident}.wav")
    assert row["time"].startswith("2026-09-2") and row["heard"] is False
    assert main(["voicemail", "list", "--data", str(tmp_path)]) == 0
    assert ident in capsys.readouterr().out
    assert main(["voicemail", "delete", ident, "--data", str(tmp_path)]) == 0
    assert main(["voicemail", "delete", ident, "--data", str(tmp_path)]) == 1
    assert "id: no voicemail message" in capsys.readouterr().err


def test_a_factory_reset_removes_the_messages(tmp_path: Path) -> None:
    from firmware.reset import remove_leftovers

    store = VoicemailStore.in_data_dir(tmp_path)
    _message(store, "801", 1.0)
    store.note_cleanup(1, 200)
    removed = remove_leftovers(tmp_path)
    assert "index.db" in removed and "warning.json" in removed
    assert store.list() == [] and not list((tmp_path / "voicemail" / "801").glob("*"))


def test_usage_counts_bytes_and_messages_and_the_warning_keeps_the_unheard(
        tmp_path: Path) -> None:
    store = VoicemailStore(tmp_path)
    assert store.usage() == (0, 0)
    first = _message(store, "801", 1.0, size=1000)
    _message(store, "802", 2.0, size=500)
    used, count = store.usage()
    assert count == 2 and used == store.used_bytes()
    store.mark_heard(first)
    gone = store.cleanup(limit_bytes=used - 1)
    assert [m.id for m in gone] == [first]
    store.note_cleanup(len(gone), 10, now=5.0, unheard=sum(not m.heard for m in gone))
    assert store.warning() == {"at_ts": 5.0, "deleted": 1, "limit_mb": 10, "unheard": 0}
