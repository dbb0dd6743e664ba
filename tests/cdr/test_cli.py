"""`switchboard records`: JSON and table output, filters, bad options, a running box."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from firmware import cli as main_cli
from firmware.cdr import cli as records_cli
from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, scripted_call, start, write_scripted

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> int:
    """Parse like the main CLI does (register + args.func) and return the exit code."""
    parser = argparse.ArgumentParser(prog="switchboard")
    records_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data dir holding six scripted calls (09:00 to 09:05 Shanghai) and one in progress."""
    with CdrStore(records_path(tmp_path)) as s:
        for i in range(6):
            write_scripted(s, scripted_call(i))
        s.begin_call(start("+862087654321", T0 + timedelta(minutes=10), call_id="live"))
    return tmp_path


def test_json_lists_every_call_oldest_first_with_legs(data: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--json", "--data", str(data)) == 0
    calls = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in calls] == ["c0", "c1", "c2", "c3", "c4", "c5", "live"]
    first = calls[0]
    assert (first["caller"], first["region"], first["carrier"]) == (
        "13588888888", "浙江省杭州市", "中国移动")
    assert first["started_at"] == "2024-05-01T09:00:00.000+08:00"
    assert first["started_at_utc"] == "2024-05-01T01:00:00.000+00:00"
    assert [leg["outcome"] for leg in first["legs"]] == ["answered"]
    assert first["legs"][0]["group"] == "销售组"
    # Left in progress by the fixture's writer: "interrupted" once a writer opens them again.
    assert (calls[-1]["result"], calls[-1]["ended_at"]) == ("in_progress", None)


def test_since_until_and_limit(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--json", "--since", "2024-05-01T09:02", "--until",
               "2024-05-01T01:05:00Z", "--data", str(data)) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)] == ["c2", "c3", "c4"]
    assert run("records", "--json", "--limit", "2", "--data", str(data)) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)] == ["c5", "live"]
    assert run("records", "--json", "--since", "2024-05-02", "--data", str(data)) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_filters(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--json", "--result", "missed,in_progress", "--number",
               "020 8765 4321", "--data", str(data)) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)] == ["live"]
    assert run("records", "--json", "--line", "fxo9", "--data", str(data)) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_plain_table(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--data", str(data)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == list(records_cli.COLUMNS)
    assert lines[1].startswith("2024-05-01 09:00:00  in")
    assert "浙江省杭州市" in lines[1] and "answered" in lines[1] and "801 answered 30s" in lines[1]
    assert "(withheld)" in lines[4]
    assert lines[-1] == "7 calls; times in Asia/Shanghai"
    # Chinese text is padded by its terminal width, so the RESULT column lines up.
    columns = {records_cli._width(line[:line.index(word)])
               for line, word in zip(lines[1:7], ["answered", "missed"] * 3, strict=True)}
    assert len(columns) == 1


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--since", "yesterday", "not an ISO time"),
    ("--until", "2024-13-01", "not an ISO time"),
    ("--limit", "-3", "not a count"),
    ("--result", "won", "results are"),
])
def test_bad_options_exit_2_with_a_clear_error(data: Path, capsys: pytest.CaptureFixture[str],
                                               option: str, value: str, says: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main_cli.main(["records", option, value, "--data", str(data)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and says in err


def test_since_after_until_exits_2(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--since", "2024-05-02", "--until", "2024-05-01",
               "--data", str(data)) == 2
    assert "--since must be before --until" in capsys.readouterr().err


def test_no_records_yet_is_an_empty_list(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run("records", "--json", "--data", str(tmp_path)) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == [] and "no call records" in out.err
    assert not records_path(tmp_path).exists()  # a reader creates nothing


def test_unreadable_records_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records_path(tmp_path).write_bytes(b"garbage" * 1000)
    assert run("records", "--data", str(tmp_path)) == 1
    assert "cannot read the call records" in capsys.readouterr().err


def test_reads_while_the_box_writes(tmp_path: Path) -> None:
    """The real command, in its own process, under a C locale, beside an open writer."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONIOENCODING", None)
    command = [sys.executable, "-m", "firmware.cli", "records", "--json", "--data", str(tmp_path)]
    with CdrStore(records_path(tmp_path)) as box:
        write_scripted(box, scripted_call(0))
        live = box.begin_call(start(call_id="live"))
        out = subprocess.run(command, capture_output=True, env=env, timeout=60, check=True)
        calls = json.loads(out.stdout.decode("utf-8"))
        assert [(c["id"], c["result"]) for c in calls] == [("c0", "answered"),
                                                           ("live", "in_progress")]
        assert calls[0]["region"] == "浙江省杭州市"
        box.add_leg(live, scripted_call(1).legs[0])
        out = subprocess.run(command, capture_output=True, env=env, timeout=60, check=True)
        assert len(json.loads(out.stdout)[1]["legs"]) == 1
