"""Builders for call records in tests, and one deterministic call per index.

`scripted_call(i)` is what the crash writer writes as call number i; the crash
test rebuilds it to check that what the database holds is complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from firmware.cdr.records import CallEnd, CallStart, LegRecord
from firmware.cdr.store import CdrStore

SHANGHAI = timezone(timedelta(hours=8))
T0 = datetime(2024, 5, 1, 9, 0, 0, tzinfo=SHANGHAI)

CALLERS = ("13588888888", "+862161234567", "01062345678", "", "+14155552671", "95588")
OUTCOMES = ("no_answer", "busy", "failed", "rejected")


def start(caller: str | None = "13588888888", at: datetime = T0, **kw: object) -> CallStart:
    values = {"direction": "in", "line": "gsm1", "caller": caller, "callee": "",
              "started_at": at, **kw}
    return CallStart(**values)  # type: ignore[arg-type]


def leg(target: str = "801", at: datetime = T0, ring: float = 10.0, talk: float | None = None,
        outcome: str | None = None, **kw: object) -> LegRecord:
    """A leg rung at `at` for `ring` s; answered and talked `talk` s when talk is given."""
    answered = at + timedelta(seconds=ring) if talk is not None else None
    ended = (answered + timedelta(seconds=talk)) if answered else at + timedelta(seconds=ring)
    values = {"target": target, "target_kind": "extension", "started_at": at,
              "answered_at": answered, "ended_at": ended,
              "outcome": outcome or ("answered" if talk is not None else "no_answer"), **kw}
    return LegRecord(**values)  # type: ignore[arg-type]


def end(at: datetime, result: str = "answered", **kw: object) -> CallEnd:
    return CallEnd(ended_at=at, result=result, **kw)  # type: ignore[arg-type]


@dataclass
class Scripted:
    start: CallStart
    route: str
    legs: list[LegRecord] = field(default_factory=list)
    end: CallEnd | None = None


def scripted_call(i: int, tag: str = "") -> Scripted:
    """Call number i: 1-3 legs (the last one answered on even i), Chinese text, odd callers."""
    at = T0 + timedelta(minutes=i)
    legs, t = [], at
    n = i % 3 + 1
    for k in range(n):
        answered = k == n - 1 and i % 2 == 0
        legs.append(leg(f"80{k + 1}", t, ring=5.0 + k, talk=30.0 + i if answered else None,
                        outcome=None if answered else OUTCOMES[(i + k) % len(OUTCOMES)],
                        cause=f"原因 {i}/{k}", group="销售组", agent=f"员工{k}"))
        t = legs[-1].ended_at
    result = "answered" if i % 2 == 0 else "missed"
    return Scripted(
        start=start(CALLERS[i % len(CALLERS)], at, call_id=f"{tag}c{i}"),
        route=f"营业时间 > 销售组 #{i}",
        legs=legs,
        end=end(t, result, answered_by="员工" if result == "answered" else "",
                ring_s=5.0, talk_s=30.0 + i if result == "answered" else 0.0, cause="正常"),
    )


def write_scripted(store: CdrStore, call: Scripted) -> str:
    call_id = store.begin_call(call.start)
    store.set_route(call_id, call.route)
    for one in call.legs:
        store.add_leg(call_id, one)
    assert call.end is not None
    store.end_call(call_id, call.end)
    return call_id
