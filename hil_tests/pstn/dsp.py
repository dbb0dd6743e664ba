"""Sound for the emulator's phones and far parties: tones, DTMF, and what was heard.

Everything is 8 kHz signed 16-bit little-endian mono, in 20 ms frames of 160
samples (320 bytes), the format of every line in the box.

- `tone`, `dtmf_tones`, `silence` make PCM; `AudioSource` plays queued PCM out
  one frame at a time (silence when empty) and says when queued audio will
  start, so a test knows the send time of what it asked for.
- `Analyzer` listens to a stream of frames and reports tones (start/end) and
  DTMF digits with monotonic timestamps. Each frame is matched against a bank of
  frequencies with single-bin DFTs (the Goertzel quantity |X(f)|^2, computed as
  a dot product with precomputed cos/sin tables, which is what runs fastest in
  plain Python). A tone is kept when, over its last second at most, its
  frequency carries at least a fifth of the energy and no neighbour inside the
  window's resolution carries more (so 440 Hz and 450 Hz are told apart once the
  tone lasts ~0.1 s). A single tone of any other frequency from 300 to 3,400 Hz
  is found by tonefinder.ToneFinder and watched from its first frame on. A digit
  needs one clear low and one clear high DTMF tone, twist within 8 dB, and
  ~40 ms on: the on-time is measured to the sample from the pair's share of
  each frame's energy, so a short blip is refused whatever its alignment with
  the frames.
- `CallerIdReceiver` is an on-hook phone's caller ID chip: a Bell-202 FSK
  demodulator (1200 Hz mark, 2200 Hz space, 1200 bit/s) that reads bytes like
  a UART once the mark signal has settled, and `parse_caller_id` decodes the
  SDMF or MDMF message (date, number or the reason it is absent, name,
  checksum). It is written from the standard, independently of the firmware's
  modulator (firmware/lines/callerid.py), so each checks the other.
"""

from __future__ import annotations

import cmath
import logging
import math
import operator
import sys
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from hil_tests.pstn.tonefinder import ToneFinder

log = logging.getLogger(__name__)

RATE = 8000
FRAME_SAMPLES = 160
FRAME_BYTES = 320
FRAME_S = FRAME_SAMPLES / RATE
GAP_S = 2.5 * FRAME_S  # frames further apart than this have silence between them

SCAN_HZ = (350, 400, 440, 450, 480, 620, 950, 1000, 1400, 1800, 2000)
MAX_FOUND = 24  # frequencies the ToneFinder may add to one Analyzer's bank
DTMF_LOW = (697, 770, 852, 941)
DTMF_HIGH = (1209, 1336, 1477, 1633)
DTMF_KEYS = ("123A", "456B", "789C", "*0#D")
DTMF_PAIRS = {key: (low, high) for low, row in zip(DTMF_LOW, DTMF_KEYS, strict=True)
              for high, key in zip(DTMF_HIGH, row, strict=True)}

SILENCE_ENERGY = FRAME_SAMPLES * 30.0**2  # below ~-60 dBFS a frame is not analysed
TONE_FRAME_SHARE = 0.2  # a frame "has" f when f carries 20 % of its energy
TONE_RUN_SHARE = 0.2  # ... and a tone is kept when f holds 20 % over the run
DTMF_PAIR_SHARE = 0.15  # the two DTMF tones must be a real part of the frame
DTMF_DOMINANCE = 0.5  # the runner-up in a group must be 3 dB below the best
DTMF_TWIST = 10 ** (8 / 10)  # 8 dB either way


def _pcm(samples: array) -> bytes:
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def _samples(pcm: bytes) -> array:
    samples = array("h", pcm)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _sines(parts: list[tuple[float, float]], ms: float, rate: int) -> bytes:
    """Sum of sines (hz, amplitude) for `ms` milliseconds, clipped to 16 bits."""
    n = round(ms * rate / 1000)
    steps = [(2 * math.pi * hz / rate, amp) for hz, amp in parts]
    out = array("h", (max(-32768, min(32767, round(sum(a * math.sin(w * i) for w, a in steps))))
                      for i in range(n)))
    return _pcm(out)


