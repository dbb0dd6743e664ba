"""The Prompts page and /api/prompts, in-process through WSGI, with the real sox and
espeak-ng: list with players, upload (WAV, MP3), speak (zh, en), delete, settings, and
the refusals, field-named in both languages with nothing stored."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import pytest

from firmware.service import BoxService
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, build, set_up_owner


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


@pytest.fixture
def box(tmp_path: Path) -> tuple[Client, BoxService, Path]:
    defaults = tmp_path / "defaults"
    for lang, hz in (("zh", 500), ("en", 700)):
        (defaults / lang).mkdir(parents=True)
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(defaults / lang / "welcome.wav"),
            "synth", "0.6", "sine", str(hz))
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(defaults / lang / "n3.wav"),
            "synth", "0.3", "sine", str(hz))
    data = tmp_path / "data"
    service = BoxService(data)
    service.replace_config(EXAMPLE)
    service.prompts().defaults = defaults
    _, app = build(data, service=service)
    client = Client(app)
    set_up_owner(client)
    return client, service, tmp_path


def multipart(client: Client, path: str, fields: dict[str, str], filename: str | None,
              payload: bytes, *, headers: dict | None = None):
    boundary = "----sbprompt"
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())
    if filename is not None:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                   f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                   .encode())
        body.write(payload + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return client.request("POST", path, body=body.getvalue(),
                          headers={"Origin": "http://127.0.0.1:8080", **(headers or {})},
                          content_type=f"multipart/form-data; boundary={boundary}")


def test_the_page_lists_prompts_with_players_in_the_navigation(box):
    client, _, _ = box
    page = client.get("/prompts")
    assert page.status == 200
    assert '<a href="/prompts"' in page.text
    assert 'src="/api/prompts/zh/welcome/audio"' in page.text
    assert 'src="/api/prompts/en/welcome/audio"' in page.text
    assert "<details><summary>" in page.text  # numbers folded away
    assert 'enctype="multipart/form-data"' in page.text
    audio = client.get("/api/prompts/zh/welcome/audio")
    assert audio.status == 200 and audio.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(audio.body)) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (8000, 1)


def test_upload_a_wav_and_an_mp3_on_the_page(box):
    client, _, tmp = box
    client.get("/prompts")
    sox("-n", "-r", "44100", "-c", "2", str(tmp / "a.wav"), "synth", "1.5", "sine", "440")
    sox("-n", "-r", "44100", "-c", "2", str(tmp / "b.mp3"), "synth", "2", "sine", "330")
    reply = multipart(client, "/prompts/upload", {"csrf": client.csrf, "name": "hours",
                                                  "lang": "zh"}, "营业时间.wav",
                      (tmp / "a.wav").read_bytes())
    assert reply.status == 303, reply.text
    reply = multipart(client, "/prompts/upload", {"csrf": client.csrf, "name": "moh",
                                                  "lang": "en"}, "music.mp3",
                      (tmp / "b.mp3").read_bytes())
    assert reply.status == 303, reply.text
    page = client.get("/prompts")
    assert "营业时间.wav" in page.text and 'src="/api/prompts/en/moh/audio"' in page.text
    entry = client.api("GET", "/api/prompts/zh/hours").json()
    assert entry["origin"] == "owner" and abs(entry["duration_s"] - 1.5) < 0.05
    assert entry["filename"] == "营业时间.wav"


def test_a_bad_upload_is_refused_naming_the_field_in_chinese_and_nothing_is_stored(box):
    client, service, _ = box
    client.cookies["sb_lang"] = "zh-CN"
    client.get("/prompts")
    reply = multipart(client, "/prompts/upload", {"csrf": client.csrf, "name": "hours",
                                                  "lang": "zh"}, "notes.wav",
                      b"these are my notes, not a recording" * 10)
    assert reply.status == 422
    assert "音频文件" in reply.text and "不是 WAV 或 MP3 文件" in reply.text
    assert 'value="hours"' in reply.text  # what the owner typed comes back
    assert service.prompts().path("hours", "zh") is None
    reply = multipart(client, "/prompts/upload", {"csrf": client.csrf, "name": "Bad Name",
                                                  "lang": "zh"}, None, b"")
    assert reply.status == 422 and "提示音名称" in reply.text


def test_speak_chinese_and_english_text_on_the_page(box):
    client, service, _ = box
    client.get("/prompts")
    reply = client.post("/prompts/speak", {"name": "greeting", "lang": "zh",
                                           "text": "您好，欢迎致电华强贸易。"})
    assert reply.status == 303, reply.text
    reply = client.post("/prompts/speak", {"name": "greeting", "lang": "en",
                                           "text": "Welcome to Huaqiang Trading."})
    assert reply.status == 303
    listed = {(p["name"], p["lang"]): p for p in client.api("GET", "/api/prompts")
              .json()["prompts"]}
    assert listed[("greeting", "zh")]["text"] == "您好，欢迎致电华强贸易。"
    assert listed[("greeting", "zh")]["duration_s"] > 1.0
    reply = client.post("/prompts/speak", {"name": "empty", "lang": "zh", "text": " "})
    assert reply.status == 422 and service.prompts().path("empty", "zh") is None


def test_the_api_speaks_uploads_and_deletes(box):
    client, _, tmp = box
    token = client.app.config["switchboard.web"].owner.add_token("script")
    made = client.api("POST", "/api/prompts", {"name": "promo", "lang": "en",
                                               "text": "Ten percent off this month."},
                      token=token)
    assert made.status == 201 and made.json()["audio_url"] == "/api/prompts/en/promo/audio"
    sox("-n", "-r", "16000", "-c", "1", str(tmp / "c.wav"), "synth", "1", "sine", "600")
    up = multipart(client, "/api/prompts", {"name": "promo", "lang": "zh"}, "c.wav",
                   (tmp / "c.wav").read_bytes(), headers={"Authorization": f"Bearer {token}"})
    assert up.status == 201, up.text
    bad = client.api("POST", "/api/prompts", {"name": "x", "lang": "fr", "text": "salut"},
                     token=token, headers={"Accept-Language": "zh-CN"})
    assert bad.status == 422
    assert bad.json()["errors"][0]["field"] == "lang"
    assert bad.json()["errors"][0]["code"] == "prompt_lang"
    assert "不是提示音语言" in bad.json()["errors"][0]["message"]
    assert client.api("GET", "/api/prompts/zh/nothing", token=token).status == 404
    assert client.api("DELETE", "/api/prompts/en/promo", token=token).status == 200
    assert client.api("GET", "/api/prompts/en/promo", token=token).status == 404
    gone = client.api("DELETE", "/api/prompts/zh/welcome", token=token)
    assert gone.status == 409 and gone.json()["errors"][0]["code"] == "prompt_default"


def test_a_prompt_the_config_uses_is_not_deleted_and_the_refusal_says_where(box):
    client, service, _ = box
    client.get("/prompts")
    assert client.post("/prompts/speak", {"name": "promo", "lang": "zh",
                                          "text": "本月优惠"}).status == 303
    reply = client.post("/prompts/settings", {"language": "zh", "greeting_open": "welcome",
                                              "greeting_closed": "", "greeting_holiday": "",
                                              "ringback": "promo"})
    assert reply.status == 303, reply.text
    assert service.config()["prompts"] == {"language": "zh", "greeting_open": "welcome",
                                           "greeting_closed": None, "greeting_holiday": None,
                                           "ringback": "promo"}
    page = client.get("/prompts")
    reply = client.post("/prompts/zh/promo/delete", {})
    assert reply.status == 409 and "prompts.ringback" in reply.text
    assert service.prompts().path("promo", "zh") is not None
    assert "prompts.ringback" in page.text  # the list says where it is used
    settings = client.api("GET", "/api/prompt-settings").json()
    assert settings["ringback"] == "promo"


def test_bad_settings_are_refused_with_their_fields(box):
    client, service, _ = box
    client.get("/prompts")
    reply = client.post("/prompts/settings", {"language": "fr", "greeting_open": "Not OK",
                                              "greeting_closed": "", "greeting_holiday": "",
                                              "ringback": ""})
    assert reply.status == 422
    assert 'data-field="prompts.language"' in reply.text
    assert 'data-field="prompts.greeting_open"' in reply.text
    assert service.config()["prompts"]["language"] == "zh"
    token = client.app.config["switchboard.web"].owner.add_token("t")
    put = client.api("PUT", "/api/prompt-settings", {"language": "en", "ringback": 5},
                     token=token)
    assert put.status == 422 and put.json()["errors"][0]["field"] == "prompts.ringback"


def test_old_configs_without_prompts_load_with_the_defaults(tmp_path: Path):
    config = {k: v for k, v in EXAMPLE.items() if k != "prompts"}
    service = BoxService(tmp_path / "d")
    service.replace_config(config)
    assert service.config()["prompts"] == {"language": "zh", "greeting_open": None,
                                           "greeting_closed": None, "greeting_holiday": None,
                                           "ringback": None}


def test_a_factory_reset_forgets_the_owners_prompts(box):
    client, service, _ = box
    token = client.app.config["switchboard.web"].owner.add_token("script")
    assert client.api("POST", "/api/prompts", {"name": "welcome", "lang": "zh",
                                               "text": "欢迎"}, token=token).status == 201
    assert service.prompts().info("welcome", "zh")["origin"] == "owner"
    reply = client.api("POST", "/api/factory-reset", {"confirm": "RESET"}, token=token)
    assert reply.status == 200
    assert service.prompts().info("welcome", "zh")["origin"] == "default"


def test_the_page_in_chinese_has_no_english_but_the_english_prompts(box):
    import re

    from tests.web.test_zh_pages import ALLOWED, leftovers

    client, _, _ = box
    client.cookies["sb_lang"] = "zh-CN"
    page = client.get("/prompts").text
    for heading in ("播放设置", "上传录音", "文字转语音", "全部提示音", "营业时间欢迎语", "试听"):
        assert heading in page
    chinese_only = re.sub(r'(?s)<h3 lang="en">.*?</section>', "</section>", page)
    chinese_only = re.sub(r"(?s)<code>.*?</code>", " ", chinese_only)
    english, internal = leftovers(chinese_only)
    allowed = ALLOWED | {"WAV", "MP", "MiB", "kHz", "welcome", "promo"}
    assert internal == [] and english - allowed == set()
