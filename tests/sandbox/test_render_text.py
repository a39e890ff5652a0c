"""The terminal diagram: arrows per event kind, violations under their arrow, safe output."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox import run
from sandbox.encoding import encode
from sandbox.render_colors import ANSI, ASCII, PLAIN, clean, glyphs_for, wants_color
from sandbox.render_summary import show, show_headers, summarize
from sandbox.render_text import exit_code, render


def ev(seq: int, kind: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "t_ms": 0.0, "kind": kind, "data": encode(data), **extra}


def violation(rule: str, severity: str, event: int | None) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": severity,
        "title": f"title of {rule}",
        "message": f"what happened in {rule}",
        "why": "because the spec says so",
        "fix": "do the right thing",
        "spec": "https://asgi.readthedocs.io/en/latest/specs/www.html#response-start-send-event",
        "event": event,
    }


def trace(events: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "interface": "asgi",
        "outcome": "ok",
        "response": None,
        "responses": [],
        "events": events,
        "violations": [],
        "error": None,
        "stdout": "",
        "duration_ms": 1.5,
        "engine": {},
    }
    base.update(over)
    return base


ASGI_EVENTS = [
    ev(0, "client", {"action": "request", "method": "GET", "path": "/hi?x=1", "headers": []}),
    ev(1, "call", {"type": "http", "method": "GET", "path": "/hi", "query_string": b"x=1"}),
    ev(2, "receive", {"type": "http.request", "body": b"", "more_body": False}),
    ev(
        3, "send", {"type": "http.response.start", "status": 200, "headers": [(b"a", b"b")]}, line=4
    ),
    ev(4, "send", {"type": "http.response.body", "body": b"Hello"}),
    ev(5, "wire", {"what": "headers", "status": 200}),
    ev(6, "note", {"text": "HEAD: body dropped on the wire"}),
    ev(7, "return", {"value": None}),
]


def line_of(text: str, needle: str) -> str:
    return next(row for row in text.splitlines() if needle in row)


def test_arrows_point_the_way_messages_travel() -> None:
    out = render(trace(ASGI_EVENTS))
    assert "client" in out.splitlines()[1] and "app" in out.splitlines()[1]
    assert "─ request ─" in line_of(out, "GET /hi?x=1") and "▶" in line_of(out, "GET /hi?x=1")
    call = line_of(out, "scope  http GET /hi?x=1")
    assert call.index("call") < call.index("▶")
    send = line_of(out, "http.response.start")
    assert send.index("◀") < send.index("send")
    assert "status=200" in send and "headers=[a: b]" in send and "line 4" in send
    assert "body=b'Hello'" in line_of(out, "http.response.body")
    assert "│  status=200" in line_of(out, "│◀─ headers")
    assert "•" in line_of(out, "HEAD: body dropped")
    assert "returned None" in out


def test_wsgi_events_and_unknown_kinds() -> None:
    events = [
        ev(0, "call", {"REQUEST_METHOD": "POST", "PATH_INFO": "/x", "QUERY_STRING": "a=1"}),
        ev(1, "input.read", {"size": 3, "data": b"abc"}),
        ev(2, "start_response", {"status": "200 OK", "headers": [("Content-Type", "text/plain")]}),
        ev(3, "yield", {"chunk": b"ok"}),
        ev(4, "errors.write", {"text": "log"}),
        ev(5, "close", {}),
        ev(6, "mystery", {"a": 1}),
        ev(7, "raise", {"type": "KeyError", "message": "'x'"}),
    ]
    out = render(trace(events, interface="wsgi"))
    assert out.startswith("WSGI message flow")
    assert "environ  POST /x?a=1" in out
    assert "◀─ start_response" in line_of(out, "status='200 OK'")
    assert "headers=[Content-Type: text/plain]" in out
    assert "─ input.read" in line_of(out, "data=b'abc'")
    assert "mystery: a=1" in out
    assert "KeyError: 'x'" in out


def test_violations_are_explained_under_their_arrow() -> None:
    violations = [violation("http.a", "error", 3), violation("asgi.b", "warning", None)]
    out = render(trace(ASGI_EVENTS, violations=violations))
    rows = out.splitlines()
    at = rows.index(line_of(out, "http.response.start"))
    assert "✗ error http.a: title of http.a" in rows[at + 1]
    block = "\n".join(rows[at + 1 : at + 6])
    for text in ("what happened in http.a", "Why: because", "Fix: do the right", "Spec: https://"):
        assert text in block
    assert "Problems found after the last message" in out
    assert "✗ warning asgi.b" in out
    assert "outcome: ok (1 spec error, 1 warning, 1.50 ms)" in out


def test_colour_only_with_the_ansi_palette() -> None:
    violations = [violation("http.a", "error", 3), violation("asgi.b", "warning", 2)]
    plain = render(trace(ASGI_EVENTS, violations=violations))
    assert "\x1b" not in plain
    coloured = render(trace(ASGI_EVENTS, violations=violations), palette=ANSI)
    assert "       \x1b[31m✗ error http.a" in coloured
    assert "       \x1b[33m✗ warning asgi.b" in coloured


def test_learner_output_cannot_drive_the_terminal() -> None:
    response = {"status": 200, "wire": "HTTP/1.1 200 OK\r\n\r\n\x1b[2Jgotcha", "complete": True}
    t = trace(
        [ev(0, "send", {"type": "http.response.body", "body": b"\x1b[31m"})],
        stdout="\x1b]0;title\x07hi\n",
        responses=[response],
        response=response,
    )
    out = render(t)
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "\\x1b[2Jgotcha" in out and "\\x1b]0;title\\x07hi" in out


def test_response_error_and_stdout_sections() -> None:
    error = {
        "type": "ValueError",
        "message": "boom",
        "traceback": 'Traceback (most recent call last):\n  File "app.py", line 3, in app\n'
        "ValueError: boom\n",
        "line": 3,
    }
    response = {
        "status": 500,
        "wire": "HTTP/1.1 500 Internal Server Error\r\n\r\n",
        "complete": True,
    }
    t = trace(ASGI_EVENTS, outcome="error", error=error, stdout="printed\n", responses=[response])
    out = render(t, filename="mine.py")
    assert "Response (as sent on the wire)\n  HTTP/1.1 500 Internal Server Error" in out
    assert "Printed by your code\n  printed" in out
    assert 'File "mine.py", line 3' in out
    assert "◀ line 3 of mine.py" in out
    assert out.rstrip().endswith("outcome: error (0 spec errors, 0 warnings, 1.50 ms)")


def test_several_requests_are_separated() -> None:
    events = [
        ev(0, "call", {"type": "lifespan"}),
        {**ev(1, "call", {"type": "http", "method": "GET", "path": "/a"}), "request": 0},
        {**ev(2, "call", {"type": "http", "method": "GET", "path": "/b"}), "request": 1},
    ]
    out = render(trace(events, responses=[None, None]))
    assert "─── lifespan ───" in out
    assert out.index("─── request 1 ───") < out.index("/a") < out.index("─── request 2 ───")
    assert "Response to request 2 (as sent on the wire)\n  (nothing reached the client)" in out


def test_timeout_message_and_no_events() -> None:
    error = {
        "type": "Timeout",
        "message": "Your code was still running",
        "traceback": "",
        "line": None,
    }
    out = render(trace([], outcome="timeout", error=error))
    assert "(no messages: the app was never called)" in out
    assert "Error: Timeout\n  Your code was still running" in out


def test_ascii_glyphs_and_narrow_terminals() -> None:
    out = render(
        trace(ASGI_EVENTS, violations=[violation("x.y", "error", 4)]), glyphs=ASCII, width=40
    )
    assert out.isascii()
    assert "|- call ----------->|  scope  http GET /hi..." in out
    assert "|<- send -----------|" in out
    assert "x error x.y: title of x.y" in out
    assert max(len(row) for row in out.splitlines() if "|" in row) <= 80


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"$bytes": "aGk=", "repr": "b'hi'", "length": 2}, "b'hi'"),
        ({"$bytes": "", "repr": "b'ab'", "length": 900, "truncated": True}, "b'ab…' (900 bytes)"),
        ({"$tuple": [1]}, "(1,)"),
        ({"$repr": "<object>", "type": "object"}, "<object>"),
        ({"$float": "nan"}, "float('nan')"),
        ({"$$bytes": 1}, "{'$$bytes': 1}"),
        ([True, None, "s"], "[True, None, 's']"),
    ],
)
def test_show_writes_python_notation(value: Any, text: str) -> None:
    assert show(value) == text


def test_show_headers_and_limits() -> None:
    assert show_headers(encode([(b"content-type", b"text/plain")])) == "[content-type: text/plain]"
    assert show_headers(encode((("a", "b"),))) == "[a: b]"
    assert len(show("x" * 500, 80)) == 80
    assert summarize({"kind": "send", "data": "not a dict"}) == ("send", "?")


def test_exit_code() -> None:
    assert exit_code(trace([])) == 0
    assert exit_code(trace([], violations=[violation("a.b", "warning", None)])) == 0
    assert exit_code(trace([], violations=[violation("a.b", "error", None)])) == 1
    assert exit_code(trace([], outcome="timeout")) == 1


class FakeTTY(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self.tty = tty
        self._enc = encoding

    def isatty(self) -> bool:
        return self.tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._enc


def test_colour_and_glyph_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color(FakeTTY(True)) is True
    assert wants_color(FakeTTY(False)) is False
    assert wants_color(FakeTTY(False), "always") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_color(FakeTTY(True)) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert wants_color(FakeTTY(True)) is True
    assert glyphs_for(FakeTTY(True, "ascii")) is ASCII
    assert glyphs_for(FakeTTY(True, "cp1252")) is ASCII
    assert glyphs_for(FakeTTY(True, "utf-8")).lane == "│"
    assert clean("a\tb\r\nc\x00") == "a\tb\nc\\x00"
    assert PLAIN.paint("error", "x") == "x"


def test_a_real_run_renders() -> None:
    code = (
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'Hello']\n"
    )
    out = render(run(code, {"path": "/hi"}))
    assert out.startswith("WSGI message flow")
    assert "environ  GET /hi" in out and "start_response" in out and "b'Hello'" in out
    assert "HTTP/1.1 200 OK" in out
    assert "outcome: ok (0 spec errors" in out


def test_a_rule_broken_again_is_explained_once() -> None:
    violations = [violation("http.a", "error", 3), violation("http.a", "error", 4)]
    out = render(trace(ASGI_EVENTS, violations=violations))
    assert out.count("✗ error http.a") == 2
    assert out.count("what happened in http.a") == 2
    assert out.count("Why: because") == 1
    assert out.count("Spec: https://") == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["$bytes", "$tuple", "$repr", "type", "text", "value", "headers", "x"])
            | st.text(max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=15,
)
kinds = st.sampled_from(["call", "send", "receive", "return", "raise", "client", "wire", "note"])
events = st.builds(
    lambda seq, kind, data, line, request: {
        "seq": seq,
        "kind": kind,
        "data": data,
        "line": line,
        "request": request,
    },
    st.integers(0, 5),
    kinds | st.text(max_size=8),
    st.dictionaries(st.text(max_size=8), json_values, max_size=4) | json_values,
    st.none() | st.integers(),
    st.none() | st.integers(0, 2),
)


@settings(max_examples=200)
@given(
    st.lists(events, max_size=6),
    st.lists(
        st.dictionaries(st.sampled_from(["rule", "severity", "event", "message"]), json_values)
    ),
    st.lists(
        st.none()
        | st.dictionaries(st.sampled_from(["wire", "type", "messages", "close"]), json_values),
        max_size=2,
    ),
    json_values,
)
def test_render_never_fails_on_odd_traces(
    evs: list[dict[str, Any]], vs: list[dict[str, Any]], responses: list[Any], error: Any
) -> None:
    t = trace(evs, violations=vs, responses=responses, error=error, stdout="\x1b[31mx")
    out = render(t)
    assert isinstance(out, str)
    assert not any(ch in out for ch in "\x1b\r\x00\x07")


def test_a_websocket_session_renders() -> None:
    code = (
        "async def app(scope, receive, send):\n"
        "    await receive()\n"
        "    await send({'type': 'websocket.accept'})\n"
        "    message = await receive()\n"
        "    await send({'type': 'websocket.send', 'text': message['text'] + '!'})\n"
        "    await receive()\n"
    )
    scenario = {
        "type": "websocket",
        "actions": [{"send": "hi"}, {"receive": True}, {"close": 1000}],
    }
    out = render(run(code, scenario))
    assert "Response (WebSocket handshake and session)\n  HTTP/1.1 101 Switching Protocols" in out
    assert "client ▶ app: text='hi'" in out and "app ▶ client: text='hi!'" in out
    assert "Closed by the client cleanly: code 1000" in out
    assert "websocket.accept" in line_of(out, "◀─ send")
