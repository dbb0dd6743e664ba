"""The owner's web page on a running box: first run over real HTTP, the live status
from the box's loop (a ringing call's caller, region and who rings), a ring group edited
on the page that the next call follows, an agent switched unavailable on the page whom
the next call skips, and a
hostile caller ID from the emulator shown as text on every page that shows it."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from hil_tests.calls_rig import CALLER, SIM, box_with, office, ringing, wait_record
from hil_tests.pstn.testing import wait_for

pytestmark = pytest.mark.hil
PASSWORD = "Gr33n-tea-pot!"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(1)</script>"


class Browser:
    """Cookies, the box's Origin on every post, the CSRF token of the last page."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handler = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(handler, _NoRedirect())
        self.csrf = ""

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrf": self.csrf, **fields}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body,
                                                 headers={"Origin": self.base}))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as reply:
                status, text = reply.status, reply.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8")
        found = re.search(r'name="csrf" value="([^"]+)"', text)
        if found:
            self.csrf = found[1]
        return status, text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def box(tmp_path):
    box = box_with(tmp_path, office(members=("801", "802"), ring_time=5))
    yield box
    box.kill()


def _owner(box) -> Browser:
    assert box.web_url, box.output()
    web = Browser(box.web_url)
    assert web.get("/")[0] == 303
    web.get("/setup")
    assert web.post("/setup", {"password": PASSWORD, "again": PASSWORD})[0] == 303
    assert web.get("/")[0] == 200
    return web


def _live_call(web: Browser, state: str) -> dict | None:
    calls = json.loads(web.get("/api/status")[1])["calls"]
    return calls[0] if calls and calls[0]["state"] == state else None


def test_live_status_and_a_ring_group_edited_on_the_page(box):
    web = _owner(box)
    status = json.loads(web.get("/api/status")[1])
    assert status["system"] == "ready"
    assert status["gsm"]["gsm0"]["state"] == "ready"
    assert {a["name"] for a in status["agents"]} >= {"801 Desk 1", "802 Desk 2"}

    web.get("/staff")
    code, text = web.post("/staff/group", {"original": "desk", "name": "desk",
                                           "strategy": "sequential", "ring_time": "5",
                                           "total_ring_time": "60", "members": "802\n801"})
    assert code == 303, text
    emu = box.emulator
    emu.phone_auto_answer("fxs1", 2.5)
    call = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs1"), 10, what="fxs1 rings first after the edit")
    assert not ringing(emu, "fxs0")
    rang = wait_for(lambda: _live_call(web, "ringing"), 5, what="the ringing call")
    assert rang["ringing"] == ["802 Desk 2"] and rang["caller"] == CALLER
    assert "浙江" in rang["region"] and rang["line"] == "gsm0"
    assert rang["direction"] == "in" and rang["waiting_s"] >= 0
    assert rang["duration_s"] is None  # the duration counts from the answer
    page = web.get("/")[1]
    assert rang["region"] in page and "802 Desk 2" in page and "振铃中" in page
    wait_for(lambda: emu.call(call["id"])["state"] == "active", 15, what="caller connected")
    def talking() -> list | None:
        calls = json.loads(web.get("/api/status")[1])["calls"]
        return calls if calls and calls[0]["state"] == "talking" else None

    live = wait_for(talking, 10, what="the call with desk 802 on the dashboard")
    assert live[0]["legs"] == ["gsm0", "fxs1"] and "802 Desk 2" in live[0]["parties"]
    assert live[0]["talking_with"] == "802 Desk 2"
    assert "802 Desk 2" in web.get("/")[1]
    emu.hangup(call["id"])
    rec = wait_record(box, caller=CALLER)
    assert rec["answered_by"] == "802"
    assert rec["region"] == rang["region"]  # the one lookup, shown live and recorded
    page = web.get("/records")[1]
    assert "+8613588888888" in page or "13588888888" in page

    # R12: 802 switches itself unavailable on the dashboard; the next call skips it
    wait_for(lambda: not json.loads(web.get("/api/status")[1])["calls"], 10,
             what="the first call gone from the dashboard")
    emu.phone_auto_answer("fxs1", None)
    web.get("/")
    code, _ = web.post("/agents/availability", {"agent": "802", "available": "0"})
    assert code == 303
    agents = {a["id"]: a for a in json.loads(web.get("/api/status")[1])["agents"]}
    assert agents["802"]["available"] is False and agents["801"]["available"] is True
    second = emu.place_call(CALLER, SIM[0])
    wait_for(lambda: ringing(emu, "fxs0"), 10, what="fxs0 rings: 802 is passed over")
    assert not ringing(emu, "fxs1")
    now = wait_for(lambda: _live_call(web, "ringing"), 5, what="the second call ringing")
    assert now["ringing"] == ["801 Desk 1"]
    emu.hangup(second["id"])
    rec = wait_record(box, caller=CALLER, result="abandoned")
    legs = json.loads(web.get(f"/api/records/{rec['id']}")[1])["legs"]
    assert [leg["target"] for leg in legs] == ["801"]


def test_a_caller_id_with_html_is_escaped_on_every_page(box):
    web = _owner(box)
    emu = box.emulator
    call = emu.place_call(CALLER, SIM[0], clip_text=HOSTILE)
    wait_for(lambda: emu.call(call["id"])["state"] in ("ringing", "alerting", "active"), 10,
             what="the hostile call rings")
    wait_for(lambda: json.loads(web.get("/api/status")[1])["calls"] or None, 10,
             what="the call on the dashboard")
    for path in ("/", "/api/status"):
        assert "<img src=x" not in web.get(path)[1] or path.startswith("/api/")
    emu.hangup(call["id"])
    wait_record(box, caller=HOSTILE)
    for path in ("/", "/records", "/reports", "/records?number=" + urllib.parse.quote(HOSTILE)):
        code, page = web.get(path)
        assert code in (200, 400), path
        assert "<img" not in page and "<script>alert" not in page, path
    records = web.get("/records")[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in records
    found = json.loads(web.get("/api/records?number=" + urllib.parse.quote(HOSTILE))[1])
    assert found["calls"][0]["caller"] == HOSTILE


def _page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/setup", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_the_page_stops_with_the_box(box):
    assert _page_answers(box.web_url)
    assert box.stop() == 0
    assert not _page_answers(box.web_url)


def test_the_page_goes_when_the_box_is_killed(box):
    assert _page_answers(box.web_url)
    box.kill()  # kill -9: the kernel tells the page's process (PR_SET_PDEATHSIG)
    wait_for(lambda: not _page_answers(box.web_url), 10, what="the page's process gone")
