"""The lifespan protocol: startup and shutdown around requests, failures, and ``state``."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import run

LIFESPAN = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        scope["state"]["db"] = "connected"
        scope["state"]["hits"] = {"count": 0}
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    state = scope["state"]
    state["hits"]["count"] += 1      # a shared object: later requests see it
    state["mine"] = "only here"      # a new key: only this request's copy
    seen = f"{state['db']} {state['hits']['count']} {sorted(state)}"
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [[b"content-type", b"text/plain"]]})
        await send({"type": "http.response.body", "body": seen.encode()})
    else:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": seen})
        await send({"type": "websocket.close"})
"""


def rules(trace: dict[str, Any]) -> set[str]:
    return {v["rule"] for v in trace["violations"]}


def events(trace: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in trace["events"] if e["kind"] == kind]


def _http_ready() -> bool:
    from sandbox import asgi_http

    code = "async def app(scope, receive, send):\n    pass\n"
    try:
        run(code, {"type": "http"})
    except NotImplementedError:
        return False
    return asgi_http is not None


def test_lifespan_only_scenario() -> None:
    trace = run(LIFESPAN, {"type": "lifespan"})
    assert trace["outcome"] == "ok" and not trace["violations"]
    assert trace["responses"] == [] and trace["response"] is None
    assert [m["type"] for m in events(trace, "receive")] == [
        "lifespan.startup",
        "lifespan.shutdown",
    ]
    assert [m["type"] for m in events(trace, "send")] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    scope = events(trace, "call")[0]
    assert scope["type"] == "lifespan"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.0"}
    assert scope["state"] == {}  # recorded when the call was made, before startup filled it


def test_state_is_shallow_copied_into_each_websocket_request() -> None:
    req = {"type": "websocket", "path": "/ws", "actions": [{"receive": True}]}
    trace = run(LIFESPAN, {"lifespan": True, "requests": [req, req]})
    assert trace["outcome"] == "ok", trace["error"]
    texts = [r["messages"][0]["text"] for r in trace["responses"]]
    # The shared dict counts both requests; 'mine' was never carried to the next request.
    assert texts == [
        "connected 1 ['db', 'hits', 'mine']",
        "connected 2 ['db', 'hits', 'mine']",
    ]
    assert [v["rule"] for v in trace["violations"]] == ["lifespan.state_request_write"] * 2
    calls = events(trace, "call")
    assert calls[1]["state"]["db"] == "connected" and "mine" not in calls[2]["state"]


@pytest.mark.skipif(not _http_ready(), reason="the ASGI HTTP server is not there yet")
def test_state_in_http_and_websocket_requests() -> None:
    ws = {"type": "websocket", "path": "/ws", "actions": [{"receive": True}]}
    trace = run(LIFESPAN, {"lifespan": True, "requests": [{"type": "http"}, ws]})
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["responses"][0]["body"] == "connected 1 ['db', 'hits', 'mine']"
    assert trace["responses"][1]["messages"][0]["text"] == "connected 2 ['db', 'hits', 'mine']"
    receives = [m["type"] for m in events(trace, "receive")]
    assert receives[0] == "lifespan.startup" and receives[-1] == "lifespan.shutdown"


def test_app_without_lifespan_support_is_served_without_state() -> None:
    code = """
async def app(scope, receive, send):
    assert scope["type"] == "websocket", "this app only does WebSockets"
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": str("state" in scope)})
    await send({"type": "websocket.close"})
"""
    ws = {"type": "websocket", "actions": [{"receive": True}]}
    trace = run(code, {"lifespan": True, "requests": [ws]})
    assert trace["outcome"] == "ok" and trace["error"] is None
    assert not trace["violations"]
    assert any("does not support lifespan" in n["text"] for n in events(trace, "note"))
    assert trace["response"]["messages"][0]["text"] == "False"


def test_app_returning_at_once_on_lifespan_still_gets_served() -> None:
    code = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        return
    await receive()
    await send({"type": "websocket.close"})
"""
    trace = run(code, {"lifespan": True, "requests": [{"type": "websocket"}]})
    assert trace["outcome"] == "ok" and not trace["violations"]
    assert trace["response"]["status"] == 403


def test_startup_failed_serves_nothing() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})
"""
    trace = run(code, {"lifespan": True, "requests": [{"type": "websocket"}]})
    assert trace["outcome"] == "ok" and not trace["violations"]
    assert trace["responses"] == [None]
    assert [e["data"]["type"] for e in trace["events"] if e["kind"] == "call"] == ["lifespan"]


def test_exception_during_startup_continues_without_lifespan() -> None:
    code = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        raise ConnectionError("no database")
    await receive()
    await send({"type": "websocket.close"})
"""
    trace = run(code, {"lifespan": True, "requests": [{"type": "websocket"}]})
    assert trace["outcome"] == "error" and trace["error"]["type"] == "ConnectionError"
    assert rules(trace) == {"lifespan.startup_exception"}
    assert trace["response"]["status"] == 403  # the server went on serving
    assert "state" not in events(trace, "call")[1]


def test_waiting_forever_in_startup_does_not_hang() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await receive()
"""
    trace = run(code, {"lifespan": True, "requests": [{"type": "websocket"}]}, timeout_s=5)
    assert trace["outcome"] == "ok"
    assert rules(trace) == {"lifespan.receive_before_startup_reply"}
    assert trace["responses"] == [None]
    assert trace["duration_ms"] < 2000


def test_duplicate_startup_complete_raises_like_uvicorn() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.startup.complete"})
"""
    trace = run(code, {"type": "lifespan"})
    assert trace["error"]["type"] == "AssertionError"
    assert trace["error"]["message"] == "Got invalid state transition on lifespan protocol."
    assert "lifespan.startup_complete_twice" in rules(trace)


def test_starlette_lifespan_with_state() -> None:
    code = """
import contextlib
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"greeting": "hello"}

async def hello(websocket):
    await websocket.accept()
    await websocket.send_text(websocket.state.greeting)
    await websocket.close()

app = Starlette(routes=[WebSocketRoute("/ws", hello)], lifespan=lifespan)
"""
    ws = {"type": "websocket", "path": "/ws", "actions": [{"receive": True}]}
    trace = run(code, {"lifespan": True, "requests": [ws]})
    assert trace["outcome"] == "ok", trace["error"]
    assert not [v for v in trace["violations"] if v["severity"] == "error"]
    assert trace["response"]["messages"][0]["text"] == "hello"
    sent = [m["type"] for m in events(trace, "send") if m["type"].startswith("lifespan.")]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