def tone(hz: float, ms: float, amplitude: int = 8000, rate: int = RATE) -> bytes:
    """A sine of `hz` for `ms` milliseconds as s16le PCM."""
    if not 0 < hz < rate / 2:
        raise ValueError(f"tone frequency must be between 0 and {rate // 2} Hz, not {hz}")
    if ms < 0 or not 0 <= amplitude <= 32767:
        raise ValueError(f"tone needs ms >= 0 and amplitude 0..32767 (got {ms}, {amplitude})")
    return _sines([(hz, amplitude)], ms, rate)


def silence(ms: float, rate: int = RATE) -> bytes:
    if ms < 0:
        raise ValueError(f"silence needs ms >= 0, not {ms}")
    return bytes(2 * round(ms * rate / 1000))


def dtmf_pair(digit: str) -> tuple[int, int]:
    """The (low, high) frequencies of a DTMF key; ValueError for anything else."""
    key = digit.upper()
    if key not in DTMF_PAIRS:
        raise ValueError(f"{digit!r} is not a DTMF digit (0-9, *, #, A-D)")
    return DTMF_PAIRS[key]


def dtmf_tones(digits: str, on_ms: float = 80, off_ms: float = 80,
               amplitude: int = 6000) -> bytes:
    """Each digit as its two tones for `on_ms` (each tone at `amplitude`), then `off_ms` quiet."""
    if not digits:
        raise ValueError("no digits to dial")
    if on_ms <= 0 or off_ms < 0:
        raise ValueError(f"DTMF needs on_ms > 0 and off_ms >= 0 (got {on_ms}, {off_ms})")
    pairs = [dtmf_pair(d) for d in digits]
    return b"".join(_sines([(low, amplitude), (high, amplitude)], on_ms, RATE) + silence(off_ms)
                    for low, high in pairs)


