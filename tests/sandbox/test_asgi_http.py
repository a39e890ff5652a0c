"""The simulated ASGI HTTP server: request body, streaming, disconnects, HEAD, failures."""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox import run
from sandbox.asgi_http import serve_one
from sandbox.encoding import decode
from sandbox.recorder import Recorder
from sandbox.scenario import HttpRequest

HELLO = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'Hello'})
"""

ECHO = """
async def app(scope, receive, send):
    body = b''
    while True:
        message = await receive()
        body += message['body']
        if not message['more_body']:
            break
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': body})
"""


def kinds(trace: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["kind"] == kind]


def rules(trace: dict[str, Any]) -> set[str]:
    return {v["rule"] for v in trace["violations"]}


def test_hello_world() -> None:
    trace = run(HELLO, {"type": "http", "path": "/"})
    assert trace["outcome"] == "ok" and trace["violations"] == []
    resp = trace["response"]
    assert (resp["status"], resp["body"], resp["complete"]) == (200, "Hello", True)
    order = [e["kind"] for e in trace["events"]]
    assert order[:2] == ["client", "call"] and order[-1] == "return"
    assert [e["data"]["type"] for e in kinds(trace, "send")] == [
        "http.response.start",
        "http.response.body",
    ]
    assert [e["data"] for e in kinds(trace, "wire")] == [
        {"what": "headers", "status": 200},
        {"what": "end", "length": 5, "body_length": 5},  # the last chunk ends the response
    ]


def test_send_and_receive_events_carry_the_learner_line() -> None:
    trace = run(ECHO, {"type": "http", "method": "POST", "body": "hi"})
    assert kinds(trace, "receive")[0]["line"] == 5
    assert [e["line"] for e in kinds(trace, "send")] == [9, 11]


def test_chunked_request_body_arrives_in_order() -> None:
    trace = run(ECHO, {"type": "http", "method": "POST", "chunks": ["ab", "cd", "e"]})
    got = [decode(e["data"]) for e in kinds(trace, "receive")]
    assert got == [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": True},
        {"type": "http.request", "body": b"e", "more_body": False},
    ]
    assert trace["response"]["body"] == "abcde"
    client = kinds(trace, "client")[0]["data"]
    assert client["added_headers"] == ["host", "content-length"]
    scope = decode(kinds(trace, "call")[0]["data"])
    assert isinstance(scope, dict)
    assert [b"content-length", b"5"] in scope["headers"]


def test_empty_body_is_one_message() -> None:
    trace = run(ECHO, {"type": "http"})
    got = [decode(e["data"]) for e in kinds(trace, "receive")]
    assert got == [{"type": "http.request", "body": b"", "more_body": False}]


def test_receive_again_before_responding_gives_disconnect_without_hanging() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    message = await receive()
    assert message['type'] == 'http.disconnect'
"""
    trace = run(code, {"type": "http"}, timeout_s=1.0)
    assert trace["outcome"] == "ok"
    notes = [e["data"]["text"] for e in kinds(trace, "note")]
    assert any("would wait here" in n for n in notes)
    assert kinds(trace, "client")[-1]["data"]["action"] == "disconnect"
    assert trace["response"] is None  # nobody left to answer
    assert trace["duration_ms"] < 900


def test_receive_waits_while_another_task_finishes_the_response() -> None:
    # Starlette's listen_for_disconnect pattern: one task waits, the other streams.
    code = """
import asyncio

async def app(scope, receive, send):
    await receive()

    async def listen():
        return await receive()

    listener = asyncio.ensure_future(listen())
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'a', 'more_body': True})
    await send({'type': 'http.response.body', 'body': b'b'})
    message = await listener
    assert message['type'] == 'http.disconnect'
"""
    trace = run(code, {"type": "http"})
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["response"]["body"] == "ab"
    assert not any("would wait" in e["data"]["text"] for e in kinds(trace, "note"))


def test_streaming_response_is_chunked() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    for i in range(3):
        await send({'type': 'http.response.body', 'body': b'%d;' % i, 'more_body': True})
    await send({'type': 'http.response.body', 'body': b''})
"""
    trace = run(code, {"type": "http"})
    resp = trace["response"]
    assert resp["body"] == "0;1;2;" and resp["framing"] == "chunked"
    assert ["transfer-encoding", "chunked"] in resp["headers"]
    assert len([e for e in kinds(trace, "wire") if e["data"]["what"] == "body"]) == 3


def test_client_disconnects_mid_stream() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    try:
        for i in range(5):
            await send({'type': 'http.response.body', 'body': b'x', 'more_body': True})
    except OSError as exc:
        print(type(exc).__name__)
        return
"""
    trace = run(code, {"type": "http", "disconnect_after": 2})
    assert trace["outcome"] == "ok" and trace["error"] is None
    assert trace["stdout"] == "ClientDisconnected\n"
    assert trace["response"]["complete"] is False
    assert trace["response"]["body_length"] == 2
    assert "http.return_incomplete" not in rules(trace)  # the client left, not the app's fault


