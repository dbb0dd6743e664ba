"""What the records say, on the page: why each call ended on the records page and in the
CSV (in the page's language), a network forwarding period as a record, and a line the
network forwards on the dashboard and in /api/status."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from firmware.cdr.store import CdrStore, records_path
from firmware.region import UNKNOWN
from tests.cdr.helpers import T0, end, leg, start
from tests.web.client import Client
from tests.web.test_dashboard import box  # noqa: F401  (the fixture)
from web_ui.queries import CSV_COLUMNS

FORWARDED_TO = "+8613800000103"


@pytest.fixture
def records(owner: Client, data) -> Client:
    with CdrStore(records_path(data), preload_regions=False) as store:
        for i, why in enumerate(("far_end", "normal", "modem_lost", "box_restart", "dropped")):
            at = T0 + timedelta(minutes=i)
            call = store.begin_call(start("13588888888", at, call_id=f"c{i}"))
            store.add_leg(call, leg("801", at, ring=5, talk=60))
            store.end_call(call, end(at + timedelta(seconds=65), "answered", answered_by="801",
                                     talk_s=60, ring_s=5, end_reason=why))
        period = store.begin_call(start(None, T0 + timedelta(hours=9), call_id="fwd",
                                        region=UNKNOWN), result="forwarded")
        store.set_route(period, f"network forwarding > {FORWARDED_TO}")
        store.end_period(period, T0 + timedelta(hours=24), "office closed; ended: switched off")
    return owner


def test_the_records_page_says_why_each_call_ended_in_both_languages(records: Client) -> None:
    page = records.get("/records").text
    assert "结束原因" in page
    for words in ("对方挂断", "本方挂断", "调制解调器断开", "主机重启", "网络掉线"):
        assert words in page
    records.get("/lang/en")
    page = records.get("/records").text
    for words in ("Ended", "the other party hung up", "our side hung up", "modem lost",
                  "the box restarted", "dropped by the network"):
        assert words in page


def test_a_forwarding_period_is_a_forwarded_record_on_the_page(records: Client) -> None:
    page = records.get("/records?result=forwarded").text
    assert "共 1 个通话" in page and f"network forwarding &gt; {FORWARDED_TO}" in page
    one = records.api("GET", "/api/records/fwd").json()
    assert one["result"] == "forwarded" and one["caller"] == ""
    assert one["ended_at"] is not None and one["end_reason"] == "normal"


def test_the_csv_has_the_end_reason_as_a_word_and_in_the_page_language(records: Client
                                                                         ) -> None:
    def rows() -> list[dict]:
        """The page's CSV (its titles in the page's language), keyed by field name."""
        body = records.get("/records.csv?result=answered").body.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(body)))
        assert len(table[0]) == len(CSV_COLUMNS)
        return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in table[1:]]

    chinese = {r["id"]: r for r in rows()}
    assert chinese["c0"]["end_reason"] == "far_end" and chinese["c0"]["end_reason_text"] == \
        "对方挂断"
    assert chinese["c2"]["end_reason"] == "modem_lost"
    records.get("/lang/en")
    english = {r["id"]: r for r in rows()}
    assert english["c3"]["end_reason_text"] == "the box restarted"


def test_a_line_the_network_forwards_shows_on_the_dashboard_and_in_status(box) -> None:  # noqa: F811
    fake, client, app = box
    forwarding = {"to": FORWARDED_TO, "since": "2025-06-01T18:00:00+08:00",
                  "reason": "office closed; 张伟 on duty: forward to +8613800000103"}
    status = fake.status

    def forwarded() -> dict:
        now = status()
        now["gsm"]["gsm0"]["forwarding"] = forwarding
        return now

    app.config["switchboard.web"].service._status = forwarded  # the box's status function
    page = client.get("/").text
    assert "gsm0：自 2025-06-01 18:00 起由网络呼叫转移至 +8613800000103" in page
    assert client.get("/api/status").json()["gsm"]["gsm0"]["forwarding"] == forwarding
    client.get("/lang/en")
    page = client.get("/").text
    assert "gsm0: forwarded by the network to +8613800000103 since 2025-06-01 18:00" in page
