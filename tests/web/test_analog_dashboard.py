"""The dashboard on a box with an analog line (issue 11 §3, W5), in-process: the box's
status (a fake, as the FXO driver will give it: `status["lines"]["fxo0"]`) shows as a
health card (in service or not, polarity, last ring, state) in both languages, the
status API carries it, and the "calls now" findings count the analog line as an outside
line (a cut line is a line down)."""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firmware.clock import FakeClock
from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.config.helpers import LoopThread
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, set_up_owner
from web_ui import analog_health, pages
from web_ui.app import make_app
from web_ui.i18n import translator

ANALOG = Path(__file__).resolve().parents[2] / "docs" / "example-config-analog.json"
TUE_10 = datetime(2026, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TUE_22 = datetime(2026, 6, 16, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IN_SERVICE = {"kind": "fxo", "state": "idle", "reason": "", "reason_code": None,
              "number": "+861062345678", "profile": "cn", "disconnect": "busy_tone",
              "battery": True, "polarity": "normal", "last_ring": "2026-06-16T09:41:07+08:00",
              "in_call": False}


class FakeAnalogBox:
    """The status of a one-analog-line box: fxo0 and four desk phone ports."""

    def __init__(self) -> None:
        self.fxo0: dict | None = dict(IN_SERVICE)
        self.extra: dict = {}  # more outside lines (a mixed box's GSM line)

    def status(self) -> dict:
        lines = {"fxo0": dict(self.fxo0)} if self.fxo0 is not None else {}
        gsm = {n: {"state": line["state"]} for n, line in self.extra.items()}
        return {"system": "ready", "gsm": gsm, "lines": {**lines, **self.extra},
                "ports": {f"fxs{i}": "idle" for i in range(4)}, "calls": [], "leds": {},
                "forwarding": {}, "agents": {}, "unavailable_since": {}}


def _office(tmp_path: Path, now: datetime):
    store = ConfigStore(tmp_path)
    store.replace(json.loads(ANALOG.read_text("utf-8")))
    fake, loop = FakeAnalogBox(), LoopThread()
    service = BoxService(tmp_path, store=store, loop=loop.loop, status=fake.status,
                         clock=FakeClock(now))
    client = Client(make_app(service, kdf_n=FAST_KDF))
    set_up_owner(client)
    return fake, client, loop


@pytest.fixture
def office(tmp_path: Path):
    fake, client, loop = _office(tmp_path, TUE_10)
    yield fake, client
    loop.close()


def _card(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return html.unescape(page[start:page.index("</section>", start)])


def test_the_health_card_in_chinese(office) -> None:
    _, client = office
    card = _card(client.get("/").text, "analog-card")
    assert "模拟电话线路" in card and "fxo0" in card and "+861062345678" in card
    assert "正常（线路有电）" in card and "空闲" in card
    assert "2026-06-16 09:41" in card and "中国" in card and "忙音" in card
    assert 'class="service-yes"' in card


def test_the_health_card_in_english_and_a_cut_line(office) -> None:
    fake, client = office
    client.get("/lang/en")
    card = _card(client.get("/").text, "analog-card")
    assert "Analog phone lines" in card and "in service (battery present)" in card
    assert "normal" in card and "Last ring" in card
    fake.fxo0.update(battery=False, state="fault", polarity=None, last_ring=None)
    card = _card(client.get("/").text, "analog-card")
    assert "out of service: no battery on the line (cut or unplugged)" in card
    assert "not since the box started" in card and 'class="service-no"' in card


def test_a_box_without_an_analog_line_hides_the_card(office) -> None:
    fake, client = office
    fake.fxo0 = None
    page = client.get("/").text
    assert 'id="analog-card"' not in page and "模拟电话线路" not in page
    _ = translator("en")
    assert analog_health.rows(_, {"gsm": {}, "ports": {}}) == []
    assert analog_health.rows(_, {"lines": {"gsm0": {"kind": "gsm"}}}) == []
    assert analog_health.rows(_, {"lines": "broken"}) == []


def test_words_for_states_the_box_may_add_are_shown_as_they_come() -> None:
    _ = translator("en")
    row = analog_health.rows(_, {"lines": {"fxo1": {
        "kind": "fxo", "state": "dialling", "battery": None, "polarity": "weird",
        "profile": "xx", "disconnect": None, "last_ring": "garbage"}}})[0]
    assert row["state"] == "dialling" and row["polarity"] == "weird"
    assert row["service"] == "not known yet" and row["last_ring"] == "not since the box started"
    assert row["in_service"] == "unknown" and row["disconnect"] == "-"


def test_a_port_fault_says_why_in_the_pages_language() -> None:
    line = {"kind": "fxo", "state": "fault", "battery": True, "reason_code": "port_fault",
            "reason": "no answer from the port"}
    said = analog_health.service_word(translator("zh-CN"), line)
    assert said == "不可用：端口故障（模拟端口无响应）"
    line["reason_code"] = "something_new"
    said = analog_health.service_word(translator("en"), line)
    assert said == "out of service: port fault (no answer from the port)"


def test_the_status_api_carries_the_analog_line(office) -> None:
    _, client = office
    status = client.api("GET", "/api/status").json()
    fxo0 = status["lines"]["fxo0"]
    assert fxo0["kind"] == "fxo" and fxo0["battery"] is True
    assert fxo0["polarity"] == "normal" and fxo0["last_ring"].startswith("2026-06-16T09:41")
    assert status["diagnosis"]["outside_lines"] == 1
    assert status["diagnosis"]["findings"] == []


def test_the_live_script_has_the_words_it_draws() -> None:
    words = json.loads(pages._live_words())
    for key in ("live_fxo_in_service", "live_fxo_no_battery", "live_fxo_fault",
                "live_fxo_unknown", "live_fxo_never", "live_fxo_state_idle",
                "live_fxo_polarity_reversed", "live_fxo_profile_cn", "live_fxo_disc_busy_tone"):
        assert key in words
    script = (Path(pages.__file__).parent / "static" / "live.js").read_text("utf-8")
    assert 'fill("analog"' in script and "s.lines" in script


def test_a_cut_line_is_an_error_in_calls_now(office) -> None:
    fake, client = office
    fake.fxo0.update(battery=False)
    found = client.api("GET", "/api/diagnosis", headers={"Accept-Language": "zh-CN"}).json()
    first = found["findings"][0]
    assert (first["code"], first["severity"]) == ("all_lines_down", "error")
    assert first["params"] == {"lines": ["fxo0"]}
    client.get("/lang/zh-CN")
    card = _card(client.get("/").text, "diagnosis")
    assert "现在没有线路能接听来电：fxo0" in card


def test_after_hours_the_network_forwards_the_analog_line(tmp_path: Path) -> None:
    _, client, loop = _office(tmp_path, TUE_22)
    try:
        found = client.api("GET", "/api/diagnosis").json()
        assert [f["code"] for f in found["findings"]] == ["network_forwarding"]
        client.get("/lang/en")
        card = _card(client.get("/").text, "diagnosis")
        assert "forwarded by the network to +8613912345678 (张伟)" in card
    finally:
        loop.close()


def test_no_outside_line_names_both_kinds(tmp_path: Path) -> None:
    fake, client, loop = _office(tmp_path, TUE_10)
    try:
        fake.fxo0 = None  # the box reports no outside line at all
        found = client.api("GET", "/api/diagnosis", headers={"Accept-Language": "zh-CN"})
        first = found.json()["findings"][0]
        assert first["code"] == "no_outside_line"
        assert "GSM" in first["message"] and "模拟线路" in first["message"]
    finally:
        loop.close()


def test_the_system_page_lists_the_analog_line_with_why_it_is_down(office) -> None:
    fake, client = office
    fake.fxo0.update(battery=False)
    client.get("/lang/en")
    page = html.unescape(client.get("/system").text)
    assert "fxo0" in page and "no battery on the line (cut or unplugged)" in page


def test_a_mixed_box_counts_both_outside_lines_once(office) -> None:
    fake, client = office
    fake.extra = {"gsm0": {"kind": "gsm", "state": "ready"}}
    found = client.api("GET", "/api/diagnosis").json()
    assert found["outside_lines"] == 2
    assert "needs_second_line" not in [f["code"] for f in found["findings"]]
    fake.fxo0.update(state="fault", battery=True)
    found = client.api("GET", "/api/diagnosis").json()
    down = [f for f in found["findings"] if f["code"] == "line_down"]
    assert down[0]["params"] == {"line": "fxo0", "state": "fault"}
    assert down[0]["severity"] == "warning"


def test_the_network_forwarding_of_the_analog_line_is_said(office) -> None:
    fake, client = office
    fake.fxo0["forwarding"] = {"to": "+8613912345678", "since": "2026-06-16T18:00:02+08:00",
                               "reason": "office closed"}
    client.get("/lang/en")
    page = html.unescape(client.get("/").text)
    listed = page[page.index('id="forwarding"'):page.index("</ul>", page.index('id="forwarding"'))]
    assert "fxo0" in listed and "+8613912345678" in listed and "2026-06-16 18:00" in listed
