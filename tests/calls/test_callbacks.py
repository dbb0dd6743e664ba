"""The callback list (calls/callbacks.py) and `switchboard callbacks`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from firmware.calls.callbacks import FILE, CallbackList, NoSuchCallback, read_callbacks
from firmware.cli import main

AT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def _add(data: Path, caller: str = "+8613588880001") -> dict:
    return CallbackList(data / FILE).add(caller=caller, region="浙江省杭州市", line="gsm0",
                                         queue="sales", call_id="c1", at=AT)


def test_entries_survive_a_restart_and_are_marked_done(tmp_path: Path) -> None:
    first, second = _add(tmp_path), _add(tmp_path, "+8613588880002")
    assert (first["id"], second["id"]) == (1, 2)
    again = CallbackList(tmp_path / FILE)
    assert [e["caller"] for e in again.listing()] == ["+8613588880002", "+8613588880001"]
    assert again.mark_done(1, AT)["state"] == "done"
    assert read_callbacks(tmp_path / FILE)[0]["done_at"] == AT.isoformat()
    with pytest.raises(NoSuchCallback):
        again.mark_done(9, AT)
    assert (tmp_path / FILE).stat().st_mode & 0o077 == 0, "callers' numbers: owner only"


def test_an_unreadable_file_is_an_empty_list_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / FILE).write_text("{not json")
    assert read_callbacks(tmp_path / FILE) == []
    assert CallbackList(tmp_path / FILE).listing() == []


def test_the_command_lists_and_marks_done(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _add(tmp_path)
    assert main(["callbacks", "--data", str(tmp_path)]) == 0
    assert "+8613588880001" in capsys.readouterr().out
    assert main(["callbacks", "done", "1", "--data", str(tmp_path)]) == 0
    assert main(["callbacks", "done", "5", "--data", str(tmp_path)]) == 1
    assert "no callback request 5" in capsys.readouterr().err
    assert main(["callbacks", "--open", "--json", "--data", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == []
