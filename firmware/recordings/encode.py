"""Compressing a finished recording with a real encoder, at low priority, off the call.

After the call ended, the WAV is encoded by a Debian tool in a separate process under
`nice -n 19` (the Pi's two or four cores go to the calls first):

- mp3: `sox in.wav -C 16 out.mp3` (LAME through libsox-fmt-mp3: 16 kbit/s mono,
  about 120 kB a minute, 1/8 of the WAV);
- opus: `opusenc --bitrate 12 in.wav out.opus` (opus-tools: 12 kbit/s, Ogg Opus).

One encode runs at a time (`ENCODES`); the call core never awaits it on a call's
path. A failed or missing encoder leaves the WAV as the recording (the log says why).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

log = logging.getLogger("switchboard.recordings")

MP3_KBPS = 16
OPUS_KBPS = 12
ENCODE_TIMEOUT_S = 600
_semaphore: asyncio.Semaphore | None = None


def encoder_tool(fmt: str, wav: Path, out: Path) -> list[str]:
    """The encoder's command that turns `wav` into `out` in format `fmt` (mp3, opus)."""
    if fmt == "mp3":
        return ["sox", "-q", "-t", "wav", str(wav), "-t", "mp3", "-C", str(MP3_KBPS),
                str(out)]
    if fmt == "opus":
        return ["opusenc", "--quiet", "--bitrate", str(OPUS_KBPS), str(wav), str(out)]
    raise ValueError(f"no encoder for {fmt!r}")


def niced(command: list[str]) -> list[str]:
    """`command` at the lowest CPU priority."""
    nice = shutil.which("nice")
    return [nice, "-n", "19", *command] if nice else command


def _limit() -> asyncio.Semaphore:
    global _semaphore
    if _semaphore is None or _semaphore._get_loop() is not asyncio.get_running_loop():
        _semaphore = asyncio.Semaphore(1)
    return _semaphore


async def encode(wav: Path, fmt: str) -> Path | None:
    """`wav` as `fmt` beside it (the WAV is left for the caller to delete); None when
    the encoder failed or is missing."""
    out = wav.with_suffix(f".{fmt}")
    part = out.with_name(out.name + ".part")
    tool = encoder_tool(fmt, wav, part)
    if shutil.which(tool[0]) is None:
        log.warning("recording %s: no %s encoder (%s) installed; kept as WAV", wav.name, fmt,
                    tool[0])
        return None
    async with _limit():
        ok = await _run(niced(tool), wav.name)
    if not ok or not part.exists() or part.stat().st_size == 0:
        part.unlink(missing_ok=True)
        return None
    part.replace(out)
    return out


async def _run(command: list[str], name: str) -> bool:
    try:
        proc = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
    except OSError as exc:
        log.warning("recording %s: the encoder did not start: %s", name, exc)
        return False
    try:
        _, err = await asyncio.wait_for(proc.communicate(), ENCODE_TIMEOUT_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        log.warning("recording %s: the encoder took over %d s; kept as WAV", name,
                    ENCODE_TIMEOUT_S)
        return False
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        log.warning("recording %s: the encoder failed (%s): %s", name, proc.returncode,
                    err.decode(errors="replace").strip()[:300])
        return False
    return True
