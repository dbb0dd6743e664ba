"""The telephone exchange's side of the box's analog line (the CO end of an FXO port).

One `AnalogLine` per FXO port (`fxo0`), with a number in the network and a
country profile (lineprofiles.py). It behaves as a strict central office does
(HARDWARE.md 1.4-1.5, 6), and gives the box nothing but what a copper pair
gives: ring voltage, battery and polarity, loop current, and audio.

- A call to the line's number rings the port with the profile's cadence and
  sends caller ID: DTMF (`A<number>C`) before the first ring, or Bell 202 FSK
  (SDMF/MDMF) `cid_after_ring_s` after the first ring ends. The box answers by
  going off hook (ring trip at once); the caller may give up while it rings.
- The box seizing the line gets dial tone after `dial_tone_delay_s`; digits
  are in-band DTMF, collected until the numbering plan says the number is whole
  or `interdigit_s` passes (`first_digit_s` without any: congestion). Digits
  sent before dial tone are lost, as on a real line. Then the network routes
  the call and the box hears only tones: ringback, busy, congestion, vacant.
- The far end hanging up is signalled the profile's way: busy tone, polarity
  reversal, or an open loop (no loop current for `loop_drop_s`).
- The box going on hook is taken as a hang-up only after `flash_max_s`; back
  off hook sooner is a flash (or, under `flash_min_s`, a glitch that is ignored).
- The telco's forwarding service codes (cn `*57*N#`, us `*72N` ...) set the
  line's forwarding in the network; a confirmation tone answers them.
- Faults: a cut line loses battery (calls end, cause 41; rings no longer reach
  the box); restore brings it back; noise is added both ways.

Line state lives under the network's world lock; the audio (what is playing
now) under the line's own lock, taken after the world lock, never before it.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

from hil_tests.pstn import lineprofiles as lp
from hil_tests.pstn.calls import Call
from hil_tests.pstn.calls import number_key as key
from hil_tests.pstn.dsp import FRAME_BYTES, Analyzer, AudioSource
from hil_tests.pstn.exchange_io import LineWire
from hil_tests.pstn.linesignals import (
    NoiseSource,
    TonePlayer,
    caller_id_message,
    dtmf_caller_id,
    dtmf_cid_pcm,
    fsk_caller_id,
)

SILENCE = bytes(FRAME_BYTES)
LOOP_MA = 26  # loop current of a seized line (TLS-4A: 18..30 mA)
REASONS = ("unconditional", "busy", "no_reply")
NO_DIGITS = "0123456789*#"
CAUSE_TONES = {17: "busy", 19: "busy", 21: "busy", 16: "busy", 1: "vacant", 20: "vacant",
               25: "congestion"}
NOISE_RANGE = (-80.0, -6.0)


def same_number(a: str, b: str) -> bool:
    """Numbers equal once +86 and a national trunk prefix 0 are dropped."""
    ka, kb = key(a), key(b)
    return ka == kb or ka.lstrip("0") == kb.lstrip("0") != ""


def national(number: str) -> str:
    """A caller's number as a Chinese exchange presents it: +86 dropped, a trunk 0
    before a fixed-line area code (+8613812345678 -> 13812345678, +861062345678 ->
    01062345678); other numbers as digits."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.startswith("+86"):
        rest = digits[2:]
        return rest if rest[:1] == "1" and len(rest) == 11 else "0" + rest
    return digits


