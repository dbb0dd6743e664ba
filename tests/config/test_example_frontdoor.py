"""docs/example-config-frontdoor.json: the example front-door office (issue 12): valid
on board `sim`, the CLI checks it, and in office hours its greeting plays before the
menu (1 sales, 2 support, 0 or no key the reception)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from firmware.config.hardware import Hardware, check_on_board
from firmware.routing.answer import route_answer
from firmware.routing.greeting import Greeting
from hil_tests.pstn.emulator import modem_identity
from tests.config.test_cli import run

FRONT = Path(__file__).resolve().parents[2] / "docs" / "example-config-frontdoor.json"
MON_10 = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _config():
    return check_on_board(json.loads(FRONT.read_text("utf-8")), Hardware.of_board_name("sim"))


def test_valid_on_the_sim_board() -> None:
    config = _config()
    assert config.lines.outside_names() == ("gsm0",)
    assert config.lines.gsm[0].number == modem_identity(1)["number"]


def test_the_cli_checks_it_on_the_sim_board(capsys) -> None:
    assert run("config", "check", "--board", "sim", str(FRONT)) == 0


def test_in_office_hours_the_greeting_then_the_menu() -> None:
    answer = route_answer(_config(), "gsm0", "+8613588888888", MON_10, 1)
    hello = answer.plan.step(answer.plan.start)
    assert isinstance(hello, Greeting) and hello.prompt == "welcome" and hello.skippable
    menu = answer.plan.step(hello.next("next"))
    assert {d: menu.next(d) for d in ("1", "2", "0", "timeout")} == {
        "1": "sales", "2": "support", "0": "reception", "timeout": "reception"}
