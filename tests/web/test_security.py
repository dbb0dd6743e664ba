"""The page resists the LAN (issue 9 §7): login throttling per address that never locks
the owner out, the console's way in, no sessions for visitors, the body limit before
the body is read, the password-change form and API tokens throttled, the CSV guard."""

from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from firmware.cdr.store import CdrStore, records_path
from tests.cdr.helpers import T0, end, start
from tests.web.client import Client
from tests.web.conftest import FAST_KDF, PASSWORD, set_up_owner
from web_ui import console, security
from web_ui.app import MAX_BODY, PRE_LOGIN_COOKIE, SESSION_COOKIE, make_app
from web_ui.queries import csv_rows
from web_ui.throttle import LoginThrottle

WRONG = "Wrong-pass-123"
NEW_PASSWORD = "Blue-kettle-42!"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def box(service, clock: Clock):
    """An app whose throttles run on `clock`, with the owner's password set."""
    app = make_app(service, kdf_n=FAST_KDF, throttle=LoginThrottle(clock=clock),
                   token_throttle=LoginThrottle(what="API token", clock=clock))
    set_up_owner(Client(app, remote="192.168.1.2"))
    return app


def _visitor(app, remote: str) -> Client:
    c = Client(app, remote=remote)
    c.get("/login")
    return c


def _web(app):
    return app.config["switchboard.web"]


# --- login throttling ----------------------------------------------------------------


def test_ten_addresses_guessing_do_not_lock_the_owner_out(box, clock: Clock) -> None:
    for n in range(10):  # 100 wrong passwords from ten addresses
        guesser = _visitor(box, f"192.168.1.{100 + n}")
        for _ in range(10):
            assert guesser.post("/login", {"password": WRONG}).status == 401
    owner = _visitor(box, "192.168.1.20")
    assert owner.post("/login", {"password": PASSWORD}).status == 303
    assert owner.get("/").status == 200


def test_an_address_waits_longer_after_each_wrong_try(box, clock: Clock) -> None:
    guesser = _visitor(box, "192.168.1.66")
    for _ in range(10):
        assert guesser.post("/login", {"password": WRONG}).status == 401
    waits = []
    for _ in range(4):
        reply = guesser.post("/login", {"password": PASSWORD})  # even the right one waits
        assert reply.status == 429
        assert "switchboard web unlock" in reply.text  # the way in, on the page
        waits.append(int(reply.headers["retry-after"]))
        clock.now += waits[-1]
        assert guesser.post("/login", {"password": WRONG}).status == 401
    assert waits == [2, 4, 8, 16]
    # the neighbour never guessed: it logs in at once
    assert _visitor(box, "192.168.1.67").post("/login", {"password": PASSWORD}).status == 303
    clock.now += 3600  # an hour without a wrong try: forgotten
    assert guesser.post("/login", {"password": PASSWORD}).status == 303


def test_a_flood_from_a_thousand_addresses(clock: Clock) -> None:
    throttle = LoginThrottle(clock=clock, max_addresses=500)
    for n in range(1000):
        throttle.failed(f"10.1.{n // 250}.{n % 250}")
        clock.now += 0.5
    assert throttle.counted() == 500  # bounded memory
    assert throttle.under_attack()
    assert throttle.wait_s("10.9.9.9") == 0  # no failures of its own: it may try
    throttle.failed("10.9.9.9")
    assert throttle.wait_s("10.9.9.9") > 0  # one wrong try under attack, then it waits
    # an address that logged in before keeps its free tries
    throttle.succeeded("192.168.1.2")
    for n in range(5):
        throttle.failed(f"10.2.0.{n}")
        throttle.failed("192.168.1.2")
    assert throttle.wait_s("192.168.1.2") == 0
    clock.now += 3600
    assert not throttle.under_attack()


