"""`switchboard recordings list|delete` on a data dir, as the README shows it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from firmware.recordings.store import RecordingStore

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "firmware.cli", "recordings", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_list_and_delete(tmp_path):
    store = RecordingStore.in_data_dir(tmp_path)
    rec = store.begin("20260901-100000-abcdef", time.time(), caller="+8613588888888",
                      rule="agent:801")
    Path(rec.file).write_bytes(bytes(16044))
    store.finished(rec.id, 1.0, encode=False)
    listed = _cli("list", "--json", "--data", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["id"] == rec.id and row["call_id"] == "20260901-100000-abcdef"
    assert row["state"] == "ready" and row["format"] == "wav" and row["bytes"] == 16044
    assert row["rule"] == "agent:801" and row["time"].endswith("+08:00")
    text = _cli("list", "--data", str(tmp_path))
    assert rec.id in text.stdout and "agent" not in text.stderr
    only = _cli("list", "--json", "--call", "other", "--data", str(tmp_path))
    assert json.loads(only.stdout) == []
    gone = _cli("delete", rec.id, "--data", str(tmp_path))
    assert gone.returncode == 0 and f"{rec.id}: deleted" in gone.stdout
    again = _cli("delete", rec.id, "--data", str(tmp_path))
    assert again.returncode == 1 and again.stderr.startswith("switchboard: id: no recording")
    assert _cli("list", "--data", str(tmp_path)).stdout.strip() == "no recordings"
    assert _cli("frobnicate", "--data", str(tmp_path)).returncode == 2
