"""`switchboard prompts` on a data dir: speak, add, list, delete, and refusals on stderr."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from firmware.cli import main
from firmware.config.schema import to_dict
from firmware.config.store import ConfigStore
from firmware.prompts.store import PromptStore


def test_speak_add_list_delete(tmp_path: Path, capsys):
    data = str(tmp_path / "data")
    assert main(["prompts", "speak", "promo", "本月全场九折", "--data", data]) == 0
    wav = tmp_path / "x.wav"
    subprocess.run(["sox", "-n", "-r", "22050", str(wav), "synth", "1", "sine", "500"],
                   check=True)
    assert main(["prompts", "add", "beep", str(wav), "--lang", "en", "--data", data]) == 0
    capsys.readouterr()
    assert main(["prompts", "list", "--json", "--data", data]) == 0
    listed = {(e["name"], e["lang"]): e for e in json.loads(capsys.readouterr().out)}
    assert listed[("promo", "zh")]["text"] == "本月全场九折"
    assert listed[("beep", "en")]["filename"] == "x.wav"
    assert main(["prompts", "delete", "beep", "--lang", "en", "--data", data]) == 0
    assert PromptStore(data).path("beep", "en") is None


def test_refusals_name_the_field_and_keep_what_the_config_uses(tmp_path: Path, capsys):
    data = tmp_path / "data"
    store = ConfigStore(data)
    config = to_dict(store.load())
    config["prompts"] = {**config["prompts"], "ringback": "promo"}
    store.replace(config)
    assert main(["prompts", "speak", "promo", "稍候", "--data", str(data)]) == 0
    assert main(["prompts", "delete", "promo", "--data", str(data)]) == 1
    assert "name: used by prompts.ringback" in capsys.readouterr().err
    assert main(["prompts", "add", "x", str(tmp_path / "none.mp3"), "--data", str(data)]) == 1
    assert "file:" in capsys.readouterr().err
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    assert main(["prompts", "add", "x", str(text), "--data", str(data)]) == 1
    assert "file: not a WAV or MP3 file" in capsys.readouterr().err
