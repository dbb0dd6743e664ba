"""Call recordings on the web: linked from the call records (API and page, with a player
and a download link), streamed by recording and by call, listed with the storage use,
deleted; the System card and the dashboard warn when the limit deleted recordings;
unknown, malformed and unfinished ones get a field-named JSON error, never a 500; all
of it for the logged-in owner only."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from firmware.cdr.store import CdrStore, records_path
from firmware.service import BoxService
from tests.cdr.helpers import T0, end, leg, start
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, build, set_up_owner

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(2000)


@pytest.fixture
def box(tmp_path: Path) -> tuple[Client, BoxService, dict]:
    data = tmp_path / "data"
    service = BoxService(data)
    config = {**EXAMPLE, "recording": {"rules": ["ring_group:sales"], "format": "mp3",
                                       "storage_limit_mb": 50, "retention_days": 30}}
    service.replace_config(config)
    with CdrStore(records_path(data), preload_regions=False) as cdr:
        for name in ("rec", "plain"):
            call = cdr.begin_call(start("13588888888", T0, call_id=name))
            cdr.add_leg(call, leg("801", T0, ring=5, talk=60, agent="王芳", group="sales"))
            cdr.end_call(call, end(T0 + timedelta(seconds=65), "answered", answered_by="王芳",
                                   talk_s=60, ring_s=5))
    store = service.recordings()
    made = store.begin("rec", time.time() - 60, caller="+8613588888888", rule="ring_group:sales")
    Path(made.file).write_bytes(bytes(1000))
    store.finished(made.id, 60.0, encode=True)
    mp3 = Path(made.file).with_suffix(".mp3")
    mp3.write_bytes(MP3)
    ready = store.encoded(made.id, mp3, "mp3")
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service, {"ready": ready}


def test_a_call_record_links_its_recording(box) -> None:
    client, _, made = box
    rec = made["ready"]
    one = client.api("GET", "/api/records/rec").json()
    assert one["recordings"] == [{"id": rec.id, "format": "mp3", "duration_s": 60.0,
                                  "bytes": len(MP3), "state": "ready",
                                  "url": f"/api/recordings/{rec.id}/audio"}]
    assert client.api("GET", "/api/records/plain").json()["recordings"] == []
    listing = client.api("GET", "/api/records").json()["calls"]
    assert {c["id"]: len(c["recordings"]) for c in listing} == {"rec": 1, "plain": 0}


def test_the_records_page_plays_and_downloads_it(box) -> None:
    client, _, made = box
    page = client.get("/records").text
    url = f"/api/recordings/{made['ready'].id}/audio"
    assert f'<audio controls preload="none" src="{url}"' in page
    assert f'href="{url}?download=1" download' in page
    assert "录音" in page  # the column, in the page's language


def test_the_audio_streams_by_recording_and_by_call(box) -> None:
    client, _, made = box
    rec = made["ready"]
    played = client.get(f"/api/recordings/{rec.id}/audio")
    assert played.status == 200 and played.body == MP3
    assert played.headers["content-type"].startswith("audio/mpeg")
    assert played.headers["content-disposition"].startswith("inline")
    saved = client.get("/api/calls/rec/recording?download=1")
    assert saved.status == 200 and saved.body == MP3
    assert saved.headers["content-disposition"] == \
        f'attachment; filename="call-rec-{rec.id}.mp3"'
    part = client.get(f"/api/recordings/{rec.id}/audio", headers={"Range": "bytes=0-9"})
    assert part.status == 206 and part.body == MP3[:10]


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/api/recordings/0123456789ab", 404, "id"),
    ("/api/recordings/..%2F..%2Fetc%2Fpasswd/audio", 404, "id"),
    ("/api/recordings/<script>", 404, "id"),
    ("/api/calls/plain/recording", 404, "call_id"),
    ("/api/calls/nosuchcall/recording", 404, "call_id"),
    ("/api/recordings?limit=5", 400, "limit"),
])
def test_bad_requests_get_a_field_named_error(box, path, status, field) -> None:
    client, _, _ = box
    reply = client.api("GET", path)
    assert reply.status == status, reply.text
    assert reply.json()["errors"][0]["field"] == field


def test_a_recording_being_compressed_is_not_served_yet(box) -> None:
    client, service, _ = box
    store = service.recordings()
    busy = store.begin("plain", time.time())
    reply = client.api("GET", f"/api/recordings/{busy.id}/audio")
    assert reply.status == 409 and "not ready" in reply.json()["error"]
    token = client.app.config["switchboard.web"].owner.add_token("script")
    assert client.api("DELETE", f"/api/recordings/{busy.id}", token=token).status == 409
    assert store.get(busy.id).state == "recording"
    assert client.api("GET", "/api/calls/plain/recording").status == 404
    page = client.get("/records").text
    assert "正在压缩" in page


def test_the_listing_says_the_storage_and_delete_removes_one(box) -> None:
    client, _, made = box
    rec = made["ready"]
    listing = client.api("GET", "/api/recordings").json()
    assert [r["id"] for r in listing["recordings"]] == [rec.id]
    assert "file" not in listing["recordings"][0]
    assert listing["storage"] == {"used_bytes": len(MP3), "limit_bytes": 50 * 1048576,
                                  "retention_days": 30, "warning": None}
    token = client.app.config["switchboard.web"].owner.add_token("script")
    gone = client.api("DELETE", f"/api/recordings/{rec.id}", token=token)
    assert gone.status == 200 and gone.json()["id"] == rec.id
    assert client.api("GET", f"/api/recordings/{rec.id}").status == 404
    assert not Path(rec.file).exists()
    assert client.api("DELETE", f"/api/recordings/{rec.id}", token=token).status == 404


def test_the_system_page_and_the_dashboard_warn_after_the_limit_deleted(box) -> None:
    client, service, _ = box
    system = client.get("/system").text
    assert 'id="recording-storage"' in system and "1 条录音" in system
    assert 'role="alert"' not in system.split('id="recording-storage"')[1].split("</section>")[0]
    service.recordings().note_cleanup(4, 50)
    system = client.get("/system").text
    card = system.split('id="recording-storage"')[1].split("</section>")[0]
    assert "删除了最早的 4 条录音" in card
    dashboard = client.get("/").text
    assert 'id="recording-warning"' not in dashboard  # the box's status says it (offline)


def test_only_the_owner_gets_recordings(tmp_path: Path, box) -> None:
    _, service, made = box
    _, app = build(service.data_dir, service=service)
    stranger = Client(app)
    for path in (f"/api/recordings/{made['ready'].id}/audio", "/api/recordings",
                 "/api/calls/rec/recording"):
        assert stranger.api("GET", path).status in (401, 303), path


def test_the_settings_form_saves_the_section_or_names_the_field(box) -> None:
    client, service, _ = box
    system = client.get("/system").text
    assert 'action="/system/recording"' in system and "保存录音设置" in system
    assert 'name="rule" value="ring_group:sales" checked' in system
    assert 'name="rule" value="agent:zhang"' in system  # a bound number, by its name
    saved = client.post("/system/recording", {
        "rule": ["route:zhejiang customers", "agent:801"], "format": "opus", "announce": "1",
        "announcement": "recorded", "storage_limit_mb": "500", "retention_days": "0"})
    assert saved.status == 303, saved.text
    assert service.config()["recording"] == {
        "rules": ["route:zhejiang customers", "agent:801"], "format": "opus",
        "announce": True, "announcement": "recorded", "storage_limit_mb": 500,
        "retention_days": 0}
    refused = client.post("/system/recording", {
        "rule": "route:nowhere", "format": "opus", "storage_limit_mb": "lots",
        "retention_days": "30"})
    assert refused.status == 422
    assert "保存录音设置" in refused.text and "lots 不是整数" in refused.text
    assert "存储上限（兆字节）" in refused.text  # the field, named in the page's words
    refused = client.post("/system/recording", {"rule": "route:nowhere", "format": "opus",
                                                "storage_limit_mb": "10",
                                                "retention_days": "30"})
    assert refused.status == 422 and "nowhere" in refused.text
    assert service.config()["recording"]["rules"] == ["route:zhejiang customers", "agent:801"]


def test_the_settings_api_reads_and_replaces_the_section(box) -> None:
    client, service, _ = box
    token = client.app.config["switchboard.web"].owner.add_token("script")
    got = client.api("GET", "/api/recording-settings", token=token).json()
    assert got["rules"] == ["ring_group:sales"]
    put = client.api("PUT", "/api/recording-settings", {"rules": ["all"], "format": "wav"},
                     token=token)
    assert put.status == 200 and put.json()["format"] == "wav"
    assert put.json()["storage_limit_mb"] == 1000  # a field left out takes its default
    bad = client.api("PUT", "/api/recording-settings", {"rules": ["bogus"], "format": "flac"},
                     token=token)
    assert bad.status == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"recording.rules[0]",
                                                          "recording.format"}
    assert service.config()["recording"]["format"] == "wav"


def test_the_dashboard_warnings_and_their_dismissal(box) -> None:
    from zoneinfo import ZoneInfo

    from web_ui.recording_pages import deleted_warning, storage_warning

    client, service, _ = box
    web = client.app.config["switchboard.web"]
    zone = ZoneInfo("Asia/Shanghai")
    assert storage_warning(web, zone) is None and deleted_warning(web, zone) is None
    service.recordings().note_cleanup(2, 50, now=1_790_000_000.0)
    found = deleted_warning(web, zone)
    assert found["code"] == "recordings_deleted" and found["deleted"] == 2
    assert found["at"].startswith("2026-09-21T") and found["link"].endswith("#recording-storage")
    token = web.owner.add_token("script")
    gone = client.api("DELETE", "/api/warnings/recordings", token=token)
    assert gone.status == 200 and gone.json() == {"dismissed": True}
    assert deleted_warning(web, zone) is None
    config = service.config()
    config["recording"]["storage_limit_mb"] = 1
    service.replace_config(config)
    store = service.recordings()
    big = store.begin("plain", 1_790_000_000.0)
    Path(big.file).write_bytes(bytes(1_000_000))
    store.finished(big.id, 60.0, encode=False)
    full = storage_warning(web, zone)
    assert full["code"] == "recording_storage" and full["severity"] == "warning"
    assert 90 < full["percent"] < 100
