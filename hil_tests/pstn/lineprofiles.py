"""Country profiles of the telephone exchange's analog lines (HARDWARE.md 1.4-1.5).

A profile is what differs between a Chinese and a US exchange as the box's FXO
port meets it: the ring cadence and ring signal, the call-progress tones, how
caller ID is sent, how the far end's hang-up is signalled, the hook-flash window,
the digit timeouts, how a dialled number is known to be complete, and the
telco's call-forwarding service codes.

Tones are cadences of (frequencies, on seconds, off seconds) steps played in a
loop (`repeat`) or once. Values marked "unverified" in HARDWARE.md stay so here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CID_METHODS = ("fsk", "mdmf", "sdmf", "dtmf", "none")  # fsk: the profile's own FSK format
DISCONNECT_METHODS = ("busy_tone", "polarity", "loop_drop")
DISCONNECT_ALIASES = {"busy": "busy_tone", "polarity_reversal": "polarity",
                      "reversal": "polarity", "loop_current": "loop_drop", "open_loop": "loop_drop",
                      "cpc": "loop_drop"}
CID_ALIASES = {"off": "none", "bell202": "sdmf"}


@dataclass(frozen=True)
class Tone:
    """A call-progress tone: steps of (frequencies Hz, on s, off s); `repeat` loops them."""

    name: str
    steps: tuple[tuple[tuple[float, ...], float, float], ...]
    repeat: bool = True


@dataclass(frozen=True)
class Profile:
    name: str
    ring_on_s: float
    ring_off_s: float
    ring_hz: float
    ring_vrms: float
    tones: dict[str, Tone]
    cid_methods: tuple[str, ...]
    cid_default: str
    fsk_format: str  # what "fsk" sends: the message format of the country
    disconnect_default: str
    flash_min_s: float = 0.3  # shorter on-hook taps are ignored (TLS-4A: < 280 ms)
    flash_max_s: float = 1.1  # longer on-hook is a hang-up (TLS-4A: > 1120 ms)
    first_digit_s: float = 10.0  # dial tone without a digit: then congestion
    interdigit_s: float = 5.0  # a number with a gap this long is taken as complete
    dial_tone_delay_s: float = 0.15  # seizure to dial tone (the register attaches)
    cid_after_ring_s: float = 0.6  # FSK starts this long after ring 1 ends (>= 0.5 s)
    loop_drop_s: float = 0.8  # open-loop disconnect (CPC): no loop current this long
    service_codes: tuple[tuple[str, str, str], ...] = field(default=())  # regex, action, reason


def _tone(name: str, hz: tuple[float, ...], *cadence: float, repeat: bool = True) -> Tone:
    pairs = list(zip(cadence[::2], cadence[1::2], strict=True)) if cadence else [(1.0, 0.0)]
    return Tone(name, tuple((hz, on, off) for on, off in pairs), repeat)


CN_TONES = {t.name: t for t in (
    _tone("dial", (450,)),
    _tone("special_dial", (450,), 0.4, 0.04),  # forwarding is on (特种拨号音)
    _tone("ringback", (450,), 1.0, 4.0),
    _tone("busy", (450,), 0.35, 0.35),
    _tone("congestion", (450,), 0.7, 0.7),
    _tone("vacant", (450,), 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4, 0.4),
    _tone("confirm", (450,), 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, repeat=False),
)}
US_TONES = {t.name: t for t in (
    _tone("dial", (350, 440)),
    _tone("special_dial", (350, 440), 0.1, 0.1),  # stutter dial tone
    _tone("ringback", (440, 480), 2.0, 4.0),
    _tone("busy", (480, 620), 0.5, 0.5),
    _tone("congestion", (480, 620), 0.25, 0.25),
    Tone("vacant", (((950,), 0.33, 0.0), ((1400,), 0.33, 0.0), ((1800,), 0.33, 1.0))),
    _tone("confirm", (350, 440), 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, repeat=False),
)}

# China fixed lines (China Telecom / Unicom): 无条件 *57*N#, 遇忙 *40*N#, 无应答 *41*N#.
CN_CODES = (
    (r"\*57\*(\d+)#", "on", "unconditional"), (r"#57#", "off", "unconditional"),
    (r"\*40\*(\d+)#", "on", "busy"), (r"#40#", "off", "busy"),
    (r"\*41\*(\d+)#", "on", "no_reply"), (r"#41#", "off", "no_reply"),
)
# US (Telcordia vertical service codes): *72 / *73 all calls; *90/*91 busy; *92/*93 no answer.
US_CODES = (
    (r"\*72(\d+)#?", "on", "unconditional"), (r"\*73", "off", "unconditional"),
    (r"\*90(\d+)#?", "on", "busy"), (r"\*91", "off", "busy"),
    (r"\*92(\d+)#?", "on", "no_reply"), (r"\*93", "off", "no_reply"),
)

PROFILES = {
    "cn": Profile("cn", ring_on_s=1.0, ring_off_s=4.0, ring_hz=25, ring_vrms=75,
                  tones=CN_TONES, cid_methods=("fsk", "mdmf", "sdmf", "dtmf", "none"),
                  cid_default="fsk", fsk_format="mdmf", disconnect_default="busy_tone",
                  first_digit_s=10.0, interdigit_s=5.0, service_codes=CN_CODES),
    "us": Profile("us", ring_on_s=2.0, ring_off_s=4.0, ring_hz=20, ring_vrms=86,
                  tones=US_TONES, cid_methods=("sdmf", "mdmf", "fsk", "none"),
                  cid_default="sdmf", fsk_format="sdmf", disconnect_default="loop_drop",
                  first_digit_s=16.0, interdigit_s=4.0, service_codes=US_CODES),
}


def profile(name: object) -> Profile:
    """The profile `name`; ValueError naming the field otherwise."""
    if name not in PROFILES:
        raise ValueError(f"profile: must be one of {', '.join(PROFILES)}, not {name!r}")
    return PROFILES[str(name)]


def service_code(prof: Profile, digits: str) -> tuple[str, str, str | None] | None:
    """(action "on"/"off", reason, number) when `digits` are a whole service code."""
    for pattern, action, reason in prof.service_codes:
        match = re.fullmatch(pattern, digits)
        if match:
            return action, reason, match.group(1) if match.groups() else None
    return None


def looks_like_code(digits: str) -> bool:
    return digits[:1] in ("*", "#")


def number_complete(prof: Profile, digits: str) -> bool:
    """Whether `digits` are a whole number or code by the numbering plan (no need to
    wait for the interdigit timeout)."""
    if looks_like_code(digits):
        if prof.name == "cn":
            return digits.endswith("#") and len(digits) >= 4
        return service_code(prof, digits) is not None and (
            digits.endswith("#") or digits in ("*73", "*91", "*93"))
    if prof.name == "cn":
        if re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"01[3-9]\d{9}", digits):
            return True  # a mobile, with or without the trunk prefix
        if digits.startswith("0"):
            return len(digits) >= (11 if digits[1:2] in ("1", "2") else 12)
        return len(digits) >= 8 and not digits.startswith("1")
    if digits.startswith("1"):
        return len(digits) >= 11
    return len(digits) >= 10


CONFIG_KEYS = ("profile", "cid", "disconnect", "no_reply_s", "first_digit_s", "interdigit_s")
TIMING_RANGES = {"no_reply_s": (5.0, 60.0), "first_digit_s": (1.0, 60.0),
                 "interdigit_s": (1.0, 30.0)}


def line_settings(body: dict, current: dict) -> dict:
    """A line's settings after a POST /lines/{id}/config `body`; ValueError naming the
    field, and nothing changed, if any part is wrong. A new profile brings its own
    defaults for what the body does not give."""
    unknown = sorted(set(body) - set(CONFIG_KEYS))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: unknown setting (known: {', '.join(CONFIG_KEYS)})")
    prof = profile(body["profile"]) if "profile" in body else current["profile"]
    changed = prof is not current["profile"]
    defaults = {"cid": prof.cid_default, "disconnect": prof.disconnect_default,
                "first_digit_s": prof.first_digit_s, "interdigit_s": prof.interdigit_s}
    base = {k: defaults.get(k, v) if changed else v for k, v in current.items()}
    return {"profile": prof, "cid": _cid(prof, body.get("cid", base["cid"])),
            "disconnect": _disconnect(body.get("disconnect", base["disconnect"])),
            **{name: _seconds(name, body.get(name, base[name])) for name in TIMING_RANGES}}


def _cid(prof: Profile, cid: object) -> str:
    cid = CID_ALIASES.get(cid, cid) if isinstance(cid, str) else cid
    if cid not in prof.cid_methods:
        raise ValueError(f"cid: must be one of {', '.join(prof.cid_methods)} on a "
                         f"{prof.name} line, not {cid!r}")
    return str(cid)


def _disconnect(method: object) -> str:
    method = DISCONNECT_ALIASES.get(method, method) if isinstance(method, str) else method
    if method not in DISCONNECT_METHODS:
        raise ValueError(f"disconnect: must be one of {', '.join(DISCONNECT_METHODS)}, "
                         f"not {method!r}")
    return str(method)


def _seconds(name: str, value: object) -> float:
    lo, hi = TIMING_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ValueError(f"{name}: must be seconds {lo:g}..{hi:g}")
    return float(value)