class AudioSource:
    """PCM queued by tests, handed out one 20 ms frame at a time (silence when empty).

    The player calls `next_frame(t)` on its 20 ms schedule; `queue()` uses the time
    of the last frame taken to say when queued audio will start playing.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._buf = bytearray()
        self._lock = threading.Lock()
        self._last_t: float | None = None

    def queue(self, pcm: bytes) -> float:
        """Append PCM after what is already queued; the monotonic time it starts playing."""
        if len(pcm) % 2:
            raise ValueError("PCM must be whole 16-bit samples (an even number of bytes)")
        with self._lock:
            now = self._clock()
            playing = self._last_t is not None and now - self._last_t < 2 * FRAME_S
            next_frame = max(now, self._last_t + FRAME_S) if playing else now
            start = next_frame + len(self._buf) / 2 / RATE
            self._buf += pcm
            return start

    def next_frame(self, t: float | None = None) -> bytes:
        """The next 320 bytes to play (padded with silence), taken at time `t`."""
        with self._lock:
            self._last_t = self._clock() if t is None else t
            frame = bytes(self._buf[:FRAME_BYTES])
            del self._buf[:FRAME_BYTES]
        return frame + bytes(FRAME_BYTES - len(frame))

    def clear(self) -> None:
        with self._lock:
            self._buf.clear()

    @property
    def pending_s(self) -> float:
        with self._lock:
            return len(self._buf) / 2 / RATE


@dataclass
class _ToneRun:
    hz: float
    t_start: float
    first: int  # index of its first frame
    end: int  # index after its last frame
    t_last: float

    @property
    def frames(self) -> int:
        return self.end - self.first


@dataclass
class _Press:
    digit: str
    t: float
    samples: float


class Analyzer:
    """What a listener heard in a stream of frames: tones and DTMF digits, timestamped.

    `feed(frame, t)` with `t` the monotonic time the frame was played or received;
    `heard()` -> {"tones": [{"hz", "t_start", "t_end"}], "dtmf": [{"digit", "t"}]}.
    `on_heard(kind, entry)` (optional) is called for each tone or digit as it is
    recognised. Thread-safe: frames may come from one thread and questions from another.
    """

    def __init__(self, label: str = "", on_heard: Callable[[str, dict], None] | None = None,
                 min_dtmf_ms: float = 40.0, history: int = 1000):
        self.label = label
        self._on_heard = on_heard
        self._min_press_s = 0.8 * min_dtmf_ms / 1000  # on-time measured to ~5 ms
        self._lock = threading.RLock()
        self._tables: dict[float, tuple[list[float], list[float]]] = {}
        for hz in (*SCAN_HZ, *DTMF_LOW, *DTMF_HIGH):
            self._add_table(hz)
        self._watched: list[float] = list(SCAN_HZ)  # tone candidates (DTMF tones are not)
        self._recent: deque[tuple[int, dict[float, complex] | None, float, array, float]] = \
            deque(maxlen=50)
        self._finder = ToneFinder()
        self._found: list[float] = []  # frequencies the finder added, oldest first
        self._index = 0
        self._open: dict[float, _ToneRun] = {}
        self._press: _Press | None = None
        self._noise = 0.0
        self._tones: deque[dict] = deque(maxlen=history)
        self._digits: deque[dict] = deque(maxlen=history)
        self._last_t: float | None = None
        self.frames = 0
        self.dtmf_in_frame = False  # the last frame fed held a DTMF pair

    def watch(self, hz: float) -> None:
        """Also look for a tone at `hz` from now on."""
        if not 0 < hz < RATE / 2:
            raise ValueError(f"cannot watch {hz} Hz: must be between 0 and {RATE // 2}")
        with self._lock:
            if hz not in self._tables:
                self._add_table(hz)
            if hz not in self._watched:
                self._watched.append(hz)

    def feed(self, frame: bytes, t: float) -> None:
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"{self.label}: a frame is {FRAME_BYTES} bytes, not {len(frame)}")
        samples = _samples(frame)
        energy = float(sum(map(operator.mul, samples, samples)))
        with self._lock:
            if self._last_t is not None and t - self._last_t > GAP_S:
                self._gap()  # nothing arrived for a while: the listener heard silence
            self._last_t = t
            spectrum = None if energy < SILENCE_ENERGY else self._spectrum(samples)
            self._recent.append((self._index, spectrum, energy, samples, t))
            toned = self._track_tones(spectrum, energy, t)
            pressed = self.dtmf_in_frame = self._track_dtmf(spectrum, energy, t)
            if spectrum is not None and not pressed:
                self._find_tone(samples, t)
            if not toned and not pressed:
                self._noise = 0.9 * self._noise + 0.1 * energy
            self._index += 1
            self.frames += 1

    def _gap(self) -> None:
        """A sender that sends nothing plays silence: what was sounding ended."""
        for hz in list(self._open):
            self._close_tone(self._open.pop(hz))
        if self._press is not None:
            self._end_press(self._press)
            self._press = None

    def heard(self) -> dict:
        with self._lock:
            ongoing = [self._tone_entry(run, run.t_last + FRAME_S)
                       for run in self._open.values() if run.frames >= 2 and self._is_tone(run)]
            tones = sorted([*self._tones, *ongoing], key=lambda e: (e["t_start"], e["hz"]))
            digits = list(self._digits)
            press = self._press
            if press is not None and press.samples / RATE >= self._min_press_s:
                digits.append({"digit": press.digit, "t": press.t})
            return {"tones": tones, "dtmf": digits}

    def reset(self) -> None:
        """Forget everything heard so far (the frequency watch list stays)."""
        with self._lock:
            self._tones.clear()
            self._digits.clear()
            self._open.clear()
            self._press = None

    # --- spectrum ------------------------------------------------------------

    def _add_table(self, hz: float) -> None:
        w = 2 * math.pi * hz / RATE
        cos, sin = ([math.cos(w * i) for i in range(FRAME_SAMPLES)],
                    [math.sin(w * i) for i in range(FRAME_SAMPLES)])
        self._tables[hz] = (cos, sin)
        for _, spec, _, samples, _ in getattr(self, "_recent", ()):  # runs are judged on it
            if spec is not None and hz not in spec:
                spec[hz] = complex(sum(map(operator.mul, samples, cos)),
                                   -sum(map(operator.mul, samples, sin)))

    def _find_tone(self, samples: array, t: float) -> None:
        """A tone outside the bank: watch it from its first frame (ToneFinder)."""
        found = self._finder.offer(self._index, t, samples, list(self._tables))
        if found is None:
            return
        hz, first, t_start = found
        if len(self._found) >= MAX_FOUND:
            old = next((f for f in self._found if f not in self._open), None)
            if old is None:
                return
            self._found.remove(old)
            self._watched.remove(old)
            del self._tables[old]
        self._found.append(hz)
        self._add_table(hz)
        self._watched.append(hz)
        run = _ToneRun(hz, t_start, first, self._index + 1, t)
        self._open[hz] = run

    def _spectrum(self, samples: array) -> dict[float, complex]:
        return {hz: complex(sum(map(operator.mul, samples, cos)),
                            -sum(map(operator.mul, samples, sin)))
                for hz, (cos, sin) in self._tables.items()}

    # --- tones ---------------------------------------------------------------

    def _track_tones(self, spectrum: dict | None, energy: float, t: float) -> bool:
        present = set()
        if spectrum is not None:
            scale = energy * FRAME_SAMPLES / 2
            present = {hz for hz in self._watched
                       if abs(spectrum[hz]) ** 2 >= TONE_FRAME_SHARE * scale}
        for hz in [hz for hz in self._open if hz not in present]:
            self._close_tone(self._open.pop(hz))
        for hz in present:
            run = self._open.setdefault(hz, _ToneRun(hz, t, self._index, self._index, t))
            run.end, run.t_last = self._index + 1, t
        return bool(present)

    def _close_tone(self, run: _ToneRun) -> None:
        if run.frames >= 2 and self._is_tone(run):
            entry = self._tone_entry(run, run.t_last + FRAME_S)
            self._tones.append(entry)
            self._tell("tone", entry)

    def _tone_entry(self, run: _ToneRun, t_end: float) -> dict:
        hz = int(run.hz) if float(run.hz).is_integer() else run.hz
        return {"hz": hz, "t_start": run.t_start, "t_end": t_end}

    def _is_tone(self, run: _ToneRun) -> bool:
        """f holds a fifth of the run's energy, and no neighbour within resolution holds more."""
        frames = [(i, spec, e) for i, spec, e, _, _ in self._recent
                  if run.first <= i < run.end and spec is not None]
        if len(frames) < 2:
            return False
        share = self._run_share(frames, run.hz)
        if share < TONE_RUN_SHARE:
            return False
        lobe = 1.5 / (len(frames) * FRAME_S)
        return all(self._run_share(frames, hz) <= share for hz in self._tables
                   if hz != run.hz and abs(hz - run.hz) < lobe)

    @staticmethod
    def _run_share(frames: list, hz: float) -> float:
        """|DFT at hz|^2 over the frames joined, as a share of their energy (1 = pure tone)."""
        turn = cmath.exp(-2j * math.pi * hz * FRAME_SAMPLES / RATE)
        first = frames[0][0]
        total = sum(spec[hz] * turn ** (i - first) for i, spec, _ in frames)
        energy = sum(e for _, _, e in frames)
        return abs(total) ** 2 / (energy * FRAME_SAMPLES * len(frames) / 2)

    # --- DTMF ----------------------------------------------------------------

    def _track_dtmf(self, spectrum: dict | None, energy: float, t: float) -> bool:
        hit = self._dtmf_in_frame(spectrum, energy)
        press = self._press
        if press is not None and (hit is None or hit[0] != press.digit):
            self._end_press(press)
            press = self._press = None
        if hit is not None:
            digit, on_samples = hit
            if press is None:
                start = t + (FRAME_SAMPLES - on_samples) / RATE  # the tone began mid-frame
                self._press = _Press(digit, start, on_samples)
            else:
                press.samples += on_samples
        return hit is not None

    def _dtmf_in_frame(self, spectrum: dict | None, energy: float) -> tuple[str, float] | None:
        """(digit, samples of it in this frame), or None if the frame holds no valid pair."""
        if spectrum is None:
            return None
        low = sorted(((abs(spectrum[f]) ** 2, f) for f in DTMF_LOW), reverse=True)
        high = sorted(((abs(spectrum[f]) ** 2, f) for f in DTMF_HIGH), reverse=True)
        (p_low, f_low), (p_high, f_high) = low[0], high[0]
        if low[1][0] > DTMF_DOMINANCE * p_low or high[1][0] > DTMF_DOMINANCE * p_high:
            return None
        if not p_low / DTMF_TWIST <= p_high <= p_low * DTMF_TWIST:
            return None
        pair = p_low + p_high
        if 2 * pair < DTMF_PAIR_SHARE * FRAME_SAMPLES * energy:
            return None
        tonal = max(energy - self._noise, 0.1 * energy)  # the frame's energy above the noise
        on_samples = min(FRAME_SAMPLES, 2 * pair / tonal)
        key = next(k for k, v in DTMF_PAIRS.items() if v == (f_low, f_high))
        return key, on_samples

    def _end_press(self, press: _Press) -> None:
        if press.samples / RATE >= self._min_press_s:
            entry = {"digit": press.digit, "t": press.t}
            self._digits.append(entry)
            self._tell("dtmf", entry)

    def _tell(self, kind: str, entry: dict) -> None:
        if self._on_heard is not None:
            try:
                self._on_heard(kind, dict(entry))
            except Exception:  # the listener's problem must not stop the analysis
                log.exception("%s: on_heard failed", self.label)


