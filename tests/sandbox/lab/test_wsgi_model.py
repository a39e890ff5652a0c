"""The threads model: W processes x T threads, a FIFO queue, one GIL per process."""

from __future__ import annotations

from typing import Any

from sandbox.lab import run_lab
from tests.sandbox.lab.apps import THREADS_4, WSGI_SLEEP

SPIN = """\
import time

def app(environ, start_response):
    begin = time.perf_counter()
    while time.perf_counter() - begin < 0.03:   # 30 ms of CPU (the clock counts CPU)
        pass
    start_response("200 OK", [])
    return [b"done"]
"""


def lab(code: str, server: dict[str, Any], **options: Any) -> dict[str, Any]:
    result = run_lab(code, {"server": server, **options})
    assert result["outcome"] == "ok", result["error"]
    return result


def test_100_sleeps_of_1_s_on_4_threads_take_25_s() -> None:
    result = lab(WSGI_SLEEP, THREADS_4, requests=100)
    assert result["interface"] == "wsgi"
    assert result["makespan_ms"] == 25000.0
    assert result["max_in_flight"] == 4
    assert result["throughput_rps"] == 4.0
    assert result["p50_ms"] == 13000.0  # rank 50: the 13th wave of four
    assert result["p99_ms"] == 25000.0
    first, last = result["requests"][0], result["requests"][99]
    assert (first["start_ms"], first["end_ms"], first["thread"]) == (0.0, 1000.0, 0)
    assert last["spans"] == [
        {"state": "queued", "start_ms": 0.0, "end_ms": 24000.0},
        {"state": "waiting", "start_ms": 24000.0, "end_ms": 25000.0},
    ]
    assert all(r["status"] == 200 for r in result["requests"])
    assert any("96 request(s) queued" in note for note in result["notes"])


def test_threads_go_lowest_worker_first_then_lowest_thread() -> None:
    result = lab(WSGI_SLEEP, {"model": "threads", "workers": 2, "threads": 2}, requests=6)
    placed = [(r["worker"], r["thread"]) for r in result["requests"]]
    assert placed == [(0, 0), (0, 1), (1, 0), (1, 1), (0, 0), (0, 1)]
    assert result["makespan_ms"] == 2000.0


def test_spaced_arrivals_never_queue_when_a_thread_is_free() -> None:
    result = lab(WSGI_SLEEP, {"model": "threads", "threads": 1}, requests=5, every_ms=1000)
    assert [r["arrival_ms"] for r in result["requests"]] == [0, 1000, 2000, 3000, 4000]
    assert all(len(r["spans"]) == 1 for r in result["requests"])
    assert result["makespan_ms"] == 5000.0
    assert result["p99_ms"] == 1000.0


def test_cpu_work_in_one_process_takes_turns_on_the_gil() -> None:
    result = lab(SPIN, {"model": "threads", "workers": 1, "threads": 2}, requests=2)
    first, second = result["requests"]
    assert first["spans"][0]["state"] == "running"
    states = [s["state"] for s in second["spans"]]
    assert states == ["blocked", "running"]
    assert second["spans"][1]["start_ms"] == first["end_ms"]  # only once the GIL is free
    assert any("GIL" in note for note in result["notes"])


def test_cpu_work_in_two_processes_runs_side_by_side() -> None:
    result = lab(SPIN, {"model": "threads", "workers": 2, "threads": 1}, requests=2)
    first, second = result["requests"]
    assert [s["state"] for s in second["spans"]] == ["running"]
    assert second["start_ms"] == 0.0 and first["start_ms"] == 0.0
    assert not any("GIL" in note for note in result["notes"])


def test_an_exception_is_that_request_s_500_and_the_others_go_on() -> None:
    code = """\
count = 0

def app(environ, start_response):
    global count
    count += 1
    if count == 2:
        raise KeyError("second")
    start_response("200 OK", [])
    return [environ["PATH_INFO"].encode(), environ["QUERY_STRING"].encode()]
"""
    result = lab(code, {"model": "threads"}, requests=3, path="/a%20b?x=1")
    statuses = [r["status"] for r in result["requests"]]
    assert statuses == [200, 500, 200]
    error = result["requests"][1]["error"]
    assert error.startswith("KeyError: 'second'") and "line 7" in error
    assert any("1 request(s) failed" in note for note in result["notes"])


def test_close_is_called_and_a_missing_start_response_is_a_500() -> None:
    code = """\
closed = []

class Body:
    def __iter__(self):
        return iter([b"x"])
    def close(self):
        closed.append(1)
        print("closed", len(closed))

def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "HEAD":
        return []
    start_response("201 Created", [])
    return Body()
"""
    result = lab(code, {"model": "threads"}, requests=2)
    assert [r["status"] for r in result["requests"]] == [201, 201]
    assert result["stdout"] == "closed 1\nclosed 2\n"
    head = lab(code, {"model": "threads"}, requests=1, method="HEAD")
    assert head["requests"][0]["status"] == 500
    assert "start_response" in head["requests"][0]["error"]