def test_disconnect_before_the_response_starts() -> None:
    code = """
async def app(scope, receive, send):
    message = await receive()
    again = await receive()
    await send({'type': 'http.response.start', 'status': 200, 'headers': []})
"""
    trace = run(code, {"type": "http", "method": "POST", "body": "x", "disconnect_after": 0})
    assert [e["data"]["type"] for e in kinds(trace, "receive")] == [
        "http.request",
        "http.disconnect",
    ]
    raised = kinds(trace, "raise")[0]["data"]
    assert raised["type"] == "ClientDisconnected" and raised["expected"] is True
    assert trace["outcome"] == "ok" and trace["response"] is None
    assert "http.send_after_disconnect" in rules(trace)  # it had been told by receive()


def test_head_drops_the_body() -> None:
    trace = run(HELLO, {"type": "http", "method": "HEAD"})
    resp = trace["response"]
    assert resp["body"] == "" and resp["head_dropped_bytes"] == 5
    assert any("HEAD" in e["data"]["text"] for e in kinds(trace, "note"))
    assert trace["violations"] == []


def test_legacy_double_callable_is_served() -> None:
    code = """
def app(scope):
    async def instance(receive, send):
        await send({'type': 'http.response.start', 'status': 200,
                    'headers': [[b'content-type', b'text/plain']]})
        await send({'type': 'http.response.body', 'body': b'old'})
    return instance
"""
    trace = run(code, {"type": "http"})
    assert trace["response"]["body"] == "old"
    assert rules(trace) == {"asgi.legacy_double_callable"}


def test_exception_before_start_gives_500_and_the_learner_line() -> None:
    code = """
async def app(scope, receive, send):
    x = 1 / 0
"""
    trace = run(code, {"type": "http"})
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "ZeroDivisionError" and trace["error"]["line"] == 3
    resp = trace["response"]
    assert resp["status"] == 500 and resp.get("server_generated") is True
    assert "http.exception_before_start" in rules(trace)


def test_exception_after_start_drops_the_connection() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'part', 'more_body': True})
    raise ValueError('boom')
"""
    trace = run(code, {"type": "http"})
    assert trace["outcome"] == "error"
    assert trace["response"]["status"] == 200 and trace["response"]["complete"] is False
    assert "http.exception_after_start" in rules(trace)
    assert kinds(trace, "wire")[-1]["data"]["what"] == "close"


def test_return_value_and_return_without_response() -> None:
    trace = run("async def app(scope, receive, send):\n    return 'hi'\n", {"type": "http"})
    assert {"asgi.return_value", "http.return_without_response"} <= rules(trace)
    assert trace["response"]["status"] == 500


def test_invalid_message_raises_runtime_error_the_app_can_catch() -> None:
    code = """
async def app(scope, receive, send):
    try:
        await send({'type': 'http.response.body', 'body': b'early'})
    except RuntimeError as exc:
        print(exc)
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': b'ok'})
"""
    trace = run(code, {"type": "http"})
    assert trace["stdout"].strip() == (
        "Expected ASGI message 'http.response.start', but got 'http.response.body'."
    )
    assert trace["response"]["body"] == "ok"
    assert rules(trace) == {"http.body_before_start"}


def test_uncaught_invalid_message_is_explained_once() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': '200 OK'})
"""
    trace = run(code, {"type": "http"})
    assert trace["outcome"] == "error" and trace["error"]["type"] == "RuntimeError"
    assert rules(trace) == {"http.status_not_int"}  # no extra exception_before_start
    assert trace["response"]["status"] == 500


def test_content_length_given_by_the_app_is_used() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain'], [b'content-length', b'5']]})
    await send({'type': 'http.response.body', 'body': b'He', 'more_body': True})
    await send({'type': 'http.response.body', 'body': b'llo'})
"""
    resp = run(code, {"type": "http"})["response"]
    assert resp["framing"] == "content-length" and resp["body"] == "Hello"


def test_several_requests_share_the_app() -> None:
    code = """
count = 0

async def app(scope, receive, send):
    global count
    count += 1
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    await send({'type': 'http.response.body', 'body': str(count).encode()})
"""
    trace = run(code, {"requests": [{"type": "http"}, {"type": "http", "path": "/b"}]})
    assert [r["body"] for r in trace["responses"]] == ["1", "2"]
    assert {e.get("request") for e in kinds(trace, "call")} == {0, 1}


def test_a_million_messages_stop_at_the_event_limit() -> None:
    code = """
async def app(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [[b'content-type', b'text/plain']]})
    for _ in range(1_000_000):
        await send({'type': 'http.response.body', 'body': b'x', 'more_body': True})
"""
    trace = run(code, {"type": "http"}, timeout_s=5.0)
    assert trace["outcome"] == "too_many_events"
    assert trace["duration_ms"] < 4000


def _serve(app: Any, state: dict[str, Any] | None) -> tuple[Recorder, dict[str, Any] | None]:
    rec = Recorder()
    response = asyncio.run(serve_one(app, HttpRequest(), rec, state, legacy=False))
    return rec, response


def test_state_is_in_the_scope_only_when_given() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    _serve(app, {"db": "ready"})
    _, response = _serve(app, None)
    assert seen[0]["state"] == {"db": "ready"}
    assert "state" not in seen[1]
    assert response is not None and response["status"] == 204
