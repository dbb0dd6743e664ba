"""One party's ears: what a caller, a called subscriber or a desk phone heard.

An `Ear` takes the frames the party hears and gives them to three listeners:
dsp.Analyzer (tones and DTMF), speech.SpeechDetector (voice-like stretches;
a frame the Analyzer heard DTMF in counts as a tone) and recording.Recording
(the audio itself, the last MAX_S seconds). `heard()` is the Analyzer's answer
plus "speech" and "recording" (the recording's time base and length), so
`t` in every entry and second s of the WAV are on one clock.

The cost per frame is the Analyzer's, plus a few dot products for speech and a
bytes append for the recording; nothing is computed again when asked.
"""

from __future__ import annotations

import logging
import sys
import threading
from array import array
from collections.abc import Callable

from hil_tests.pstn.dsp import GAP_S, Analyzer
from hil_tests.pstn.recording import MAX_S, Recording
from hil_tests.pstn.speech import SpeechDetector

log = logging.getLogger(__name__)
HARMONIC_MAX_S = 0.2  # a voice holds a harmonic still for less (real tones: 0.1 s or more)


def _samples(frame: bytes) -> array:
    samples = array("h", frame)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


class Ear:
    """Analyzer + speech + recording for one party. Thread-safe like the Analyzer."""

    def __init__(self, label: str = "", on_heard: Callable[[str, dict], None] | None = None,
                 record_s: float = MAX_S):
        self.label = label
        self.analyzer = Analyzer(label, on_heard=on_heard)
        self.speech = SpeechDetector(on_speech=self._speech_heard)
        self.recording = Recording(record_s)
        self._on_heard = on_heard
        self._lock = threading.Lock()
        self._last_t: float | None = None

    @property
    def frames(self) -> int:
        return self.analyzer.frames

    def feed(self, frame: bytes, t: float) -> None:
        """One 320-byte frame heard at monotonic time `t`."""
        self.analyzer.feed(frame, t)  # checks the frame's length
        dtmf = self.analyzer.dtmf_in_frame
        with self._lock:
            if self._last_t is not None and t - self._last_t > GAP_S:
                self.speech.gap()
            self._last_t = t
            self.speech.feed(_samples(frame), t, tone=dtmf)
            self.recording.add(frame, t)

    def heard(self) -> dict:
        """{"tones", "dtmf", "speech": [{"t_start", "t_end"}], "recording": {...}}."""
        result = self.analyzer.heard()
        with self._lock:
            result["speech"] = self.speech.stretches()
            result["tones"] = [t for t in result["tones"] if not self._harmonic(t)]
        result["recording"] = self.recording.info()
        return result

    def _harmonic(self, tone: dict) -> bool:
        """A short "tone" heard in frames the speech detector judged voice is one of the
        voice's harmonics holding still for a moment, not a tone (lock held)."""
        return tone["t_end"] - tone["t_start"] < HARMONIC_MAX_S \
            and self.speech.voiced(tone["t_start"], tone["t_end"]) is True

    def watch(self, hz: float) -> None:
        self.analyzer.watch(hz)

    def reset(self) -> None:
        """Forget tones, digits and speech heard so far (the recording stays)."""
        self.analyzer.reset()
        with self._lock:
            self.speech.reset()

    def new_recording(self) -> None:
        """A new call on the same ears: the recording starts over."""
        with self._lock:
            self.speech.gap()
            self._last_t = None
        self.recording.restart()

    def _speech_heard(self, entry: dict) -> None:
        if self._on_heard is not None:
            try:
                self._on_heard("speech", entry)
            except Exception:  # the listener's problem must not stop the ears
                log.exception("%s: on_heard failed", self.label)
