"""Dialling out on an analog line, and deciding when the far end answered.

Pure code (no I/O, no clock of its own). The FXO driver (fxo.py) seizes the line,
makes a `Dialler(profile, digits, t_seized)` and, every 20 ms, feeds it the
received frame (`frame(pcm, t)`), asks it for the frame to send (`tx_frame(t)`:
DTMF while dialling, else silence) and calls `poll(t)`; a polarity reversal of
the line goes to `polarity(t)`. Each returns `DialStep`s:

1. "dial_tone": the exchange's dial tone (firmware/lines/progress.py), or the
   special dial tone a forwarded line gives (cn 0.4 s / 0.04 s, us stutter
   0.1 / 0.1). None within the profile's `dial_tone_wait_s` (3 s): "ended",
   cause "failed". Busy or congestion instead of dial tone: "failed" too.
2. The digits go out as in-band DTMF (tonegen.py: 100 ms on / 100 ms off),
   then "dialled".
3. What the line plays back (progress.py): ringback -> "alerting"; busy ->
   "ended" busy; congestion or dial tone again (the digits were lost) ->
   failed; the vacant-number tone -> unreachable.
4. An analog line gives no answer signal, so "answered" is decided the way
   real boxes do (chan_dahdi's `answeronpolarityswitch`, call progress
   detection), in this order:
   - a polarity reversal after dialling: the exchange's answer supervision,
     where the line gives it (exact, at once);
   - after ringback was heard: voice (sound that is no tone, 0.2 s of the last
     0.5 s), or ringback not coming back when due (silence for its off time
     plus margin, 4.8 s cn/us: the far end picked up and says nothing);
   - no ringback and no tone at all within `assume_answer_s` (15 s) of dialling:
     assume it answered (a line whose tones the box does not know; Asterisk
     without progress detection answers at once).
   Limits: a recorded announcement ("the number you dialled is switched off")
   or an answering machine reads as an answer (voice); a far end that picks up
   silently is known only up to 4.8 s late; SIT tones read as voice.
   Ringback for `no_answer_s` (60 s) after dialling: "ended", no_answer.

With `service=True` the digits are a telco service code (*57*N#) and step 3
listens for the exchange's confirmation tone instead (three short bursts of the
dial tone's frequencies, then quiet): "confirmed", or "ended" with the cause
(busy, failed for congestion or nothing within `confirm_wait_s`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from firmware.lines.analog_profiles import AnalogProfile, ToneSpec, matches
from firmware.lines.dsp import FRAME_BYTES
from firmware.lines.progress import PROGRESS_SHARE, CallProgress, frequencies_ok
from firmware.lines.tone_cadence import Segment, ToneBank, cadence_match
from firmware.lines.tonegen import dtmf_pcm, frames_of

SILENCE = bytes(FRAME_BYTES)
SPECIAL_ONS = 3  # on times of the special dial tone that make it sure
CONFIRM_ONS = 3
CONFIRM_QUIET_S = 0.5  # after the confirmation bursts: nothing more (cn vacant goes on)
TONE_CAUSES = {"busy": "busy", "congestion": "failed", "vacant": "unreachable",
               "dial_tone": "failed"}


@dataclass(frozen=True)
class DialStep:
    """kind: dial_tone | dialled | alerting | answered | confirmed | ended.
    `cause` for "ended" (firmware/lines/model.CAUSES); `how` says what decided it."""

    kind: str
    t: float
    cause: str | None = None
    how: str = ""


def dialable(number: str, profile: AnalogProfile) -> str:
    """The digits to dial for `number` on a line of `profile`: "+86 10 6234 5678" on a
    cn line is 01062345678, +8613812345678 is 13812345678, another country's number
    goes after the international prefix. ValueError names what cannot be dialled."""
    text = "".join(ch for ch in str(number) if ch not in " -().")
    if text.startswith("+"):
        digits = text[1:]
        if not digits.isdigit():
            raise ValueError(f"{number!r} is not a phone number")
        cc = profile.country_code
        if not digits.startswith(cc):
            return profile.intl_prefix + digits
        rest = digits[len(cc):]
        mobile = profile.name == "cn" and rest[:1] == "1" and len(rest) == 11
        return rest if mobile else profile.trunk_prefix + rest
    if not text or any(ch not in "0123456789*#" for ch in text):
        raise ValueError(f"{number!r} cannot be dialled on an analog line (digits, * and # "
                         "only)")
    return text


class CadenceWatch:
    """One tone's on/off segments (a ToneBank gate) matched against a cadence."""

    def __init__(self, tone: ToneSpec):
        self.tone = tone
        self._bank = ToneBank([tone.freqs], PROGRESS_SHARE)
        self.segments: deque[Segment] = deque(maxlen=12)

    def feed(self, frame: bytes, t: float) -> None:
        for _, segment in self._bank.feed(frame, t):
            self.segments.append(segment)

    def found(self, ons: int) -> Segment | None:
        """The first of the last `ons` on times if they and the offs between fit the cadence."""
        segments = list(self.segments)[-(2 * ons - 1):]
        if segments and not segments[0].on:
            segments = list(self.segments)[-2 * ons:-1]
        if len(segments) < 2 * ons - 1 or not cadence_match(segments, self.tone.cadence):
            return None
        if not all(frequencies_ok(s, self.tone) for s in segments if s.on):
            return None
        return segments[0]

    @property
    def on(self) -> bool:
        return self._bank.gates[0].on

    @property
    def since(self) -> float | None:
        return self._bank.gates[0].since


