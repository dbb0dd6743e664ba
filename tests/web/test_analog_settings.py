"""The analog line for the owner (issue 11 §3), in-process through WSGI: on a box on the
sim-analog board (fxo0 and fxs0-fxs3) the Settings page and the API set the line's
number, exchange profile and disconnect method (the profile's usual one shown in
words), bad values are refused by field and change nothing, and the first-run setup
asks for the line's number with the country's profile preselected."""

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

API = {"Origin": "http://127.0.0.1:8080"}


def analog_box(data: Path, board: str = "sim-analog") -> tuple[Client, BoxService]:
    service = BoxService(data, store=ConfigStore(data, hardware=Hardware.of_board_name(board)))
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    client.get("/settings")
    return client, service


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    return analog_box(data)


def _card(page: str, card: str) -> str:
    found = re.search(rf'<section class="card[^"]*" id="{card}">(.*?)</section>', page, re.S)
    assert found, card
    return html.unescape(found.group(1))


def _form(**change: object) -> dict[str, object]:
    return {"fxo0_number": "010 6234 5678", "fxo0_profile": "cn", "fxo0_disconnect": "default",
            "fxs": ["fxs0", "fxs1", "fxs2", "fxs3"], **change}


def _headers(client: Client) -> dict[str, str]:
    return {**API, "X-CSRF-Token": client.csrf}


def test_a_fresh_analog_box_has_its_line_with_chinas_defaults(box) -> None:
    client, service = box
    lines = service.config()["lines"]
    assert lines["fxo"] == [{"name": "fxo0", "number": None, "profile": "cn",
                             "disconnect": None}]
    assert lines["gsm"] == []
    client.get("/lang/en")
    card = _card(client.get("/settings").text, "lines")
    assert "Analog phone line fxo0" in card
    assert "the exchange's usual: busy tone (most Chinese exchanges)" in card
    assert "polarity reversal" in card and "loop current drop" in card
    assert "North America" in card and "no GSM line" not in card
    board = client.api("GET", "/api/board", headers=_headers(client)).json()
    assert board["lines"]["fxo"] == ["fxo0"]


def test_the_settings_in_chinese(box) -> None:
    client, _ = box
    client.get("/lang/zh-CN")
    card = _card(client.get("/settings").text, "lines")
    assert "模拟电话线路 fxo0" in card and "忙音（大多数中国电话局）" in card
    assert "极性反转" in card and "环路电流中断" in card and "电话局制式" in card


def test_the_form_saves_number_profile_and_method(box) -> None:
    client, service = box
    reply = client.post("/settings/lines", _form(fxo0_profile="us",
                                                 fxo0_disconnect="polarity"))
    assert reply.status == 303, reply.text
    line = service.config()["lines"]["fxo"][0]
    assert line == {"name": "fxo0", "number": "+861062345678", "profile": "us",
                    "disconnect": "polarity"}
    assert len(service.config()["lines"]["fxs"]) == 4
    client.get("/lang/en")
    card = _card(client.get("/settings").text, "lines")
    assert 'value="polarity" selected' in card and 'value="us" selected' in card
    assert "the exchange's usual: loop current drop" in card
    client.post("/settings/lines", _form(fxo0_disconnect="default"))
    assert service.config()["lines"]["fxo"][0]["disconnect"] is None


@pytest.mark.parametrize("field,value,bad", [
    ("fxo0_profile", "uk", "lines.fxo[0].profile"),
    ("fxo0_disconnect", "smoke", "lines.fxo[0].disconnect"),
    ("fxo0_number", "phone me", "lines.fxo[0].number"),
])
def test_a_bad_value_is_refused_beside_its_field(box, field, value, bad) -> None:
    client, service = box
    before = service.config()
    reply = client.post("/settings/lines", _form(**{field: value}))
    assert reply.status == 422
    card = _card(reply.text, "lines")
    assert bad in card and value in card
    assert service.config() == before


def test_the_lines_api_takes_and_refuses_analog_lines(box) -> None:
    client, service = box
    lines = client.api("GET", "/api/lines", headers=_headers(client)).json()
    lines["fxo"][0].update(number="+861062345678", disconnect="loop_current")
    reply = client.api("PUT", "/api/lines", lines, headers=_headers(client))
    assert reply.status == 200, reply.text
    assert reply.json()["fxo"][0]["disconnect"] == "loop_current"
    lines["fxo"][0]["profile"] = "uk"
    refused = client.api("PUT", "/api/lines", lines,
                         headers={**_headers(client), "Accept-Language": "zh-CN"})
    assert refused.status == 422
    entry = refused.json()["errors"][0]
    assert entry["field"] == "lines.fxo[0].profile" and "uk" in entry["message"]
    assert service.config()["lines"]["fxo"][0]["profile"] == "cn"


