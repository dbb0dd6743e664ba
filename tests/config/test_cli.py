"""`switchboard config import|export|check`: direct and through a running box."""

from __future__ import annotations

import argparse
import io
import json
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from firmware import paths
from firmware.config import cli as config_cli
from firmware.config.cli import control_handlers
from firmware.config.schema import Config
from firmware.config.store import ConfigStore
from tests.config.helpers import EXAMPLE, example, running_server


def run(*argv: str) -> int:
    """Parse like the main CLI does (register + args.func) and return the exit code."""
    parser = argparse.ArgumentParser(prog="switchboard")
    config_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def data() -> Iterator[Path]:
    # Short, so a test may bind a plain socket under it (sockaddr_un holds 108 bytes).
    with tempfile.TemporaryDirectory(prefix="sbcli") as short:
        yield Path(short) / "data"


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    bad = example()
    bad["ring_groups"][0]["members"].append("805")
    bad["bound_numbers"][2]["number"] = "12345"
    return write_json(tmp_path / "bad.json", bad)


# --- check --------------------------------------------------------------------


def test_example_config_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("config", "check", str(EXAMPLE)) == 0
    assert capsys.readouterr().out.startswith("OK (4 extensions, 3 bound numbers, 1 ring group")


def test_check_prints_each_error_on_its_own_line(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("config", "check", str(bad_file)) == 1
    assert capsys.readouterr().out.splitlines() == [
        'bound_numbers[2].number: "12345" is not a valid phone number (country CN)',
        'ring_groups[0].members[4]: unknown extension "805"',
    ]


def test_check_bad_json_names_the_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "schema_version": 1,\n  "settings": {,\n}\n')
    assert run("config", "check", str(broken)) == 2
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "line 3 column 16" in err


@pytest.mark.parametrize("content", [None, b"\xff\xfe{}"])
def test_check_unreadable_file(tmp_path: Path, content: bytes | None,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.json"
    if content is not None:
        path.write_bytes(content)
    assert run("config", "check", str(path)) == 2
    assert str(path) in capsys.readouterr().err


def test_config_without_a_subcommand_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("config") == 2
    assert "usage:" in capsys.readouterr().err


# --- import / export, the box not running ---------------------------------------


def test_direct_import_export_round_trip(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    assert f"written to {data / 'config.json'}" in capsys.readouterr().out
    assert run("config", "export", "--data", str(data)) == 0
    exported = capsys.readouterr().out
    assert "张伟" in exported  # UTF-8, not \\u escapes
    assert json.loads(exported) == ConfigStore(data).as_dict()
    first = (data / "config.json").read_bytes()
    again = write_json(data.parent / "exported.json", json.loads(exported))
    assert run("config", "import", str(again), "--data", str(data)) == 0
    assert (data / "config.json").read_bytes() == first


def test_direct_import_refused_changes_nothing(
    data: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    before = (data / "config.json").read_bytes()
    capsys.readouterr()
    assert run("config", "import", str(bad_file), "--data", str(data)) == 1
    assert 'ring_groups[0].members[4]: unknown extension "805"' in capsys.readouterr().err
    assert (data / "config.json").read_bytes() == before


def test_import_from_stdin(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(EXAMPLE.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert run("config", "import", "-", "--data", str(data)) == 0
    assert ConfigStore(data).load().extension("802").name == "王芳"


def test_export_of_a_fresh_box_is_the_default(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("config", "export", "--data", str(data)) == 0
    assert json.loads(capsys.readouterr().out)["settings"]["country"] == "CN"


def test_corrupt_file_export_refuses_import_keeps_it_aside(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data.mkdir()
    (data / "config.json").write_text('{"config": ')
    assert run("config", "export", "--data", str(data)) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    assert "the old config file was corrupt; kept as" in capsys.readouterr().err
    aside = [p for p in data.iterdir() if p.name.startswith("config.json.corrupt-")]
    assert [p.read_text() for p in aside] == ['{"config": ']


# --- import / export through a running box --------------------------------------


@pytest.fixture
def box(data: Path):
    """A running control socket with the config handlers, as the daemon wires them."""
    store = ConfigStore(data)
    changes: list[Config] = []
    store.on_change(changes.append)
    with running_server(paths.control_socket(data), control_handlers(store)):
        yield store, changes
    store.close()


def test_import_through_the_running_box(
    data: Path, box: tuple[ConfigStore, list[Config]], capsys: pytest.CaptureFixture[str]
) -> None:
    store, changes = box
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    assert "the running box applies it" in capsys.readouterr().out
    assert changes == [store.load()]
    assert store.load().extension("801").name == "前台 Reception"
    assert run("config", "export", "--data", str(data)) == 0
    assert json.loads(capsys.readouterr().out) == store.as_dict()


def test_refused_import_through_the_box_changes_nothing(
    data: Path, bad_file: Path, box: tuple[ConfigStore, list[Config]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, changes = box
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    before = store.path.read_bytes()
    capsys.readouterr()
    assert run("config", "import", str(bad_file), "--data", str(data)) == 1
    assert capsys.readouterr().err.splitlines() == [
        'bound_numbers[2].number: "12345" is not a valid phone number (country CN)',
        'ring_groups[0].members[4]: unknown extension "805"',
    ]
    assert store.path.read_bytes() == before
    assert len(changes) == 1


def test_box_that_fails_is_exit_3(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: dict[str, Any]) -> None:
        raise RuntimeError("disk on fire")

    with running_server(paths.control_socket(data), {"config.import": broken}):
        assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 3
    assert "disk on fire" in capsys.readouterr().err
    assert not (data / "config.json").exists()


def test_stale_socket_means_direct_write(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sock_path = paths.control_socket(data)
    sock_path.parent.mkdir(parents=True)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
    assert run("config", "import", str(EXAMPLE), "--data", str(data)) == 0
    assert "written to" in capsys.readouterr().out
    assert ConfigStore(data).load().ring_group("sales") is not None


def test_main_cli_dispatches_to_config(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from firmware.cli import main

    assert main(["config", "import", str(EXAMPLE), "--data", str(data)]) == 0
    assert main(["config", "check", str(EXAMPLE)]) == 0
    assert "OK" in capsys.readouterr().out
