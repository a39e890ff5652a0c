"""HTTP scopes: built as uvicorn builds them, and compared with a real uvicorn's scope."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from sandbox import run
from sandbox.asgi_scope import http_scope, split_target
from sandbox.encoding import decode
from sandbox.scenario import HttpRequest, parse

CAPTURE = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 204})
    await send({'type': 'http.response.body'})
"""


def engine_scope(scenario: dict[str, Any]) -> dict[str, Any]:
    trace = run(CAPTURE, scenario)
    call = next(e for e in trace["events"] if e["kind"] == "call")
    scope = decode(call["data"])
    assert isinstance(scope, dict)
    return scope


def test_split_target_decodes_the_path_and_keeps_the_rest_raw() -> None:
    path, raw, query = split_target("/caf%C3%A9/a%2Fb%FF?q=%20x&y=1")
    assert path == "/café/a/b\ufffd"  # bad UTF-8 becomes U+FFFD, as unquote does
    assert raw == b"/caf%C3%A9/a%2Fb%FF"
    assert query == b"q=%20x&y=1"


def test_scope_has_every_spec_key() -> None:
    scope = engine_scope(
        {
            "type": "http",
            "method": "POST",
            "path": "/Hello%20World?name=Ada",
            "headers": [["X-Trace", "1"], ["x-trace", "2"]],
            "body": "abc",
            "scheme": "https",
        }
    )
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.5"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "POST"
    assert scope["scheme"] == "https"
    assert scope["path"] == "/Hello World" and scope["raw_path"] == b"/Hello%20World"
    assert scope["query_string"] == b"name=Ada"
    assert scope["root_path"] == ""
    assert scope["headers"] == [
        [b"host", b"127.0.0.1:8000"],
        [b"x-trace", b"1"],
        [b"x-trace", b"2"],
        [b"content-length", b"3"],
    ]
    assert scope["client"] == ["127.0.0.1", 51000]
    assert scope["server"] == ["127.0.0.1", 8000]
    assert "state" not in scope and "extensions" not in scope


def test_root_path_prefixes_path_and_raw_path_like_uvicorn() -> None:
    scope, _ = http_scope(HttpRequest(path="/users", root_path="/api"), "2.5", None)
    assert (scope["root_path"], scope["path"], scope["raw_path"]) == (
        "/api",
        "/api/users",
        b"/api/users",
    )


def test_http_1_0_client_sends_no_host() -> None:
    scenario = parse({"type": "http", "http_version": "1.0"})
    request = scenario.requests[0]
    assert isinstance(request, HttpRequest)
    scope, added = http_scope(request, "2.5", None)
    assert scope["headers"] == [] and added == []


# --- against a real uvicorn -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def uvicorn_scope(path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    captured: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            captured.append(dict(scope))
            await send({"type": "http.response.start", "status": 204})
            await send({"type": "http.response.body"})

    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", ws="none", http="h11", log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with httpx.Client() as client:
            client.post(f"http://127.0.0.1:{port}{path}", headers=headers, content=body)
    finally:
        server.should_exit = True
        thread.join(10)
    return captured[0]


def test_scope_matches_a_real_uvicorn() -> None:
    path = "/caf%C3%A9/x%20y?q=%20z&n=1"
    real = uvicorn_scope(path, {"X-Custom": "Yes"}, b"hello")
    ours = engine_scope(
        {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": [["X-Custom", "Yes"]],
            "body": "hello",
        }
    )
    # uvicorn always passes state (its app_state); ours only when lifespan ran.
    assert set(ours) == set(real) - {"state"}
    for key in ("type", "http_version", "method", "scheme", "path", "raw_path"):
        assert ours[key] == real[key], key
    assert ours["query_string"] == real["query_string"]
    assert ours["root_path"] == real["root_path"]
    assert ours["asgi"]["version"] == real["asgi"]["version"]
    for key in ("client", "server"):
        assert [type(v) for v in ours[key]] == [type(v) for v in real[key]]
    real_headers = {bytes(k): bytes(v) for k, v in real["headers"]}
    ours_headers = {k: v for k, v in ours["headers"]}
    assert ours_headers[b"x-custom"] == real_headers[b"x-custom"] == b"Yes"
    assert ours_headers[b"content-length"] == real_headers[b"content-length"] == b"5"
    assert all(k == k.lower() for k in real_headers)
