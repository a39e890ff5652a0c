"""Declarative checks on real traces: each kind passes and fails with a concrete message."""

from __future__ import annotations

from typing import Any

import pytest
from wsgi_asgi_tour import checks
from wsgi_asgi_tour.lesson_model import Check

import sandbox

WSGI_HELLO = """\
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [("Hello, " + environ["PATH_INFO"][1:]).encode()]
"""
ASGI_NO_BODY = """\
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 404, "headers": []})
"""
WS_ECHO = """\
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message["text"].upper()})
        if message["text"] == "bye":
            await send({"type": "websocket.close", "code": 1000})
            return
"""
WS_DENY = """\
async def app(scope, receive, send):
    await receive()
    await send({"type": "websocket.close"})
"""

TWO = {"requests": [{"path": "/ada"}, {"path": "/grace"}]}
WS = {"type": "websocket", "actions": [{"send": "hi"}, {"receive": True},
                                        {"send": "bye"}, {"receive": True}]}


def run(code: str, scenario: dict[str, Any]) -> dict[str, Any]:
    return sandbox.run(code, scenario)


def one(item: Any, trace: dict[str, Any]) -> checks.CheckResult:
    return checks.evaluate([checks.parse(item)], trace)[0]


@pytest.fixture(scope="module")
def wsgi() -> dict[str, Any]:
    return run(WSGI_HELLO, TWO)


@pytest.mark.parametrize(("item", "message"), [
    ({"status": 200}, "The response status is 200."),
    ({"outcome": "ok"}, "The run ended with outcome 'ok'."),
    ({"header": {"name": "Content-Type", "contains": "TEXT/plain"}},
     "The 'Content-Type' header contains 'TEXT/plain'."),
    ({"header": {"name": "content-type", "equals": "text/plain; charset=utf-8"}},
     "The 'content-type' header is 'text/plain; charset=utf-8'."),
    ({"header": {"name": "x-nope", "absent": True}}, "The response has no 'x-nope' header."),
    ({"header": {"name": "content-length"}}, "The response has a 'content-length' header."),
    ({"body_equals": "Hello, grace"}, 'The body is "Hello, grace".'),
    ({"body_equals": "Hello, ada", "request": 0}, 'The body is "Hello, ada".'),
    ({"body_contains": "ada", "request": 0}, 'The body contains "ada".'),
    ({"sequence": ["client.request", "call", "start_response", "yield", "wire.end"]},
     "The messages came in the expected order: client.request, call, start_response, yield, "
     "wire.end."),
    ({"no_violations": "error"}, "The server found no spec errors."),
    ({"event_count": {"of": "call", "equals": 2}}, "'call' happened 2 time(s)."),
    ({"event_count": {"of": "yield", "min": 1, "max": 1}, "request": 1},
     "'yield' happened 1 time(s)."),
])
def test_passing_checks(wsgi: dict[str, Any], item: Any, message: str) -> None:
    result = one(item, wsgi)
    assert (result.passed, result.message) == (True, message)


@pytest.mark.parametrize(("item", "message"), [
    ({"status": 201}, "The response status should be 201, but it is 200."),
    ({"header": {"name": "content-type", "contains": "json"}},
     "The 'content-type' header should contain 'json', but it is 'text/plain; charset=utf-8'."),
    ({"header": {"name": "x-powered-by", "contains": "me"}},
     "The response has no 'x-powered-by' header."),
    ({"header": {"name": "content-length", "absent": True}},
     "The response should not have a 'content-length' header, but it has '12'."),
    ({"body_equals": "Hello, ada"}, 'The body should be "Hello, ada", but it is "Hello, grace".'),
    ({"sequence": ["yield", "start_response"], "request": 0},
     "Expected the messages yield, start_response in this order; 'start_response' did not come "
     "after them. Your run had: client.request, call, start_response, return, yield, note, "
     "wire.headers, wire.end."),
    ({"event_count": {"of": "call", "equals": 1}}, "'call' should happen equals 1, but it "
                                                   "happened 2 time(s)."),
    ({"status": 200, "request": 5}, "No response reached the client for request 5, so this "
                                    "cannot be checked."),
    ({"stdout_contains": "hi"}, 'The app should print "hi"; it printed "".'),
    ({"violation": "wsgi.start_response_twice"},
     "The server should report 'wsgi.start_response_twice' for this app, but did not."),
])
def test_failing_checks(wsgi: dict[str, Any], item: Any, message: str) -> None:
    result = one(item, wsgi)
    assert (result.passed, result.message) == (False, message)