def test_one_analog_line_by_name(box) -> None:
    client, service = box
    got = client.api("GET", "/api/lines/fxo/fxo0", headers=_headers(client))
    assert got.status == 200
    assert got.json()["disconnect_default"] == "busy_tone" and got.json()["disconnect"] is None
    put = client.api("PUT", "/api/lines/fxo/fxo0", {"profile": "us"}, headers=_headers(client))
    assert put.status == 200, put.text
    assert put.json()["profile"] == "us" and put.json()["disconnect_default"] == "loop_current"
    assert service.config()["lines"]["fxo"][0]["profile"] == "us"


@pytest.mark.parametrize("body,status,field", [
    ({"profile": "mars"}, 422, "lines.fxo[0].profile"),
    ({"disconnect": 7}, 422, "lines.fxo[0].disconnect"),
    ({"colour": "red"}, 400, "colour"),
    (["us"], 400, "(body)"),
])
def test_one_analog_line_refused_by_field(box, body, status, field) -> None:
    client, service = box
    before = service.config()
    reply = client.api("PUT", "/api/lines/fxo/fxo0", body, headers=_headers(client))
    assert reply.status == status, reply.text
    assert reply.json()["errors"][0]["field"] == field
    assert service.config() == before


def test_an_unknown_analog_line_is_404(box) -> None:
    client, _ = box
    assert client.api("GET", "/api/lines/fxo/fxo7", headers=_headers(client)).status == 404
    reply = client.api("PUT", "/api/lines/fxo/fxo7", {"profile": "us"}, headers=_headers(client))
    assert reply.status == 404


def test_a_broken_body_is_refused_and_changes_nothing(box) -> None:
    client, service = box
    before = service.config()
    reply = client.request("PUT", "/api/lines/fxo/fxo0", body=b"{not json",
                           headers=_headers(client), content_type="application/json")
    assert reply.status == 400
    assert service.config() == before


# --- the first-run setup ---------------------------------------------------------------


def _step(client: Client, step: str, form: dict, action: str = "next"):
    client.get(f"/welcome/{step}")
    return client.post(f"/welcome/{step}", {**form, "action": action})


def test_the_setup_asks_for_the_analog_lines_number(box) -> None:
    client, service = box
    client.get("/lang/en")
    page = html.unescape(client.get("/welcome/line").text)
    assert "Phone line" in page and "Analog phone line fxo0" in page
    assert "SIM card" not in page
    reply = _step(client, "line", {"fxo0_number": "010 6234 5678", "fxo0_profile": "cn",
                                   "fxo0_disconnect": "default"})
    assert reply.status == 303 and reply.location.endswith("/welcome/hours")
    assert service.config()["lines"]["fxo"][0]["number"] == "+861062345678"
    done = html.unescape(client.get("/welcome/done").text)
    assert "fxo0 +861062345678" in done


def test_the_setup_in_chinese_refuses_a_bad_number_by_field(box) -> None:
    client, service = box
    client.get("/lang/zh-CN")
    page = client.get("/welcome/line").text
    assert "电话线路" in page and "模拟电话线路 fxo0" in page
    reply = _step(client, "line", {"fxo0_number": "not a number", "fxo0_profile": "cn"})
    assert reply.status == 422
    assert "lines.fxo[0].number" in html.unescape(reply.text)
    assert service.config()["lines"]["fxo"][0]["number"] is None


def test_the_setup_preselects_the_countrys_profile(box) -> None:
    client, service = box
    _step(client, "company", {"company_name": "Maple Tea", "timezone": "America/New_York",
                              "country": "US"})
    page = client.get("/welcome/line").text
    assert 'value="us" selected' in page
    _step(client, "line", {"fxo0_number": "+12125550123", "fxo0_profile": "us"})
    assert service.config()["lines"]["fxo"][0]["profile"] == "us"


def test_a_mixed_box_asks_for_the_sim_and_the_analog_line(data: Path) -> None:
    client, service = analog_box(data, "sim-mixed")
    client.get("/lang/en")
    page = html.unescape(client.get("/welcome/line").text)
    assert "GSM line gsm0" in page and "Analog phone line fxo0" in page
    assert "Phone line" in page and "the SIM card in the box" in page
    reply = _step(client, "line", {"gsm0_number": "139 0000 0001",
                                   "fxo0_number": "010 6234 5678"})
    assert reply.status == 303
    lines = service.config()["lines"]
    assert lines["gsm"][0]["number"] == "+8613900000001"
    assert lines["fxo"][0]["number"] == "+861062345678"


def test_changing_the_profile_names_its_usual_method(box) -> None:
    """views/analog_lines.tpl carries each profile's words; static/analog.js swaps them."""
    client, _ = box
    client.get("/lang/en")
    card = _card(client.get("/settings").text, "lines")
    assert "data-usual-us=\"the exchange's usual: loop current drop\"" in card  # unescaped
    assert "data-usual-cn=\"the exchange's usual: busy tone (most Chinese exchanges)\"" in card
    assert '<script src="/static/analog.js"></script>' in card
    script = client.get("/static/analog.js")
    assert script.status == 200 and "data-usual-" in script.text
