"""Missed-call notices for the calls a crash or a power cut left open (issue 12, Q6).

A call that was ringing when the box died never ended on the bus, so the notifier never
heard of it. At the next start the call records close such calls ("interrupted", end
reason "box_restart", firmware/cdr/store.py); `tell_recovered` then keeps every one of
them nobody answered (no `answered_at`: a call a member had taken is "answered" and is
never told) for the missed-call batch, as if it had ended at this start, so it goes out
with the calls missed meanwhile.

Once per call: the outbox remembers every call id it kept (`missed_told`), in the same
transaction as the call itself, so a crash at any point of this start, or the starts
after, neither loses the notice nor sends it twice. Calls a clean stop interrupted were
told through the bus already and are found in `missed_told`. Only calls since the outbox
began remembering (`told_since`) and of the last `RECOVER_WINDOW_S` are looked at.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from firmware.cdr.records import INTERRUPTED
from firmware.notify.outbox import MissedCall

log = logging.getLogger("switchboard.notify")

RECOVER_WINDOW_S = 7 * 86400
BOX_RESTART = "box_restart"


def recovered_missed(store: Any, since_ts: float, now_ts: float) -> list[MissedCall]:
    """The inbound calls the box's stop or death interrupted before anyone answered,
    started since `since_ts` (and within the window), oldest first."""
    since = datetime.fromtimestamp(max(since_ts, now_ts - RECOVER_WINDOW_S), UTC)
    found = store.calls(since=since, result=INTERRUPTED, direction="in", limit=None,
                        newest_first=False)
    return [missed_call(r, now_ts) for r in found if _nobody_answered(r)]


def _nobody_answered(record: Any) -> bool:
    return record.end_reason == BOX_RESTART and not record.answered_by \
        and record.answered_at is None


def missed_call(record: Any, now_ts: float) -> MissedCall:
    """A recovered call as the batch keeps it; it "ended" now, at this start."""
    region = record.region
    caller = "" if region.kind == "withheld" or not record.caller \
        else (region.e164 or record.caller)
    return MissedCall(call_id=record.id, at_ts=record.started_at.timestamp(), caller=caller,
                      region=region.region_text, line=record.line, result=INTERRUPTED,
                      ring_s=float(record.ring_s or 0.0), ended_ts=now_ts)


async def tell_recovered(notifier: Any, store: Any) -> int:
    """Keep the recovered unanswered calls for the owner's missed-call notice (once);
    how many were new. Records that cannot be read are logged: the box starts anyway."""
    if store is None or notifier is None:
        return 0
    try:
        since = await notifier.told_since()
        calls = recovered_missed(store, since, notifier.now_ts())
    except Exception:
        log.exception("notifications: cannot read the calls the last stop left open")
        return 0
    if not calls:
        return 0
    return await notifier.keep_recovered(calls)
