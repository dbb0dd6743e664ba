"""The first-run setup: right after the password on a fresh box (the sim board: gsm0,
fxs0-fxs3), screens for the company, the SIM, office hours, the desk phones and who
answers after hours; each saved through the box's validator (a refusal is 422 beside
the form with what was typed, never the PIN), skippable, resumable, in both languages.
"""

from __future__ import annotations

import html
from pathlib import Path

from firmware.config.hardware import Hardware
from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, PASSWORD, build
from web_ui.welcome_pages import STEPS


def _fresh(data: Path) -> tuple[Client, BoxService]:
    service = BoxService(data, store=ConfigStore(data, hardware=Hardware.of_board_name("sim")))
    _, app = build(data, service=service)
    return Client(app), service


def _password(client: Client) -> str:
    client.get("/setup")
    reply = client.post("/setup", {"password": PASSWORD, "again": PASSWORD})
    assert reply.status == 303
    return reply.location


def _step(client: Client, step: str, form: dict, action: str = "next"):
    client.get(f"/welcome/{step}")
    return client.post(f"/welcome/{step}", {**form, "action": action})


def test_a_fresh_box_is_set_up_screen_by_screen(data: Path) -> None:
    client, service = _fresh(data)
    assert _password(client).endswith("/welcome")
    first = client.get("/welcome")
    assert first.status == 303 and first.location.endswith("/welcome/company")
    page = client.get("/welcome/company").text
    assert 'value="Asia/Shanghai"' in page
    reply = _step(client, "company", {"company_name": "杭州小茶馆", "timezone": "Asia/Shanghai",
                                      "country": "CN"})
    assert reply.status == 303 and reply.location.endswith("/welcome/line")
    reply = _step(client, "line", {"gsm0_number": "139 0000 0001", "gsm0_pin": "1234"})
    assert reply.location.endswith("/welcome/hours")
    hours = client.get("/welcome/hours").text
    assert 'name="mon" value="09:00-18:00"' in hours and 'name="sat" value=""' in hours
    week = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    reply = _step(client, "hours", {**week, "sat": "09:00-12:00", "sun": ""})
    assert reply.location.endswith("/welcome/phones")
    phones = client.get("/welcome/phones").text
    assert all(f'name="ext_fxs{i}"' in phones for i in range(4))
    reply = _step(client, "phones", {"ext_fxs0": "801", "name_fxs0": "前台",
                                     "ext_fxs1": "802", "name_fxs1": "",
                                     "ext_fxs2": "", "name_fxs2": "", "ext_fxs3": "",
                                     "name_fxs3": ""})
    assert reply.location.endswith("/welcome/after_hours")
    reply = _step(client, "after_hours", {"who": "new", "name": "张伟",
                                          "number": "138 0013 8000"})
    assert reply.location.endswith("/welcome/done")
    done = html.unescape(client.get("/welcome/done").text)
    assert "杭州小茶馆" in done and "801 前台" in done and "1234" not in done

    config = service.config()
    assert config["settings"]["company_name"] == "杭州小茶馆"
    assert config["lines"]["gsm"][0] == {"name": "gsm0", "modem": "auto",
                                         "number": "+8613900000001", "sim_pin": "1234"}
    assert config["schedule"]["sat"] == ["09:00-12:00"] and config["schedule"]["sun"] == []
    assert config["extensions"] == [{"number": "801", "name": "前台", "port": "fxs0"},
                                    {"number": "802", "name": "802", "port": "fxs1"}]
    group = config["inbound"]["ring_group"]
    assert group and next(g for g in config["ring_groups"] if g["name"] == group)[
        "members"] == ["801", "802"]
    assert config["bound_numbers"] == [{"id": "duty", "name": "张伟", "number": "+8613800138000"}]
    assert config["duty_roster"]["default"] == "duty"