def test_violations_and_outcome_on_a_broken_asgi_app() -> None:
    trace = run(ASGI_NO_BODY, {})
    rules = sorted({v["rule"] for v in trace["violations"] if v["severity"] == "error"})
    assert rules, trace["violations"]
    result = one({"no_violations": "error"}, trace)
    assert not result.passed
    assert result.message.startswith(f"The server found {len(rules)} spec error(s): ")
    assert one({"violation": rules[0]}, trace).passed
    assert one({"sequence": ["call", "http.response.start"]}, trace).passed
    assert not one({"sequence": ["http.response.start", "http.response.body"]}, trace).passed


def test_lesson_words_replace_the_defaults(wsgi: dict[str, Any]) -> None:
    item = {"status": 200, "pass": "Well done.", "fail": "Answer with 200."}
    assert one(item, wsgi).message == "Well done."
    assert one({**item, "status": 404}, wsgi).message == "Answer with 200."


def test_websocket_checks() -> None:
    trace = run(WS_ECHO, WS)
    assert one({"ws_accepted": True}, trace).passed
    assert one({"ws_received": ["HI", "BYE"]}, trace).passed
    assert one({"ws_close": 1000}, trace).passed
    assert one({"ws_close": {"code": 1000, "by": "server"}}, trace).message == (
        "The server closed the connection with code 1000.")
    assert one({"ws_close": {"code": 1000, "by": "client"}}, trace).message == (
        "The client should close the connection, but the server closed it (code 1000).")
    assert one({"ws_received": ["hi"]}, trace).message == (
        'The client should receive ["hi"], but it received ["HI", "BYE"].')
    assert one({"sequence": ["websocket.connect", "websocket.accept", "websocket.send",
                             "websocket.close"]}, trace).passed
    denied = run(WS_DENY, {"type": "websocket"})
    assert one({"ws_accepted": False}, denied).message == (
        "The WebSocket connection was denied (the client got 403 Forbidden).")
    assert one({"ws_accepted": True}, denied).message == (
        "The WebSocket connection was not accepted: the client got 403 Forbidden.")
    assert one({"ws_close": 1000}, denied).message == (
        "The connection should close with code 1000, but it was not closed.")


def test_report(wsgi: dict[str, Any]) -> None:
    report = checks.report([checks.parse({"status": 200})], wsgi)
    assert report == {"passed": True, "summary": "All checks passed.", "results": [
        {"passed": True, "message": "The response status is 200.", "kind": "status"}]}


def test_summary(wsgi: dict[str, Any]) -> None:
    results = checks.evaluate([checks.parse({"status": 200}), checks.parse({"status": 500})],
                              wsgi)
    assert checks.summary(results) == "1 of 2 checks failed."
    assert checks.summary(results[:1]) == "All checks passed."
    assert results[0].to_json() == {"passed": True, "message": "The response status is 200.",
                                    "kind": "status"}


@pytest.mark.parametrize(("item", "problem"), [
    ({"stauts": 200}, "unknown check type 'stauts'"),
    ({"status": 200, "body_equals": "x"}, "exactly one type"),
    ({"pass": "x"}, "exactly one type"),
    ("status", "check 'status': expected a status code"),
    (["status", 200], "a check must be a mapping"),
    ({"status": 200, "request": -1}, "'request' must be a response index"),
    ({"status": 200, "fail": 3}, "'fail' must be a message"),
    ({"sequence": []}, "expected a list of event kinds"),
    ({"no_violations": "fatal"}, "expected 'error' or 'warning'"),
    ({"event_count": {"of": "call"}}, "give equals, min and/or max"),
    ({"ws_close": 99}, "expected a close code"),
    ({"ws_close": {"code": 1000, "by": "app"}}, "expected a code or {code"),
    ({"ws_received": "hi"}, "expected a list of the texts"),
    ({"ws_accepted": "yes"}, "expected true or false"),
])
def test_parse_refuses_mistakes(item: Any, problem: str) -> None:
    with pytest.raises(checks.CheckSpecError, match=problem.replace("(", r"\(")):
        checks.parse(item)


def test_every_kind_has_both_messages() -> None:
    from wsgi_asgi_tour.i18n import catalog

    assert set(checks.KINDS) == set(checks.EVALUATORS_KINDS)
    keys = catalog("en")
    for key in [k for k in keys if k.startswith("check.") and k.endswith("_pass")]:
        assert key.removesuffix("_pass") + "_fail" in keys


def test_check_is_plain_data() -> None:
    check = checks.parse({"status": 200, "request": 1})
    assert check == Check("status", 200, 1, None, None, None)
