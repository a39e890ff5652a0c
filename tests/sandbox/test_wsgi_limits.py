"""WSGI apps that never stop, and big bodies: limits end the run, the trace stays small."""

from __future__ import annotations

import json
import time

from sandbox import run

GET = {"type": "http", "path": "/"}


def test_endless_iterator_hits_the_event_limit() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    while True:
        yield b""
"""
    trace = run(code, GET, max_events=300)
    assert trace["outcome"] == "too_many_events"
    assert len(trace["events"]) == 300


def test_endless_write_loop_hits_the_event_limit() -> None:
    code = """
def app(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    while True:
        write(b"x")
"""
    trace = run(code, GET, max_events=300)
    assert trace["outcome"] == "too_many_events"


def test_iterator_that_never_yields_times_out() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"first"
    while True:
        pass
"""
    started = time.perf_counter()
    trace = run(code, GET, timeout_s=0.3)
    assert time.perf_counter() - started < 3
    assert trace["outcome"] == "timeout"
    assert [e["kind"] for e in trace["events"]][-2:] == ["yield", "wire"]


def test_learner_except_cannot_swallow_the_engine_stop() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        while True:
            yield b"x"
    except BaseException:
        yield b"caught"
"""
    trace = run(code, GET, max_events=100)
    assert trace["outcome"] == "too_many_events"


def test_one_megabyte_streamed_body_keeps_the_trace_small() -> None:
    code = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    block = b"0123456789abcdef" * 4096
    for _ in range(16):
        yield block
"""
    trace = run(code, GET)
    assert trace["outcome"] == "ok"
    assert trace["response"]["body_length"] == 1024 * 1024
    yields = [e for e in trace["events"] if e["kind"] == "yield"]
    assert len(yields) == 16
    assert yields[0]["data"]["chunk"]["length"] == 65536
    assert yields[0]["data"]["chunk"]["truncated"] is True
    events_size = len(json.dumps(trace["events"]))
    assert events_size < 32 * 1024, events_size
    assert len(json.dumps(trace)) < 64 * 1024
