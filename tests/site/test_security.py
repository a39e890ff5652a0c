"""Local-machine safety: Host allow-list, Origin, Content-Type, token, headers."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from wsgi_asgi_tour import security
from wsgi_asgi_tour.security import SecurityMiddleware, same_origin
from wsgi_asgi_tour.settings import Settings

from tests.site.conftest import AUTH, JSON, ORIGIN, TOKEN, TestClient, make_settings, run_body


async def ok(request: Any) -> Response:
    return PlainTextResponse(f"{request.method} ok")


async def own_csp(request: Any) -> Response:
    return PlainTextResponse("mine", headers={"content-security-policy": "default-src 'none'"})


async def echo(ws: WebSocket) -> None:
    await ws.accept()
    await ws.send_text("hello")
    await ws.close()


def tiny(settings: Settings | None = None) -> TestClient:
    """A tiny inline app behind the security middleware alone."""
    app = Starlette(routes=[
        Route("/", ok, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/own", own_csp),
        WebSocketRoute("/ws", echo),
    ])
    wrapped = SecurityMiddleware(app, settings or make_settings())
    return TestClient(wrapped, base_url=ORIGIN, follow_redirects=False)


# -- Host allow-list (DNS rebinding) ----------------------------------------------------------

@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8000",
])
def test_loopback_hosts_are_allowed_on_any_port(host: str) -> None:
    assert tiny().get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io",
    "[::2]", "", "0.0.0.0:8000",
])
def test_other_hosts_get_403(host: str) -> None:
    response = tiny().get("/", headers={"host": host})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "host_not_allowed"


def test_configured_host_names_are_allowed() -> None:
    client = tiny(make_settings(allowed_hosts=frozenset({"tour.example.org"})))
    assert client.get("/", headers={"host": "tour.example.org:443"}).status_code == 200
    assert client.get("/", headers={"host": "other.example.org"}).status_code == 403


# -- security headers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path", "headers", "status"), [
    ("GET", "/", {}, 200),
    ("GET", "/missing", {}, 404),
    ("GET", "/", {"host": "evil.example"}, 403),
    ("POST", "/", {}, 415),
    ("POST", "/", JSON, 401),
])
def test_every_response_has_the_security_headers(
    method: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = tiny().request(method, path, headers=headers)
    assert response.status_code == status
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_a_page_may_set_its_own_policy_and_it_is_not_duplicated() -> None:
    response = tiny().get("/own")
    assert response.headers.get_list("content-security-policy") == ["default-src 'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"


# -- state-changing requests: Origin, Sec-Fetch-Site, Content-Type ------------------------------

@pytest.mark.parametrize("origin", [
    "http://evil.example", "http://127.0.0.1:9999", "http://localhost:8000", "null",
    "file://", "http://user@127.0.0.1:8000", "http://127.0.0.1:x",
])
def test_post_from_another_origin_gets_403(origin: str) -> None:
    response = tiny().post("/", headers={**AUTH, "origin": origin})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_origin"


def test_post_from_the_same_origin_passes() -> None:
    assert tiny().post("/", headers={**AUTH, "origin": ORIGIN}).text == "POST ok"


@pytest.mark.parametrize(("site", "status"), [
    ("cross-site", 403), ("same-site", 403), ("same-origin", 200), ("none", 200),
])
def test_sec_fetch_site_without_origin(site: str, status: int) -> None:
    response = tiny().post("/", headers={**AUTH, "sec-fetch-site": site})
    assert response.status_code == status


@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x",
    "application/jsonx",
])
def test_post_without_json_content_type_gets_415(content_type: str | None) -> None:
    headers = {"authorization": f"Bearer {TOKEN}"}
    if content_type:
        headers["content-type"] = content_type
    response = tiny().post("/", headers=headers)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_json_with_charset_passes() -> None:
    headers = {**AUTH, "content-type": "Application/JSON; charset=utf-8"}
    assert tiny().put("/", headers=headers).status_code == 200


def test_get_needs_neither_token_nor_content_type() -> None:
    assert tiny().get("/", headers={"origin": "http://evil.example"}).status_code == 200


# -- the token ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    JSON,
    {**JSON, "authorization": "Bearer wrong"},
    {**JSON, "authorization": f"Basic {TOKEN}"},
    {**JSON, "authorization": f"Bearer {TOKEN}x"},
    {**JSON, "cookie": "wsgi_asgi_tour_token_8000=wrong"},
    {**JSON, "cookie": f"wsgi_asgi_tour_token_9000={TOKEN}"},  # another tour's cookie
])
def test_state_changing_request_without_the_token_gets_401(headers: dict[str, str]) -> None:
    response = tiny().delete("/", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "wsgi-asgi-tour serve" in response.json()["error"]["message"]


@pytest.mark.parametrize("headers", [
    {**JSON, "authorization": f"Bearer {TOKEN}"},
    {**JSON, "authorization": f"bearer  {TOKEN}"},
    {**JSON, "cookie": f"a=b; wsgi_asgi_tour_token_8000={TOKEN}; c=d"},
])
def test_the_token_from_header_or_cookie_passes(headers: dict[str, str]) -> None:
    assert tiny().post("/", headers=headers).status_code == 200


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert tiny().post("/", headers={**JSON, "authorization": "Bearer guess"}).status_code == 401
    assert calls == [(b"guess", TOKEN.encode())]


def test_hosted_mode_needs_no_token() -> None:
    client = tiny(make_settings(hosted=True))
    assert client.post("/", headers=JSON).status_code == 200
    assert client.post("/", headers={**JSON, "origin": "http://evil.example"}).status_code == 403


# -- /?token=... becomes a cookie ---------------------------------------------------------------

def test_token_in_url_sets_a_strict_httponly_cookie_and_redirects() -> None:
    client = tiny()
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"wsgi_asgi_tour_token_8000={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    # The cookie now authorises the run API from this browser.
    assert client.post("/", headers=JSON).status_code == 200


def test_other_query_parameters_survive_the_redirect() -> None:
    response = tiny().get(f"/lessons/x?a=1&token={TOKEN}&b=two+words")
    assert response.headers["location"] == "/lessons/x?a=1&b=two+words"


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/"])
def test_redirect_never_leaves_the_site(path: str) -> None:
    # HTTP clients read "//host/" as a URL, so build the scope a server would.
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "",
             "query_string": f"token={TOKEN}".encode(), "headers": [(b"host", b"127.0.0.1")]}
    middleware = SecurityMiddleware(ok, make_settings())
    response = middleware.check(scope, Headers(scope=scope))
    assert response is not None and response.status_code == 303
    assert response.headers["location"] == "/evil.example/"


def test_a_wrong_token_in_the_url_is_explained() -> None:
    response = tiny().get("/?token=old")
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert response.json()["error"]["code"] == "bad_token"


def test_a_parameter_merely_ending_in_token_is_left_alone() -> None:
    assert tiny().get("/?mytoken=1").status_code == 200


def test_hosted_mode_ignores_a_token_in_the_url() -> None:
    assert tiny(make_settings(hosted=True)).get("/?token=x").status_code == 200


# -- WebSockets: Host and Origin ----------------------------------------------------------------

def test_websocket_from_our_origin_is_accepted() -> None:
    # The test client always says "testserver" for WebSockets unless told otherwise.
    headers = {"host": "127.0.0.1:8000", "origin": ORIGIN}
    with tiny().websocket_connect("/ws", headers=headers) as ws:
        assert ws.receive_text() == "hello"


@pytest.mark.parametrize("headers", [
    {"host": "127.0.0.1:8000", "origin": "http://evil.example"},
    {"host": "evil.example", "origin": "http://evil.example"},
])
def test_websocket_from_elsewhere_is_refused(headers: dict[str, str]) -> None:
    with pytest.raises(WebSocketDisconnect) as caught, tiny().websocket_connect(
            "/ws", headers=headers):
        pass
    assert caught.value.code == 1008


# -- same_origin --------------------------------------------------------------------------------

@pytest.mark.parametrize(("origin", "host", "same"), [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
    ("http://LOCALHOST:8000", "localhost:8000", True),
    ("http://example.org", "example.org:80", True),
    ("https://example.org", "example.org", True),
    ("https://example.org:443", "example.org", True),
    ("http://[::1]:8000", "[::1]:8000", True),
    ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
    ("http://example.org", "example.org:8000", False),
    ("ftp://example.org", "example.org", False),
    ("null", "example.org", False),
    ("http://a@example.org", "example.org", False),
    ("http://[::1", "[::1]", False),
    # The scheme is not compared: behind a TLS proxy the page is https, the Host plain.
    ("https://tour.example.org", "tour.example.org", True),
])
def test_same_origin(origin: str, host: str, same: bool) -> None:
    assert same_origin(origin, host) is same


# -- the real app: nothing reaches the sandbox without passing the checks ----------------------

def test_refused_runs_never_reach_the_sandbox(client: TestClient) -> None:
    before = client.app.state.executor.stats()  # type: ignore[attr-defined]
    attempts: list[dict[str, str]] = [
        {**AUTH, "origin": "http://evil.example"},
        {**AUTH, "host": "evil.example"},
        {"authorization": f"Bearer {TOKEN}", "content-type": "text/plain"},
        JSON,
    ]
    for headers in attempts:
        assert client.post("/api/run", json=run_body(), headers=headers).status_code in (
            401, 403, 415)
    assert client.app.state.executor.stats() == before  # type: ignore[attr-defined]
    assert client.post("/api/run", json=run_body(), headers=AUTH).status_code == 200


# -- settings from the environment --------------------------------------------------------------

def test_token_from_the_environment_and_random_otherwise() -> None:
    assert Settings.from_env({"WSGI_ASGI_TOUR_TOKEN": "fixed-1"}).token == "fixed-1"
    first, second = Settings.from_env({}).token, Settings.from_env({}).token
    assert first != second and len(first) >= 40


def test_allowed_hosts_from_the_environment_and_the_bind_address() -> None:
    settings = Settings.from_env(
        {"WSGI_ASGI_TOUR_ALLOWED_HOSTS": "Tour.Example.org, ,b.example"}, host="10.0.0.5")
    assert settings.allowed_hosts == {"tour.example.org", "b.example", "10.0.0.5"}
    assert Settings.from_env({}, host="::1").host_allowed("[::1]")
    assert Settings.from_env({}, host="0.0.0.0").allowed_hosts == frozenset()


@pytest.mark.parametrize(("env", "fragment"), [
    ({"WSGI_ASGI_TOUR_TOKEN": "has space"}, "TOKEN"),
    ({"WSGI_ASGI_TOUR_RATE_PER_S": "fast"}, "RATE_PER_S"),
    ({"WSGI_ASGI_TOUR_RATE_BURST": "0"}, "RATE_BURST"),
    ({"WSGI_ASGI_TOUR_MAX_BODY_BYTES": "1.5"}, "MAX_BODY_BYTES"),
])
def test_bad_settings_are_named(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Settings.from_env(env)


def test_an_out_of_date_link_opened_in_a_browser_is_a_page_in_its_language() -> None:
    client = tiny()
    page = client.get("/zh/?token=old", headers={"accept": "text/html"})
    assert page.status_code == 403
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-Hans">' in page.text and "这个链接已过期" in page.text
    english = client.get("/?token=old", headers={"accept": "text/html"})
    assert '<html lang="en">' in english.text and "This link is out of date" in english.text


def test_refusals_read_in_the_language_the_page_asks_for() -> None:
    client = tiny()
    zh = {"accept-language": "zh, en;q=0.5"}
    no_token = client.post("/", content=b"{}", headers={**JSON, "origin": ORIGIN, **zh})
    assert no_token.status_code == 401
    assert no_token.json()["error"]["code"] == "token_required"
    assert "令牌" in no_token.json()["error"]["message"]
    foreign = client.post("/", content=b"{}",
                          headers={**JSON, **AUTH, "origin": "https://evil.example", **zh})
    assert "另一个网站" in foreign.json()["error"]["message"]
    english = client.post("/", content=b"{}", headers={**JSON, "origin": ORIGIN})
    assert english.json()["error"]["message"].startswith("This request needs the token")
