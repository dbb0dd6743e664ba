"""The Feature codes page and /api/feature-codes (web_ui/feature_code_pages.py), in-process
through WSGI: every code listed with what it does in both languages, changed on the form
and through the API, refusals named at their fields in the page's language with what was
typed kept, nothing changed, and never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, build, set_up_owner

API = {"Origin": "http://127.0.0.1:8080"}
DEFAULTS = {"available": "*61", "unavailable": "*62", "pickup": "*40",
            "pickup_extension": "*41", "voicemail": "*97", "blind_transfer": "*8",
            "attended_transfer": "*7", "threeway": "*3", "cancel": "*0", "swap": "*2"}


@pytest.fixture
def box(tmp_path: Path) -> tuple[Client, BoxService]:
    data = tmp_path / "data"
    service = BoxService(data)
    service.replace_config(EXAMPLE)
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service


def _stored(service: BoxService) -> dict:
    config = service.config()
    return {**config["feature_codes"], "voicemail": config["voicemail"]["feature_code"]}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Feature codes", "Pickup", "Directed pickup", "Blind transfer", "Three-way call",
            "*41 + extension, e.g. *41801", "tap the hook", "ringing longest"]),
    ("zh-CN", ["功能码", "组内代接", "指定代接", "盲转", "三方通话", "*41 + 分机号，例如 *41801",
               "拍一下叉簧", "响铃最久的优先"]),
])
def test_every_code_is_listed_with_what_it_does(box, lang: str, words: list[str]) -> None:
    client, _ = box
    client.cookies["sb_lang"] = lang
    page = client.get("/feature-codes")
    assert page.status == 200
    assert '<a href="/feature-codes"' in page.text  # in the menu
    for name, code in DEFAULTS.items():
        assert f'id="code-{name}"' in page.text
        assert f'name="{name}" value="{code}"' in page.text
    for word in words:
        assert word in page.text, word


def test_the_form_changes_the_codes_and_the_list_follows(box) -> None:
    client, service = box
    client.get("/feature-codes")
    form = {**DEFAULTS, "available": "*71", "unavailable": "*72", "pickup": "＊88",
            "voicemail": "*98", "blind_transfer": "*1"}
    reply = client.post("/feature-codes", form)
    assert reply.status == 303 and reply.location.endswith("/feature-codes")
    stored = _stored(service)
    assert (stored["available"], stored["pickup"], stored["voicemail"],
            stored["blind_transfer"]) == ("*71", "*88", "*98", "*1")
    page = client.get("/feature-codes").text
    assert '<b class="code">*88</b>' in page and '<b class="code">*61</b>' not in page
    assert client.get("/api/feature-codes").json()["pickup"] == "*88"


@pytest.mark.parametrize(("changes", "fields", "zh"), [
    ({"pickup": "*4"}, {"feature_codes.pickup"}, "不是功能码"),
    ({"pickup": "abc"}, {"feature_codes.pickup"}, "不是功能码"),
    ({"voicemail": "*40"}, {"feature_codes.pickup", "voicemail.feature_code"}, "冲突"),
    ({"threeway": "*8"}, {"feature_codes.threeway", "feature_codes.blind_transfer"}, "冲突"),
    ({"swap": "*222"}, {"feature_codes.swap"}, "不是通话中功能码"),
])
def test_a_refused_code_is_named_and_nothing_changes(box, changes, fields, zh) -> None:
    client, service = box
    before = _stored(service)
    client.cookies["sb_lang"] = "zh-CN"
    client.get("/feature-codes")
    reply = client.post("/feature-codes", {**DEFAULTS, **changes, "cancel": "*09"})
    assert reply.status == 422
    for field in fields:
        assert f'data-field="{field}"' in reply.text
    assert zh in reply.text and "功能码 › " in reply.text
    assert 'name="cancel" value="*09"' in reply.text  # what was typed is kept
    for name, value in changes.items():
        assert f'name="{name}" value="{value}"' in reply.text
    assert _stored(service) == before


def test_the_api_reads_and_changes_the_codes(box) -> None:
    client, service = box
    client.get("/feature-codes")
    headers = {"X-CSRF-Token": client.csrf, **API}
    assert client.get("/api/feature-codes").json() == DEFAULTS
    reply = client.api("PUT", "/api/feature-codes", {"pickup": "*88", "voicemail": "*98"},
                       headers=headers)
    assert reply.status == 200
    assert reply.json() == {**DEFAULTS, "pickup": "*88", "voicemail": "*98"}
    assert _stored(service)["pickup"] == "*88" and _stored(service)["voicemail"] == "*98"
    # the whole answer sent back is accepted as it is
    assert client.api("PUT", "/api/feature-codes", reply.json(), headers=headers).status == 200


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"pickup": "*4"}, 422, "feature_codes.pickup"),
    ({"pickup": 40}, 422, "feature_codes.pickup"),
    ({"voicemail": "*61"}, 422, "voicemail.feature_code"),
    ({"pick_up": "*40"}, 400, "pick_up"),
    (["*40"], 400, "(body)"),
    ("*40", 400, "(body)"),
])
def test_the_api_refuses_bad_bodies_by_field(box, body, status, field) -> None:
    client, service = box
    client.get("/feature-codes")
    before = _stored(service)
    reply = client.api("PUT", "/api/feature-codes", body,
                       headers={"X-CSRF-Token": client.csrf, **API, "Accept-Language": "zh"})
    assert reply.status == status
    assert field in [e["field"] for e in reply.json()["errors"]]
    assert all(e["message"] for e in reply.json()["errors"])
    assert _stored(service) == before


def test_an_old_config_without_the_section_lists_the_defaults(box) -> None:
    client, service = box
    config = service.config()
    del config["feature_codes"]
    service.replace_config(config)
    assert client.get("/api/feature-codes").json() == DEFAULTS
    assert client.get("/feature-codes").status == 200