# --- caller ID: Bell-202 FSK as an on-hook phone hears it ------------------------

FSK_MARK_HZ = 1200  # binary 1
FSK_SPACE_HZ = 2200  # binary 0
FSK_BIT = RATE / 1200  # samples per bit (6.67)
FSK_CARRIER = 40 * 300.0**2  # a 5 ms block above ~-40 dBFS carries a signal
FSK_ARM_BITS = 20  # steady mark this long (the seizure never is) before bytes are read
CID_PARAMS = {0x01: "date", 0x02: "number", 0x04: "number_absent", 0x07: "name",
              0x08: "name_absent"}


def parse_caller_id(message: bytes) -> dict:
    """An SDMF (0x04) or MDMF (0x80) caller ID message as a dict.

    {"format", "date" ("MMDDHHMM"), "number", "number_absent" ('P' private /
    'O' unavailable), "name", "name_absent", "checksum_ok", "raw" (hex)}; fields
    the message lacks are None. A name is read as UTF-8, else GBK, else Latin-1.
    """
    out: dict = {key: None for key in ("format", *CID_PARAMS.values())}
    out.update(raw=message.hex(), checksum_ok=len(message) >= 3 and sum(message) % 256 == 0)
    if len(message) < 3 or message[1] != len(message) - 3:
        out["error"] = "length byte does not match the message"
        return out
    body = message[2:-1]
    if message[0] == 0x04:
        out["format"] = "SDMF"
        out["date"] = body[:8].decode("ascii", "replace")
        rest = body[8:].decode("ascii", "replace")
        out["number_absent" if rest in ("P", "O") else "number"] = rest
    elif message[0] == 0x80:
        out["format"] = "MDMF"
        _parse_params(body, out)
    else:
        out["error"] = f"unknown message type 0x{message[0]:02x}"
    return out


