"""The simulated WebSocket server: scope, the client's script, closes, and the response object."""

from __future__ import annotations

from typing import Any

from sandbox import run
from sandbox.encoding import decode

ECHO = """
async def app(scope, receive, send):
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": "echo: " + message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": message["bytes"][::-1]})
"""


def ws(*actions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "websocket", "path": "/ws", "actions": list(actions), **extra}


def kinds(trace: dict[str, Any]) -> list[str]:
    return [e["kind"] for e in trace["events"]]


def rules(trace: dict[str, Any]) -> set[str]:
    return {v["rule"] for v in trace["violations"]}


def events(trace: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in trace["events"] if e["kind"] == kind]


def test_echo_server_round_trip() -> None:
    trace = run(
        ECHO,
        ws({"send": "hi"}, {"receive": True}, {"send_bytes": "AQID"}, {"receive": True}),
    )
    assert trace["outcome"] == "ok", trace["error"]
    assert not trace["violations"]
    resp = trace["response"]
    assert resp["type"] == "websocket" and resp["status"] == 101 and resp["accepted"]
    assert [m["from"] for m in resp["messages"]] == ["client", "server", "client", "server"]
    assert resp["messages"][1] == {"from": "server", "text": "echo: hi"}
    assert decode(resp["messages"][3]["bytes"]) == b"\x03\x02\x01"
    # The script ended with the connection open: the client closed it normally.
    assert resp["close"] == {"code": 1000, "reason": "", "by": "client", "clean": True}
    assert resp["wire"].startswith("HTTP/1.1 101 Switching Protocols\r\n")
    assert ["sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="] in resp["headers"]
    received = [c for c in events(trace, "client") if c["action"] == "receive"]
    assert received[0]["text"] == "echo: hi"
    assert events(trace, "receive")[-1] == {
        "type": "websocket.disconnect",
        "code": 1000,
        "reason": "",
    }


def test_scope_is_complete() -> None:
    trace = run(ECHO, ws(path="/chat%20room/ws?room=1", subprotocols=["v1", "v2"]))
    scope = events(trace, "call")[0]
    assert scope["type"] == "websocket"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.5"}
    assert scope["http_version"] == "1.1" and scope["scheme"] == "ws"
    assert scope["path"] == "/chat room/ws"
    assert decode(scope["raw_path"]) == b"/chat%20room/ws"
    assert decode(scope["query_string"]) == b"room=1"
    assert scope["root_path"] == ""
    assert scope["client"] == ["127.0.0.1", 51000] and scope["server"] == ["127.0.0.1", 8000]
    assert scope["subprotocols"] == ["v1", "v2"]
    assert scope["extensions"] == {"websocket.http.response": {}}
    assert "state" not in scope  # no lifespan in this scenario
    headers = {decode(k): decode(v) for k, v in decode(scope["headers"])}  # type: ignore[union-attr]
    assert headers[b"upgrade"] == b"websocket" and headers[b"connection"] == b"Upgrade"
    assert headers[b"sec-websocket-version"] == b"13" and b"sec-websocket-key" in headers
    assert headers[b"sec-websocket-protocol"] == b"v1, v2"
    assert headers[b"host"] == b"127.0.0.1:8000"


def test_chat_over_several_messages() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    name = "anonymous"
    said = 0
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message["text"]
        if text.startswith("/nick "):
            name = text[6:]
            await send({"type": "websocket.send", "text": f"you are now {name}"})
        else:
            said += 1
            await send({"type": "websocket.send", "text": f"{name} ({said}): {text}"})
