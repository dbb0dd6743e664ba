"""The guard on every route: Host (DNS rebinding), login, CSRF and Origin, API tokens,
security headers. Routes are enumerated from the app, so a new route is covered too."""

from __future__ import annotations

import pytest

from tests.web.client import Client
from web_ui.app import SECURITY_HEADERS, SESSION_COOKIE

OPEN_ROUTES = {"/setup", "/login", "/lang/<code>", "/static/<name:path>", "/api/openapi.json"}


def _routes(app) -> list[tuple[str, str]]:
    return [(r.method, r.rule) for r in app.routes]


def _concrete(rule: str) -> str:
    return (rule.replace("<code>", "en").replace("<name:path>", "style.css")
            .replace("<call_id>", "c1").replace("<section>", "settings"))


def test_every_route_refuses_an_unknown_host(owner: Client) -> None:
    for method, rule in _routes(owner.app):
        for host in ("evil.example", "evil.example:8080", "127.0.0.1.evil.example", None):
            reply = owner.request(method, _concrete(rule), host=host)
            assert reply.status == 400, (method, rule, host)


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "192.168.1.5", "[::1]:8080", "localhost:8080",
                                  "box.lan:8080"])
def test_ip_literals_localhost_and_allowed_names_are_served(data, host) -> None:
    from tests.web.conftest import build, set_up_owner

    _, app = build(data, allowed_hosts=("box.lan",))
    client = Client(app)
    set_up_owner(client)
    assert client.get("/", host=host).status == 200


def test_every_route_needs_a_login(client: Client) -> None:
    from tests.web.conftest import set_up_owner

    set_up_owner(client)
    client.cookies.clear()
    for method, rule in _routes(client.app):
        if rule in OPEN_ROUTES:
            continue
        reply = client.request(method, _concrete(rule))
        if rule.startswith("/api/"):
            assert reply.status == 401, (method, rule)
            assert reply.headers["www-authenticate"].startswith("Bearer")
        else:
            assert reply.status == 303 and reply.location.endswith("/login"), (method, rule)


def test_every_state_changing_route_needs_the_csrf_token(owner: Client) -> None:
    changing = [(m, r) for m, r in _routes(owner.app) if m in ("POST", "PUT", "DELETE")]
    assert len(changing) >= 10
    for method, rule in changing:
        path = _concrete(rule)
        if method == "POST":
            assert owner.post(path, {"x": "1"}, csrf=False).status == 403, rule
            assert owner.post(path, {"x": "1", "csrf": "forged"}).status == 403, rule
        else:
            assert owner.api(method, path, {}).status == 403, rule
    assert owner.get("/").status == 200  # still logged in, nothing changed


def test_every_state_changing_route_needs_this_boxs_origin(owner: Client) -> None:
    for method, rule in _routes(owner.app):
        if method != "POST":
            continue
        path = _concrete(rule)
        assert owner.post(path, {"x": "1"}, origin="http://evil.example").status == 403, rule
        assert owner.post(path, {"x": "1"}, origin=None).status == 403, rule
        referer = owner.post(path, {"x": "1"}, origin=None,
                             headers={"Referer": "http://127.0.0.1:8080.evil.example/"})
        assert referer.status == 403, rule


def test_a_referer_from_the_box_will_do_when_there_is_no_origin(owner: Client) -> None:
    reply = owner.post("/schedule", {"mon": "09:00-12:00"}, origin=None,
                       headers={"Referer": "http://127.0.0.1:8080/schedule"})
    assert reply.status == 303


def test_the_api_with_a_session_needs_csrf_in_a_header(owner: Client) -> None:
    config = owner.api("GET", "/api/config").json()
    assert owner.api("PUT", "/api/config", config,
                     headers={"Origin": "http://127.0.0.1:8080"}).status == 403
    reply = owner.api("PUT", "/api/config", config,
                      headers={"Origin": "http://127.0.0.1:8080", "X-CSRF-Token": owner.csrf})
    assert reply.status == 200


def test_api_tokens(owner: Client) -> None:
    reply = owner.post("/system/tokens", {"name": "erp"})
    token = reply.text.split('id="new-token">')[1].split("<")[0]
    api = Client(owner.app)  # no cookies: a script
    assert api.api("GET", "/api/config", token=token).status == 200
    assert api.api("GET", "/api/config", token=token + "x").status == 401
    assert api.api("GET", "/api/config").status == 401
    # a token needs no CSRF token: it is no ambient credential
    config = api.api("GET", "/api/config", token=token).json()
    assert api.api("PUT", "/api/config", config, token=token).status == 200
    # tokens work only on the API, not as a way into the pages
    assert api.get("/", headers={"Authorization": f"Bearer {token}"}).status == 303
    owner.get("/system")
    owner.post("/system/tokens", {"name": "erp", "remove": "1"})
    assert api.api("GET", "/api/config", token=token).status == 401
    stored = (owner.app.config["switchboard.web"].owner.path).read_text()
    assert token not in stored


def test_security_headers_on_every_answer(owner: Client) -> None:
    for path in ("/", "/records", "/api/status", "/static/style.css", "/nowhere"):
        reply = owner.get(path)
        for name in ("content-security-policy", "x-frame-options", "x-content-type-options"):
            assert reply.headers[name] == SECURITY_HEADERS[
                {"content-security-policy": "Content-Security-Policy",
                 "x-frame-options": "X-Frame-Options",
                 "x-content-type-options": "X-Content-Type-Options"}[name]], (path, name)


def test_a_made_up_session_id_is_nobody(owner: Client) -> None:
    owner.cookies[SESSION_COOKIE] = "A" * 43
    assert owner.get("/").status == 303
