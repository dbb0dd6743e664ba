"""Bad input on every web path gets a field-named reason, never a traceback or a 500
(issue 9 §6): deeply nested JSON, lone surrogates, oversized configs, full-width
digits and odd percentage shares, through the API, the JSON editor, backup restore
and the forms. Nothing is changed by a refused request."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from firmware.config.jsontext import MAX_CONFIG_BYTES, MAX_DEPTH, MAX_TEXT_BYTES
from tests.web.client import Client

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "docs/example-config.json")
                     .read_text("utf-8"))
ORIGIN = "http://127.0.0.1:8080"


@pytest.fixture
def box(owner: Client, service) -> Client:
    service.replace_config(EXAMPLE)
    owner.get("/staff")
    return owner


def _deep(levels: int) -> bytes:
    return b'{"settings": ' + b"[" * levels + b"]" * levels + b"}"


def _surrogate_config() -> bytes:
    text = json.dumps(EXAMPLE, ensure_ascii=True)
    return text.replace('"Qingmu Trading"', '"Qingmu \\ud800 Trading"', 1).encode() \
        if '"Qingmu Trading"' in text else text.replace(
            '"company_name": "', '"company_name": "\\ud800', 1).encode()


def _oversized() -> bytes:
    """A config that is more than 1 MiB as compact JSON."""
    big = dict(EXAMPLE, settings=dict(EXAMPLE["settings"], company_name="公" * 400_000))
    return json.dumps(big, ensure_ascii=False).encode()


def _padded(size: int) -> bytes:
    """The example config, indented with spaces up to `size` bytes of text."""
    text = json.dumps(dict(EXAMPLE, forward_chain=[]), ensure_ascii=False).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


BAD_BODIES = {
    "deep": (_deep(100_000), "(body)", "json_too_deep"),
    "deep_just_over": (_deep(MAX_DEPTH + 1), "(body)", "json_too_deep"),
    "surrogate": (_surrogate_config(), "(body).settings.company_name", "not_unicode"),
    "oversized": (_oversized(), "(body)", "config_too_big"),
    "oversized_text": (_padded(MAX_TEXT_BYTES + 1), "(body)", "config_too_big"),
    "not_utf8": (b'{"settings": "\xff"}', "(body)", "not_utf8"),
    "nan": (b'{"returning_caller_days": NaN}', "(body)", "json_syntax"),
}


def _api(box: Client, method: str, path: str, body: bytes):
    return box.request(method, path, body=body, content_type="application/json",
                       headers={"Origin": ORIGIN, "X-CSRF-Token": box.csrf})


@pytest.mark.parametrize("kind", BAD_BODIES)
@pytest.mark.parametrize("method, path", [("PUT", "/api/config"),
                                          ("POST", "/api/config/check")])
def test_the_api_answers_400_with_the_field_and_reason(box: Client, service, kind: str,
                                                       method: str, path: str) -> None:
    body, field, code = BAD_BODIES[kind]
    before = service.config()
    reply = _api(box, method, path, body)
    assert reply.status == 400, reply.text
    entry = reply.json()["errors"][0]
    assert (entry["field"], entry["code"]) == (field, code)
    assert entry["message"] and entry["reason"]
    assert service.config() == before


def test_a_reason_in_chinese_too(box: Client) -> None:
    reply = box.request("PUT", "/api/config", body=_deep(500), content_type="application/json",
                        headers={"Origin": ORIGIN, "X-CSRF-Token": box.csrf,
                                 "Accept-Language": "zh-CN"})
    assert reply.status == 400
    assert reply.json()["errors"][0]["message"] == f"列表和对象嵌套超过 {MAX_DEPTH} 层"


def test_indented_text_up_to_the_text_limit_is_accepted(box: Client, service) -> None:
    padded = _padded(MAX_TEXT_BYTES)
    assert len(padded) == MAX_TEXT_BYTES
    assert _api(box, "PUT", "/api/config", padded).status == 200
    assert service.config()["forward_chain"] == []


@pytest.mark.parametrize("share, code", [(0, "out_of_range"), (101, "out_of_range"),
                                         (-5, "out_of_range"), ("50", "wrong_type"),
                                         (50.5, "wrong_type")])
def test_a_bad_share_through_the_api_is_named(box: Client, service, share: Any,
                                              code: str) -> None:
    before = service.config()
    config = json.loads(json.dumps(EXAMPLE))
    config["ring_groups"][0]["strategy"] = "percentage"
    config["ring_groups"][0]["members"] = [{"target": "801", "share": share},
                                           {"target": "802", "share": 50}]
    for method, path in (("POST", "/api/config/check"), ("PUT", "/api/config")):
        reply = box.api(method, path, config, headers={"Origin": ORIGIN,
                                                       "X-CSRF-Token": box.csrf})
        assert reply.status == 422
        entry = reply.json()["errors"][0]
        assert (entry["field"], entry["code"]) == ("ring_groups[0].members[0].share", code)
    assert service.config() == before


def test_a_full_width_pin_through_the_api_is_named(box: Client, service) -> None:
    config = json.loads(json.dumps(EXAMPLE))
    config["lines"]["gsm"][0]["sim_pin"] = "１２３４"
    reply = box.api("PUT", "/api/config", config, headers={"Origin": ORIGIN,
                                                          "X-CSRF-Token": box.csrf})
    assert reply.status == 422
    assert reply.json()["errors"][0]["field"] == "lines.gsm[0].sim_pin"
    assert service.config()["lines"]["gsm"][0]["sim_pin"] is None


# --- the JSON editor ----------------------------------------------------------------


@pytest.mark.parametrize("text, code", [
    ("[" * 100_000 + "]" * 100_000, "列表和对象嵌套超过"),
    ('["zhang", "wang", "david", "\\ud800"]', "无效的 Unicode"),
    ('["zhang", "wang", "david", "' + "1" * (MAX_CONFIG_BYTES + 1) + '"]', "配置最多"),
])
def test_the_json_editor_refuses_with_400_and_a_reason(box: Client, service, text: str,
                                                       code: str) -> None:
    before = service.config()
    reply = box.post("/config/forward_chain", {"value": text})
    assert reply.status == 400
    assert code in reply.text
    assert service.config() == before


def test_a_lone_surrogate_typed_into_a_form_field_is_refused(box: Client, service) -> None:
    before = service.config()
    body = (f"csrf={box.csrf}&value=%5B%22%ED%A0%80%22%5D").encode()
    reply = box.request("POST", "/config/forward_chain", body=body, headers={"Origin": ORIGIN},
                        content_type="application/x-www-form-urlencoded")
    assert reply.status == 400
    assert service.config() == before
    query = box.get("/records?number=%ED%A0%80")
    assert query.status == 400


# --- backup restore -----------------------------------------------------------------


def _upload(client: Client, payload: bytes):
    boundary = "----sbtest"
    body = io.BytesIO()
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
               f"{client.csrf}\r\n".encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
               f'filename="backup.json"\r\nContent-Type: application/json\r\n\r\n'.encode())
    body.write(payload + f"\r\n--{boundary}--\r\n".encode())
    return client.request("POST", "/system/restore", body=body.getvalue(),
                          headers={"Origin": ORIGIN},
                          content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("kind", BAD_BODIES)
def test_restore_refuses_with_400_and_a_reason(box: Client, service, kind: str) -> None:
    before = service.config()
    box.get("/system")
    reply = _upload(box, BAD_BODIES[kind][0])
    assert reply.status == 400
    assert "Traceback" not in reply.text
    assert service.config() == before


def test_restore_of_a_full_width_pin_says_the_field(box: Client, service) -> None:
    config = json.loads(json.dumps(EXAMPLE))
    config["lines"]["gsm"][0]["sim_pin"] = "１２３４"
    box.get("/system")
    reply = _upload(box, json.dumps(config, ensure_ascii=False).encode())
    assert reply.status == 422 and "lines.gsm[0].sim_pin" in reply.text


# --- forms --------------------------------------------------------------------------


@pytest.mark.parametrize("members, status, shown", [
    ("801 0\n802 100", 422, "ring_groups[0].members[0].share"),
    ("801 101\n802 -1", 422, "members[1]"),
    ("801 -5\n802 105", 422, "members[0]"),
    ("801 50.5\n802 49.5", 422, "members[0]"),
    ("801 ５０\n802 50", 422, "members[0]"),
])
def test_the_group_form_names_a_bad_share(box: Client, service, members: str, status: int,
                                         shown: str) -> None:
    before = service.config()
    reply = box.post("/staff/group", {"original": "sales", "name": "sales",
                                      "strategy": "percentage", "ring_time": "20",
                                      "total_ring_time": "90", "members": members})
    assert reply.status == status
    assert shown in reply.text
    assert service.config() == before


def test_an_oversized_form_is_a_400_with_the_reason(box: Client, service) -> None:
    before = service.config()
    people = "\n".join(f"{800 + i % 100}, {'x' * 64}, fxs0" for i in range(16_000))
    reply = box.post("/staff/people", {"extensions": people, "bound_numbers": ""})
    assert reply.status == 400
    assert "1 MiB" in reply.text
    assert service.config() == before