class Dialler:
    """One seizure of an analog line: dial tone, the digits, and what came of them."""

    def __init__(self, profile: AnalogProfile, digits: str, t_seized: float, *,
                 service: bool = False):
        self.profile, self.digits, self.service = profile, digits, service
        self.stage = "dial_tone"
        self.t_seized = t_seized
        self.t_dialled: float | None = None
        self.ringback = False  # ringback was heard after dialling
        self.done = False
        self._progress = CallProgress(profile)
        self._special = CadenceWatch(profile.special_dial) if profile.special_dial else None
        self._confirm = CadenceWatch(profile.confirm) if service and profile.confirm else None
        self._tx: deque[bytes] = deque()
        self._heard_tone = False
        self._pending: list[DialStep] = []

    # --- what the driver feeds -------------------------------------------------

    def frame(self, rx: bytes, t: float) -> list[DialStep]:
        if self.done:
            return []
        steps: list[DialStep] = []
        if self.stage == "dial_tone" and self._special is not None:
            self._special.feed(rx, t)
            first = self._special.found(SPECIAL_ONS)
            if first is not None:
                steps += self._got_dial_tone(first.t_start, t, "special dial tone")
        if self._confirm is not None and self.stage in ("dialling", "progress"):
            # the exchange may confirm while the last digit's tone is still going out
            self._confirm.feed(rx, t)
        for event in self._progress.feed(rx, t):
            steps += self._on_progress(event.kind, event.t, event.t_detected)
        return steps + self.poll(t)

    def tx_frame(self, t: float) -> bytes:
        """The frame to send now: the next piece of the digits' DTMF, else silence."""
        if not self._tx:
            return SILENCE
        frame = self._tx.popleft()
        if not self._tx and self.stage == "dialling":
            self.stage = "progress"
            self.t_dialled = t + 0.02  # when this last frame has been played
            self._progress.dialled(self.t_dialled)
            self._pending.append(DialStep("dialled", self.t_dialled))
        return frame

    def polarity(self, t: float) -> list[DialStep]:
        """The line's polarity reversed: after dialling, the far end answered."""
        if self.done or self.stage != "progress" or self.service:
            return []
        return self._answer(t, "polarity reversal")

    def poll(self, t: float) -> list[DialStep]:
        if self.done:
            return []
        if self.stage == "dial_tone" and t - self.t_seized >= self.profile.dial_tone_wait_s:
            return self._end(t, "failed", "no dial tone")
        steps, self._pending = self._pending, []
        if self.stage != "progress" or self.t_dialled is None:
            return steps
        after = t - self.t_dialled
        if self.service:
            return steps + self._poll_service(t, after)
        if self.ringback and after >= self.profile.no_answer_s:
            return steps + self._end(t, "no_answer",
                                     f"ringback for {self.profile.no_answer_s:g} s")
        if not self.ringback and not self._heard_tone and after >= self.profile.assume_answer_s:
            return steps + self._answer(
                t, f"nothing recognisable for {self.profile.assume_answer_s:g} s")
        return steps

    # --- decisions ------------------------------------------------------------------

    def _got_dial_tone(self, start: float, now: float, how: str) -> list[DialStep]:
        if self.stage != "dial_tone":
            return []
        self.stage = "dialling"
        self._tx.extend(frames_of(dtmf_pcm(self.digits)))
        return [DialStep("dial_tone", start, how=how)]

    def _on_progress(self, kind: str, start: float, now: float) -> list[DialStep]:
        if self.stage == "dial_tone":
            if kind == "dial_tone":
                return self._got_dial_tone(start, now, "dial tone")
            if kind in ("busy", "congestion"):
                return self._end(now, "failed", f"{kind} tone instead of dial tone")
            return []
        if self.stage != "progress":
            return []
        if kind in TONE_CAUSES:
            how = "dial tone again" if kind == "dial_tone" else f"{kind} tone"
            return self._end(now, TONE_CAUSES[kind], how)
        if self.service:
            return []
        if kind == "ringback":
            self._heard_tone = True
            if not self.ringback:
                self.ringback = True
                return [DialStep("alerting", start, how="ringback")]
        elif kind in ("voice", "silence") and self.ringback:
            return self._answer(start, "voice after ringback" if kind == "voice"
                                else "ringback stopped")
        elif kind == "voice":
            return self._answer(start, "voice")
        return []

    def _poll_service(self, t: float, after: float) -> list[DialStep]:
        watch = self._confirm
        if watch is not None and not watch.on and watch.since is not None \
                and t - watch.since >= CONFIRM_QUIET_S:
            first = watch.found(CONFIRM_ONS)
            if first is not None and all(matches(s.duration, watch.tone.cadence[0])
                                         for s in list(watch.segments)[-2 * CONFIRM_ONS:]
                                         if s.on):
                self.done = True
                return [DialStep("confirmed", first.t_start, how="confirmation tone")]
        if after >= self.profile.confirm_wait_s:
            return self._end(t, "failed", "no confirmation tone")
        return []

    def _answer(self, t: float, how: str) -> list[DialStep]:
        self.done = True
        return [DialStep("answered", t, how=how)]

    def _end(self, t: float, cause: str, how: str) -> list[DialStep]:
        self.done = True
        return [DialStep("ended", t, cause=cause, how=how)]