def test_the_owners_good_address_is_not_pushed_out_by_a_flood(clock: Clock) -> None:
    throttle = LoginThrottle(clock=clock, max_addresses=100, max_trusted=8)
    throttle.succeeded("192.168.1.2")
    for n in range(5000):  # only wrong passwords: they cannot make an address good
        throttle.failed(f"10.3.{n // 250}.{n % 250}")
    throttle.failed("192.168.1.2")
    throttle.failed("192.168.1.2")
    assert throttle.wait_s("192.168.1.2") == 0


def test_ipv4_mapped_addresses_count_as_their_ipv4(clock: Clock) -> None:
    throttle = LoginThrottle(clock=clock, free=2)
    throttle.failed("::ffff:192.168.1.9")
    throttle.failed("192.168.1.9")
    assert throttle.wait_s("192.168.1.9") > 0


def test_attacks_are_logged_once_a_burst(box, clock: Clock, caplog) -> None:
    caplog.set_level(logging.INFO, logger="switchboard.web")
    guesser = _visitor(box, "192.168.1.66")
    for _ in range(10):
        guesser.post("/login", {"password": WRONG})
    for _ in range(40):  # refused while waiting: no line each
        assert guesser.post("/login", {"password": WRONG}).status == 429
    lines = [r.getMessage() for r in caplog.records if "throttle" in r.getMessage()]
    assert len(lines) == 1, lines
    assert "192.168.1.66" in lines[0] and "10 wrong passwords" in lines[0]

    caplog.clear()
    for n in range(150):  # many addresses, one try each: one burst, one line
        _visitor(box, f"10.4.0.{n}").post("/login", {"password": WRONG})
    lines = [r.getMessage() for r in caplog.records if "throttle" in r.getMessage()]
    assert len(lines) == 1, lines
    assert "box-wide" in lines[0]
    clock.now += 3601
    _visitor(box, "10.5.0.1").post("/login", {"password": WRONG})
    lines = [r.getMessage() for r in caplog.records if "throttle" in r.getMessage()]
    assert len(lines) == 2 and "over" in lines[1]


# --- the console's way in ----------------------------------------------------------------


def test_switchboard_web_unlock_lets_a_waiting_address_in(box, data: Path, caplog) -> None:
    owner = _visitor(box, "192.168.1.20")
    for _ in range(12):
        owner.post("/login", {"password": WRONG})
    assert owner.post("/login", {"password": PASSWORD}).status == 429
    assert console.main(["--data", str(data), "unlock"]) == 0
    assert owner.post("/login", {"password": PASSWORD}).status == 303
    assert any("unlocked from the box's console" in r.getMessage() for r in caplog.records)


