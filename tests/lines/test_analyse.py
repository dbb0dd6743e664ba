"""`python -m firmware.lines.analyse`: what a recording of the line carries."""

from __future__ import annotations

import json
import wave
from datetime import datetime

from firmware.lines.analyse import main
from firmware.lines.callerid import caller_id_audio
from tests.lines import signals as sig


def write_wav(path, pcm: bytes, rate: int = 8000, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)


def test_a_recorded_call_caller_id_then_ringback_answer_and_busy(tmp_path, capsys):
    cid = caller_id_audio(datetime(2024, 5, 1, 8, 30), "13812345678", "北京分公司")
    later = sig.pcm(sig.silence(1.0) + sig.cadence([(450.0, 5000)], (1.0, 4.0), 5.0)
                    + sig.scaled_to(list(sig.speech("cmn", 50)[:16000]), -15.0)
                    + sig.silence(1.0) + sig.cadence([(450.0, 5000)], (0.35, 0.35), 3.0))
    path = tmp_path / "line.wav"
    write_wav(path, cid + later)
    assert main([str(path), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [e["what"] for e in found] == ["caller_id", "ringback", "voice", "busy",
                                          "busy_disconnect"]
    assert found[0]["number"] == "13812345678" and found[0]["name"] == "北京分公司"
    assert main([str(path)]) == 0
    assert "caller_id" in capsys.readouterr().out


def test_files_it_cannot_read_are_named_not_a_traceback(tmp_path, capsys):
    stereo = tmp_path / "stereo.wav"
    write_wav(stereo, bytes(3200), rate=44100, channels=2)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav at all")
    assert main([str(stereo)]) == 2
    assert "44100 Hz, 2 channel(s), 16-bit; the line is 8000 Hz" in capsys.readouterr().err
    assert main([str(junk)]) == 2
    assert "not a readable WAV file" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.wav")]) == 2
    silent = tmp_path / "silent.wav"
    write_wav(silent, bytes(16000))
    assert main([str(silent)]) == 0
    assert capsys.readouterr().out.strip() == "nothing found"