"""
    script = [{"send": "/nick ada"}, {"receive": True}, {"send": "hello"}, {"send": "bye"}]
    script += [{"receive": True}, {"receive": True}, {"close": 1001, "reason": "tab closed"}]
    trace = run(code, ws(*script))
    assert trace["outcome"] == "ok" and not trace["violations"]
    got = [c["text"] for c in events(trace, "client") if c["action"] == "receive"]
    assert got == ["you are now ada", "ada (1): hello", "ada (2): bye"]
    assert trace["response"]["close"] == {
        "code": 1001,
        "reason": "tab closed",
        "by": "client",
        "clean": True,
    }
    last = events(trace, "receive")[-1]
    assert last == {"type": "websocket.disconnect", "code": 1001, "reason": "tab closed"}


def test_close_before_accept_is_http_403() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.close"})
    message = await receive()
    assert message == {"type": "websocket.disconnect", "code": 1006, "reason": ""}
"""
    trace = run(code, ws({"send": "hi"}))
    assert trace["outcome"] == "ok", trace["error"]
    resp = trace["response"]
    assert resp["type"] == "websocket" and resp["status"] == 403 and not resp["accepted"]
    assert resp["wire"].startswith("HTTP/1.1 403 Forbidden\r\n")
    assert resp["messages"] == [] and resp["close"] is None
    assert not any(c["action"] == "send" for c in events(trace, "client"))


def test_denial_response_extension() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    assert "websocket.http.response" in scope["extensions"]
    await send({"type": "websocket.http.response.start", "status": 401,
                "headers": [[b"content-type", b"text/plain"], [b"www-authenticate", b"Bearer"]]})
    await send({"type": "websocket.http.response.body", "body": b"log in ", "more_body": True})
    await send({"type": "websocket.http.response.body", "body": b"first"})
"""
    trace = run(code, ws())
    assert trace["outcome"] == "ok" and not trace["violations"], trace["violations"]
    resp = trace["response"]
    assert resp["status"] == 401 and resp["body"] == "log in first" and not resp["accepted"]
    assert ["www-authenticate", "Bearer"] in resp["headers"]
    assert ["content-length", "12"] in resp["headers"]
    assert "HTTP/1.1 401 Unauthorized" in resp["wire"]


def test_subprotocol_negotiation() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    chosen = next(p for p in ["v2", "v1"] if p in scope["subprotocols"])
    await send({"type": "websocket.accept", "subprotocol": chosen,
                "headers": [[b"set-cookie", b"seen=1"]]})
    await send({"type": "websocket.close"})
"""
    trace = run(code, ws(subprotocols=["v1", "v2"]))
    resp = trace["response"]
    assert not trace["violations"] and resp["subprotocol"] == "v2"
    assert ["sec-websocket-protocol", "v2"] in resp["headers"]
    assert ["set-cookie", "seen=1"] in resp["headers"]
    assert resp["close"] == {"code": 1000, "reason": "", "by": "server", "clean": True}


def test_app_close_code_and_messages_sent_before_it() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": "room is full"})
    await send({"type": "websocket.close", "code": 4000, "reason": "full"})
    message = await receive()
    assert message == {"type": "websocket.disconnect", "code": 4000, "reason": "full"}
"""
    trace = run(code, ws({"receive": True}, {"send": "too late"}))
    assert trace["outcome"] == "ok", trace["error"]
    client = events(trace, "client")
    assert {"action": "receive", "text": "room is full"} in client
    assert {"action": "close", "code": 4000, "reply": True} in client
    assert not any(c["action"] == "send" for c in client)
    assert trace["response"]["close"]["by"] == "server"


def test_abrupt_client_disconnect_and_send_raising_oserror() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    message = await receive()
    try:
        await send({"type": "websocket.send", "text": "anyone?"})
    except OSError as exc:
        print("send failed:", type(exc).__name__, message["code"])
"""
    trace = run(code, ws({"disconnect": True}))
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["stdout"] == "send failed: ClientDisconnected 1006\n"
    assert "websocket.send_after_disconnect" in rules(trace)
    assert trace["response"]["close"] == {
        "code": 1006,
        "reason": "",
        "by": "client",
        "clean": False,
    }


def test_uncaught_client_disconnected_is_not_an_error() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        await send({"type": "websocket.send", "text": "tick"})
        await receive()
