"""The Rules page on a box with an analog line (docs/example-config-analog.json): the
analog line is an outside line like a SIM, so routes' line boxes, the monthly caps (one
form per outside line) and the test call offer fxo0, and explain plans a call on it."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from firmware.clock import FakeClock
from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import NOW, build, set_up_owner
from tests.web.test_rule_editors import fields, post

ANALOG = json.loads((Path(__file__).resolve().parents[2] / "docs/example-config-analog.json")
                    .read_text("utf-8"))


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    service = BoxService(data, clock=FakeClock(NOW))
    service.replace_config(ANALOG)
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service


def test_caps_are_set_on_the_analog_line(box) -> None:
    client, service = box
    page = client.get("/rules").text
    form = fields(page, "caps-fxo0")
    assert form["limits[0].max"] == "3000"
    form["limits[0].max"] = "800"
    reply = post(client, "/rules/caps", form)
    assert reply.status == 303 and reply.location.endswith("/rules#caps-fxo0")
    assert service.config()["caps"][0]["line"] == "fxo0"
    assert service.config()["caps"][0]["limits"][0]["max"] == 800


def test_a_cap_for_a_line_the_box_lacks_is_refused(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules").text, "caps-fxo0")
    form["line"] = "gsm3"
    client.get("/lang/en")
    reply = post(client, "/rules/caps", form)
    assert reply.status == 422
    assert 'there is no outside line "gsm3"' in html.unescape(reply.text)
    assert service.config() == before


def test_routes_offer_the_analog_line(box) -> None:
    client, service = box
    page = client.get("/rules").text
    assert 'name="lines" value="fxo0"' in page
    form = fields(page, "route-form")
    form.update({"name": "analog only", "lines": "fxo0", "to": "ring_group:sales",
                 "when": "office_hours"})
    reply = post(client, "/rules/route", form)
    assert reply.status == 303, reply.text
    assert service.config()["routes"][-1]["lines"] == ["fxo0"]


def test_the_test_call_comes_in_on_the_analog_line(box) -> None:
    client, _ = box
    page = client.get("/rules").text
    test_form = page[page.index('id="test"'):]
    assert ">fxo0</option>" in test_form and ">gsm0</option>" not in test_form
    found = client.get("/api/explain?caller=13812345678&at=2026-06-15T10:00:00%2B08:00").json()
    assert found["line"] == "fxo0"
    assert found["targets"][:1] == ["801"]
    night = client.get("/api/explain?caller=13812345678&line=fxo0"
                       "&at=2026-06-15T22:00:00%2B08:00").json()
    assert "forwarded by the network" in night["answer"]
