"""docs/example-config.json is the office the README imports into `./run`'s box: its GSM
line's number must be the emulator SIM's own, or calls the README places to the SIM
reach a box whose config names another number."""

import json

from hil_tests.pstn.emulator import modem_identity
from tests.config.helpers import EXAMPLE


def test_the_example_gsm_number_is_the_emulator_sims():
    config = json.loads(EXAMPLE.read_text("utf-8"))
    assert [g["number"] for g in config["lines"]["gsm"]] == [modem_identity(1)["number"]]
