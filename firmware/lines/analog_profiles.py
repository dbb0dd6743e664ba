"""Country profiles of an analog line: ring cadence, call-progress tones, caller ID.

Pure data (no I/O). The FXO driver picks the profile its line is configured
with and hands it to the detectors in ring_cadence.py, cid_decode.py,
progress.py and disconnect.py. The numbers are HARDWARE.md 1.5 (Asterisk's
indications.conf [cn]/[us], the Chinese tone standard pages, YD/T 1277.1-2003
for caller ID) and 1.3 (chan_dahdi's busy detection and ring timeout).

A cadence is (on, off, on, off, ...) in seconds and repeats; an empty
cadence is a continuous tone. A measured on or off time matches a nominal
one within `tolerance()`: 20 % or 60 ms, whichever is more, so the shortest
times (0.1 s of the vacant-number tone) still leave room for a 20 ms frame's
jitter while 0.35 s busy and 0.7 s congestion never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CADENCE_SHARE = 0.2
CADENCE_FLOOR_S = 0.06


def tolerance(nominal_s: float) -> float:
    """How far a measured on or off time may be from `nominal_s` and still match."""
    return max(CADENCE_SHARE * nominal_s, CADENCE_FLOOR_S)


def matches(measured_s: float, nominal_s: float) -> bool:
    return abs(measured_s - nominal_s) <= tolerance(nominal_s)


@dataclass(frozen=True)
class ToneSpec:
    """A call-progress tone: its frequencies (one or two) and its cadence."""

    name: str
    freqs: tuple[float, ...]
    cadence: tuple[float, ...] = ()

    @property
    def continuous(self) -> bool:
        return not self.cadence

    @property
    def period_s(self) -> float:
        return sum(self.cadence)


@dataclass(frozen=True)
class RingSpec:
    """The ring signal on the line: its cadence, and how much of a burst makes a ring.

    `min_on_s`: a burst of ring voltage shorter than this is a spike or a
    short burst (line noise, a tinkle when a parallel phone is dialled), never
    a ring. `bridge_s`: gaps shorter than this inside a burst are chatter of
    the ring detector and do not end it. `abandon_s`: no ring begins within
    this after the last one ended, so the caller gave up (chan_dahdi's
    ringtimeout is 8 s; a cadence's off time plus a margin is enough).
    """

    on_s: float
    off_s: float
    hz: float
    min_on_s: float
    bridge_s: float = 0.15
    cid_delay_s: float = 0.5  # FSK caller ID starts >= this after ring 1 ends (Bell 202)

    @property
    def abandon_s(self) -> float:
        return self.off_s + tolerance(self.off_s) + 1.0


@dataclass(frozen=True)
class AnalogProfile:
    """Everything country-specific the box's analog signal processing needs."""

    name: str
    ring: RingSpec
    dial: ToneSpec
    ringback: ToneSpec
    busy: ToneSpec
    congestion: ToneSpec
    extra_tones: tuple[ToneSpec, ...] = ()
    fsk_modems: tuple[str, ...] = ("bell202",)  # tried in this order
    cid_methods: tuple[str, ...] = ("fsk",)  # "fsk" after ring 1, "dtmf" before it
    disconnect: str = "busy_tone"  # the default disconnect supervision
    busy_cycles: int = 3  # busy-tone cycles that prove the far end hung up
    notes: tuple[str, ...] = field(default=(), compare=False)
    # --- what the FXO driver (fxo.py, fxo_dial.py) needs to dial out ---
    # the dial tone while the line's calls are forwarded (特种拨号音 / US stutter tone)
    special_dial: ToneSpec | None = None
    confirm: ToneSpec | None = None  # a service code was accepted (three short bursts)
    forward_on: str = "*57*{number}#"  # the telco's unconditional forwarding codes
    forward_off: str = "#57#"
    country_code: str = "86"  # "+86..." is dialled in the national form on such a line
    intl_prefix: str = "00"  # "+<other country>..." is dialled with this
    trunk_prefix: str = "0"  # a national fixed number is dialled with this
    dial_tone_wait_s: float = 3.0  # seized without dial tone this long: the call fails
    assume_answer_s: float = 15.0  # nothing recognisable after dialling: assume answered
    no_answer_s: float = 60.0  # ringback this long after dialling: no answer
    release_s: float = 1.3  # on hook this long before seizing again (flash window 1.1 s)
    confirm_wait_s: float = 10.0  # after a service code, the confirmation tone comes in this

    @property
    def progress_tones(self) -> tuple[ToneSpec, ...]:
        """Every tone an outbound call may hear, the dial tone first."""
        return (self.dial, self.ringback, self.busy, self.congestion, *self.extra_tones)


CN = AnalogProfile(
    name="cn",
    ring=RingSpec(on_s=1.0, off_s=4.0, hz=25.0, min_on_s=0.4),
    dial=ToneSpec("dial", (450.0,)),
    ringback=ToneSpec("ringback", (450.0,), (1.0, 4.0)),
    busy=ToneSpec("busy", (450.0,), (0.35, 0.35)),
    congestion=ToneSpec("congestion", (450.0,), (0.7, 0.7)),
    extra_tones=(ToneSpec("vacant", (450.0,), (0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.4)),),
    # YD/T 1277.1 names Bell-202 frequencies; exchanges following ETSI send V.23
    fsk_modems=("bell202", "v23"),
    cid_methods=("fsk", "dtmf"),
    disconnect="busy_tone",
    special_dial=ToneSpec("special_dial", (450.0,), (0.4, 0.04)),
    confirm=ToneSpec("confirm", (450.0,), (0.1, 0.1)),
    # China Telecom / Unicom fixed lines: 无条件转移 *57*N#, cancelled by #57#
    forward_on="*57*{number}#",
    forward_off="#57#",
)

US = AnalogProfile(
    name="us",
    ring=RingSpec(on_s=2.0, off_s=4.0, hz=20.0, min_on_s=0.8),
    dial=ToneSpec("dial", (350.0, 440.0)),
    ringback=ToneSpec("ringback", (440.0, 480.0), (2.0, 4.0)),
    busy=ToneSpec("busy", (480.0, 620.0), (0.5, 0.5)),
    congestion=ToneSpec("congestion", (480.0, 620.0), (0.25, 0.25)),  # reorder
    fsk_modems=("bell202",),
    cid_methods=("fsk",),
    disconnect="loop_current",
    busy_cycles=2,
    special_dial=ToneSpec("special_dial", (350.0, 440.0), (0.1, 0.1)),  # stutter dial tone
    confirm=ToneSpec("confirm", (350.0, 440.0), (0.1, 0.1)),
    forward_on="*72{number}",  # Telcordia vertical service codes: call forwarding on / off
    forward_off="*73",
    country_code="1",
    intl_prefix="011",
    trunk_prefix="1",
    notes=("SIT (950/1400/1800 Hz) is not classified; it reads as voice",),
)

PROFILES: dict[str, AnalogProfile] = {p.name: p for p in (CN, US)}
DISCONNECT_METHODS = ("busy_tone", "polarity", "loop_current")


def profile(name: str) -> AnalogProfile:
    """The profile called `name`; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except (KeyError, TypeError):
        raise ValueError(f"analog line profile {name!r} is not one of "
                         f"{', '.join(sorted(PROFILES))}") from None
