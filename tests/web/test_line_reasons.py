"""Why a GSM line is not ready, in the page's language (issue 9 §5: a SIM refusing its
PIN, a call left up on the modem): the System page says the line's `reason_code`."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui.app import make_app
from web_ui.messages_lines import LINE_MESSAGES

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


class Line:
    def __init__(self) -> None:
        self.gsm = {"state": "pin_required", "sim": "pin", "reason": "the SIM refused ...",
                    "reason_code": "sim_pin_refused"}

    def status(self) -> dict:
        return {"system": "ready", "gsm": {"gsm0": dict(self.gsm)}, "ports": {}, "calls": [],
                "leds": {}, "forwarding": {}, "agents": {}, "unavailable_since": {}}


@pytest.fixture
def system(tmp_path: Path):
    store = ConfigStore(tmp_path)
    store.replace(example())
    line, loop = Line(), LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=line.status)
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    yield line, client
    loop.close()


@pytest.mark.parametrize("code", ["sim_pin_refused", "stray_call_ending",
                                  "stray_call_stuck", "sim_pin_missing"])
def test_the_system_page_says_why_in_both_languages(system, code: str) -> None:
    line, client = system
    line.gsm = {**line.gsm, "reason_code": code, "reason": "English from the driver"}
    en, zh = LINE_MESSAGES[f"live_reason_{code}"]
    assert zh in client.get("/system", headers=ZH).text
    assert en in client.get("/system", headers=EN).text


def test_a_reason_without_a_code_is_shown_as_it_is(system) -> None:
    line, client = system
    line.gsm = {"state": "out_of_service", "reason": "port error: EIO", "reason_code": ""}
    assert "port error: EIO" in client.get("/system", headers=ZH).text
