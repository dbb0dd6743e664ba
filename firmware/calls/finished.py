"""`CallFinished`: a call's record was ended (firmware/calls/record.py `CallLog.close`).

Published on the box's EventBus once per call, after its end is written, for whoever
listens (the notifier tells the owner of a missed call: firmware/notify/). The call
core does not know who listens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firmware.region import Region


@dataclass(frozen=True)
class CallFinished:
    """`result`, `cause` and `end_reason` are the record's words (docs/records.md);
    `caller` as the line gave it (None: withheld); `region` the outside party's."""

    call_id: str | None
    direction: str  # in | out | internal
    line: str
    caller: str | None
    region: Region
    result: str
    answered_by: str
    ring_s: float
    talk_s: float
    cause: str
    end_reason: str
    ended_at: datetime


def publish_finished(record: Any, result: str, cause: str, end_reason: str, ring_s: float,
                     talk_s: float) -> None:
    """Tell the bus of the call `record` (a CallLog) that just ended."""
    bus = getattr(record.core, "bus", None)
    if bus is None:
        return
    bus.publish(CallFinished(
        call_id=record.id, direction=record.direction, line=getattr(record, "line", ""),
        caller=record.caller, region=record.region, result=result,
        answered_by=record.answered_by, ring_s=round(ring_s, 3), talk_s=round(talk_s, 3),
        cause=cause, end_reason=end_reason, ended_at=record.clock.now()))
