"""First run, login, logout, sessions: the way in, and every refusal on it."""

from __future__ import annotations

import json

from tests.web.client import Client
from tests.web.conftest import PASSWORD, set_up_owner
from web_ui import security
from web_ui.app import SESSION_COOKIE, make_app


def test_first_run_sends_every_page_to_setup_and_the_api_is_closed(client: Client) -> None:
    for path in ("/", "/staff", "/records", "/system", "/login"):
        reply = client.get(path)
        assert reply.status == 303, path
        assert reply.location.endswith("/setup")
    reply = client.api("GET", "/api/config")
    assert reply.status == 403
    assert "password" in reply.json()["error"]
    assert client.get("/setup").status == 200


def test_setup_refuses_a_weak_password_and_changes_nothing(client: Client, service) -> None:
    client.get("/setup")
    for weak, key in (("short1!", "pw_short"), ("password12345", "pw_common"),
                      ("aaaaaaaaaaaa", "pw_pattern"), ("abcdefghijk", "pw_pattern"),
                      ("lowercase12", "pw_kinds")):
        reply = client.post("/setup", {"password": weak, "again": weak})
        assert reply.status == 422, weak
        assert security.password_problem(weak) == key
    reply = client.post("/setup", {"password": PASSWORD, "again": PASSWORD + "x"})
    assert reply.status == 422
    assert not (service.web_dir / "owner.json").exists()
    assert client.get("/").status == 303


def test_setup_stores_only_a_slow_hash_and_logs_the_owner_in(client: Client, service) -> None:
    set_up_owner(client)
    stored = json.loads((service.web_dir / "owner.json").read_text())
    assert stored["password"].startswith("scrypt$")
    assert PASSWORD not in (service.web_dir / "owner.json").read_text()
    assert (service.web_dir / "owner.json").stat().st_mode & 0o077 == 0
    assert client.get("/").status == 200
    # the password is not in the exportable config either
    assert PASSWORD not in json.dumps(service.config())
    # a second setup is not possible
    assert client.post("/setup", {"password": "Other-pass-123", "again": "Other-pass-123"}
                       ).status == 303
    assert security.verify_password(PASSWORD, stored["password"])


def test_session_cookie_is_httponly_strict_and_not_a_pickle(client: Client) -> None:
    client.get("/setup")
    reply = client.post("/setup", {"password": PASSWORD, "again": PASSWORD})
    cookie = next(c for c in reply.cookies if c.startswith(SESSION_COOKIE + "="))
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    value = cookie.split("=", 1)[1].split(";")[0]
    assert not value.startswith("!")  # bottle's signed (pickled) cookies start with "!"
    assert len(value) >= 40


def test_login_rotates_the_session_id(app, client: Client) -> None:
    set_up_owner(client)
    before = client.cookies[SESSION_COOKIE]
    client.post("/logout")
    assert client.get("/").status == 303
    planted = "x" * 43  # an id someone else chose (fixation)
    client.cookies[SESSION_COOKIE] = planted
    client.get("/login")
    reply = client.post("/login", {"password": PASSWORD})
    assert reply.status == 303
    after = client.cookies[SESSION_COOKIE]
    assert after not in (before, planted)
    # the ids from before the login are worth nothing now
    for old in (before, planted):
        assert Client(app, cookies={SESSION_COOKIE: old}).get("/").status == 303
    assert client.get("/").status == 200


def test_wrong_password_is_refused(client: Client) -> None:
    set_up_owner(client)
    client.post("/logout")
    client.get("/login")
    reply = client.post("/login", {"password": "Wrong-pass-123"})
    assert reply.status == 401
    assert client.get("/").status == 303


def test_logout_needs_csrf_and_ends_the_session(owner: Client) -> None:
    assert owner.post("/logout", csrf=False).status == 403
    assert owner.get("/").status == 200
    assert owner.post("/logout").status == 303
    assert owner.get("/").status == 303


def test_login_backs_off_after_ten_failures(service) -> None:
    now = [1000.0]
    throttle = security.LoginThrottle(clock=lambda: now[0])
    app = make_app(service, kdf_n=2**4, throttle=throttle)
    client = Client(app)
    set_up_owner(client)
    client.post("/logout")
    client.get("/login")
    for _ in range(10):
        assert client.post("/login", {"password": "Wrong-pass-123"}).status == 401
    reply = client.post("/login", {"password": PASSWORD})
    assert reply.status == 429  # even the right password waits
    assert int(reply.headers["retry-after"]) >= 2
    now[0] += 3
    assert client.post("/login", {"password": PASSWORD}).status == 303


def test_a_flood_from_many_addresses_does_not_lock_the_owner_out(service) -> None:
    now = [1000.0]
    throttle = security.LoginThrottle(clock=lambda: now[0])
    app = make_app(service, kdf_n=2**4, throttle=throttle)
    set_up_owner(Client(app))
    attackers = []
    for i in range(100):
        c = Client(app, remote=f"10.0.{i // 200}.{i % 200}")
        c.get("/login")
        assert c.post("/login", {"password": "Wrong-pass-123"}).status == 401
        attackers.append(c)
    # an address with no failures of its own logs in with the right password
    fresh = Client(app, remote="10.9.9.9")
    fresh.get("/login")
    assert fresh.post("/login", {"password": PASSWORD}).status == 303
    # while the box is under attack, an address that guessed wrong once waits
    reply = attackers[0].post("/login", {"password": PASSWORD})
    assert reply.status == 429 and int(reply.headers["retry-after"]) >= 2


def test_language_follows_the_browser_and_the_switch(client: Client) -> None:
    assert "设置管理员密码" in client.get("/setup").text
    english = client.get("/setup", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Set the owner&#039;s password" in english.text
    reply = client.get("/lang/en?back=/setup")
    assert reply.status == 303 and reply.location.endswith("/setup")
    assert "Set the owner&#039;s password" in client.get("/setup").text
    # the switch never sends the browser to another site
    assert client.get("/lang/zh-CN?back=//evil.example/").location.endswith(":8080/")
    assert "设置管理员密码" in client.get("/setup").text
