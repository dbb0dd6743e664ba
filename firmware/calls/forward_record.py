"""Network forwarding periods in the call records (FEATURES D5, A1).

While a single-line box has its line forwarded by the network (`AT+CCFC`, reason 0:
unconditional), the network sends every caller straight to the duty mobile: the
modem is never paged, no `RING`, no `+CLIP`, no `+CSSU` (that one goes to the phone
the call is forwarded *to*). The box cannot know who called, so it records what it
knows: one record per forwarding period, result "forwarded", written the moment the
network confirms the switch (`started_at`) and ended when forwarding is switched off
or moved to another number (`ended_at`). The route reads "network forwarding > <to>";
the cause says why it began, then why it ended. The open period is kept in the
records' meta table under "forwarding:<line>", so a box that restarts while the
network still forwards carries the same period on (the network kept forwarding while
the box was down) instead of starting another.

`ForwardingRecord` is the keeper's side of this (firmware/calls/forwarding.py); a
store error is logged and never stops the forwarding itself.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firmware.cdr.records import FORWARDED, CallStart
from firmware.region import UNKNOWN

log = logging.getLogger("switchboard.forwarding")


@dataclass(frozen=True)
class Period:
    """An open forwarding period: its record, the number, since when, why."""

    call_id: str
    to: str
    since: datetime
    reason: str

    def as_status(self) -> dict[str, str]:
        return {"to": self.to, "since": self.since.isoformat(), "reason": self.reason}


class ForwardingRecord:
    def __init__(self, cdr: Any, line: str, sim_number: str | None):
        self.cdr, self.line, self.sim_number = cdr, line, sim_number
        self.open: Period | None = self._resume()

    @property
    def _key(self) -> str:
        return f"forwarding:{self.line}"

    def _resume(self) -> Period | None:
        """The period a previous run of the box left open, if any."""
        if self.cdr is None:
            return None
        try:
            raw = self.cdr.meta(self._key)
            if raw is None:
                return None
            kept = json.loads(raw)
            return Period(kept["id"], kept["to"], datetime.fromisoformat(kept["since"]),
                          kept.get("reason", ""))
        except Exception:
            log.exception("%s: cannot read the open forwarding period; starting afresh",
                          self.line)
            return None

    def switched(self, to: str | None, reason: str, now: datetime) -> None:
        """The network now forwards to `to` (None: not at all): end the open period if it
        forwarded elsewhere, begin one if there is none."""
        if self.open is not None and self.open.to != to:
            why = f"forwarding moved to {to}" if to else "forwarding switched off"
            self._end(now, f"{why} ({reason})")
        if to is not None and self.open is None:
            self._begin(to, reason, now)

    def _begin(self, to: str, reason: str, now: datetime) -> None:
        if self.cdr is None:
            self.open = Period("", to, now, reason)
            return
        try:
            call_id = self.cdr.begin_call(CallStart(
                direction="in", line=self.line, caller=None,
                callee=self.sim_number or self.line, started_at=now, region=UNKNOWN),
                result=FORWARDED)
            self.cdr.set_route(call_id, f"network forwarding > {to}")
            self.open = Period(call_id, to, now, reason)
            self.cdr.set_meta(self._key, json.dumps(
                {"id": call_id, "to": to, "since": now.isoformat(), "reason": reason}))
        except Exception:
            log.exception("%s: cannot record the forwarding period to %s", self.line, to)
            self.open = Period("", to, now, reason)

    def _end(self, now: datetime, why: str) -> None:
        period, self.open = self.open, None
        if self.cdr is None or period is None or not period.call_id:
            return
        try:
            self.cdr.end_period(period.call_id, now, f"{period.reason}; ended: {why}")
        except Exception:
            log.exception("%s: cannot end the forwarding period record %s", self.line,
                          period.call_id)
        try:
            self.cdr.set_meta(self._key, None)
        except Exception:
            log.exception("%s: cannot forget the forwarding period", self.line)
