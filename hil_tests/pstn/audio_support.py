"""The far party's ears and mouth on a call, built on dsp.py.

dsp.py (tone/DTMF synthesis, `AudioSource`, `Analyzer`) is imported lazily:
while it is missing or broken the emulator still runs, calls carry silence,
and asking a far party to send audio answers 503 naming the problem.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

FRAME_BYTES = 320
SILENCE = bytes(FRAME_BYTES)
DTMF_DIGITS = set("0123456789*#ABCD")
DTMF_ON_MS = 80
DTMF_OFF_MS = 80


class DspUnavailable(RuntimeError):
    """dsp.py could not be imported; the message says why."""


_dsp: ModuleType | None = None
_dsp_error: str | None = None


def dsp() -> ModuleType:
    """The dsp module, imported on first use; DspUnavailable if it cannot be."""
    global _dsp, _dsp_error
    if _dsp is None:
        try:
            _dsp = importlib.import_module("hil_tests.pstn.dsp")
            _dsp_error = None
        except Exception as e:
            _dsp_error = f"audio DSP (hil_tests/pstn/dsp.py) is not available: {e!r}"
            raise DspUnavailable(_dsp_error) from e
    return _dsp


def check_send(body: Any, field: str = "body") -> dict:
    """Validate a send request: {"tone_hz", "ms"} or {"dtmf"}; ValueError names the field."""
    if not isinstance(body, dict):
        raise ValueError(f"{field}: must be an object with tone_hz+ms or dtmf")
    if "dtmf" in body:
        digits = body["dtmf"]
        if not isinstance(digits, str) or not digits or len(digits) > 64:
            raise ValueError(f"{field}.dtmf: must be 1..64 DTMF digits")
        bad = set(digits.upper()) - DTMF_DIGITS
        if bad:
            raise ValueError(f"{field}.dtmf: {''.join(sorted(bad))!r} are not DTMF digits")
        return body
    hz, ms = body.get("tone_hz"), body.get("ms")
    if isinstance(hz, bool) or not isinstance(hz, int | float) or not 50 <= hz <= 3900:
        raise ValueError(f"{field}.tone_hz: must be a frequency 50..3900 Hz (or give dtmf)")
    if isinstance(ms, bool) or not isinstance(ms, int | float) or not 20 <= ms <= 60000:
        raise ValueError(f"{field}.ms: must be a duration 20..60000 ms")
    return body


def pcm_for(body: dict) -> bytes:
    """The PCM a send request asks for (body already checked)."""
    d = dsp()
    if "dtmf" in body:
        return d.dtmf_tones(body["dtmf"].upper(), on_ms=DTMF_ON_MS, off_ms=DTMF_OFF_MS)
    return d.tone(float(body["tone_hz"]), int(body["ms"]))


class CallAudio:
    """One far party: an AudioSource (what it says) and an Ear (what it hears:
    ears.py, tones, DTMF, speech and the recording)."""

    def __init__(self, label: str, on_heard: Callable[[str, dict], None] | None = None):
        self.label = label
        self._source: Any = None
        self._analyzer: Any = None
        try:
            d = dsp()
            self._source = d.AudioSource()
            self._analyzer = importlib.import_module("hil_tests.pstn.ears").Ear(
                label, on_heard=on_heard)
        except DspUnavailable:
            pass

    def next_frame(self, t: float) -> bytes:
        return self._source.next_frame(t) if self._source is not None else SILENCE

    def feed(self, frame: bytes, t: float) -> None:
        if self._analyzer is not None:
            self._analyzer.feed(frame, t)

    def send(self, body: dict) -> float:
        if self._source is None:
            raise DspUnavailable(_dsp_error or "audio DSP is not available")
        return float(self._source.queue(pcm_for(body)))

    def heard(self) -> dict:
        if self._analyzer is None:
            return {"tones": [], "dtmf": [], "speech": [], "recording": None,
                    "audio": _dsp_error or "unavailable"}
        return self._analyzer.heard()

    def recording(self) -> Any:
        """The far party's recording.Recording; DspUnavailable without audio DSP."""
        if self._analyzer is None:
            raise DspUnavailable(_dsp_error or "audio DSP is not available")
        return self._analyzer.recording
