"""Editing the config from the pages and the API: every save is validated, a refused
one names the field and changes nothing, a good one is stored whole."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.web.client import Client

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "docs/example-config.json")
                     .read_text("utf-8"))


@pytest.fixture
def box(owner: Client, service) -> Client:
    service.replace_config(EXAMPLE)
    owner.get("/staff")
    return owner


def test_the_staff_page_shows_groups_people_and_the_split_editor(box: Client) -> None:
    page = box.get("/staff").text
    assert 'data-group="sales"' in page
    assert "801, 前台 Reception, fxs0" in page
    assert "zhang, 张伟, +8613912345678" in page
    assert "/static/split.js" in page


def test_editing_a_ring_group_changes_the_order(box: Client, service) -> None:
    reply = box.post("/staff/group", {"original": "sales", "name": "sales",
                                      "strategy": "sequential", "ring_time": "15",
                                      "total_ring_time": "60", "members": "804\n801\nzhang"})
    assert reply.status == 303, reply.text
    group = service.config()["ring_groups"][0]
    assert group["members"] == ["804", "801", "zhang"]
    assert group["ring_time"] == 15
    assert "已保存" in box.get("/staff").text


def test_a_percentage_split_must_total_100(box: Client, service) -> None:
    before = service.config()
    reply = box.post("/staff/group", {"original": "sales", "name": "sales",
                                      "strategy": "percentage", "members": "801 40\n802 50"})
    assert reply.status == 422
    assert "ring_groups[0].members" in reply.text
    assert "比例合计为 90，不是 100" in reply.text  # the page is in Chinese
    assert service.config() == before
    # what the owner typed comes back
    assert "801 40\n802 50" in reply.text
    ok = box.post("/staff/group", {"original": "sales", "name": "sales",
                                   "strategy": "percentage", "members": "801 40\n802 60"})
    assert ok.status == 303
    assert service.config()["ring_groups"][0]["members"] == [
        {"target": "801", "share": 40}, {"target": "802", "share": 60}]


def test_a_new_group_and_deleting_it(box: Client, service) -> None:
    assert box.post("/staff/group", {"original": "", "name": "support", "strategy": "ring_all",
                                     "members": "802\n803"}).status == 303
    assert [g["name"] for g in service.config()["ring_groups"]] == ["sales", "support"]
    box.get("/staff")
    assert box.post("/staff/group", {"original": "support", "name": "support",
                                     "delete": "1"}).status == 303
    assert [g["name"] for g in service.config()["ring_groups"]] == ["sales"]


def test_renaming_the_inbound_group_keeps_the_inbound_route(box: Client, service) -> None:
    reply = box.post("/staff/group", {"original": "sales", "name": "销售组",
                                      "strategy": "sequential", "members": "801\n802"})
    assert reply.status == 303, reply.text
    assert service.config()["inbound"]["ring_group"] == "销售组"
    steps = [s["do"] for p in service.config()["plans"] for s in p["steps"]]
    assert "ring_group:销售组" in steps and "ring_group:sales" not in steps  # plans follow
    assert 'data-group="销售组"' in box.get("/staff").text


def test_a_group_naming_nobody_known_is_refused(box: Client, service) -> None:
    before = service.config()
    reply = box.post("/staff/group", {"original": "sales", "name": "sales",
                                      "strategy": "sequential", "members": "999"})
    assert reply.status == 422
    assert "ring_groups[0].members[0]" in reply.text
    assert service.config() == before


def test_people_are_edited_one_a_line(box: Client, service) -> None:
    reply = box.post("/staff/people", {
        "extensions": "801, 前台, fxs0\n802, 王芳, fxs1\n803, David, fxs2\n804, 李娜, fxs3",
        "bound_numbers": "zhang, 张伟, 13912345678\nwang, 王芳, 13512345678\n"
                         "david, David Chen, +86 138 1234 5678"})
    assert reply.status == 303, reply.text
    assert service.config()["extensions"][0]["name"] == "前台"
    bad = box.post("/staff/people", {"extensions": "801 前台", "bound_numbers": ""})
    assert bad.status == 422
    assert "extensions[0]" in bad.text


def test_weekly_hours(box: Client, service) -> None:
    form = {d: "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    form["mon"] = "08:00-12:00, 13:00-17:00"
    assert box.post("/schedule", form).status == 303
    assert service.config()["schedule"]["mon"] == ["08:00-12:00", "13:00-17:00"]
    bad = box.post("/schedule", {**form, "tue": "17:00-17:00"})
    assert bad.status == 422
    assert "schedule.tue[0]" in bad.text
    assert service.config()["schedule"]["tue"] == []
    # past midnight is fine, unless it runs into the next day's hours
    assert box.post("/schedule", {**form, "tue": "19:00-08:00"}).status == 303
    assert service.config()["schedule"]["tue"] == ["19:00-08:00"]
    spill = box.post("/schedule", {**form, "tue": "19:00-08:00", "wed": "07:00-12:00"})
    assert spill.status == 422 and "schedule.tue[0]" in spill.text


def test_duty_preview_says_who_is_on_duty(box: Client) -> None:
    page = box.get("/schedule?at=2025-06-03T22:00").text  # a Tuesday night
    assert "zhang" in page
    assert 'id="preview"' in page


def test_a_section_as_text(box: Client, service) -> None:
    page = box.get("/config/forward_chain").text
    assert "021 6123 4567" in page or "+862161234567" in page
    assert box.post("/config/forward_chain", {"value": '["zhang", "wang", "david", "13700000000"]'}
                    ).status == 303
    bad = box.post("/config/forward_chain", {"value": '["zhang"'})
    assert bad.status == 400 and "不是有效的 JSON" in bad.text
    assert box.get("/config/passwords").status == 404
    assert box.get("/config/schema_version").status == 404


def test_backup_and_restore(box: Client, service) -> None:
    backup = box.get("/system/backup")
    assert backup.headers["content-disposition"].startswith("attachment")
    saved = json.loads(backup.body)
    assert saved == service.config()
    box.get("/system")
    broken = dict(saved, ring_groups=[{"name": "x", "members": ["nobody"]}])
    reply = _upload(box, json.dumps(broken).encode())
    assert reply.status == 422
    assert "ring_groups[0].members[0]" in reply.text
    assert service.config() == saved
    assert _upload(box, b"{not json").status == 400
    changed = dict(saved, forward_chain=[])
    assert _upload(box, json.dumps(changed).encode()).status == 303
    assert service.config()["forward_chain"] == []


def _upload(client: Client, payload: bytes):
    boundary = "----sbtest"
    body = io.BytesIO()
    for name, value in (("csrf", client.csrf),):
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
               f'filename="backup.json"\r\nContent-Type: application/json\r\n\r\n'.encode())
    body.write(payload + f"\r\n--{boundary}--\r\n".encode())
    return client.request("POST", "/system/restore", body=body.getvalue(),
                          headers={"Origin": "http://127.0.0.1:8080"},
                          content_type=f"multipart/form-data; boundary={boundary}")


def test_change_password_logs_everyone_out(box: Client, app) -> None:
    other = Client(app)
    other.get("/login")
    assert other.post("/login", {"password": "Gr33n-tea-pot!"}).status == 303
    box.get("/system")
    assert box.post("/system/password", {"current": "wrong", "password": "New-pass-4567",
                                         "again": "New-pass-4567"}).status == 422
    assert box.post("/system/password", {"current": "Gr33n-tea-pot!", "password": "short",
                                         "again": "short"}).status == 422
    assert box.post("/system/password", {"current": "Gr33n-tea-pot!",
                                         "password": "New-pass-4567",
                                         "again": "New-pass-4567"}).status == 303
    assert box.get("/system").status == 200
    assert other.get("/").status == 303


def test_factory_reset_needs_the_word_and_starts_a_first_run(box: Client, service) -> None:
    box.get("/system")
    assert box.post("/system/reset", {"confirm": "yes"}).status == 422
    assert service.config()["ring_groups"]
    reply = box.post("/system/reset", {"confirm": "RESET"})
    assert reply.status == 303 and reply.location.endswith("/setup")
    assert service.config()["ring_groups"] == []
    assert box.get("/").location.endswith("/setup")


def test_api_config_round_trip_and_refusals(box: Client, service) -> None:
    headers = {"Origin": "http://127.0.0.1:8080", "X-CSRF-Token": box.csrf}
    config = box.api("GET", "/api/config").json()
    assert config == service.config()
    bad = dict(config, extensions=[{"number": "8", "name": "x", "port": "fxs9"}])
    reply = box.api("PUT", "/api/config", bad, headers=headers)
    assert reply.status == 422
    fields = {e["field"] for e in reply.json()["errors"]}
    assert "extensions[0].number" in fields
    assert service.config() == config
    garbage = box.request("PUT", "/api/config", body=b"{", headers=headers,
                          content_type="application/json")
    assert garbage.status == 400
    assert garbage.json()["errors"][0]["field"] == "(body)"
    check = box.api("POST", "/api/config/check", config, headers=headers)
    assert check.status == 200 and check.json()["valid"]["ring_groups"] == 1
    assert box.api("PUT", "/api/config", dict(config, forward_chain=[]),
                   headers=headers).status == 200
    assert service.config()["forward_chain"] == []


def test_explain_a_call(box: Client) -> None:
    page = box.get("/rules?caller=13588888888&line=gsm0&at=2025-06-03T10:00").text
    assert 'id="explanation"' in page
    assert "sales" in page
    api = box.api("GET", "/api/explain?caller=13588888888&at=2025-06-03T10:00").json()
    assert api["open"] is True
    assert api["steps"][0] == "ring_group"
    bad = box.api("GET", "/api/explain?at=tomorrow")
    assert bad.status == 400 and bad.json()["errors"][0]["field"] == "at"


def test_nested_groups_and_own_ring_times_survive_the_editor(box: Client, service) -> None:
    raw = service.config()
    raw["ring_groups"].append({"name": "all", "members": [
        {"group": "sales"}, {"target": "803", "ring_time": 15}]})
    service.replace_config(raw)
    page = box.get("/staff")
    assert page.status == 200 and "group:sales\n803 ring=15" in page.text
    reply = box.post("/staff/group", {"original": "all", "name": "all",
                                      "strategy": "sequential",
                                      "members": "group:sales\n803 ring=15\n804"})
    assert reply.status == 303, reply.text
    assert service.config()["ring_groups"][-1]["members"] == [
        {"group": "sales"}, {"target": "803", "ring_time": 15}, "804"]
    bad = box.post("/staff/group", {"original": "all", "name": "all", "strategy": "sequential",
                                    "members": "803 ring=soon"})
    assert bad.status == 422 and "ring=15" in bad.text