def _parse_params(body: bytes, out: dict) -> None:
    i = 0
    while i + 2 <= len(body):
        kind, size = body[i], body[i + 1]
        value = body[i + 2:i + 2 + size]
        if len(value) < size:
            out["error"] = f"parameter 0x{kind:02x} runs past the message"
            return
        key = CID_PARAMS.get(kind)
        if key == "name":
            out[key] = _text(value)
        elif key is not None:
            out[key] = value.decode("ascii", "replace")
        i += 2 + size


def _text(value: bytes) -> str:
    for codec in ("utf-8", "gbk"):
        try:
            return value.decode(codec)
        except UnicodeDecodeError:
            pass
    return value.decode("latin-1")


class FskDemodulator:
    """Samples to mark/space decisions: which of 1200 and 2200 Hz fills the last bit.

    Each sample is mixed down with both frequencies; the two mixes are summed
    over the last 7 samples (one bit), and the stronger sum decides. A decision
    describes the signal about 3 samples before the sample that produced it.
    """

    SPAN = 7

    def __init__(self) -> None:
        self._mark = [cmath.exp(-2j * math.pi * FSK_MARK_HZ * k / RATE) for k in range(20)]
        self._space = [cmath.exp(-2j * math.pi * FSK_SPACE_HZ * k / RATE) for k in range(40)]
        self._m: deque[complex] = deque([0j] * self.SPAN, maxlen=self.SPAN)
        self._s: deque[complex] = deque([0j] * self.SPAN, maxlen=self.SPAN)
        self._n = 0

    def decide(self, samples: array) -> list[bool]:
        """True (mark, 1) or False (space, 0) for every sample."""
        out = []
        m, s, mark, space = self._m, self._s, self._mark, self._space
        n = self._n
        for x in samples:
            m.append(x * mark[n % 20])
            s.append(x * space[n % 40])
            n += 1
            out.append(abs(sum(m)) >= abs(sum(s)))
        self._n = n % 40
        return out


