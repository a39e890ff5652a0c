"""The environ the simulated WSGI server builds, checked against PEP 3333 and wsgiref."""

from __future__ import annotations

import socket
import threading
import warnings
from collections.abc import Iterator
from typing import Any
from wsgiref import simple_server, validate

import pytest

from sandbox import run_app

CGI_KEYS = {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL"}


def capture(scenario: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The environ the app received (a copy) and the trace."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    trace = run_app(app, scenario)
    assert trace["outcome"] == "ok", trace["error"]
    return seen, trace


def test_environ_passes_wsgiref_validate_check_environ() -> None:
    environ, _ = capture({"type": "http", "method": "POST", "path": "/a?b=c", "body": "x"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # validate's WSGIWarnings count as failures
        validate.check_environ(environ)
    assert type(environ) is dict
    for key, value in environ.items():
        if "." not in key:
            assert type(value) is str, key
            value.encode("latin-1")  # native strings hold latin-1 only
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.multithread"] is False and environ["wsgi.multiprocess"] is False
    assert environ["wsgi.run_once"] is False
    assert environ["wsgi.input_terminated"] is True
    assert environ["SERVER_SOFTWARE"]


def test_path_info_is_percent_decoded_as_latin1_and_query_stays_raw() -> None:
    environ, _ = capture({"type": "http", "path": "/caf%C3%A9/a%20b?q=caf%C3%A9&x=%20"})
    assert environ["PATH_INFO"] == "/caf\u00c3\u00a9/a b"
    assert environ["PATH_INFO"].encode("latin-1").decode("utf-8") == "/café/a b"
    assert environ["QUERY_STRING"] == "q=caf%C3%A9&x=%20"
    assert environ["RAW_URI"] == "/caf%C3%A9/a%20b?q=caf%C3%A9&x=%20"


def test_root_path_becomes_script_name() -> None:
    # As on the ASGI side, the path is relative to the mount point...
    environ, trace = capture({"type": "http", "path": "/cart", "root_path": "/shop"})
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/shop", "/cart")
    assert not any("root path" in e["data"].get("text", "") for e in trace["events"])
    # ...and a path that still carries the prefix has it split off, as gunicorn does.
    environ, trace = capture({"type": "http", "path": "/shop/cart", "root_path": "/shop"})
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/shop", "/cart")
    assert any("root path" in e["data"].get("text", "") for e in trace["events"])


def test_content_headers_only_when_the_client_sends_them() -> None:
    environ, trace = capture({"type": "http", "path": "/"})
    assert "CONTENT_TYPE" not in environ and "CONTENT_LENGTH" not in environ
    # Like curl, an HTTP/1.1 client sends Host (the same request the ASGI server sees).
    assert environ["HTTP_HOST"] == "127.0.0.1:8000"
    assert trace["events"][0]["data"]["added_headers"] == ["host"]
    scenario = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [["Content-Type", "application/json"]],
        "body": '{"a": 1}',
    }
    environ, trace = capture(scenario)
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["CONTENT_LENGTH"] == "8"
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ
    client = trace["events"][0]["data"]
    assert client["action"] == "request"
    assert client["added_headers"] == ["host", "content-length"]
    assert client["body"]["repr"] == "b'{\"a\": 1}'"


def test_repeated_headers_are_joined_with_a_comma_as_servers_do() -> None:
    headers = [["Accept", "text/html"], ["accept", "application/json"], ["Cookie", "a=1"]]
    environ, _ = capture({"type": "http", "path": "/", "headers": headers})
    assert environ["HTTP_ACCEPT"] == "text/html,application/json"
    assert environ["HTTP_COOKIE"] == "a=1"


def test_header_names_with_underscores_are_dropped() -> None:
    headers = [["X-User-Id", "7"], ["X-User_Id", "0"]]
    environ, trace = capture({"type": "http", "path": "/", "headers": headers})
    assert environ["HTTP_X_USER_ID"] == "7"
    assert any("X-User_Id" in e["data"].get("text", "") for e in trace["events"])


def test_scheme_client_and_server_addresses() -> None:
    scenario = {
        "type": "http",
        "path": "/",
        "scheme": "https",
        "client": ["10.0.0.5", 40000],
        "server": ["example.org", 443],
    }
    environ, _ = capture(scenario)
    assert environ["wsgi.url_scheme"] == "https" and environ["HTTPS"] == "on"
    assert (environ["REMOTE_ADDR"], environ["REMOTE_PORT"]) == ("10.0.0.5", "40000")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("example.org", "443")


def test_chunked_request_body_is_dechunked_without_content_length() -> None:
    scenario = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [["Transfer-Encoding", "chunked"]],
        "chunks": ["hello ", "world"],
    }
    got: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        assert "CONTENT_LENGTH" not in environ
        got.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return []

    trace = run_app(app, scenario)
    assert trace["outcome"] == "ok", trace["error"]
    assert got == [b"hello world"]
    assert trace["events"][0]["data"]["added_headers"] == ["host"]


# --- the same request through wsgiref's real server ----------------------------------------

RAW_REQUEST = (
    b"POST /caf%C3%A9/x%2Fy?name=Ada&x=%20 HTTP/1.1\r\n"
    b"Host: example.test\r\n"
    b"Content-Type: text/plain\r\n"
    b"Content-Length: 5\r\n"
    b"Accept: a\r\n"
    b"Accept: b\r\n"
    b"X-Custom: yes\r\n"
    b"Connection: close\r\n"
    b"\r\n"
    b"hello"
)
SCENARIO = {
    "type": "http",
    "method": "POST",
    "path": "/caf%C3%A9/x%2Fy?name=Ada&x=%20",
    "headers": [
        ["Host", "example.test"],
        ["Content-Type", "text/plain"],
        ["Content-Length", "5"],
        ["Accept", "a"],
        ["Accept", "b"],
        ["X-Custom", "yes"],
        ["Connection", "close"],
    ],
    "body": "hello",
}


@pytest.fixture
def wsgiref_environ() -> Iterator[dict[str, Any]]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    class QuietHandler(simple_server.WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = simple_server.make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    with socket.create_connection(server.server_address, timeout=5) as sock:
        sock.sendall(RAW_REQUEST)
        while sock.recv(4096):
            pass
    thread.join(5)
    server.server_close()
    yield seen


def test_environ_matches_wsgiref_simple_server(wsgiref_environ: dict[str, Any]) -> None:
    ours, _ = capture(SCENARIO)
    theirs = wsgiref_environ
    assert theirs["body"] == b"hello"
    for key in CGI_KEYS | {"CONTENT_TYPE", "CONTENT_LENGTH", "REMOTE_ADDR", "wsgi.url_scheme"}:
        assert ours[key] == theirs[key], key
    ours_http = {k: v for k, v in ours.items() if k.startswith("HTTP_")}
    theirs_http = {k: v for k, v in theirs.items() if k.startswith("HTTP_")}
    assert ours_http == theirs_http
    assert ours["wsgi.version"] == theirs["wsgi.version"]
    assert ours["wsgi.run_once"] == theirs["wsgi.run_once"]
