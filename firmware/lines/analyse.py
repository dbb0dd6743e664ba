"""What a recording of an analog line carries, as the box's detectors hear it.

    python -m firmware.lines.analyse LINE.wav [--profile cn|us] [--json]

For installers and developers: record the line (8 kHz, mono, 16-bit WAV,
e.g. from the voice modem or `arecord -r 8000 -f S16_LE -c 1`) and see what
the box would make of it: caller ID (FSK and DTMF), call-progress tones and
answer, and busy-tone disconnect. Times are seconds from the recording's
start. The recording is read as one stretch of line audio, without ring
events (the ring voltage is not in the audio), so FSK caller ID is looked
for everywhere. Exit status 2 with a message for a file it cannot read.
"""

from __future__ import annotations

import argparse
import json
import sys
import wave
from dataclasses import asdict
from pathlib import Path

from firmware.lines.analog_profiles import PROFILES, AnalogProfile, profile
from firmware.lines.cid_decode import DtmfCallerIdReceiver, FskCallerIdReceiver
from firmware.lines.disconnect import BusyDisconnect
from firmware.lines.dsp import FRAME_BYTES, RATE
from firmware.lines.progress import CallProgress


class RecordingError(ValueError):
    """A file that is not 8 kHz mono 16-bit PCM WAV; the text says what it is."""


def read_recording(path: Path) -> bytes:
    """The PCM of an 8 kHz mono 16-bit WAV file."""
    try:
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            if shape != (RATE, 1, 2):
                raise RecordingError(f"{path}: {shape[0]} Hz, {shape[1]} channel(s), "
                                     f"{8 * shape[2]}-bit; the line is 8000 Hz, 1, 16-bit")
            return reader.readframes(reader.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise RecordingError(f"{path}: not a readable WAV file ({exc})") from None


def analyse(pcm: bytes, prof: AnalogProfile) -> list[dict]:
    """Every detector over the recording; their findings in the order they became known.

    Each finding has "t" (when what it found began) and "known_at" (when the
    detector was sure), in seconds from the recording's start.
    """
    pcm = pcm + bytes(-len(pcm) % FRAME_BYTES)
    fsk, dtmf = FskCallerIdReceiver(prof.fsk_modems), DtmfCallerIdReceiver()
    progress, busy = CallProgress(prof, stage="progress"), BusyDisconnect(prof)
    found: list[dict] = []
    for i in range(0, len(pcm), FRAME_BYTES):
        frame, t = pcm[i:i + FRAME_BYTES], i / 2 / RATE
        for cid in (*fsk.feed(frame, t), *dtmf.feed(frame, t)):
            found.append({"t": round(cid.t_start, 3), "what": "caller_id",
                          "known_at": round(cid.t_end, 3), **_caller(cid)})
        for event in progress.feed(frame, t):
            found.append({"t": round(event.t, 3), "what": event.kind,
                          "known_at": round(event.t_detected, 3)})
        gone = busy.feed(frame, t)
        if gone is not None:
            found.append({"t": round(gone.t_tone, 3), "what": "busy_disconnect",
                          "known_at": round(gone.t_detected, 3)})
    last = dtmf.finish(len(pcm) / 2 / RATE)
    if last is not None:
        found.append({"t": round(last.t_start, 3), "what": "caller_id",
                      "known_at": round(last.t_end, 3), **_caller(last)})
    return sorted(found, key=lambda e: (e["known_at"], e["t"]))


def _caller(cid) -> dict:
    keep = ("number", "name", "absent", "when", "method", "format", "error")
    return {k: v for k, v in asdict(cid).items() if k in keep and v is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m firmware.lines.analyse",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path, help="8 kHz mono 16-bit WAV of the line")
    parser.add_argument("--profile", default="cn", choices=sorted(PROFILES))
    parser.add_argument("--json", action="store_true", help="one JSON list")
    args = parser.parse_args(argv)
    try:
        found = analyse(read_recording(args.recording), profile(args.profile))
    except RecordingError as exc:
        print(f"analyse: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for entry in found:
            rest = " ".join(f"{k}={v}" for k, v in entry.items() if k not in ("t", "what"))
            print(f"{entry['t']:8.3f} s  {entry['what']:<16} {rest}")
        if not found:
            print("nothing found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
