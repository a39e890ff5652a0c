"""Starlette apps through the simulated HTTP server: no false alarms, disconnects handled."""

from __future__ import annotations

from sandbox import run

STARLETTE = """
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

async def hello(request):
    return PlainTextResponse('hi ' + request.query_params.get('name', '?'))

async def stream(request):
    async def numbers():
        for i in range(3):
            yield f'{i};'
    return StreamingResponse(numbers(), media_type='text/plain')

async def boom(request):
    raise ValueError('boom')

app = Starlette(routes=[Route('/hello', hello), Route('/stream', stream), Route('/boom', boom)])
"""


def test_starlette_responses_raise_no_violation() -> None:
    # Starlette sends header pairs as tuples: the HTTP spec's "Iterable[[bytes, bytes]]".
    for path, body in (("/hello?name=Ada", "hi Ada"), ("/stream", "0;1;2;")):
        trace = run(STARLETTE, {"type": "http", "path": path})
        assert trace["violations"] == [], path
        assert trace["response"]["body"] == body


def test_starlette_stream_stops_when_the_client_leaves() -> None:
    # Starlette (spec >= 2.4) turns our OSError into its own ClientDisconnect, which
    # escapes the app: still the server's exception, not the learner's error.
    trace = run(STARLETTE, {"type": "http", "path": "/stream", "disconnect_after": 1})
    assert trace["outcome"] == "ok" and trace["error"] is None
    assert trace["response"]["body"] == "0;" and trace["response"]["complete"] is False
    notes = [e["data"]["text"] for e in trace["events"] if e["kind"] == "note"]
    assert any("as ClientDisconnect" in n for n in notes)


def test_starlette_error_page_then_reraise() -> None:
    # ServerErrorMiddleware sends a 500 page, then re-raises for the server to log.
    trace = run(STARLETTE, {"type": "http", "path": "/boom"})
    assert trace["outcome"] == "error" and trace["error"]["message"] == "boom"
    assert trace["response"]["status"] == 500 and trace["response"]["complete"] is True
    assert "server_generated" not in trace["response"]  # Starlette's own page
    assert not {v["rule"] for v in trace["violations"]} & {
        "http.exception_before_start",
        "http.exception_after_start",
    }


def test_starlette_head() -> None:
    trace = run(STARLETTE, {"type": "http", "method": "HEAD", "path": "/hello?name=Ada"})
    assert trace["response"]["body"] == "" and trace["response"]["head_dropped_bytes"] == 6
