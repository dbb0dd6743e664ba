"""Usage for the monthly caps (G7): counted from the records, by line, from the 1st."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from firmware.calls.usage import month_usage
from firmware.cdr.store import CdrStore
from tests.cdr.helpers import end, leg, start

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def call(store: CdrStore, at: datetime, line: str = "gsm0", talk: float | None = 60.0,
         result: str = "answered", out_leg: tuple[str, float] | None = None,
         direction: str = "in") -> None:
    call_id = store.begin_call(start(at=at, line=line, direction=direction))
    if out_leg is not None:
        store.add_leg(call_id, leg("+8613912345678", at, ring=5.0, talk=out_leg[1],
                                   target_kind="mobile", line=out_leg[0]))
    store.end_call(call_id, end(at + timedelta(minutes=5), result,
                                talk_s=talk or 0.0, ring_s=5.0))


def test_usage_counts_this_month_by_line(store: CdrStore) -> None:
    call(store, NOV, talk=120.0, out_leg=("gsm1", 90.0))
    call(store, NOV + timedelta(hours=1), talk=30.0)
    call(store, NOV + timedelta(hours=2), talk=None, result="blocked")  # costs nothing
    call(store, NOV + timedelta(hours=3), line="gsm1", talk=60.0)
    # the last minutes of October, in the box's zone, count for October
    call(store, datetime(2026, 10, 31, 23, 59, tzinfo=SHANGHAI), talk=600.0)
    # a desk phone's outbound call on gsm0: its leg burns gsm0's minutes
    call(store, NOV, line="fxs0", direction="out", talk=0.0, out_leg=("gsm0", 240.0))
    usage = month_usage(store, NOV)
    assert usage is not None and usage.month == "2026-11"
    gsm0, gsm1 = usage.line("gsm0"), usage.line("gsm1")
    assert (gsm0.inbound_calls, gsm0.inbound_minutes, gsm0.outbound_minutes) == (2, 2.5, 4.0)
    assert (gsm1.inbound_calls, gsm1.inbound_minutes, gsm1.outbound_minutes) == (1, 1.0, 1.5)
    assert usage.line("gsm7").inbound_calls == 0


def test_the_month_starts_on_the_1st_in_the_box_zone(store: CdrStore) -> None:
    first = store.month_start(datetime(2026, 11, 30, 17, 0, tzinfo=ZoneInfo("UTC")))
    assert first == datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI)  # already December there
    call(store, datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI))
    december = month_usage(store, datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))
    assert december.month == "2026-12" and december.line("gsm0").inbound_calls == 0


def test_counters_survive_a_restart_and_notices_go_once(db_path: Path) -> None:
    with CdrStore(db_path) as store:
        call(store, NOV)
        assert store.note_once("cap:gsm0:inbound_calls:2026-11", NOV)
        assert not store.note_once("cap:gsm0:inbound_calls:2026-11", NOV)
    with CdrStore(db_path) as store:
        assert month_usage(store, NOV).line("gsm0").inbound_calls == 1
        assert not store.note_once("cap:gsm0:inbound_calls:2026-11", NOV)
        assert store.note_once("cap:gsm0:inbound_calls:2026-12", NOV)
    with CdrStore(db_path, readonly=True) as reader:
        assert month_usage(reader, NOV).line("gsm0").inbound_calls == 1


def test_no_records_no_usage() -> None:
    assert month_usage(None, NOV) is None


def test_the_owners_notice_says_which_cap_and_what_now() -> None:
    from firmware.calls.notify import notice_text
    from firmware.routing.plan import CapHit

    hit = CapHit("gsm0", "outbound_minutes", 1000.4, 1000, "no_mobiles", ("+8613912345678",),
                 "2026-11")
    text = notice_text(hit)
    assert text == ("Switchboard gsm0: outbound minutes cap reached (1000.4 of 1000 minutes in "
                    "2026-11); the box dials nothing more out on it this month.")
    assert text.isascii() and len(text) <= 160  # one GSM 7-bit SMS
    voicemail = CapHit("gsm0", "inbound_calls", 3000, 3000, "voicemail", (), "2026-11")
    assert notice_text(voicemail).endswith("cap reached (3000 of 3000 calls in 2026-11); "
                                           "callers on it leave voicemail.")


def test_an_earlier_month_counts_only_its_own_usage(store: CdrStore) -> None:
    """`route explain --at` a day in October: November's calls are not October's."""
    call(store, datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI), talk=60.0)
    call(store, NOV, talk=120.0, out_leg=("gsm1", 90.0))
    call(store, datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI), talk=60.0)
    october = month_usage(store, datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI))
    assert october.month == "2026-10"
    assert (october.line("gsm0").inbound_calls, october.line("gsm0").inbound_minutes) == (1, 1.0)
    assert october.line("gsm1").outbound_minutes == 0.0
    november = month_usage(store, NOV)
    assert november.line("gsm0").inbound_calls == 1
    assert november.line("gsm1").outbound_minutes == 1.5
    assert store.month_end(datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)) == \
        datetime(2027, 1, 1, tzinfo=SHANGHAI)