"""
    trace = run(code, ws({"close": 1000}))
    assert trace["outcome"] == "ok" and trace["error"] is None
    assert "raise" in kinds(trace)


def test_client_waiting_for_a_message_that_never_comes_does_not_hang() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        pass
"""
    trace = run(code, ws({"receive": True}, {"send": "hi"}), timeout_s=5)
    assert trace["outcome"] == "ok"
    notes = [n["text"] for n in events(trace, "note")]
    assert any("none came" in n for n in notes)
    assert trace["duration_ms"] < 2000


def test_background_task_messages_reach_the_client() -> None:
    code = """
import asyncio

async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})

    async def ticker():
        for n in range(2):
            await asyncio.sleep(0.01)
            await send({"type": "websocket.send", "text": f"tick {n}"})

    task = asyncio.create_task(ticker())
    while (await receive())["type"] != "websocket.disconnect":
        pass
    await task
"""
    trace = run(code, ws({"receive": True}, {"receive": True}))
    assert trace["outcome"] == "ok", trace["error"]
    got = [c.get("text") for c in events(trace, "client") if c["action"] == "receive"]
    assert got == ["tick 0", "tick 1"]


def test_exception_before_accept_gives_500() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    raise ValueError("no room")
"""
    trace = run(code, ws({"send": "hi"}))
    assert trace["outcome"] == "error" and trace["error"]["line"] == 4
    assert trace["response"]["status"] == 500 and trace["response"]["type"] == "websocket"
    assert "websocket.exception_before_accept" in rules(trace)


def test_exception_after_accept_drops_the_connection() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await receive()
    raise ValueError("bad message")
"""
    trace = run(code, ws({"send": "hi"}, {"send": "more"}))
    assert trace["outcome"] == "error"
    assert trace["response"]["close"] == {
        "code": 1006,
        "reason": "",
        "by": "server",
        "clean": False,
    }
    assert {"what": "drop", "note": "connection closed without a close frame"} in events(
        trace, "wire"
    )


def test_send_and_receive_events_carry_learner_lines() -> None:
    trace = run(ECHO, ws({"send": "hi"}))
    lines = {(e["kind"], e["data"].get("type")): e.get("line") for e in trace["events"]}
    assert lines[("receive", "websocket.connect")] == 3
    assert lines[("send", "websocket.accept")] == 4
    assert lines[("send", "websocket.send")] == 10


def test_long_messages_are_summarised() -> None:
    code = """
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    for _ in range(150):
        await send({"type": "websocket.send", "text": "x" * 10_000})
    await send({"type": "websocket.close"})
"""
    trace = run(code, ws())
    resp = trace["response"]
    assert len(resp["messages"]) == 100 and resp["messages_omitted"] == 50
    assert resp["messages"][0]["length"] == 10_000 and resp["messages"][0]["truncated"]
    assert len(resp["messages"][0]["text"]) == 500


def test_starlette_websocket_endpoint() -> None:
    code = """
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

async def echo(websocket):
    await websocket.accept()
    async for text in websocket.iter_text():
        await websocket.send_text(text.upper())

app = Starlette(routes=[WebSocketRoute("/ws", echo)])
"""
    trace = run(code, ws({"send": "hi"}, {"receive": True}))
    assert trace["outcome"] == "ok", trace["error"]
    errors = [v for v in trace["violations"] if v["severity"] == "error"]
    assert not errors, errors
    assert trace["response"]["messages"][1]["text"] == "HI"


def test_tuple_header_pairs_in_accept_are_not_value_tuple() -> None:
    # The spec types websocket.accept headers as Iterable[[bytes, bytes]], as it does
    # HTTP response headers: tuple pairs are fine there, a tuple elsewhere is not.
    code = '''
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept", "headers": [(b"x-room", b"1")]})
    await send({"type": "websocket.send", "text": "hi", "extra": (1, 2)})
    await send({"type": "websocket.close"})
'''
    trace = run(code, ws())
    flagged = [v for v in trace["violations"] if v["rule"] == "asgi.value_tuple"]
    assert len(flagged) == 1
    assert "extra" in flagged[0]["message"]
