"""The dashboard's cells that need more than a word: signal bars and a call's time
(talking since the answer, or waiting since the call began). The HTML is built here
with every value escaped; live.js draws the same cells on each refresh."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from web_ui import analog_health, live_words


def bars(_: Callable[..., str], csq: Any) -> str:
    """Four bars, as many lit as the signal is strong; the words for a screen reader."""
    n = live_words.signal_bars(csq)
    said = _("live_no_signal") if n is None else _("live_bars", n=n)
    lit = "" if n is None else str(n)
    return (f'<span class="bars" data-bars="{lit}" role="img" title="{escape(said)}" '
            f'aria-label="{escape(said)}">' + "<i></i>" * live_words.BARS + "</span>")


def duration(_: Callable[..., str], clock: Callable[[Any], str], call: dict[str, Any]) -> str:
    """A talking call's time since the answer; a call not yet answered shows how long
    the caller has waited ("waiting 0:12"). live.js counts both on every second."""
    talk, wait = call.get("duration_s"), call.get("waiting_s")
    if isinstance(talk, (int, float)):
        return f'<td class="duration" data-duration="{talk}">{escape(clock(talk))}</td>'
    if isinstance(wait, (int, float)):
        prefix = _("live_waiting", time="")
        return (f'<td class="duration waiting" data-duration="{wait}" '
                f'data-prefix="{escape(prefix)}">{escape(prefix + clock(wait))}</td>')
    return '<td class="duration">-</td>'


def helpers(_: Callable[..., str]) -> dict[str, Any]:
    """What the dashboard template calls, in the page's language."""
    from web_ui.pages import duration_text

    return {"bars": lambda csq: bars(_, csq),
            "duration_cell": lambda call: duration(_, duration_text, call),
            "operator": lambda name: live_words.operator_name(_, name),
            "led_name": lambda name: live_words.led_name(_, name),
            "led_pattern": lambda pattern: live_words.led_pattern(_, pattern),
            "led_class": live_words.led_class,
            "analog_rows": lambda status: analog_health.rows(_, status)}
