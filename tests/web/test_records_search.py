"""The records search as an owner types it: part of a number, a name (a member of
staff's display name, as the config names them), a region without its suffix; on
the page and the API alike (firmware/cdr/search.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, end, leg, start
from tests.web.client import Client
from tests.web.conftest import example_office

# (call id, caller, who rang: (target, agent name), who answered)
CALLS = (
    ("hz", "13588888888", ("801", "801 前台 Reception"), "801"),        # 浙江省杭州市 mobile
    ("sh", "+862161234567", ("+8613912345678", "张伟"), "+8613912345678"),  # 上海市 landline
    ("bj", "01062345678", ("802", "802 王芳"), ""),                     # 北京市, missed
    ("hz2", "057188881234", ("803", "803 David Chen"), "803"),          # 浙江省杭州市 landline
)


@pytest.fixture
def office(data) -> Client:
    client, _service = example_office(data)
    with CdrStore(records_path(data), preload_regions=False) as store:
        for i, (call_id, caller, (target, agent), answered_by) in enumerate(CALLS):
            at = T0 + timedelta(minutes=10 * i)
            call = store.begin_call(start(caller, at, call_id=call_id))
            talk = 30 if answered_by else None
            kind = "extension" if target.isdigit() else "mobile"
            store.add_leg(call, leg(target, at, ring=5, talk=talk, agent=agent,
                                    target_kind=kind))
            store.end_call(call, end(at + timedelta(seconds=40),
                                     "answered" if answered_by else "missed",
                                     answered_by=answered_by, talk_s=talk or 0, ring_s=5))
    return client


def _found(client: Client, query: str) -> set[str]:
    reply = client.api("GET", f"/api/records?{query}")
    assert reply.status == 200, reply.text
    return {c["id"] for c in reply.json()["calls"]}


@pytest.mark.parametrize(("query", "ids"), [
    ("number=8888", {"hz", "hz2"}),                 # part of a number, anywhere in it
    ("number=1234567", {"sh"}),
    ("number=0571%208888", {"hz2"}),                # with the trunk 0 and a space
    ("number=021%206123%204567", {"sh"}),           # a whole number in national form
    ("number=13588888888", {"hz"}),
    ("number=99999", set()),
    ("region=" + quote("浙江"), {"hz", "hz2"}),      # a province without its suffix
    ("region=" + quote("浙江省"), {"hz", "hz2"}),
    ("region=" + quote("杭州"), {"hz", "hz2"}),      # a city
    ("region=" + quote("上海"), {"sh"}),
    ("name=" + quote("张伟"), {"sh"}),               # a bound number's name
    ("name=" + quote("王芳"), {"bj"}),               # rang, missed: still their call
    ("name=david", {"hz2"}),                         # any case, part of the name
    ("number=" + quote("前台"), {"hz"}),             # a name typed in the number box
    ("agent=" + quote("张伟"), {"sh"}),              # who answered, by name
    ("agent=801", {"hz"}),
    ("agent=" + quote("王芳"), set()),               # she did not answer
    ("name=" + quote("张伟") + "&region=" + quote("浙江"), set()),
    ("number=" + quote("100%"), set()),              # LIKE wildcards match literally
])
def test_records_search_finds_names_partial_numbers_and_regions(office, query, ids):
    assert _found(office, query) == ids


def test_the_records_page_searches_the_same_way(office):
    page = office.get("/records?region=" + quote("浙江")).text
    assert "共 2 个通话" in page
    assert "号码或姓名" in page
    assert "共 1 个通话" in office.get("/records?number=" + quote("张伟")).text
    csv = office.get("/records.csv?number=8888").body.decode("utf-8-sig")
    assert "13588888888" in csv and "057188881234" in csv and "01062345678" not in csv
