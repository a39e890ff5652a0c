"""wsgi.input and wsgi.errors: what the app can do with them, and what gets recorded."""

from __future__ import annotations

from typing import Any
from wsgiref.validate import validator

from sandbox import run, run_app

POST: dict[str, Any] = {
    "type": "http",
    "method": "POST",
    "path": "/",
    "body": "line one\nline two\nline three\n",
}


def reads(trace: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["kind"] == "input.read"]


def echo(code_body: str) -> str:
    return (
        "def app(environ, start_response):\n"
        "    stream = environ['wsgi.input']\n"
        f"    {code_body}\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [repr(got).encode()]\n"
    )


def test_read_with_size_and_to_eof() -> None:
    trace = run(echo("got = [stream.read(4), stream.read(), stream.read(10)]"), POST)
    assert trace["response"]["body"] == repr([b"line", b" one\nline two\nline three\n", b""])
    events = reads(trace)
    assert [e["data"]["method"] for e in events] == ["read", "read", "read"]
    assert events[0]["data"]["size"] == 4 and events[0]["data"]["remaining"] == 25
    assert events[0]["line"] == 3
    assert events[1]["data"]["data"]["repr"] == repr(b" one\nline two\nline three\n")
    # read(10) at the end asks for more than CONTENT_LENGTH leaves.
    assert {v["rule"] for v in trace["violations"]} == {"wsgi.input.read_past_length"}


def test_readline_readlines_and_iteration() -> None:
    code = echo("got = [stream.readline(), stream.readlines()]")
    trace = run(code, POST)
    assert trace["response"]["body"] == repr([b"line one\n", [b"line two\n", b"line three\n"]])
    code = echo("got = [line for line in stream]")
    trace = run(code, POST)
    assert trace["response"]["body"] == repr([b"line one\n", b"line two\n", b"line three\n"])
    # three lines, then the empty read that ends the loop
    assert [e["data"]["method"] for e in reads(trace)] == ["__next__"] * 4
    assert trace["violations"] == []


def test_input_ends_at_content_length() -> None:
    scenario = {**POST, "headers": [["Content-Length", "8"]]}
    trace = run(echo("got = stream.read()"), scenario)
    assert trace["response"]["body"] == repr(b"line one")


def test_empty_body_reads_empty() -> None:
    trace = run(echo("got = stream.read()"), {"type": "http", "path": "/"})
    assert trace["response"]["body"] == "b''"


def test_errors_stream_records_every_call() -> None:
    code = """
def app(environ, start_response):
    log = environ["wsgi.errors"]
    log.write("one\\n")
    log.writelines(["two\\n", "three\\n"])
    print("four", file=log)
    log.flush()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""
    trace = run(code, {"type": "http", "path": "/"})
    assert trace["outcome"] == "ok" and trace["violations"] == []
    writes = [e for e in trace["events"] if e["kind"] == "errors.write"]
    methods = [w["data"]["method"] for w in writes]
    assert methods == ["write", "writelines", "write", "write", "flush"]
    assert writes[1]["data"]["lines"] == ["two\n", "three\n"]
    assert [w["line"] for w in writes] == [4, 5, 6, 6, 7]
    # Like wsgiref's sys.stderr, the log reaches the server's console: the trace's output.
    assert trace["stdout"] == "one\ntwo\nthree\nfour\n"


def test_probing_for_optional_methods_is_not_a_violation() -> None:
    code = echo("got = [hasattr(stream, 'readinto'), hasattr(stream, 'seek')]")
    trace = run(code, POST)
    assert trace["response"]["body"] == "[False, False]"
    assert trace["violations"] == []


def test_closed_input_fails_later_reads() -> None:
    trace = run(echo("stream.close(); got = stream.read()"), POST)
    assert trace["outcome"] == "error"
    assert trace["error"]["type"] == "ValueError"
    assert "wsgi.input.closed" in {v["rule"] for v in trace["violations"]}


def test_wsgiref_validator_finds_nothing_wrong_with_our_server() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.errors"].write("got a body\n")
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield body.upper()

    trace = run_app(validator(app), {"requests": [POST, {"type": "http", "path": "/?a=1"}]})
    assert trace["outcome"] == "ok", trace["error"]
    assert trace["violations"] == []
    assert trace["responses"][0]["body"] == POST["body"].upper()
