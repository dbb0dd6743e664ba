"""The dashboard in the owner's language: a call's time from the answer (and how long a
caller has waited before it), a ringing agent reads "ringing", GSM signal as bars, the
network operator's name, the LEDs' names and patterns in words."""

from __future__ import annotations

import pytest

from tests.web.test_dashboard import RINGING, box  # noqa: F401  (the fixture)
from tests.web.test_zh_pages import leftovers
from web_ui import i18n, live_words

WAITING = {**RINGING, "duration_s": None, "waiting_s": 12.4}
TALKING = {**RINGING, "id": 2, "state": "talking", "ringing": [], "talking_with": "802 王芳",
           "duration_s": 65.2, "waiting_s": 80.0}


def test_a_call_counts_from_the_answer_and_a_waiting_caller_shows_the_wait(box):  # noqa: F811
    fake, client, _ = box
    fake.calls = [WAITING, TALKING]
    page = client.get("/").text
    assert 'data-duration="12.4" data-prefix="等待 ">等待 0:12<' in page
    assert '<td class="duration" data-duration="65.2">1:05<' in page  # not 1:20: from the answer
    client.get("/lang/en")
    assert 'data-prefix="waiting ">waiting 0:12<' in client.get("/").text


def test_a_ringing_agent_reads_ringing(box):  # noqa: F811
    fake, client, _ = box
    fake.calls = [{**WAITING, "ringing": ["802 王芳", "张伟"]}]
    agents = {a["id"]: a for a in client.get("/api/status").json()["agents"]}
    assert agents["802"]["state"] == "ringing"  # its desk phone rings
    assert agents["zhang"]["state"] == "ringing"  # its mobile is rung
    assert agents["wang"]["state"] == "mobile"
    page = client.get("/").text
    assert '<td class="state-ringing">振铃中</td>' in page
    fake.calls, fake.ports["fxs1"] = [TALKING], "in_use"
    agents = {a["id"]: a for a in client.get("/api/status").json()["agents"]}
    assert agents["802"]["state"] == "in_call"


@pytest.mark.parametrize(("csq", "bars"), [(0, 0), (1, 0), (2, 1), (9, 1), (10, 2), (14, 2),
                                          (15, 3), (19, 3), (20, 4), (31, 4), (99, None),
                                          (None, None), ("20", None), (True, None)])
def test_signal_bars(csq, bars):
    assert live_words.signal_bars(csq) == bars


def test_gsm_signal_shows_as_bars_with_words(box):  # noqa: F811
    _fake, client, _ = box
    page = client.get("/").text
    assert '<span class="bars" data-bars="4" role="img" title="信号 4/4 格"' in page
    assert "<td>20</td>" not in page  # not the raw +CSQ number


@pytest.mark.parametrize(("name", "zh", "en"), [
    ("CHINA MOBILE", "中国移动", "China Mobile"), ("CMCC", "中国移动", "China Mobile"),
    ("CHN-UNICOM", "中国联通", "China Unicom"), ("China Telecom", "中国电信", "China Telecom"),
    ("46000", "中国移动", "China Mobile"), ("46011", "中国电信", "China Telecom"),
    ("Vodafone UK", "Vodafone UK", "Vodafone UK"), ("", "", ""), (None, "", ""),
])
def test_the_operator_in_the_owners_language(name, zh, en):
    assert live_words.operator_name(i18n.translator("zh-CN"), name) == zh
    assert live_words.operator_name(i18n.translator("en"), name) == en


@pytest.mark.parametrize(("led", "pattern", "zh", "en"), [
    ("PWR", "solid", "电源 常亮", "Power on"),
    ("ERR", "off", "故障 灭", "Fault off"),
    ("LINE-fxs0", "blink 200/200 ms", "线路 fxs0 闪烁 200/200 毫秒",
     "Line fxs0 blinking 200/200 ms"),
    ("SIG-gsm0", "4 flashes every 4000 ms", "信号 gsm0 每 4 秒闪 4 下",
     "Signal gsm0 4 flashes every 4 s"),
    ("AUX", "pulse", "AUX pulse", "AUX pulse"),  # unknown: as the box said it
])
def test_led_words(led, pattern, zh, en):
    for lang, want in (("zh-CN", zh), ("en", en)):
        _ = i18n.translator(lang)
        assert f"{live_words.led_name(_, led)} {live_words.led_pattern(_, pattern)}" == want


def test_the_dashboard_shows_led_and_operator_words(box, monkeypatch):  # noqa: F811
    fake, client, app = box
    status = fake.status

    def with_more() -> dict:
        out = status()
        out["gsm"]["gsm0"]["operator"] = "CHINA MOBILE"
        out["leds"] = {"PWR": "solid", "LINE-gsm0": "blink 200/200 ms"}
        return out

    # the box's status function, as the service was given it
    monkeypatch.setattr(app.config["switchboard.web"].service, "_status", with_more)
    page = client.get("/").text
    assert "中国移动" in page and "CHINA MOBILE" not in page.split('id="words"')[0]
    assert "线路 gsm0 <small>闪烁 200/200 毫秒</small>" in page
    assert "电源 <small>常亮</small>" in page


def test_the_live_dashboard_in_chinese_has_no_english_left(box, monkeypatch):  # noqa: F811
    fake, client, app = box
    fake.calls = [WAITING, TALKING]
    status = fake.status

    def busy_box() -> dict:
        out = status()
        out["gsm"]["gsm0"]["operator"] = "CHINA MOBILE"
        out["leds"] = {"PWR": "solid", "SYS": "solid", "ERR": "2 flashes every 4000 ms",
                       "LINE-gsm0": "blink 200/200 ms", "SIG-gsm0": "off"}
        return out

    monkeypatch.setattr(app.config["switchboard.web"].service, "_status", busy_box)
    english, internal = leftovers(client.get("/").text)
    assert (internal, english) == ([], set())