def test_a_refused_screen_keeps_what_was_typed_and_changes_nothing(data: Path) -> None:
    client, service = _fresh(data)
    _password(client)
    before = service.config()
    reply = _step(client, "company", {"company_name": "Tea", "timezone": "Asia/Nowhere",
                                      "country": "CN"})
    assert reply.status == 422
    page = html.unescape(reply.text)
    assert "settings.timezone" in page and 'value="Asia/Nowhere"' in page
    reply = _step(client, "line", {"gsm0_number": "139 0000 0001", "gsm0_pin": "99"})
    assert reply.status == 422
    assert "lines.gsm[0].sim_pin" in reply.text and "139 0000 0001" in reply.text
    assert '"99"' not in reply.text and "“99”" not in reply.text
    reply = _step(client, "phones", {"ext_fxs0": "0801", "name_fxs0": "Desk"})
    assert reply.status == 422 and "extensions[0].number" in reply.text
    assert 'value="0801"' in reply.text
    reply = _step(client, "after_hours", {"who": "new", "name": "Zhang", "number": "12"})
    assert reply.status == 422 and "bound_numbers[0].number" in reply.text
    assert service.config() == before


def test_screens_can_be_skipped_and_the_setup_resumed(data: Path) -> None:
    client, service = _fresh(data)
    _password(client)
    before = service.config()
    reply = _step(client, "company", {"company_name": "ignored"}, action="skip")
    assert reply.location.endswith("/welcome/line")
    client.get("/welcome/line")
    reply = client.post("/welcome/line", {"action": "later"})
    assert reply.status == 303 and reply.location.endswith("/")
    assert service.config() == before
    resumed = client.get("/welcome")
    assert resumed.location.endswith("/welcome/line")
    assert client.get("/welcome/nowhere").status == 404
    odd = _step(client, "hours", {"mon": "09:00-18:00"}, action="jump")
    assert odd.status == 422 and 'data-field="action"' in odd.text
    assert service.config() == before


def test_a_configured_box_goes_to_the_dashboard_and_the_setup_stays_reachable(data) -> None:
    client, service = _fresh(data)
    service.replace_config(EXAMPLE)
    assert _password(client).endswith("/")
    assert client.get("/welcome/company").status == 200
    assert "/welcome" in client.get("/settings").text


def test_the_setup_speaks_chinese_and_english(data: Path) -> None:
    client, _ = _fresh(data)
    _password(client)
    client.get("/lang/zh-CN")
    for step in STEPS:
        assert client.get(f"/welcome/{step}").status == 200
    assert "保存并继续" in client.get("/welcome/phones").text
    client.get("/lang/en")
    page = client.get("/welcome/after_hours").text
    assert "Save and continue" in page and "Skip this step" in page


def test_the_setup_needs_the_csrf_token_and_a_login(data: Path) -> None:
    client, service = _fresh(data)
    _password(client)
    client.get("/welcome/company")
    before = service.config()
    reply = client.post("/welcome/company", {"company_name": "X", "action": "next"},
                        csrf=False)
    assert reply.status == 403 and service.config() == before
    stranger = Client(client.app)
    assert stranger.get("/welcome/company").location.endswith("/login")


def test_no_desk_phone_makes_no_ring_group(data: Path) -> None:
    client, service = _fresh(data)
    _password(client)
    reply = _step(client, "phones", {"ext_fxs0": "", "name_fxs0": ""})
    assert reply.status == 303 and reply.location.endswith("/welcome/after_hours")
    config = service.config()
    assert config["extensions"] == [] and config["ring_groups"] == []
    assert config["inbound"]["ring_group"] is None


def test_after_a_factory_reset_the_board_lines_stay_and_the_setup_comes_again(data) -> None:
    client, service = _fresh(data)
    service.replace_config(EXAMPLE)
    assert _password(client).endswith("/")
    client.get("/system")
    reply = client.post("/system/reset", {"confirm": "RESET"})
    assert reply.status == 303 and reply.location.endswith("/setup")
    lines = service.config()["lines"]
    assert [p["name"] for p in lines["fxs"]] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    assert [g["name"] for g in lines["gsm"]] == ["gsm0"]
    assert _password(client).endswith("/welcome")
    assert client.get("/welcome").location.endswith("/welcome/company")
