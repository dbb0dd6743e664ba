"""Lines come from the board: a config's missing lines are the board's, a line the board
lacks is refused by name (firmware/config/hardware.py), in the store the box uses and in
`switchboard config check|import --board NAME`; without a board, a file is taken as written."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from board.base import BadBoard, BoardInfo
from firmware.config.hardware import Hardware, check_on_board
from firmware.config.schema import Config, to_dict
from firmware.config.store import ConfigStore
from firmware.errors import ConfigError
from tests.config.helpers import example
from tests.config.test_cli import run

SIM = Hardware.of_board_name("sim")
DESK = {"schema_version": 2, "extensions": [{"number": "801", "name": "前台", "port": "fxs0"}]}


@pytest.mark.parametrize("board,gsm,fxs", [
    ("sim", ("gsm0",), ("fxs0", "fxs1", "fxs2", "fxs3")),
    ("sim-2gsm", ("gsm0", "gsm1"), ("fxs0", "fxs1", "fxs2", "fxs3")),
])
def test_each_board_says_its_lines(board, gsm, fxs) -> None:
    hardware = Hardware.of_board_name(board)
    assert hardware.lines["gsm"] == gsm
    assert hardware.lines["fxs"] == fxs



def test_the_usb_modem_pi_has_its_fxo_line_and_no_desk_phone_port() -> None:
    usb = Hardware.of_board_name("pi-usbmodem")
    assert (usb.lines["fxo"], usb.lines["gsm"], usb.lines.get("fxs")) == (("fxo0",), None, None)
    assert Hardware.of_board_name("pi-gsm").lines["gsm"] is None  # found at run time


def test_an_unknown_board_is_refused() -> None:
    with pytest.raises(BadBoard):
        Hardware.of_board_name("nope")


def test_missing_lines_are_the_boards_and_named_lines_are_kept() -> None:
    config = check_on_board(DESK, SIM)
    assert [g.name for g in config.lines.gsm] == ["gsm0"]
    assert config.lines.gsm[0].modem == "auto" and config.lines.gsm[0].sim_pin is None
    assert [p.name for p in config.lines.fxs] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    named = check_on_board({**DESK, "lines": {"fxs": [{"name": "fxs0"}]}}, SIM)
    assert [p.name for p in named.lines.fxs] == ["fxs0"]  # the owner's choice stands
    assert [g.name for g in named.lines.gsm] == ["gsm0"]  # the kind left out is filled


def test_a_run_time_modem_board_gets_one_gsm_line_and_takes_any() -> None:
    info = BoardInfo("pi-x", "a Pi with desk phones and udev modems", ports=("fxs0",),
                     extra={"modem_discovery": "udev", "modems_expected": None})
    hat = Hardware.of_board(info)
    assert [g.name for g in check_on_board(DESK, hat).lines.gsm] == ["gsm0"]
    config = check_on_board({**DESK, "lines": {"gsm": [{"name": "gsm3"}]}}, hat)
    assert [g.name for g in config.lines.gsm] == ["gsm3"]


def test_a_line_the_board_lacks_is_refused_by_name() -> None:
    raw = {**DESK, "lines": {"gsm": [{"name": "gsm0"}, {"name": "gsm1"}],
                             "fxs": [{"name": "fxs0"}, {"name": "fxs7"}]}}
    with pytest.raises(ConfigError) as caught:
        check_on_board(raw, SIM)
    found = {field: why for field, why in caught.value.errors}
    assert set(found) == {"lines.gsm[1]", "lines.fxs[1]"}
    assert found["lines.fxs[1]"] == ('the board "sim" has no line "fxs7" '
                                     "(it has: fxs0, fxs1, fxs2, fxs3)")
    assert found["lines.gsm[1]"].code == "not_on_board"


def test_without_a_board_a_file_is_taken_as_written() -> None:
    with pytest.raises(ConfigError) as caught:
        check_on_board(DESK, None)
    assert caught.value.errors[0][0] == "extensions[0].port"


def test_hardware_of_a_board_info_without_modems() -> None:
    info = SimpleNamespace(name="bare", ports=("fxs0",), extra={"modem_discovery": "none"})
    hardware = Hardware.of_board(info)
    assert hardware.lines == {"fxs": ("fxs0",), "gsm": ()}
    assert hardware.as_dict() == {"board": "bare", "lines": {"fxs": ["fxs0"], "gsm": []}}


# --- the store the box uses -------------------------------------------------------------


def test_a_fresh_store_has_the_boards_lines(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path, hardware=SIM)
    config = store.load()
    assert [p.name for p in config.lines.fxs] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    store.replace({**to_dict(config), "extensions": DESK["extensions"]})
    assert store.as_dict()["extensions"][0]["port"] == "fxs0"


def test_a_factory_reset_gets_the_boards_lines_again(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path, hardware=SIM)
    store.replace(example())
    store.replace(to_dict(Config()))  # what the System page's factory reset writes
    reread = ConfigStore(tmp_path, hardware=SIM).as_dict()
    assert [p["name"] for p in reread["lines"]["fxs"]] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    assert [g["name"] for g in reread["lines"]["gsm"]] == ["gsm0"]


def test_the_store_refuses_a_line_the_board_lacks_and_keeps_what_it_had(tmp_path) -> None:
    store = ConfigStore(tmp_path, hardware=SIM)
    store.replace(example())
    before = store.as_dict()
    with pytest.raises(ConfigError):
        store.replace({**example(), "lines": {"gsm": [], "fxs": [{"name": "fxs5"}]}})
    assert store.as_dict() == before


def test_a_stored_config_naming_a_missing_line_still_loads(tmp_path: Path) -> None:
    ConfigStore(tmp_path).replace({**DESK, "lines": {"fxs": [{"name": "fxs0"},
                                                            {"name": "fxs9"}]}})
    config = ConfigStore(tmp_path, hardware=SIM).load()  # the box still starts
    assert [p.name for p in config.lines.fxs] == ["fxs0", "fxs9"]
    assert SIM.problems(config)[0][0] == "lines.fxs[1]"


# --- the CLI ---------------------------------------------------------------------------


def test_config_check_with_a_board(tmp_path: Path, capsys) -> None:
    path = tmp_path / "office.json"
    path.write_text(json.dumps(DESK, ensure_ascii=False), encoding="utf-8")
    assert run("config", "check", str(path)) == 1
    said = capsys.readouterr()
    assert "extensions[0].port" in said.out and "--board NAME" in said.err
    assert run("config", "check", "--board", "sim", str(path)) == 0
    assert "4 FXS ports" in capsys.readouterr().out
    path.write_text(json.dumps({**DESK, "lines": {"fxs": [{"name": "fxs7"}]}}), "utf-8")
    assert run("config", "check", "--board", "sim", str(path)) == 1
    assert 'lines.fxs[0]: the board "sim" has no line "fxs7"' in capsys.readouterr().out
    assert run("config", "check", "--board", "nope", str(path)) == 2
    assert "no board named 'nope'" in capsys.readouterr().err


def test_config_import_with_a_board_fills_the_lines(tmp_path: Path, capsys) -> None:
    path = tmp_path / "office.json"
    path.write_text(json.dumps(DESK, ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "data"
    assert run("config", "import", "--board", "sim", "--data", str(data), str(path)) == 0
    stored = ConfigStore(data).as_dict()
    assert [p["name"] for p in stored["lines"]["fxs"]] == ["fxs0", "fxs1", "fxs2", "fxs3"]
