"""The Voicemail page and /api/voicemail, in-process through WSGI: the list per box with
players, the WAV served with Range, mark heard, delete, in English and Chinese, and the
refusals (unknown message, a bad body) as field-named JSON, never a 500."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

import pytest

from firmware.service import BoxService
from firmware.voicemail import VoicemailStore
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, build, set_up_owner


def _leave(service: BoxService, box: str, caller: str, at: float, seconds: float = 1.0
           ) -> str:
    store: VoicemailStore = service.voicemail()
    ident, part = store.new_path(box)
    with wave.open(str(part), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        n = int(8000 * seconds)
        w.writeframes(struct.pack(f"<{n}h", *(round(5000 * math.sin(2 * math.pi * 700 * i
                                                                     / 8000))
                                              for i in range(n))))
    store.add(ident, box, part, caller=caller, region="浙江省杭州市", at_ts=at,
              duration_s=seconds)
    return ident


@pytest.fixture
def box(tmp_path: Path) -> tuple[Client, BoxService]:
    data = tmp_path / "data"
    service = BoxService(data)
    service.replace_config(EXAMPLE)
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service


def test_the_page_lists_messages_per_box_with_players(box) -> None:
    client, service = box
    first = _leave(service, "801", "+8613588888888", 1_790_000_000.0)
    second = _leave(service, "sales", "", 1_790_000_100.0, 2.0)
    client.cookies["sb_lang"] = "en"
    page = client.get("/voicemail")
    assert page.status == 200
    assert '<a href="/voicemail"' in page.text
    assert 'id="box-801"' in page.text and 'id="box-sales"' in page.text
    assert f'src="/api/voicemail/{first}/audio"' in page.text
    assert f'src="/api/voicemail/{second}/audio"' in page.text
    assert "+8613588888888" in page.text and "浙江省杭州市" in page.text
    assert "withheld" in page.text and "2.0 s" in page.text
    client.cookies["sb_lang"] = "zh-CN"
    page = client.get("/voicemail")
    assert "语音信箱" in page.text and "隐藏号码" in page.text and "未听" in page.text


def test_the_audio_route_serves_the_wav_with_range(box) -> None:
    client, service = box
    ident = _leave(service, "801", "+8613588888888", 1_790_000_000.0)
    audio = client.get(f"/api/voicemail/{ident}/audio")
    assert audio.status == 200 and audio.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(audio.body)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getnframes()) == (8000, 1, 8000)
    part = client.request("GET", f"/api/voicemail/{ident}/audio",
                          headers={"Range": "bytes=0-99"})
    assert part.status == 206 and len(part.body) == 100
    assert client.get("/api/voicemail/0123456789ab/audio").status == 404
    assert client.get("/api/voicemail/..%2F..%2Fconfig.json/audio").status == 404


def test_mark_heard_and_delete_on_the_page(box) -> None:
    client, service = box
    ident = _leave(service, "801", "+8613588888888", 1_790_000_000.0)
    client.cookies["sb_lang"] = "en"
    client.get("/voicemail")
    reply = client.post(f"/voicemail/{ident}/heard", {"heard": "1"})
    assert reply.status == 303
    assert service.voicemail().get(ident).heard
    reply = client.post(f"/voicemail/{ident}/delete", {})
    assert reply.status == 303
    assert service.voicemail().list() == []
    reply = client.post(f"/voicemail/{ident}/delete", {})
    assert reply.status == 404 and "No such message" in reply.text


def test_the_api_lists_patches_and_deletes(box) -> None:
    client, service = box
    ident = _leave(service, "801", "+8613588888888", 1_790_000_000.0)
    token = client.app.config["switchboard.web"].owner.add_token("script")
    listing = client.api("GET", "/api/voicemail", token=token).json()
    assert listing["boxes"] == {"801": {"total": 1, "unheard": 1}}
    [message] = listing["messages"]
    assert message["id"] == ident and message["duration_s"] == 1.0
    assert "file" not in message and message["time"].startswith("2026-09-2")
    assert listing["storage"]["limit_bytes"] == 200 * 1048576
    assert client.api("GET", "/api/voicemail?box=sales", token=token).json()["messages"] == []
    changed = client.api("PATCH", f"/api/voicemail/{ident}", {"heard": True}, token=token)
    assert changed.status == 200 and changed.json()["heard"] is True
    refused = client.api("PATCH", f"/api/voicemail/{ident}", {"heard": "yes"}, token=token)
    assert refused.status == 422 and refused.json()["errors"][0]["field"] == "heard"
    assert client.api("GET", "/api/voicemail/nope", token=token).status == 404
    assert client.api("GET", "/api/voicemail?color=red", token=token).status == 400
    assert client.api("DELETE", f"/api/voicemail/{ident}", token=token).status == 200
    assert client.api("DELETE", f"/api/voicemail/{ident}", token=token).status == 404


def test_the_system_page_warns_when_the_limit_deleted_messages(box) -> None:
    client, service = box
    client.cookies["sb_lang"] = "en"
    page = client.get("/system")
    assert 'id="voicemail-storage"' in page.text and "of 200 MB used" in page.text
    service.voicemail().note_cleanup(3, 200, now=1_790_000_000.0)
    page = client.get("/system")
    assert "the 3 oldest messages were deleted" in page.text
    page = client.get("/voicemail")
    assert 'id="storage-warning"' in page.text


def test_test_a_call_says_the_voicemail_ending_in_both_languages(box) -> None:
    client, service = box
    config = service.config()
    config["plans"] = [*config.get("plans", []), {"name": "vm", "steps": [
        {"id": "ring", "do": "ring_group:sales", "on": {"busy": "sms"}},
        {"id": "vm", "do": "voicemail", "voicemail": {"box": "801", "max_s": 60}},
        {"id": "sms", "do": "sms_caller"}]}]
    config["routes"] = [{"name": "all", "to": "plan:vm"}]
    service.replace_config(config)
    token = client.app.config["switchboard.web"].owner.add_token("script")
    answer = client.api("GET", "/api/explain?caller=13588888888&at=2026-12-01T10:00",
                        token=token).json()
    assert answer["ending"] == "voicemail for 801"
    vm = next(s for s in answer["step_details"] if s["id"] == "vm")
    assert vm["kind"] == "voicemail" and vm["box"] == "801" and vm["max_s"] == 60
    for lang, words in (("en", "the caller leaves a message for 801"),
                        ("zh-CN", "来电者给 801 留言")):
        client.cookies["sb_lang"] = lang
        page = client.get("/rules?caller=13588888888&at=2026-12-01T10:00")
        assert page.status == 200
        assert words in page.text, lang


def test_the_chinese_page_has_no_english_left(box) -> None:
    from tests.web.test_zh_pages import leftovers

    client, service = box
    _leave(service, "801", "+8613588888888", 1_790_000_000.0)
    _leave(service, "sales", "", 1_790_000_100.0)
    service.voicemail().note_cleanup(2, 200, now=1_790_000_200.0)
    page = client.get("/voicemail", headers={"Accept-Language": "zh-CN"})
    assert page.status == 200
    english, internal = leftovers(page.text)
    assert english <= {"sales"} and internal == []
