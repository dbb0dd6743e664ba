"""`switchboard config check|import` on bad files: a reason, exit 1 or 2, never a
traceback; the stored config is untouched (issue 9 §6). Direct and through a box."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmware import paths
from firmware.config.cli import control_handlers
from firmware.config.jsontext import MAX_DEPTH, MAX_TEXT_BYTES
from firmware.config.store import ConfigStore
from tests.config.helpers import example, running_server
from tests.config.test_cli import run


@pytest.fixture
def data() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sbbad") as short:
        yield Path(short) / "data"


def _text() -> str:
    return json.dumps(example(), ensure_ascii=True)


UNREADABLE = {
    "deep": ("[" * 200_000 + "]" * 200_000, f"deeper than {MAX_DEPTH} levels"),
    "surrogate": (_text().replace('"company_name": "', '"company_name": "\\ud800', 1),
                  "settings.company_name: text that is not valid Unicode"),
    "huge_text": (_text()[:-1] + " " * MAX_TEXT_BYTES + "}", "at most 1 MiB"),
    "huge_config": (json.dumps(dict(example(), extensions=[
        {"number": "801", "name": "x" * 100, "port": "fxs0"}] * 8000)),
        "a config may have at most 1048576 bytes"),
    "nan": ('{"schema_version": NaN}', "NaN is not a JSON value"),
}
REFUSED = {
    "full_width_pin": ("lines", "lines.gsm[0].sim_pin"),
    "share_text": ("share", "ring_groups[0].members[0].share: expected a whole number"),
}


def _refused(kind: str) -> str:
    config = example()
    if kind == "full_width_pin":
        config["lines"]["gsm"][0]["sim_pin"] = "１２３４"
    else:
        config["ring_groups"][0]["strategy"] = "percentage"
        config["ring_groups"][0]["members"] = [{"target": "801", "share": "50"},
                                               {"target": "802", "share": 50}]
    return json.dumps(config, ensure_ascii=False)


@pytest.mark.parametrize("kind", UNREADABLE)
@pytest.mark.parametrize("command", ["check", "import"])
def test_unreadable_files_exit_2_with_a_reason(tmp_path: Path, data: Path, capsys,
                                               kind: str, command: str) -> None:
    text, why = UNREADABLE[kind]
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    args = ["config", command, str(path)] + (["--data", str(data)] if command == "import" else [])
    assert run(*args) == 2
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err
    assert not (data / "config.json").exists()


@pytest.mark.parametrize("kind", REFUSED)
def test_refused_values_exit_1_naming_the_field(tmp_path: Path, capsys, kind: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(_refused(kind), encoding="utf-8")
    assert run("config", "check", str(path)) == 1
    assert REFUSED[kind][1] in capsys.readouterr().out


@pytest.fixture
def box(data: Path) -> Iterator[ConfigStore]:
    store = ConfigStore(data)
    with running_server(paths.control_socket(data), control_handlers(store)):
        yield store
    store.close()


@pytest.mark.parametrize("kind", [*UNREADABLE, *REFUSED])
def test_import_through_the_running_box_refuses_and_keeps_the_config(
        tmp_path: Path, data: Path, box: ConfigStore, capsys, kind: str) -> None:
    before = box.as_dict()
    path = tmp_path / "bad.json"
    path.write_text(UNREADABLE[kind][0] if kind in UNREADABLE else _refused(kind),
                    encoding="utf-8")
    assert run("config", "import", str(path), "--data", str(data)) in (1, 2)
    assert "Traceback" not in capsys.readouterr().err
    assert box.as_dict() == before
    assert run("config", "import", "-", "--data", str(data)) == 2  # empty stdin: not JSON
