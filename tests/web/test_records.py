"""Call records on the page and the API: filters, paging, CSV, reports; and every value
that came from outside (a caller ID, a route text) shown as text, never as HTML."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, end, leg, start
from tests.web.client import Client

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def records(owner: Client, data) -> Client:
    with CdrStore(records_path(data), preload_regions=False) as store:
        for i in range(120):
            at = T0 + timedelta(minutes=10 * i)
            caller = "13588888888" if i % 3 else "+862161234567"
            call = store.begin_call(start(caller, at, call_id=f"c{i}"))
            store.set_route(call, "营业时间 > 销售组")
            answered = i % 2 == 0
            store.add_leg(call, leg("801", at, ring=5, talk=60 if answered else None,
                                    agent="王芳", group="sales"))
            store.end_call(call, end(at + timedelta(seconds=65),
                                     "answered" if answered else "missed",
                                     answered_by="王芳" if answered else "",
                                     talk_s=60 if answered else 0, ring_s=5))
        hostile = store.begin_call(start(HOSTILE, T0 + timedelta(days=30), call_id="evil"))
        store.set_route(hostile, HOSTILE)
        store.end_call(hostile, end(T0 + timedelta(days=30, seconds=5), "missed"))
    return owner


def test_search_filters_and_pages(records: Client) -> None:
    page = records.get("/records").text
    assert "共 121 个通话" in page
    assert 'href="/records?offset=50"' in page
    second = records.get("/records?offset=50").text
    assert "2 / 3" in second
    answered = records.get("/records?result=answered&since=2024-05-01&until=2024-05-02").text
    assert "共 60 个通话" in answered
    shanghai = records.get("/records?number=021%206123%204567").text
    assert "共 40 个通话" in shanghai
    assert "&amp;offset" not in shanghai or "number=021" in shanghai
    by_region = records.get("/records?region=%E4%B8%8A%E6%B5%B7%E5%B8%82").text  # 上海市
    assert "共 40 个通话" in by_region
    assert "共 60 个通话" in records.get("/records?agent=%E7%8E%8B%E8%8A%B3").text  # 王芳
    bad = records.get("/records?since=yesterday")
    assert bad.status == 400 and "since" in bad.text


def test_api_records(records: Client) -> None:
    reply = records.api("GET", "/api/records?limit=10&offset=5&result=missed").json()
    assert reply["total"] == 61
    assert len(reply["calls"]) == 10
    one = records.api("GET", "/api/records/c3").json()
    assert one["legs"][0]["agent"] == "王芳"
    assert records.api("GET", "/api/records/nope").status == 404
    for bad, field in (("limit=0", "limit"), ("limit=x", "limit"), ("offset=-1", "offset"),
                       ("result=won", "result"), ("until=2024-13-01", "until"),
                       ("resutl=answered", "resutl")):
        reply = records.api("GET", f"/api/records?{bad}")
        assert reply.status == 400, bad
        assert reply.json()["errors"][0]["field"] == field


def test_csv_export_is_utf8_with_a_bom_and_safe_for_excel(records: Client) -> None:
    reply = records.get("/records.csv?result=missed")
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8-sig"))))
    # the page's export speaks the page's language: titles and result words
    assert rows[0][:4] == ["通话编号", "开始时间", "结束时间", "方向"]
    assert len(rows) == 1 + 61
    assert any(r[9] == "营业时间 > 销售组" for r in rows[1:])
    assert {r[3] for r in rows[1:]} == {"呼入"} and {r[10] for r in rows[1:]} == {"未接"}
    api = records.api("GET", "/api/records.csv?number=13588888888")
    api_rows = list(csv.reader(io.StringIO(api.body.decode("utf-8-sig"))))
    assert api_rows[0][:3] == ["id", "started_at", "ended_at"]  # scripts read field names
    assert len(api_rows) == 1 + 80 and api_rows[1][10] in ("answered", "missed")
    records.get("/lang/en?back=/records")
    english = records.get("/records.csv?result=missed").body.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Call id,Started,Ended,Direction")
    assert ",inbound," in english and ",missed," in english


def test_a_cell_that_looks_like_a_formula_is_made_text() -> None:
    from web_ui.queries import csv_rows

    out = b"".join(csv_rows([{"caller": "=HYPERLINK(\"x\")", "callee": "+8613588888888"}]))
    text = out.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "+8613588888888" in text and "'+86" not in text


def test_reports(records: Client) -> None:
    report = records.api("GET", "/api/reports?since=2024-05-01&until=2024-05-02").json()
    total = report["total"]
    assert total["calls"] == 120 and total["answered"] == 60 and total["missed"] == 60
    assert total["talk_s"] == 3600 and total["avg_talk_s"] == 60
    hours = {row["key"]: row["calls"] for row in report["by_hour"]}
    assert hours["09"] == 6 and sum(hours.values()) == 120
    assert report["by_agent"][0]["key"] == "王芳" and report["by_agent"][0]["answered"] == 60
    assert report["by_group"][0]["key"] == "sales"
    assert [(w["key"], w["calls"]) for w in report["by_week"]] == [("2024-W18", 120)]
    page = records.get("/reports?since=2024-05-01&until=2024-05-02").text
    assert page.count("<svg") == 5
    assert "王芳" in page
    assert records.api("GET", "/api/reports?since=2024-05-02&until=2024-05-01").status == 400
    months = records.get("/reports?since=2024-03-01&until=2024-06-30").text
    assert "按周" in months and "按日期" not in months  # a long span shows weeks


def test_an_empty_box_has_empty_records_and_reports(owner: Client) -> None:
    assert owner.api("GET", "/api/records").json() == {"total": 0, "calls": []}
    assert owner.api("GET", "/api/reports").json()["total"]["calls"] == 0
    assert owner.get("/reports").status == 200
    assert owner.get("/records.csv").body.startswith(b"\xef\xbb\xbf")


def test_a_caller_id_with_html_is_shown_as_text(records: Client) -> None:
    page = records.get("/records?since=2024-05-31").text
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    api = records.api("GET", "/api/records/evil")
    assert api.headers["content-type"] == "application/json"
    assert api.json()["caller"] == HOSTILE  # data stays data in JSON
