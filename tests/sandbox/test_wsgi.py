"""The simulated WSGI server: the message flow, exc_info, write(), close(), HEAD, disconnects."""

from __future__ import annotations

from typing import Any

from sandbox import run, run_app

GET: dict[str, Any] = {"type": "http", "method": "GET", "path": "/"}

HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]
"""


def kinds(trace: dict[str, Any]) -> list[str]:
    return [e["kind"] for e in trace["events"]]


def rules(trace: dict[str, Any]) -> set[str]:
    return {v["rule"] for v in trace["violations"]}


def events(trace: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["kind"] == kind]


def test_hello_world_flow() -> None:
    trace = run(HELLO, GET)
    assert trace["interface"] == "wsgi"
    assert trace["outcome"] == "ok"
    assert trace["violations"] == []
    assert kinds(trace) == [
        "client", "call", "start_response", "return", "yield", "note", "wire", "wire",
    ]  # fmt: skip
    call, start = events(trace, "call")[0], events(trace, "start_response")[0]
    assert call["line"] == 2 and start["line"] == 3
    assert start["data"]["status"] == "200 OK"
    assert events(trace, "return")[0]["data"]["type"] == "list"
    response = trace["response"]
    assert (response["status"], response["body"], response["complete"]) == (200, "Hello", True)
    # wsgiref's shortcut: len(result) == 1 and no write(), so Content-Length is known.
    assert ["Content-Length", "5"] in response["headers"]
    assert response["framing"] == "content-length"


def test_generator_yields_carry_their_lines_and_go_out_chunked() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"one "
    yield b""
    yield b"two"
"""
    trace = run(code, GET)
    yields = events(trace, "yield")
    assert [y["line"] for y in yields] == [4, 5, 6]
    assert yields[0]["data"]["chunk"]["repr"] == "b'one '"
    assert trace["response"]["framing"] == "chunked"
    assert trace["response"]["body"] == "one two"
    # Headers go out with the first non-empty chunk, not at start_response.
    order = kinds(trace)
    assert order.index("wire") == order.index("yield") + 1


def test_headers_wait_so_exc_info_can_replace_them() -> None:
    code = """
import sys

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b""
    try:
        raise KeyError("missing")
    except KeyError:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")],
                       sys.exc_info())
    yield b"sorry"
"""
    trace = run(code, GET)
    assert trace["outcome"] == "ok"
    assert trace["violations"] == []
    assert trace["response"]["status"] == 500
    assert trace["response"]["body"] == "sorry"
    second = events(trace, "start_response")[1]
    assert second["data"]["action"] == "replace"
    assert second["data"]["exc_info"] == {"type": "KeyError", "message": "'missing'"}


def test_exc_info_after_headers_sent_reraises_and_cuts_the_response() -> None:
    code = """
import sys

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"part one"
    try:
        1 / 0
    except ZeroDivisionError:
        start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
    yield b"never"
"""
    trace = run(code, GET)
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "ZeroDivisionError"
    assert events(trace, "start_response")[1]["data"]["action"] == "reraise"
    raised = events(trace, "raise")[0]
    assert raised["data"]["where"] == "iteration"
    assert raised["line"] == 8  # where the ZeroDivisionError happened
    assert trace["response"]["status"] == 200
    assert trace["response"]["complete"] is False
    assert trace["response"]["body"] == "part one"
    assert "wsgi.exc_info.trapped" not in rules(trace)


def test_write_output_comes_before_the_iterable() -> None:
    code = """
def app(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written ")
    return [b"returned"]
"""
    trace = run(code, GET)
    assert trace["outcome"] == "ok"
    assert rules(trace) == {"wsgi.write.used"}
    assert trace["response"]["body"] == "written returned"
    # write() was used, so the len() shortcut must not announce 8 bytes.
    assert trace["response"]["framing"] == "chunked"
    assert events(trace, "write")[0]["line"] == 4


CLOSING = """
class Body:
    def __init__(self, parts, fail=False):
        self.parts, self.fail = parts, fail

    def __iter__(self):
        for part in self.parts:
            yield part
        if self.fail:
            raise RuntimeError("broken body")

    def close(self):
        print("closed")

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Body([b"a", b"b", b"c"], fail=FAIL)
"""


def test_close_is_called_after_success() -> None:
    trace = run(CLOSING.replace("FAIL", "False"), GET)
    assert trace["outcome"] == "ok"
    assert trace["stdout"] == "closed\n"
    assert kinds(trace)[-2:] == ["close", "wire"]


def test_close_is_called_after_an_error_in_the_iterable() -> None:
    trace = run(CLOSING.replace("FAIL", "True"), GET)
    assert trace["outcome"] == "error"
    assert trace["error"]["message"] == "broken body"
    assert trace["stdout"] == "closed\n"
    assert kinds(trace).index("raise") < kinds(trace).index("close")