class AnalogLine:
    """The exchange's end of the box's analog line `line_id` (number `number`)."""

    def __init__(self, net: Any, line_id: str, number: str, rundir: Path,
                 profile: str = "cn"):
        self.net, self.id, self.number = net, line_id, number
        self.profile = lp.profile(profile)
        self.cid = self.profile.cid_default
        self.disconnect = self.profile.disconnect_default
        self.no_reply_s = 20.0
        self.first_digit_s = self.profile.first_digit_s
        self.interdigit_s = self.profile.interdigit_s
        self.wire = LineWire(self, rundir)
        self.state, self.tone_name = "idle", None
        self.hook, self.battery, self.polarity, self.loop_ma = "on", True, "normal", 0
        self.ringing, self.rings = False, 0
        self.call: Call | None = None
        self.digits = ""
        self.dialled: deque[dict] = deque(maxlen=50)
        self.forwarding = {r: {"active": False, "number": None} for r in REASONS}
        self.flashes = 0
        self.noise_dbfs: float | None = None
        self._timers: list = []
        self._onhook_t: float | None = None
        self._audio_lock = threading.Lock()
        self._tone: TonePlayer | None = None
        self._talk: Call | None = None
        self._cid_audio = AudioSource()
        self._collect = False
        self._noise_down: NoiseSource | None = None
        self._noise_up: NoiseSource | None = None
        self._heard_digits: deque[str] = deque()
        self._ear = Analyzer(f"line-{line_id}-digits", on_heard=self._on_ear)
        self.frames_discarded = 0

    # --- lifecycle and status ---------------------------------------------------

    def start(self) -> None:
        self.wire.start()

    def stop(self) -> None:
        self.wire.stop()

    def log(self, kind: str, **fields: Any) -> None:
        self.net.log.add(kind, line=self.id, **fields)

    def status(self) -> dict:
        return {
            "id": self.id, "number": self.number, "profile": self.profile.name,
            "state": self.state if self.battery else "cut", "battery": self.battery,
            "polarity": self.polarity,
            "hook": self.hook, "loop_ma": self.loop_ma, "ringing": self.ringing,
            "rings": self.rings, "tone": self.tone_name, "cid": self.cid,
            "disconnect": self.disconnect, "no_reply_s": self.no_reply_s,
            "first_digit_s": self.first_digit_s, "interdigit_s": self.interdigit_s,
            "noise_dbfs": self.noise_dbfs, "call": self.call.id if self.call else None,
            "digits": self.digits, "dialled": list(self.dialled),
            "forwarding": {r: dict(f) for r, f in self.forwarding.items()},
            "flashes": self.flashes, "connected": self.wire.connected,
            "audio_stats": dict(self.wire.stats, discarded=self.frames_discarded),
        }

    def port_status(self) -> dict:
        """The `S` frame: the line as the port finds it on connect."""
        return {"hook": self.hook, "battery": self.battery, "polarity": self.polarity,
                "loop_ma": self.loop_ma, "ringing": self.ringing,
                "profile": self.profile.name}

    def link_changed(self, up: bool) -> None:
        self.log("line_link", connected=up)

    def bad_frame(self, kind: str, error: str) -> None:
        self.log("line_bad_frame", frame=kind, error=error)

    def error(self, where: str, exc: Exception, trace: str) -> None:
        self.log("error", where=f"line {self.id} {where}", error=repr(exc), trace=trace)

    # --- settings and faults (API, world lock held) -----------------------------

    def configure(self, body: dict) -> None:
        """POST /lines/{id}/config: checked whole (lineprofiles.line_settings), then applied."""
        current = {"profile": self.profile, "cid": self.cid, "disconnect": self.disconnect,
                   "no_reply_s": self.no_reply_s, "first_digit_s": self.first_digit_s,
                   "interdigit_s": self.interdigit_s}
        new = lp.line_settings(body, current)
        self.profile, self.cid, self.disconnect = new["profile"], new["cid"], new["disconnect"]
        self.no_reply_s = new["no_reply_s"]
        self.first_digit_s, self.interdigit_s = new["first_digit_s"], new["interdigit_s"]
        self.log("line_config", **dict(new, profile=self.profile.name))

    def fault(self, body: dict) -> None:
        kind = body.get("kind")
        if kind not in ("cut", "restore", "noise"):
            raise ValueError(f"kind: must be cut, restore or noise, not {kind!r}")
        allowed = {"kind", "level_dbfs"} if kind == "noise" else {"kind"}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not an option of the {kind} fault")
        if kind == "cut":
            self._cut()
        elif kind == "restore":
            self._restore()
        else:
            level = body.get("level_dbfs", -40)
            if isinstance(level, bool) or not isinstance(level, int | float) \
                    or not NOISE_RANGE[0] <= level <= NOISE_RANGE[1]:
                raise ValueError("level_dbfs: must be a noise level -80..-6 dBFS")
            self._set_noise(float(level))
        self.log("line_fault", fault=kind, **{k: v for k, v in body.items() if k != "kind"})

    def _cut(self) -> None:
        if not self.battery:
            return
        self._emit("battery_lost")
        self.battery, self.loop_ma = False, 0
        self.ringing = False
        call = self.call
        if self.state != "ringing":
            self._cancel_timers()
            self._set_audio(tone=None, talk=None, collect=False)
            if call is not None:
                self.call = None
                self.net.end(call, 41, "network")
            if self.hook == "off":
                self._set_state("cut")

    def _restore(self) -> None:
        self._set_noise(None)
        if self.battery:
            return
        self.battery = True
        self._emit("battery_restored")
        if self.hook == "off" and self._onhook_t is None:
            self.loop_ma = LOOP_MA
            if self.state == "ringing":
                self._answer()
            else:
                self._seize()

    def _set_noise(self, level: float | None) -> None:
        self.noise_dbfs = level
        with self._audio_lock:
            self._noise_down = NoiseSource(level, seed=1) if level is not None else None
            self._noise_up = NoiseSource(level, seed=2) if level is not None else None

    # --- the network's view (world lock held) -------------------------------------

    def busy(self) -> bool:
        return self.hook == "off" or self.call is not None or self.state != "idle"

    def forward_target(self) -> tuple[str, str] | None:
        f = self.forwarding
        if f["unconditional"]["active"]:
            return "unconditional", f["unconditional"]["number"]
        if self.busy() and f["busy"]["active"]:
            return "busy", f["busy"]["number"]
        return None

    def forward_no_reply(self) -> tuple[str, float] | None:
        f = self.forwarding["no_reply"]
        return (f["number"], self.no_reply_s) if f["active"] else None

    def incoming(self, call: Call) -> None:
        """The network rings this line with `call` (caller ID per the line's method)."""
        self.call, self.rings = call, 0
        self._set_state("ringing")
        if self.cid == "dtmf":
            digits = dtmf_caller_id(national(call.frm), call.cli)
            pcm = dtmf_cid_pcm(digits)
            with self._audio_lock:
                t = self._cid_audio.queue(pcm)
            self.log("line_cid", method="dtmf", digits=digits, t_start=t)
            self._later(t - time.monotonic() + len(pcm) / 16000 + 0.2, self._ring_on, call)
        else:
            self._ring_on(call)

    def call_state(self, call: Call) -> None:
        if call is not self.call:
            return
        if call.state == "alerting" and call.direction == "from_box":
            self._set_state("ringback")
            self._play("ringback")
        elif call.state == "active":
            self._connected(call)

    def call_gone(self, call: Call, cause: int) -> None:
        if call is not self.call:
            return
        self.call = None
        if self.state == "ringing":
            self._cancel_timers()
            if self.ringing:
                self.ringing = False
                self._emit("ring_end")
            with self._audio_lock:
                self._cid_audio.clear()
            self._set_state("idle")
            return
        self._set_audio(talk=None)
        if self.hook == "on" or self._onhook_t is not None or not self.battery:
            return
        if call.t_answer is not None:
            self._far_disconnect()
        else:
            self._play(CAUSE_TONES.get(cause, "congestion"), state="tone")

    # --- ringing ------------------------------------------------------------------

    def _ring_on(self, call: Call, due: float | None = None) -> None:
        """Ring voltage on; the cadence is kept on its own schedule (`due`), not on
        whenever a late timer ran."""
        if self.call is not call or self.state != "ringing":
            return
        due = time.monotonic() if due is None else due
        self.ringing = self.battery  # ring voltage on the pair (none reaches a cut one)
        self.rings += 1
        self._emit("ring_begin", hz=self.profile.ring_hz, vrms=self.profile.ring_vrms)
        end = due + self.profile.ring_on_s
        self._later(end - time.monotonic(), self._ring_off, call, end)

    def _ring_off(self, call: Call, due: float) -> None:
        if self.call is not call or self.state != "ringing":
            return
        if self.ringing:  # only a ring that began on the pair ends there
            self.ringing = False
            self._emit("ring_end")
        if self.rings == 1 and self.cid in ("fsk", "sdmf", "mdmf"):
            self._later(due + self.profile.cid_after_ring_s - time.monotonic(),
                        self._send_fsk, call)
        nxt = due + self.profile.ring_off_s
        self._later(nxt - time.monotonic(), self._ring_on, call, nxt)

    def _send_fsk(self, call: Call) -> None:
        if self.call is not call or self.state != "ringing" or not self.battery:
            return
        valid = call.cli == "valid"
        absent = None if valid else ("P" if call.cli == "withheld" else "O")
        number = national(call.frm) if valid else None
        fmt = self.profile.fsk_format if self.cid == "fsk" else self.cid
        message = caller_id_message(fmt, time.strftime("%m%d%H%M"), number, absent,
                                    getattr(call, "cid_name", None) if valid else None)
        with self._audio_lock:
            t = self._cid_audio.queue(fsk_caller_id(message))
        self.log("line_cid", method=fmt, message=message.hex(), number=number,
                 absent=absent, t_start=t)

    # --- the box's hook (wire thread) ----------------------------------------------

    def command(self, obj: dict, t: float) -> None:
        cmd = obj.get("cmd")
        if cmd == "hook" and isinstance(obj.get("off"), bool):
            with self.net.lock:
                self._hook_edge(obj["off"], t)
        elif cmd == "flash" and isinstance(obj.get("ms"), int) and 1 <= obj["ms"] <= 5000:
            with self.net.lock:
                if self.hook == "off":
                    self._hook_edge(False, t)
                    self.net.sched.call_later(obj["ms"] / 1000, self._flash_back, t)
        else:
            self.bad_frame("C", f"unknown command {obj!r}")

    def _flash_back(self, t: float) -> None:
        if self._onhook_t == t:
            self._hook_edge(True, time.monotonic())

    def _hook_edge(self, off: bool, t: float) -> None:
        if off == (self.hook == "off"):
            return
        self.hook = "off" if off else "on"
        self.log("line_hook", hook=self.hook, t=t)
        if off:
            self._went_offhook(t)
        else:
            self._onhook_t = t
            self.loop_ma = 0
            self.net.sched.call_later(self.profile.flash_max_s, self._release_check, t)

    def _went_offhook(self, t: float) -> None:
        self.loop_ma = LOOP_MA if self.battery else 0
        if self._onhook_t is not None:
            down, self._onhook_t = t - self._onhook_t, None
            if down < self.profile.flash_min_s:
                self.log("line_hook_glitch", on_hook_s=round(down, 3))
            else:
                self._flash(down)
            return
        if not self.battery:
            return  # no battery, no loop current: the exchange sees nothing
        if self.state == "ringing":
            self._answer()
        elif self.state == "idle":
            self._seize()

    def _release_check(self, t: float) -> None:
        if self._onhook_t == t and self.hook == "on":
            self._released()

    def _released(self) -> None:
        self._onhook_t = None
        self._cancel_timers()
        self._set_audio(tone=None, talk=None, collect=False)
        self.digits = ""
        call, self.call = self.call, None
        if self.polarity == "reversed" and self.battery:
            self.polarity = "normal"
            self._emit("polarity", polarity="normal")
        self._set_state("idle")
        if call is not None and call.live:
            self.net.box_hangup(call)

    def _flash(self, down: float) -> None:
        self.flashes += 1
        self.log("line_flash", on_hook_s=round(down, 3), state=self.state)
        if self.state in ("dialtone", "dialling"):
            self._dial_tone()  # a flash while dialling starts again

    def _answer(self) -> None:
        self._cancel_timers()
        if self.ringing:  # ring trip
            self.ringing = False
            self._emit("ring_end")
        with self._audio_lock:
            self._cid_audio.clear()
        call = self.call
        self.net.answer(call)
        self._emit("loop_current", ma=self.loop_ma)

    # --- calling out -----------------------------------------------------------------

    def _seize(self) -> None:
        self._set_state("seized")
        if not self.battery:
            self._set_state("cut")
            return
        self._emit("loop_current", ma=self.loop_ma)
        self._later(self.profile.dial_tone_delay_s, self._dial_tone)

    def _dial_tone(self) -> None:
        self._cancel_timers()
        self.digits = ""
        self._set_state("dialtone")
        special = self.forwarding["unconditional"]["active"]
        self._play("special_dial" if special else "dial", state="dialtone", collect=True)
        self._later(self.first_digit_s, self._no_digits)

    def _no_digits(self) -> None:
        if self.state == "dialtone":
            self.log("line_timeout", what="first digit")
            self._play("congestion", state="tone")

    def _on_ear(self, kind: str, entry: dict) -> None:
        if kind == "dtmf":  # Analyzer thread context: only queue it (lock order)
            self._heard_digits.append(entry["digit"])

    def uplink(self, frame: bytes, t: float) -> None:
        """A frame the box put on the line (wire thread)."""
        if self.hook == "on" or not self.battery:
            self.frames_discarded += 1
            return
        with self._audio_lock:
            if self._noise_up is not None:
                frame = self._noise_up.add(frame)
            talk, collect = self._talk, self._collect
        if talk is not None:
            talk.uplink_frame(frame, t)
        elif collect:
            self._ear.feed(frame, t)
        while self._heard_digits:
            digit = self._heard_digits.popleft()
            with self.net.lock:
                self._digit(digit)

    def _digit(self, digit: str) -> None:
        if self.state not in ("dialtone", "dialling") or digit not in NO_DIGITS:
            self.log("line_digit", digit=digit, ignored=True, state=self.state)
            return
        self._cancel_timers()
        self.digits += digit
        self.log("line_digit", digit=digit)
        if self.state == "dialtone":
            self._set_state("dialling")
            self._set_audio(tone=None)
        if lp.number_complete(self.profile, self.digits):
            self._dialled()
        else:
            self._later(self.interdigit_s, self._dialled)

    def _dialled(self) -> None:
        if self.state != "dialling":
            return
        digits = self.digits
        self._set_audio(collect=False)
        self.dialled.append({"digits": digits, "t": time.monotonic()})
        self.log("line_dialled", digits=digits)
        code = lp.service_code(self.profile, digits)
        if code is not None:
            self._service(*code)
        elif lp.looks_like_code(digits):
            self._play("congestion", state="tone")
        else:
            self._set_state("routing")
            self.call = self.net.dial_line(self, digits)

    def _service(self, action: str, reason: str, number: str | None) -> None:
        entry = self.forwarding[reason]
        entry["active"], entry["number"] = action == "on", number if action == "on" else None
        self.log("line_forwarding", reason=reason, active=entry["active"], number=number)
        self._play("confirm", state="confirmed")

    def _connected(self, call: Call) -> None:
        self._set_state("connected")
        self._set_audio(tone=None, talk=call, collect=False)
        if call.direction == "from_box" and self.disconnect == "polarity":
            self._reverse()  # answer supervision

    def _far_disconnect(self) -> None:
        self._set_state("disconnected")
        self.log("line_disconnect", method=self.disconnect)
        if self.disconnect == "busy_tone":
            self._play("busy", state="disconnected")
        elif self.disconnect == "polarity":
            self._set_audio(tone=None)
            self._reverse()
        else:
            self._set_audio(tone=None)
            self.loop_ma = 0
            self._emit("loop_current", ma=0)
            self._later(self.profile.loop_drop_s, self._loop_back)

    def _loop_back(self) -> None:
        if self.hook == "off" and self.battery and self._onhook_t is None:
            self.loop_ma = LOOP_MA
            self._emit("loop_current", ma=LOOP_MA)

    def _reverse(self) -> None:
        self.polarity = "reversed" if self.polarity == "normal" else "normal"
        self._emit("polarity", polarity=self.polarity)

    # --- audio (wire thread) ---------------------------------------------------------

    def downlink(self, t: float) -> bytes:
        """The next 20 ms the exchange puts on the line towards the box."""
        with self._audio_lock:
            if not self.battery:
                return SILENCE
            if self._talk is not None:
                frame = self._talk.downlink_frame(t)
            elif self._tone is not None:
                frame = self._tone.next_frame()
                if self._tone.done:
                    self._tone = None
            else:
                frame = self._cid_audio.next_frame(t)
            noise = self._noise_down
        return noise.add(frame) if noise is not None else frame

    # --- helpers ---------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.log("line_state", state=state, call=self.call.id if self.call else None)

    def _play(self, name: str, state: str | None = None, collect: bool = False) -> None:
        if state is not None:
            self._set_state(state)
        self.tone_name = name
        self._set_audio(tone=TonePlayer(self.profile.tones[name]), talk=None, collect=collect)
        self.log("line_tone", tone=name)

    _KEEP = object()

    def _set_audio(self, tone: Any = _KEEP, talk: Any = _KEEP, collect: Any = _KEEP) -> None:
        with self._audio_lock:
            if tone is not self._KEEP:
                self._tone = tone
                if tone is None:
                    self.tone_name = None
            if talk is not self._KEEP:
                self._talk = talk
            if collect is not self._KEEP:
                if collect and not self._collect:
                    self._ear.reset()
                    self._heard_digits.clear()
                self._collect = collect

    def _emit(self, kind: str, **fields: Any) -> None:
        """A signal on the pair towards the box (nothing reaches it from a cut line)."""
        t = time.monotonic()
        if not self.battery and kind != "battery_restored":
            return
        self.log("line_signal", signal=kind, t=t, **fields)
        self.wire.send_event({"kind": kind, "t": t, **fields})

    def _later(self, delay: float, fn: Any, *args: Any) -> None:
        self._timers.append(self.net.sched.call_later(max(0.0, delay), self._guard, fn, args))

    def _guard(self, fn: Any, args: tuple) -> None:
        try:
            fn(*args)
        except Exception as exc:
            self.error(getattr(fn, "__name__", "timer"), exc, traceback.format_exc())

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers = []
