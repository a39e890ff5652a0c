"""Check messages in Chinese (site/checks.py with strings/zh.toml): the catalog's words,
with the parts the checks fill in (who closed, how often) in Chinese too."""

from __future__ import annotations

from typing import Any

from wsgi_asgi_tour import checks

import sandbox

WSGI_HELLO = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]
"""
WS_CLOSE = """\
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": 1000})
"""


def one(item: Any, trace: dict[str, Any], lang: str = "zh") -> checks.CheckResult:
    return checks.evaluate([checks.parse(item)], trace, lang)[0]


def test_pass_and_fail_in_chinese() -> None:
    trace = sandbox.run(WSGI_HELLO, {"requests": [{"path": "/a"}, {"path": "/b"}]})
    assert one({"status": 200}, trace).message == "响应状态码是 200。"
    failed = one({"event_count": {"of": "call", "equals": 1, "max": 1}}, trace)
    assert failed.message == "“call”应发生恰好 1 次, 至多 1 次，实际发生了 2 次。"
    english = one({"event_count": {"of": "call", "equals": 1}}, trace, "en")
    assert english.message == "'call' should happen equals 1, but it happened 2 time(s)."
    assert checks.summary([failed], "zh") == "1 项检查中有 1 项未通过。"


def test_who_closed_is_said_in_chinese() -> None:
    trace = sandbox.run(WS_CLOSE, {"type": "websocket", "path": "/", "actions": []})
    result = one({"ws_close": {"code": 1000, "by": "client"}}, trace)
    assert not result.passed
    assert result.message == "应由客户端关闭连接，但实际是服务器关闭的（关闭码 1000）。"
    assert one({"ws_close": {"code": 1000, "by": "client"}}, trace, "en").message == (
        "The client should close the connection, but the server closed it (code 1000).")
