"""What the dashboard shows of the box's raw status in the owner's language: signal
bars from the modem's +CSQ, the network operator's name (AT+COPS gives "CHINA MOBILE",
"CHN-UNICOM" or "46000"), the front-panel LEDs' names and patterns. live.js says the
same things the same way from the words block (catalogue keys `live_*`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from web_ui.messages import MESSAGES

BARS = 4
# +CSQ rssi (0..31, 99 = not known) -> bars, as phones draw them (about -113..-51 dBm)
_BAR_FLOORS = (2, 10, 15, 20)

_BLINK = re.compile(r"^blink (\d+)/(\d+) ms$")
_FLASHES = re.compile(r"^(\d+) flashes every (\d+) ms$")
_LED_NAME = re.compile(r"^(LINE|SIG)-(\w+)$")


def signal_bars(csq: Any) -> int | None:
    """0-4 bars for a +CSQ rssi; None when the modem does not know (99) or said nothing."""
    if not isinstance(csq, int) or isinstance(csq, bool) or not 0 <= csq <= 31:
        return None
    return sum(1 for floor in _BAR_FLOORS if csq >= floor)


def operator_key(name: str) -> str:
    """The catalogue's form of an operator name: letters and digits, lower case."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def operator_name(_: Callable[..., str], name: Any) -> str:
    """A known Chinese operator in the page's language ("CHINA MOBILE" -> 中国移动);
    any other as the network sent it."""
    if not isinstance(name, str) or not name.strip():
        return ""
    key = f"live_op_{operator_key(name)}"
    return _(key) if key in MESSAGES else name.strip()


def led_name(_: Callable[..., str], name: str) -> str:
    """"PWR" -> 电源, "LINE-fxs0" -> 线路 fxs0, "SIG-gsm0" -> 信号 gsm0."""
    key = f"live_led_{name}"
    if key in MESSAGES:
        return _(key)
    found = _LED_NAME.match(name)
    return _(f"live_led_{found[1]}", line=found[2]) if found else name


def led_pattern(_: Callable[..., str], pattern: str) -> str:
    """"off", "solid", "blink 200/200 ms", "4 flashes every 4000 ms" in words."""
    if (blink := _BLINK.match(pattern)) is not None:
        return _("live_led_blink", on=blink[1], off=blink[2])
    if (flashes := _FLASHES.match(pattern)) is not None:
        return _("live_led_flashes", n=flashes[1], every=int(flashes[2]) // 1000)
    key = f"live_led_is_{pattern}"
    return _(key) if key in MESSAGES else pattern


def led_class(pattern: str) -> str:
    return "on" if pattern.startswith("solid") else "off" if pattern.startswith("off") \
        else "blink"
