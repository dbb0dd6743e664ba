"""The Settings page's forms and API on a fresh box that knows its board (the simulated
one: gsm0 and fxs0-fxs3): company settings, lines (the SIM's number and PIN, never shown
back in clear; the FXS ports in use), the inbound ring group and the forward chain.

A good form is stored and redirects to its card; a refused one answers 422 in its card,
naming the field, with what was typed, and changes nothing; no CSRF token, no change.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from firmware.config.hardware import Hardware
from firmware.config.store import ConfigStore
from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import build, set_up_owner


def fresh_box(data: Path) -> tuple[Client, BoxService]:
    """A factory-fresh box on the sim board, its owner logged in (and in the setup)."""
    service = BoxService(data, store=ConfigStore(data, hardware=Hardware.of_board_name("sim")))
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    client, service = fresh_box(data)
    client.get("/settings")
    return client, service


def _card(page: str, card: str) -> str:
    found = re.search(rf'<section class="card" id="{card}">(.*?)</section>', page, re.S)
    assert found, card
    return html.unescape(found.group(1))


def _lines_form(**change: object) -> dict[str, object]:
    return {"gsm0_number": "139 0000 0001", "gsm0_pin": "", "fxs": ["fxs0", "fxs1", "fxs2",
                                                                    "fxs3"], **change}


# --- a fresh box has its board's lines ---------------------------------------------------


def test_a_fresh_box_has_the_boards_lines_and_offers_its_ports(box) -> None:
    client, service = box
    lines = service.config()["lines"]
    assert [g["name"] for g in lines["gsm"]] == ["gsm0"]
    assert [p["name"] for p in lines["fxs"]] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    card = _card(client.get("/settings").text, "lines")
    assert all(f'value="fxs{i}" checked' in card for i in range(4))
    reply = client.post("/staff/people", {"extensions": "801, Desk, fxs0", "bound_numbers": ""})
    assert reply.status == 303, reply.text
    assert service.config()["extensions"][0]["port"] == "fxs0"


def test_a_port_the_board_lacks_is_refused_by_name(box) -> None:
    client, service = box
    before = service.config()
    reply = client.api("PUT", "/api/lines", {"gsm": [], "fxs": [{"name": "fxs7"}]},
                       headers={"X-CSRF-Token": client.csrf, "Origin": "http://127.0.0.1:8080"})
    assert reply.status == 422
    entry = reply.json()["errors"][0]
    assert entry["field"] == "lines.fxs[0]" and entry["code"] == "not_on_board"
    assert "fxs7" in entry["reason"] and "fxs3" in entry["reason"]
    assert service.config() == before
    form = client.post("/settings/lines", _lines_form(fxs=["fxs0", "fxs9"]))
    assert form.status == 422 and "fxs9" in _card(form.text, "lines")


# --- company settings ------------------------------------------------------------------


def test_company_settings_are_saved(box) -> None:
    client, service = box
    reply = client.post("/settings/company", {"company_name": "杭州小茶馆", "country": "CN",
                                              "timezone": "Asia/Urumqi",
                                              "outside_line_prefix": "9",
                                              "holiday_calendar": "none"})
    assert reply.status == 303 and reply.location.endswith("/settings#company")
    settings = service.config()["settings"]
    assert settings == {"company_name": "杭州小茶馆", "country": "CN", "timezone": "Asia/Urumqi",
                        "outside_line_prefix": "9", "holiday_calendar": "none"}


@pytest.mark.parametrize("field,value,code", [
    ("timezone", "Mars/Olympus", "settings.timezone"),
    ("country", "XX", "settings.country"),
    ("outside_line_prefix", "12345", "settings.outside_line_prefix"),
    ("holiday_calendar", "moon", "settings.holiday_calendar"),
])
def test_a_bad_setting_is_refused_beside_its_field(box, field, value, code) -> None:
    client, service = box
    before = service.config()
    form = {"company_name": "Tea", "country": "CN", "timezone": "Asia/Shanghai",
            "outside_line_prefix": "0", "holiday_calendar": "CN", field: value}
    reply = client.post("/settings/company", form)
    assert reply.status == 422
    card = _card(reply.text, "company")
    assert (code in card and f'value="{value}"' in card) or value in card
    assert service.config() == before


# --- lines: SIM number and PIN -----------------------------------------------------------


def test_the_sim_number_and_pin_are_saved_and_the_pin_never_shown(box) -> None:
    client, service = box
    reply = client.post("/settings/lines", _lines_form(gsm0_pin="4321", fxs=["fxs0", "fxs1"]))
    assert reply.status == 303, reply.text
    lines = service.config()["lines"]
    assert lines["gsm"][0]["number"] == "+8613900000001"
    assert lines["gsm"][0]["sim_pin"] == "4321"
    assert [p["name"] for p in lines["fxs"]] == ["fxs0", "fxs1"]
    for page in (client.get("/settings").text, client.get("/config/lines").text,
                 client.get("/api/lines").text, client.get("/welcome/line").text):
        assert "4321" not in page
    assert client.get("/api/lines").json()["gsm"][0]["sim_pin"] == "********"
    # an empty PIN field keeps the PIN; the masked PIN sent back as JSON keeps it too
    client.get("/settings")
    assert client.post("/settings/lines", _lines_form(gsm0_pin="")).status == 303
    assert service.config()["lines"]["gsm"][0]["sim_pin"] == "4321"
    masked = client.get("/api/lines").json()
    reply = client.api("PUT", "/api/lines", masked,
                       headers={"X-CSRF-Token": client.csrf, "Origin": "http://127.0.0.1:8080"})
    assert reply.status == 200 and service.config()["lines"]["gsm"][0]["sim_pin"] == "4321"
    # and it can be removed
    client.get("/settings")
    assert client.post("/settings/lines", _lines_form(gsm0_clear_pin="1")).status == 303
    assert service.config()["lines"]["gsm"][0]["sim_pin"] is None


def test_a_bad_pin_or_number_is_refused_and_the_number_typed_kept(box) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/settings/lines", _lines_form(gsm0_number="139 0000 0001",
                                                       gsm0_pin="12ab"))
    assert reply.status == 422
    card = _card(reply.text, "lines")
    assert "lines.gsm[0].sim_pin" in card and "139 0000 0001" in card and "12ab" not in card
    reply = client.post("/settings/lines", _lines_form(gsm0_number="12"))
    assert reply.status == 422 and "lines.gsm[0].number" in _card(reply.text, "lines")
    assert service.config() == before


# --- who answers, the forward chain ---------------------------------------------------------


def test_the_inbound_group_is_chosen_from_the_groups(box) -> None:
    client, service = box
    service.replace_config({**service.config(),
                            "extensions": [{"number": "801", "name": "Desk", "port": "fxs0"}],
                            "ring_groups": [{"name": "front", "members": ["801"]}]})
    client.get("/settings")
    assert client.post("/settings/inbound", {"ring_group": "front"}).status == 303
    assert service.config()["inbound"] == {"ring_group": "front"}
    refused = client.post("/settings/inbound", {"ring_group": "nope"})
    assert refused.status == 422 and "inbound.ring_group" in _card(refused.text, "inbound")
    assert client.post("/settings/inbound", {"ring_group": ""}).status == 303
    assert service.config()["inbound"] == {"ring_group": None}


def test_the_forward_chain_is_saved_refused_and_turned_off(box) -> None:
    client, service = box
    chain = "138 0013 8001\n138 0013 8002, 138 0013 8003\n138 0013 8004"
    assert client.post("/settings/forward", {"chain": chain}).status == 303
    assert service.config()["forward_chain"] == [f"+861380013800{i}" for i in range(1, 5)]
    refused = client.post("/settings/forward", {"chain": "138 0013 8001\n138 0013 8002"})
    assert refused.status == 422
    card = _card(refused.text, "forward")
    assert "forward_chain" in card and "138 0013 8002" in card
    assert len(service.config()["forward_chain"]) == 4
    assert client.post("/settings/forward", {"chain": ""}).status == 303
    assert service.config()["forward_chain"] == []


def test_a_form_without_the_csrf_token_changes_nothing(box) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/settings/company", {"company_name": "X"}, csrf=False)
    assert reply.status == 403 and service.config() == before


def test_the_page_speaks_chinese(box) -> None:
    client, _ = box
    client.get("/lang/zh-CN")
    page = client.get("/settings").text
    assert "公司来电由谁接听" in page and "转接号码链" in page and "SIM 卡号码" in page


# --- the API ---------------------------------------------------------------------------


def test_the_api_reads_and_writes_each_section(box) -> None:
    client, service = box
    headers = {"X-CSRF-Token": client.csrf, "Origin": "http://127.0.0.1:8080"}
    assert client.get("/api/board").json()["lines"]["fxs"] == ["fxs0", "fxs1", "fxs2", "fxs3"]
    settings = client.get("/api/settings").json()
    reply = client.api("PUT", "/api/settings", {**settings, "company_name": "茶"},
                       headers=headers)
    assert reply.status == 200 and reply.json()["company_name"] == "茶"
    reply = client.api("PUT", "/api/forward_chain", ["13800138001"], headers=headers)
    assert reply.status == 422 and reply.json()["errors"][0]["field"] == "forward_chain"
    reply = client.api("PUT", "/api/inbound", {"ring_group": "x"}, headers=headers)
    assert reply.status == 422 and reply.json()["errors"][0]["field"] == "inbound.ring_group"
    bad = client.request("PUT", "/api/settings", body=b"{", headers=headers,
                         content_type="application/json")
    assert bad.status == 400
    assert service.config()["settings"]["company_name"] == "茶"


def test_a_plan_answers_in_open_hours_through_a_route(data: Path) -> None:
    client, service = fresh_box(data)
    service.replace_config({**service.config(),
                            "extensions": [{"number": "801", "name": "Desk", "port": "fxs0"}],
                            "ring_groups": [{"name": "front", "members": ["801"]}],
                            "plans": [{"name": "day", "steps": [
                                {"id": "first", "do": "ring_group:front"},
                                {"id": "end", "do": "busy"}]}]})
    page = client.get("/settings").text
    assert 'value="plan:day"' in page and 'value="group:front"' in page
    assert client.post("/settings/inbound", {"answer": "plan:day"}).status == 303
    config = service.config()
    route = config["routes"][-1]
    assert (route["name"], route["to"], route["when"]) == ("inbound plan", "plan:day",
                                                          "office_hours")
    assert 'value="plan:day" selected' in client.get("/settings").text
    assert client.post("/settings/inbound", {"answer": "group:front"}).status == 303
    config = service.config()
    assert config["routes"] == [] and config["inbound"]["ring_group"] == "front"
    refused = client.post("/settings/inbound", {"answer": "plan:night"})
    assert refused.status == 422 and "plan:night" in _card(refused.text, "inbound")
    assert client.post("/settings/inbound", {"answer": ""}).status == 303
    assert service.config()["inbound"]["ring_group"] is None


def test_the_staff_page_offers_the_boards_ports(box) -> None:
    client, service = box
    service.replace_config({**service.config(),
                            "extensions": [{"number": "801", "name": "Desk", "port": "fxs0"}]})
    client.get("/lang/en")
    hint = re.search(r'<p class="hint" id="fxs-ports">(.*?)</p>', client.get("/staff").text)
    assert hint and "fxs0, fxs1, fxs2, fxs3; free: fxs1, fxs2, fxs3" in hint.group(1)


def test_the_api_check_judges_lines_as_the_store_does(box) -> None:
    client, _ = box
    headers = {"X-CSRF-Token": client.csrf, "Origin": "http://127.0.0.1:8080"}
    desk = {"schema_version": 2,
            "extensions": [{"number": "801", "name": "Desk", "port": "fxs0"}]}
    reply = client.api("POST", "/api/config/check", desk, headers=headers)
    assert reply.status == 200 and reply.json()["valid"]["fxs_ports"] == 4
    reply = client.api("POST", "/api/config/check",
                       {**desk, "lines": {"fxs": [{"name": "fxs0"}, {"name": "fxs8"}]}},
                       headers=headers)
    assert reply.status == 422 and reply.json()["errors"][0]["code"] == "not_on_board"


ODD = {"company_name": "x" * 500, "country": "²", "timezone": "../../etc/passwd",
       "outside_line_prefix": "٣", "holiday_calendar": "", "gsm0_number": "+",
       "gsm0_pin": "١٢٣٤", "gsm7_number": "1", "fxs": ["", "fxs0"], "ring_group": "\x00",
       "answer": "group:", "chain": "\n,\n、", "action": "next", "who": "new", "name": "",
       "number": "", "ext_fxs0": "８０１", "name_fxs0": "<b>", "mon": "25:00-26:00"}


@pytest.mark.parametrize("path", ["/settings/company", "/settings/lines", "/settings/inbound",
                                  "/settings/forward", "/welcome/company", "/welcome/line",
                                  "/welcome/hours", "/welcome/phones", "/welcome/after_hours"])
def test_odd_input_is_refused_by_field_never_a_server_error(box, path) -> None:
    client, service = box
    before = service.config()
    client.get("/settings" if path.startswith("/settings") else path)
    reply = client.post(path, ODD)
    assert reply.status in (303, 422), reply.text
    if reply.status == 422:
        assert '<div class="errors"' in reply.text and service.config() == before
    assert "<b>" not in reply.text