class CallerIdReceiver:
    """Finds and decodes Bell-202 caller ID in a stream of frames (an on-hook phone).

    `feed(frame, t)` (t: when the frame's first sample plays) returns the
    messages completed in it: parse_caller_id()'s dict plus "t_start" (the
    carrier began), "t_end" (the last stop bit) and "ok"; a broken message
    (framing error, lost carrier) comes back with ok False and "error".
    Bytes are read like a UART: after FSK_ARM_BITS of steady mark, each
    mark-to-space edge starts a byte, sampled at the middle of each bit.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._demod = FskDemodulator()
        self._carrier_t: float | None = None
        self._marks = 0  # consecutive mark decisions while hunting
        self._armed = False
        self._bits: list[bool] | None = None  # the byte being read
        self._next_at = 0.0  # samples to go until the next bit's middle
        self._bytes = bytearray()

    def feed(self, frame: bytes, t: float) -> list[dict]:
        samples = _samples(frame)
        found: list[dict] = []
        for b in range(0, len(samples), 40):
            block = samples[b:b + 40]
            bt = t + b / RATE
            if sum(map(operator.mul, block, block)) < FSK_CARRIER:
                if self._carrier_t is not None:
                    found += self._lost(bt)
                continue
            if self._carrier_t is None:
                self._carrier_t = bt
            for i, mark in enumerate(self._demod.decide(block)):
                found += self._bit(mark, bt + (i - 3) / RATE)
        return found

    def _lost(self, t: float) -> list[dict]:
        lost = bool(self._bytes) or self._bits is not None
        result = self._result(t, f"carrier lost after {len(self._bytes)} bytes") if lost else []
        self.reset()
        return result

    def _bit(self, mark: bool, t: float) -> list[dict]:
        if self._bits is None:
            return self._hunt(mark)
        self._next_at -= 1
        if self._next_at > 0:
            return []
        self._next_at += FSK_BIT
        self._bits.append(mark)
        if len(self._bits) == 1 and mark:  # no start bit after all: a glitch
            self._bits = None
        elif len(self._bits) == 10:
            return self._byte(self._bits, t)
        return []

    def _hunt(self, mark: bool) -> list[dict]:
        if mark:
            self._marks += 1
            self._armed = self._armed or self._marks >= FSK_ARM_BITS * FSK_BIT
        else:
            self._marks = 0
            if self._armed:  # a start bit begins: sample its middle (the edge shows ~1 late)
                self._bits, self._next_at = [], FSK_BIT / 2 - 1
        return []

    def _byte(self, bits: list[bool], t: float) -> list[dict]:
        self._bits = None
        if not bits[9]:
            return self._fail(t, f"framing error in byte {len(self._bytes) + 1}")
        self._bytes.append(sum(1 << i for i, bit in enumerate(bits[1:9]) if bit))
        if len(self._bytes) >= 2 and len(self._bytes) == self._bytes[1] + 3:
            result = self._result(t + FSK_BIT / 2 / RATE, None)
            self._bytes.clear()
            self._armed, self._marks = False, 0
            return result
        return []

    def _fail(self, t: float, error: str) -> list[dict]:
        result = self._result(t, error)
        self._bytes.clear()
        self._armed, self._marks = False, 0
        return result

    def _result(self, t_end: float, error: str | None) -> list[dict]:
        entry = parse_caller_id(bytes(self._bytes))
        entry.update(t_start=self._carrier_t, t_end=t_end)
        if error is not None:
            entry["error"] = error
        entry["ok"] = "error" not in entry and entry["checksum_ok"]
        return [entry]
