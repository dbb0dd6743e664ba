"""The dashboard's health of each analog line (W5): in service or not (the exchange's
battery on the line), its state, polarity, last ring, number and exchange profile.

The box puts each outside line's status in `status["lines"][name]`; an analog line is
`{"kind": "fxo", "state": "idle"|"ringing"|"in_use"|"fault", "reason", "reason_code",
"number", "profile", "disconnect", "battery": bool|None, "polarity":
"normal"|"reversed"|None, "last_ring": ISO|None, "in_call": bool}`. `analog_lines`
picks those entries; `rows` says each one in the page's language (live.js draws the
same cells on every refresh from the words `live_fxo_*`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def analog_lines(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The analog lines of a status, by name (none for a box without one)."""
    found = status.get("lines")
    if not isinstance(found, dict):
        return {}
    return {name: line for name, line in sorted(found.items())
            if isinstance(line, dict) and line.get("kind") == "fxo"}


def in_service(line: dict[str, Any]) -> bool | None:
    """The line takes calls: the exchange's battery is there (or, on a port that cannot
    measure it, the line works) and the port is not at fault (None: not known yet)."""
    if line.get("battery") is False or line.get("state") == "fault":
        return False
    if line.get("battery") is True:
        return True
    if line.get("state") in ("idle", "ringing", "in_use"):
        return True  # a port that cannot measure the battery (a voice modem) but works
    return None


def service_word(_: Callable[..., str], line: dict[str, Any]) -> str:
    """"in service", or why not: no battery (the line is cut or unplugged), a fault."""
    ok = in_service(line)
    if ok is None:
        return _("live_fxo_unknown")
    if ok:
        return _("live_fxo_in_service")
    if line.get("battery") is False:
        return _("live_fxo_no_battery")
    reason = _reason(_, line)
    return _("live_fxo_fault_why", why=reason) if reason else _("live_fxo_fault")


def _reason(_: Callable[..., str], line: dict[str, Any]) -> str:
    code = line.get("reason_code")
    key = f"live_reason_{code}"
    said = _(key) if code else ""
    if said and said != key:
        return said
    return str(line.get("reason") or "")


def last_ring(_: Callable[..., str], line: dict[str, Any]) -> str:
    """When the line last rang ("2026-12-03 09:41"), or "never" since the box started."""
    at = line.get("last_ring")
    if not isinstance(at, str) or "T" not in at:
        return _("live_fxo_never")
    return at[:16].replace("T", " ")


def rows(_: Callable[..., str], status: dict[str, Any]) -> list[dict[str, str]]:
    """Each analog line's health card, in words: name, number, state, service, polarity,
    last ring, exchange profile and disconnect method."""
    out = []
    for name, line in analog_lines(status).items():
        state = line.get("state")
        profile = line.get("profile")
        disconnect = line.get("disconnect")
        out.append({
            "name": name,
            "number": str(line.get("number") or "-"),
            "state": _word(_, "live_fxo_state_", state),
            "service": service_word(_, line),
            "in_service": {True: "yes", False: "no", None: "unknown"}[in_service(line)],
            "polarity": _word(_, "live_fxo_polarity_", line.get("polarity")),
            "last_ring": last_ring(_, line),
            "profile": _word(_, "live_fxo_profile_", profile),
            "disconnect": _word(_, "live_fxo_disc_", disconnect),
        })
    return out


def _word(_: Callable[..., str], prefix: str, value: Any) -> str:
    if value is None or value == "":
        return "-"
    key = f"{prefix}{value}"
    said = _(key)
    return str(value) if said == key else said