def test_close_is_called_when_the_client_disconnects() -> None:
    trace = run(CLOSING.replace("FAIL", "False"), {**GET, "disconnect_after": 1})
    assert trace["outcome"] == "ok"
    assert trace["stdout"] == "closed\n"
    assert [y["data"]["index"] for y in events(trace, "yield")] == [0, 1]
    clients = [e["data"]["action"] for e in events(trace, "client")]
    assert clients == ["request", "disconnect"]
    assert trace["response"]["complete"] is False
    assert trace["response"]["body"] == "a"


def test_client_gone_before_the_response_gets_nothing() -> None:
    trace = run(HELLO, {**GET, "disconnect_after": 0})
    assert trace["outcome"] == "ok"
    assert trace["response"] is None
    assert events(trace, "call"), "the server only notices when it writes"


def test_write_to_a_gone_client_raises_broken_pipe_without_an_app_error() -> None:
    code = """
def app(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    for i in range(10):
        write(b"part")
    return []
"""
    trace = run(code, {**GET, "disconnect_after": 2})
    assert trace["outcome"] == "ok"
    assert trace["error"] is None
    assert events(trace, "raise")[0]["data"]["type"] == "BrokenPipeError"
    assert len(events(trace, "write")) == 3


def test_exception_before_headers_gives_the_servers_500() -> None:
    code = """
def app(environ, start_response):
    name = environ["QUERY_STRING"].split("=")[1]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [name.encode()]
"""
    trace = run(code, GET)
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "IndexError"
    assert trace["error"]["line"] == 3
    assert events(trace, "raise")[0]["line"] == 3
    response = trace["response"]
    assert response["status"] == 500
    assert response.get("server_generated") is True


def test_head_body_is_dropped_and_noted() -> None:
    trace = run(HELLO, {**GET, "method": "HEAD"})
    response = trace["response"]
    assert response["body"] == "" and response["head_dropped_bytes"] == 5
    assert ["Content-Length", "5"] in response["headers"]
    notes = [e["data"]["text"] for e in events(trace, "note")]
    assert any("HEAD request" in n for n in notes)
    assert rules(trace) == {"wsgi.head.body_sent"}


def test_several_requests_call_the_same_app_object() -> None:
    code = """
visits = 0

def app(environ, start_response):
    global visits
    visits += 1
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(visits).encode()]
"""
    trace = run(code, {"requests": [GET, GET, {**GET, "method": "POST", "body": "x"}]})
    assert [r["body"] for r in trace["responses"]] == ["1", "2", "3"]
    assert trace["response"]["body"] == "3"
    assert [e["request"] for e in events(trace, "call")] == [0, 1, 2]


def test_websocket_request_is_explained_not_served() -> None:
    scenario = {"requests": [{"type": "websocket", "path": "/ws"}, GET]}
    trace = run(HELLO, scenario)
    assert trace["responses"][0] is None
    assert trace["responses"][1]["status"] == 200
    assert len(events(trace, "call")) == 1
    first = [e for e in trace["events"] if e.get("request") == 0]
    assert [e["kind"] for e in first] == ["client", "note"]
    assert "WSGI" in first[1]["data"]["text"]


def test_lifespan_under_wsgi_is_a_note_not_an_error() -> None:
    trace = run(HELLO, {"requests": [GET], "lifespan": True})
    assert trace["outcome"] == "ok"
    assert trace["violations"] == []
    note = trace["events"][0]
    assert note["kind"] == "note" and "lifespan" in note["data"]["text"]
    assert "request" not in note


def test_http_10_client_gets_a_close_delimited_body() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"a"
    yield b"b"
"""
    trace = run(code, {**GET, "http_version": "1.0"})
    assert events(trace, "call")[0]["data"]["SERVER_PROTOCOL"] == "HTTP/1.0"
    assert trace["response"]["framing"] == "close"


def test_expect_continue_gets_an_interim_response() -> None:
    scenario = {**GET, "method": "POST", "headers": [["expect", "100-continue"]], "body": "x"}
    trace = run(HELLO, scenario)
    interim = [e for e in events(trace, "wire") if e["data"]["what"] == "interim"]
    assert interim and interim[0]["data"]["status"] == 100


def test_class_based_app_from_the_pep() -> None:
    code = """
class AppClass:
    def __init__(self, environ, start_response):
        self.start = start_response

    def __iter__(self):
        self.start("200 OK", [("Content-type", "text/plain")])
        yield b"Hello world!\\n"

