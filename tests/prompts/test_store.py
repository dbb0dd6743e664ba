"""The prompt store with the real tools: sox converts WAV and MP3 uploads, espeak-ng speaks
Chinese and English; refusals name the field and store nothing."""

from __future__ import annotations

import array
import io
import json
import subprocess
import wave
from pathlib import Path

import pytest

from firmware.prompts import PromptError, PromptInUse, PromptStore, UnknownPrompt
from firmware.prompts.defaults import build
from firmware.prompts.library import PromptLibrary
from firmware.prompts.store import MAX_UPLOAD_BYTES


def sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


def shape(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as wav:
        return (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(),
                wav.getnframes() / wav.getframerate())


def rms(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return (sum(x * x for x in samples) / max(len(samples), 1)) ** 0.5


@pytest.fixture
def store(tmp_path: Path) -> PromptStore:
    defaults = tmp_path / "defaults"
    (defaults / "zh").mkdir(parents=True)
    sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(defaults / "zh" / "welcome.wav"),
        "synth", "0.5", "sine", "600")
    return PromptStore(tmp_path / "data", defaults_dir=defaults)


def nothing_stored(store: PromptStore) -> bool:
    owner = [p for p in store.root.rglob("*") if p.is_file() and p.name != ".lock"]
    return owner == [] or all(p.name == "index.json" for p in owner)


def test_a_cd_quality_wav_becomes_an_8k_mono_prompt(store: PromptStore, tmp_path: Path):
    src = tmp_path / "cd.wav"
    sox("-n", "-r", "44100", "-c", "2", "-b", "16", str(src), "synth", "2", "sine", "440")
    entry = store.upload("hours", "zh", "营业时间.wav", src.open("rb"))
    path = store.path("hours", "zh")
    assert path == store.root / "zh" / "hours.wav"
    rate, channels, width, seconds = shape(path)
    assert (rate, channels, width) == (8000, 1, 2) and abs(seconds - 2.0) < 0.05
    assert rms(path) > 5000  # normalised to -3 dBFS: a loud sine
    assert entry["origin"] == "owner" and entry["source"] == "upload"
    assert entry["filename"] == "营业时间.wav" and abs(entry["duration_s"] - 2.0) < 0.05
    assert not list((store.root / "tmp").iterdir())  # the scratch space is cleaned


def test_an_mp3_is_converted_too(store: PromptStore, tmp_path: Path):
    src = tmp_path / "music.mp3"
    sox("-n", "-r", "44100", "-c", "2", str(src), "synth", "3", "sine", "300", "sine", "500")
    store.upload("music", "en", "music.mp3", src.open("rb"))
    rate, channels, width, seconds = shape(store.path("music", "en"))
    assert (rate, channels, width) == (8000, 1, 2) and 2.9 < seconds < 3.2
    assert rms(store.path("music", "en")) > 3000


@pytest.mark.parametrize(("payload", "code"), [
    (b"hello, this is not audio at all" * 100, "prompt_not_audio"),
    (b"%PDF-1.4 not audio", "prompt_not_audio"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt garbage garbage garbage", "prompt_unreadable"),
    (b"", "missing"),
])
def test_what_is_not_audio_is_refused_and_nothing_is_stored(store: PromptStore, payload: bytes,
                                                            code: str):
    with pytest.raises(PromptError) as refused:
        store.upload("bad", "zh", "bad.wav", io.BytesIO(payload))
    assert refused.value.field == "file" and refused.value.reason.code == code
    assert store.path("bad", "zh") is None and nothing_stored(store)


def test_too_big_and_too_long_and_silent_are_refused(store: PromptStore, tmp_path: Path):
    big = io.BytesIO(b"RIFF" + bytes(MAX_UPLOAD_BYTES + 100))
    with pytest.raises(PromptError) as refused:
        store.upload("big", "zh", "big.wav", big)
    assert refused.value.reason.code == "prompt_too_big"
    assert refused.value.reason.params == {"size": "10.0", "max": 10}

    long = tmp_path / "long.wav"  # 11 minutes in 5 MiB: 8-bit 8 kHz
    sox("-n", "-r", "8000", "-c", "1", "-b", "8", "-e", "unsigned-integer", str(long),
        "synth", "660", "sine", "440")
    with pytest.raises(PromptError) as refused:
        store.upload("long", "zh", "long.wav", long.open("rb"))
    assert refused.value.reason.code == "prompt_too_long"
    assert refused.value.reason.params == {"minutes": "11.0", "max": 10}

    quiet = tmp_path / "quiet.wav"
    sox("-n", "-r", "8000", "-c", "1", "-b", "16", str(quiet), "trim", "0", "2")
    with pytest.raises(PromptError) as refused:
        store.upload("quiet", "zh", "quiet.wav", quiet.open("rb"))
    assert refused.value.reason.code == "prompt_silent"
    assert nothing_stored(store)


@pytest.mark.parametrize(("lang", "text"), [
    ("zh", "您好，欢迎致电深圳市华强贸易有限公司。"),
    ("en", "Hello, thank you for calling Huaqiang Trading."),
])
def test_text_is_spoken_as_audible_8k_audio(store: PromptStore, lang: str, text: str):
    entry = store.speak("greeting", lang, text)
    rate, channels, width, seconds = shape(store.path("greeting", lang))
    assert (rate, channels, width) == (8000, 1, 2)
    assert seconds > 1.5 and rms(store.path("greeting", lang)) > 1000
    assert entry["source"] == "text" and entry["text"] == text


def test_bad_names_languages_and_texts_are_refused(store: PromptStore):
    cases = [
        (lambda: store.speak("Bad Name", "zh", "你好"), "name", "prompt_name"),
        (lambda: store.speak("../etc", "zh", "你好"), "name", "prompt_name"),
        (lambda: store.speak("ok", "fr", "bonjour"), "lang", "prompt_lang"),
        (lambda: store.speak("ok", "zh", "   "), "text", "empty"),
        (lambda: store.speak("ok", "zh", "长" * 501), "text", "prompt_text_long"),
        (lambda: store.speak("ok", "zh", None), "text", "empty"),
    ]
    for call, field, code in cases:
        with pytest.raises(PromptError) as refused:
            call()
        assert (refused.value.field, refused.value.reason.code) == (field, code)
    assert nothing_stored(store)


def test_the_owner_overrides_a_default_and_deleting_brings_it_back(store: PromptStore):
    default = store.path("welcome", "zh")
    assert default.parent.parent == store.defaults
    assert store.info("welcome", "zh")["origin"] == "default"
    store.speak("welcome", "zh", "欢迎致电本公司")
    assert store.path("welcome", "zh").parent.parent == store.root
    listed = {(e["name"], e["lang"]): e for e in store.list()}
    assert listed[("welcome", "zh")]["origin"] == "owner"
    assert listed[("welcome", "zh")]["has_default"] is True
    assert store.delete("welcome", "zh", ["prompts.greeting_open"])["default_plays"] is True
    assert store.path("welcome", "zh") == default
    with pytest.raises(PromptError) as refused:
        store.delete("welcome", "zh")
    assert refused.value.reason.code == "prompt_default"


def test_a_prompt_the_config_uses_is_not_deleted(store: PromptStore):
    store.speak("promo", "zh", "本月优惠")
    with pytest.raises(PromptInUse) as refused:
        store.delete("promo", "zh", ["prompts.ringback"])
    assert refused.value.reason.params == {"where": ["prompts.ringback"]}
    assert store.path("promo", "zh") is not None
    store.delete("promo", "zh", [])
    assert store.path("promo", "zh") is None
    assert json.loads((store.root / "index.json").read_text())["prompts"] == {}
    with pytest.raises(UnknownPrompt):
        store.delete("promo", "zh")
    with pytest.raises(UnknownPrompt):
        store.info("promo", "zh")


def test_the_library_caches_small_prompts_until_the_file_changes(store: PromptStore):
    library = PromptLibrary(store)
    store.speak("promo", "en", "one")
    first = library.clip("promo", "en")
    assert isinstance(first, bytes) and library.clip("promo", "en") is first
    store.speak("promo", "en", "a longer sentence than before")
    second = library.clip("promo", "en")
    assert isinstance(second, bytes) and len(second) > len(first)
    big = PromptLibrary(store, small_bytes=100)
    assert big.clip("promo", "en") == store.path("promo", "en")  # streamed, not cached


def test_the_defaults_are_built_in_both_languages_once(tmp_path: Path):
    out = tmp_path / "built"
    assert build(out, names=["welcome", "n3"]) == 6  # and music on hold in each language
    for lang in ("zh", "en"):
        for name in ("welcome", "n3", "music"):
            rate, channels, width, seconds = shape(out / lang / f"{name}.wav")
            assert (rate, channels, width) == (8000, 1, 2) and seconds > 0.3
            assert rms(out / lang / f"{name}.wav") > 1000
    assert build(out, names=["welcome", "n3"]) == 0  # current: nothing to do


def test_a_store_that_cannot_write_says_so(store: PromptStore, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("firmware.prompts.store.os.replace", full)
    with pytest.raises(PromptError) as refused:
        store.speak("promo", "zh", "优惠")
    assert refused.value.reason.code == "prompt_tool"
    assert "No space left on device" in str(refused.value.reason)
    assert store.path("promo", "zh") is None