def test_the_unlock_command_through_the_switchboard_cli(box, data: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "firmware.cli", "web", "unlock", "--data",
                           str(data)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "unlocked" in done.stdout
    assert (data / "web" / "unlock-request").stat().st_mode & 0o077 == 0
    guesser = _visitor(box, "192.168.1.66")
    assert guesser.post("/login", {"password": PASSWORD}).status == 303
    assert not (data / "web" / "unlock-request").exists()  # taken


def test_a_new_password_from_the_console(box, data: Path, monkeypatch) -> None:
    owner = Client(box, remote="192.168.1.20")
    set_up_owner_login(owner)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert console.main(["--data", str(data), "password", "--stdin"]) == 1
    assert owner.get("/").status == 200  # nothing changed
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert console.main(["--data", str(data), "password", "--stdin"]) == 0
    assert (data / "web" / "owner.json").stat().st_mode & 0o077 == 0
    assert owner.get("/").status == 303  # the session of the old password ended
    again = _visitor(box, "192.168.1.20")
    assert again.post("/login", {"password": PASSWORD}).status == 401
    assert again.post("/login", {"password": NEW_PASSWORD}).status == 303
    assert again.get("/").status == 200


def set_up_owner_login(client: Client) -> None:
    client.get("/login")
    assert client.post("/login", {"password": PASSWORD}).status == 303
    client.get("/")


def test_the_console_refuses_two_different_passwords(data: Path, monkeypatch) -> None:
    answers = iter([NEW_PASSWORD, NEW_PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert console.main(["--data", str(data), "password"]) == 1
    assert not (data / "web" / "owner.json").exists()


# --- sessions ------------------------------------------------------------------------------


def test_visits_that_are_not_logged_in_make_no_session(service) -> None:
    sessions = security.Sessions(limit=5)
    app = make_app(service, kdf_n=FAST_KDF, sessions=sessions)
    owner = Client(app)
    set_up_owner(owner)
    assert len(sessions) == 1
    for n in range(1000):
        visitor = Client(app, remote=f"10.6.{n // 250}.{n % 250}")
        for path in ("/login", "/", "/api/status"):
            reply = visitor.get(path)
            assert not any(c.startswith(SESSION_COOKIE) for c in reply.cookies)
    assert len(sessions) == 1
    assert owner.get("/").status == 200  # still logged in


def test_the_login_form_needs_its_own_signed_token(box) -> None:
    visitor = _visitor(box, "192.168.1.30")
    assert PRE_LOGIN_COOKIE in visitor.cookies and SESSION_COOKIE not in visitor.cookies
    good = visitor.csrf
    # no cookie: refused
    bare = Client(box, remote="192.168.1.30", csrf=good)
    assert bare.post("/login", {"password": PASSWORD}).status == 403
    # another browser's cookie with this form's token: refused
    other = _visitor(box, "192.168.1.31")
    other.csrf = good
    assert other.post("/login", {"password": PASSWORD}).status == 403
    # a made-up token: refused
    assert visitor.post("/login", {"password": PASSWORD, "csrf": "0" * 64}).status == 403
    # a second visit keeps the same nonce (two tabs both work)
    visitor.get("/login")
    assert visitor.csrf == good
    assert visitor.post("/login", {"password": PASSWORD}).status == 303


def test_the_setup_form_needs_the_signed_token_too(client: Client) -> None:
    client.get("/setup")
    assert client.post("/setup", {"password": PASSWORD, "again": PASSWORD,
                                  "csrf": "f" * 64}).status == 403
    assert client.post("/setup", {"password": PASSWORD, "again": PASSWORD}).status == 303


def test_logged_in_sessions_are_bounded_by_logins_only(service) -> None:
    sessions = security.Sessions(limit=3)
    app = make_app(service, kdf_n=FAST_KDF, sessions=sessions)
    set_up_owner(Client(app))
    browsers = []
    for n in range(5):
        c = _visitor(app, f"192.168.1.{40 + n}")
        assert c.post("/login", {"password": PASSWORD}).status == 303
        browsers.append(c)
    assert len(sessions) <= 3
    assert browsers[-1].get("/").status == 200


# --- the body limit -------------------------------------------------------------------------


class Untouchable(io.RawIOBase):
    """A request body that must not be read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


class Endless(io.RawIOBase):
    """A chunked body that never ends: 64 KiB chunks, counting what was read."""

    def __init__(self) -> None:
        self.read_bytes = 0
        self._chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        out = bytearray()
        while len(out) < size:
            take = self._chunk[self._pos:self._pos + size - len(out)]
            out += take
            self._pos = (self._pos + len(take)) % len(self._chunk)
        self.read_bytes += len(out)
        return bytes(out)


def _raw(app, method: str, path: str, body: io.RawIOBase, headers: dict[str, str]) -> tuple:
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "192.168.1.20", "HTTP_HOST": "127.0.0.1:8080", "wsgi.input": body,
           "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), "wsgi.multithread": True}
    env.update(headers)
    started: dict = {}

    def start_response(status: str, hdrs: list, exc_info=None) -> None:
        started["status"] = status

    out = b"".join(app(env, start_response))
    return int(started["status"].split()[0]), out


def test_a_huge_content_length_is_refused_before_reading(box) -> None:
    for method, path in (("POST", "/login"), ("POST", "/setup"), ("PUT", "/api/config"),
                         ("POST", "/system/restore")):
        status, text = _raw(box, method, path, Untouchable(),
                            {"CONTENT_LENGTH": str(300 * 1024 * 1024),
                             "CONTENT_TYPE": "application/x-www-form-urlencoded"})
        assert status == 413, (path, text)
    status, text = _raw(box, "PUT", "/api/config", Untouchable(),
                        {"CONTENT_LENGTH": str(MAX_BODY + 1), "CONTENT_TYPE": "application/json"})
    assert status == 413 and b'"field": "(body)"' in text
    status, _ = _raw(box, "POST", "/login", Untouchable(), {"CONTENT_LENGTH": "12abc"})
    assert status == 400


def test_a_chunked_body_is_cut_at_the_limit(box) -> None:
    body = Endless()
    status, _ = _raw(box, "POST", "/login", body,
                     {"HTTP_TRANSFER_ENCODING": "chunked",
                      "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    assert status == 413
    assert body.read_bytes <= MAX_BODY + 1


# --- the password-change form and API tokens ------------------------------------------------


def test_the_password_change_form_is_throttled_like_login(box, clock: Clock) -> None:
    owner = Client(box, remote="192.168.1.20")
    set_up_owner_login(owner)
    for _ in range(10):
        reply = owner.post("/system/password", {"current": WRONG, "password": NEW_PASSWORD,
                                                "again": NEW_PASSWORD})
        assert reply.status == 422
    reply = owner.post("/system/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                            "again": NEW_PASSWORD})
    assert reply.status == 429 and int(reply.headers["retry-after"]) >= 2
    # the same count as the login's
    assert _visitor(box, "192.168.1.20").post("/login", {"password": PASSWORD}).status == 429
    clock.now += 3
    reply = owner.post("/system/password", {"current": PASSWORD, "password": NEW_PASSWORD,
                                            "again": NEW_PASSWORD})
    assert reply.status == 303


def test_wrong_api_tokens_are_throttled_per_address(box, clock: Clock) -> None:
    token = _web(box).owner.add_token("script")
    guesser = Client(box, remote="192.168.1.66")
    for _ in range(10):
        assert guesser.api("GET", "/api/config", token="not-a-token").status == 401
    reply = guesser.api("GET", "/api/config", token=token)
    assert reply.status == 429 and int(reply.headers["retry-after"]) >= 2
    assert "token" in reply.json()["error"]
    assert Client(box, remote="192.168.1.20").api("GET", "/api/config", token=token).status == 200
    clock.now += 3
    assert guesser.api("GET", "/api/config", token=token).status == 200


# --- the CSV guard ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "=1+1", "+1_000", "-inf", "+inf", "-nan", "@SUM(A1)", "-2+3", "+86 135 8888 8888",
    "\t=cmd", "\r=cmd", "\n=cmd", " =HYPERLINK(\"x\")", "\u3000=1", "＝1+1", "＋1", "－1", "＠A1",
])
def test_every_formula_start_is_made_text(value: str) -> None:
    rows = list(csv.reader(io.StringIO(b"".join(csv_rows([{"caller": value}]))
                                       .decode("utf-8-sig"))))
    assert rows[1][5] == "'" + value


@pytest.mark.parametrize("value", ["+8613588888888", "13588888888", "057188888888", "张三"])
def test_numbers_and_names_are_left_as_they_are(value: str) -> None:
    rows = list(csv.reader(io.StringIO(b"".join(csv_rows([{"caller": value}]))
                                       .decode("utf-8-sig"))))
    assert rows[1][5] == value


def test_a_hostile_caller_id_in_the_export(owner: Client, data: Path) -> None:
    with CdrStore(records_path(data), preload_regions=False) as store:
        for n, caller in enumerate(("-inf", "+1_000", "=cmd|' /C calc'!A0")):
            at = T0 + timedelta(minutes=n)
            call = store.begin_call(start(caller, at, call_id=f"x{n}"))
            store.end_call(call, end(at + timedelta(seconds=5), "missed"))
    reply = owner.get("/records.csv")
    rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8-sig"))))
    callers = {r[5] for r in rows[1:]}
    assert callers == {"'-inf", "'+1_000", "'=cmd|' /C calc'!A0"}