app = AppClass
"""
    trace = run(code, GET, interface="wsgi")
    assert trace["outcome"] == "ok"
    assert trace["violations"] == []
    assert trace["response"]["body"] == "Hello world!\n"
    assert events(trace, "return")[0]["data"]["type"] == "AppClass"


def test_flask_app_runs_without_violations() -> None:
    flask = __import__("flask")
    app = flask.Flask("tour")

    @app.route("/hi", methods=["GET", "POST"])
    def hi() -> Any:
        return {"name": flask.request.args.get("name"), "a": flask.request.form.get("a")}

    post = {
        "type": "http",
        "method": "POST",
        "path": "/hi?name=Ada",
        "headers": [["content-type", "application/x-www-form-urlencoded"]],
        "body": "a=1",
    }
    trace = run_app(app, {"requests": [post, {"path": "/hi", "method": "HEAD"}]})
    assert trace["outcome"] == "ok"
    assert trace["violations"] == []
    assert trace["responses"][0]["body"] == '{"a":"1","name":"Ada"}\n'
    assert trace["responses"][1]["head_dropped_bytes"] == 0


def test_never_raises_engine_error_for_weird_results() -> None:
    code = """
class Weird:
    def __iter__(self):
        raise ValueError("no iteration today")

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Weird()
"""
    trace = run(code, GET)
    assert trace["outcome"] == "error"
    assert trace["error"]["line"] == 4
    assert trace["response"]["status"] == 500


def test_violations_point_at_the_event_and_name_the_value() -> None:
    code = """
def app(environ, start_response):
    body = b"Hello"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", len(body))])
    return [body]
"""
    trace = run(code, GET)
    violation = trace["violations"][0]
    assert violation["rule"] == "wsgi.headers.value_not_str"
    assert "('Content-Length', 5)" in violation["message"] and "an int" in violation["message"]
    assert violation["why"] and violation["fix"] and violation["spec"].startswith("https://")
    event = trace["events"][violation["event"]]
    assert event["kind"] == "start_response" and event["line"] == 4
    assert trace["error"]["type"] == "AssertionError" and trace["error"]["line"] == 4
    assert trace["response"]["status"] == 500


def test_trapping_the_reraised_exception_during_the_call() -> None:
    code = """
import sys

def app(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"started")
    try:
        raise ValueError("late")
    except ValueError:
        try:
            start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
        except ValueError:
            pass
    return [b" and finished"]
"""
    trace = run(code, GET)
    assert "wsgi.exc_info.trapped" in rules(trace)
    violation = next(v for v in trace["violations"] if v["rule"] == "wsgi.exc_info.trapped")
    assert trace["events"][violation["event"]]["kind"] == "return"


def test_a_failing_len_is_the_apps_error_and_gets_a_500() -> None:
    code = """
class Body:
    def __iter__(self):
        yield b"x"

    def __len__(self):
        raise ValueError("no len")

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Body()
"""
    trace = run(code, GET)
    assert trace["outcome"] == "error"
    assert trace["error"]["line"] == 7
    assert events(trace, "raise")[0]["data"]["where"] == "len"
    assert trace["response"]["status"] == 500


def test_no_content_length_is_invented_for_a_204() -> None:
    code = """
def app(environ, start_response):
    start_response("204 No Content", [])
    return [b""]
"""
    trace = run(code, GET)
    assert trace["violations"] == []
    names = [k.lower() for k, _ in trace["response"]["headers"]]
    assert "content-length" not in names


def test_sys_exit_in_the_app_is_an_app_error_not_an_engine_crash() -> None:
    code = """
import sys

def app(environ, start_response):
    sys.exit(3)
"""
    trace = run(code, {"requests": [GET, GET]})
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "SystemExit"
    assert [r["status"] for r in trace["responses"]] == [500, 500]


def test_stale_start_response_from_an_earlier_request() -> None:
    code = """
first = []

def app(environ, start_response):
    if first:
        first[0]("200 OK", [("Content-Type", "text/plain")])
    first.append(start_response)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"Hello"]
"""
    trace = run(code, {"requests": [GET, GET]})
    assert rules(trace) == {"wsgi.after_response"}
    message = trace["violations"][0]["message"]
    assert "start_response() of request 0 during request 1" in message


def test_lines_are_found_for_an_app_object_in_a_file_of_any_name() -> None:
    code = """
class App:
    def __call__(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"hi"

app = App()
"""
    trace = run(code, GET, filename="lesson.py", interface="wsgi")
    lines = {e["kind"]: e.get("line") for e in trace["events"]}
    assert (lines["start_response"], lines["yield"]) == (4, 5)


def test_lifespan_alone_under_wsgi_only_explains() -> None:
    trace = run(HELLO, {"type": "lifespan"})
    assert trace["outcome"] == "ok"
    assert kinds(trace) == ["note"]
    assert trace["responses"] == [] and trace["response"] is None
