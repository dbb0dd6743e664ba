"""The dashboard's card "Calls now" and GET /api/diagnosis, in-process: the office open,
closed or on a holiday, and what stops the box routing calls, in both languages."""

from __future__ import annotations

import string
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.clock import FakeClock
from firmware.config.store import ConfigStore
from firmware.routing.diagnose import FINDINGS, PARTS
from firmware.service import BoxService
from tests.config.helpers import LoopThread, example
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui.app import make_app
from web_ui.messages_diagnosis import FINDINGS_ZH, PARTS_ZH, finding_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUE_10 = datetime(2026, 6, 16, 10, 0, tzinfo=SHANGHAI)
TUE_22 = datetime(2026, 6, 16, 22, 0, tzinfo=SHANGHAI)
NATIONAL_DAY = datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)  # a Thursday
AGENTS = ("801", "802", "803", "804", "zhang", "wang", "david")


class FakeBox:
    """The box's status as the facade gets it: one GSM line, four desk phone ports."""

    def __init__(self) -> None:
        self.available = dict.fromkeys(AGENTS, True)
        self.forwarding: dict = {}

    def status(self) -> dict:
        return {"system": "ready", "gsm": {"gsm0": {"state": "ready", "sim": "ready"}},
                "ports": {f"fxs{i}": "idle" for i in range(4)}, "calls": [], "leds": {},
                "forwarding": self.forwarding, "agents": dict(self.available),
                "unavailable_since": {}}


def _office(tmp_path: Path, now: datetime, config: dict | None = None):
    store = ConfigStore(tmp_path)
    store.replace(config or example())
    fake, loop = FakeBox(), LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=fake.status,
                         clock=FakeClock(now))
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    return fake, client, loop


@pytest.fixture
def open_office(tmp_path: Path):
    fake, client, loop = _office(tmp_path, TUE_10)
    yield fake, client
    loop.close()


def _card(page: str) -> str:
    start = page.index('id="diagnosis"')
    return page[start:page.index("</section>", start)]


def test_open_now_and_the_one_line_warning_in_chinese(open_office) -> None:
    _, client = open_office
    card = _card(client.get("/").text)
    assert "营业中 至 12:00" in card
    assert "手机、值班和转接链需要第二条线路" in card and "David Chen、张伟" in card
    assert 'data-code="needs_second_line"' in card and "finding-warning" in card
    assert "mobiles, duty" not in card


def test_the_same_in_english(open_office) -> None:
    _, client = open_office
    client.get("/lang/en")
    card = _card(client.get("/").text)
    assert "Office open until 12:00" in card
    assert "mobiles, duty and the forward chain need a second line" in card


def test_nobody_to_answer_is_an_error_on_the_page_and_in_the_api(open_office) -> None:
    fake, client = open_office
    for agent in ("801", "802", "804"):
        fake.available[agent] = False  # and zhang is a mobile: one line cannot ring it
    card = _card(client.get("/").text)
    assert "来电被拒绝" in card and "没有分机接听来电：振铃组 sales 现在没有人能振铃" in card
    found = client.api("GET", "/api/diagnosis", headers={"Accept-Language": "en"}).json()
    assert found["ok"] is False
    first = found["findings"][0]
    assert (first["code"], first["severity"]) == ("inbound_group_nobody", "error")
    assert first["params"]["unavailable"] == ["801", "802", "804"]
    assert first["params"]["mobiles"] == ["zhang"]
    assert first["message"].startswith("no extension answers calls")
    zh = client.api("GET", "/api/diagnosis", headers={"Accept-Language": "zh-CN"}).json()
    assert zh["findings"][0]["message"].startswith("没有分机接听来电")
    assert zh["office"]["message"].startswith("营业中")


def test_the_status_api_carries_the_diagnosis(open_office) -> None:
    _, client = open_office
    status = client.api("GET", "/api/status").json()
    assert status["diagnosis"]["office"]["state"] == "open"
    assert [f["code"] for f in status["diagnosis"]["findings"]] == ["needs_second_line"]


def test_closed_and_forwarded_by_the_network(tmp_path: Path) -> None:
    fake, client, loop = _office(tmp_path, TUE_22)
    try:
        fake.forwarding = {"gsm0": {"wanted": "+8613912345678", "in_step": True}}
        card = _card(client.get("/").text)
        assert "已下班 至 2026-06-17 09:00" in card
        assert "下班期间由运营商转接到 +8613912345678（张伟），至 周三 2026-06-17 09:00" in card
        found = client.api("GET", "/api/diagnosis").json()
        forwarded = [f for f in found["findings"] if f["code"] == "network_forwarding"]
        assert forwarded[0]["message"].startswith(
            "forwarded by the network to +8613912345678 (张伟)")
        assert found["office"] | {"state": "closed", "open": False} == found["office"]
    finally:
        loop.close()


def test_a_holiday_the_office_is_closed_on(tmp_path: Path) -> None:
    config = example()
    config["schedule"]["thu"] = []
    _, client, loop = _office(tmp_path, NATIONAL_DAY, config)
    try:
        card = _card(client.get("/").text)
        assert "节假日休息：国庆节" in card and "National Day" not in card
        assert client.api("GET", "/api/diagnosis").json()["office"]["state"] == "holiday"
    finally:
        loop.close()


def test_a_factory_fresh_box_says_every_call_is_refused(tmp_path: Path) -> None:
    service = BoxService(tmp_path / "data", clock=FakeClock(TUE_10))
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    card = _card(client.get("/").text)
    assert "所有来电都被拒绝：没有营业时间，也没有值班人员" in card
    assert "已下班" in card and "没有外线" not in card  # the board is not known: no box
    client.get("/lang/en")
    assert "every call is refused: no open hours" in _card(client.get("/").text)


def test_the_card_script_is_served(open_office) -> None:
    _, client = open_office
    script = client.get("/static/diagnosis.js")
    assert script.status == 200
    assert "textContent" in script.text and "innerHTML" not in script.text
    assert 'data-live="/api/diagnosis"' in client.get("/").text


def test_the_api_needs_a_login(tmp_path: Path) -> None:
    client = Client(make_app(BoxService(tmp_path / "d"), kdf_n=FAST_KDF))
    set_up_owner(client)
    anonymous = Client(client.app)
    assert anonymous.api("GET", "/api/diagnosis").status == 401


@pytest.mark.parametrize("code", sorted(FINDINGS))
def test_every_finding_has_its_chinese_with_the_same_placeholders(code: str) -> None:
    def names(template: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f}

    assert code in FINDINGS_ZH
    assert names(FINDINGS[code]) == names(FINDINGS_ZH[code])
    assert set(PARTS.get(code, {})) == set(PARTS_ZH.get(code, {}))
    for part in PARTS_ZH.get(code, {}).values():
        assert names(part) == {"items"}


def test_no_stale_chinese_findings() -> None:
    assert set(FINDINGS_ZH) == set(FINDINGS)


def test_an_unknown_code_is_shown_as_the_box_wrote_it() -> None:
    found = {"code": "from_a_newer_box", "params": {}, "text": "something new"}
    assert finding_text("zh-CN", found) == "something new"
