"""The loop model: one event loop per worker, a blocking sleep holds it, a virtual pool."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.lab import run_lab
from tests.sandbox.lab.apps import ASGI_AWAIT, ASGI_BLOCKING, ASGI_RESPOND, ASGI_TO_THREAD, LOOP


def lab(code: str, server: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    result = run_lab(code, {"server": server or LOOP, **options})
    assert result["outcome"] == "ok", result["error"]
    return result


def test_100_awaited_sleeps_overlap_on_one_loop() -> None:
    result = lab(ASGI_AWAIT, requests=100)
    assert result["interface"] == "asgi"
    assert result["makespan_ms"] == 1000.0
    assert result["max_in_flight"] == 100
    assert result["p50_ms"] == result["p99_ms"] == 1000.0
    assert all(r["spans"] == [{"state": "waiting", "start_ms": 0.0, "end_ms": 1000.0}]
               for r in result["requests"])


def test_100_blocking_sleeps_in_async_def_take_100_s() -> None:
    result = lab(ASGI_BLOCKING, requests=100)
    assert result["makespan_ms"] == 100000.0
    assert result["max_in_flight"] == 1
    requests = result["requests"]
    assert [r["start_ms"] for r in requests[:3]] == [0.0, 1000.0, 2000.0]  # in arrival order
    assert requests[99]["spans"] == [
        {"state": "queued", "start_ms": 0.0, "end_ms": 99000.0},
        {"state": "running", "start_ms": 99000.0, "end_ms": 100000.0},
    ]
    assert any("blocked the event loop 100 time(s), 100000 ms in all" in note
               for note in result["notes"])


def test_to_thread_with_a_pool_of_40_takes_3_s() -> None:
    result = lab(ASGI_TO_THREAD, requests=100)
    assert result["makespan_ms"] == 3000.0
    ends = [r["end_ms"] for r in result["requests"]]
    assert ends == [1000.0] * 40 + [2000.0] * 40 + [3000.0] * 20
    assert any("60 call(s) waited" in note for note in result["notes"])


def spans_of(request: dict[str, Any]) -> list[tuple[str, float, float]]:
    return [(s["state"], s["start_ms"], s["end_ms"]) for s in request["spans"]]


def test_a_call_waiting_for_a_pool_thread_is_queued_then_waiting() -> None:
    requests = lab(ASGI_TO_THREAD, requests=100)["requests"]
    # The loop gives every task its first step at 0 ms; 40 calls get a thread at once,
    # the next 40 when those end (1 s), the last 20 at 2 s.
    assert spans_of(requests[0]) == [("waiting", 0.0, 1000.0)]
    assert spans_of(requests[50]) == [("queued", 0.0, 1000.0), ("waiting", 1000.0, 2000.0)]
    assert spans_of(requests[90]) == [("queued", 0.0, 2000.0), ("waiting", 2000.0, 3000.0)]
    assert all(r["start_ms"] == 0.0 for r in requests)  # the loop took each one at once


def test_pool_calls_made_by_a_gather_count_for_the_request() -> None:
    code = """\
import asyncio
import time

async def app(scope, receive, send):
    await asyncio.gather(asyncio.to_thread(time.sleep, 1), asyncio.to_thread(time.sleep, 1))
""" + ASGI_RESPOND
    requests = lab(code, {"model": "loop", "pool": 2}, requests=2)["requests"]
    assert spans_of(requests[1]) == [("queued", 0.0, 1000.0), ("waiting", 1000.0, 2000.0)]


def test_a_timeout_wakes_a_request_still_queued_for_a_pool_thread() -> None:
    code = """\
import asyncio
import time

async def app(scope, receive, send):
    try:
        await asyncio.wait_for(asyncio.to_thread(time.sleep, 1), 0.3)
    except TimeoutError:
        time.sleep(0.1)
""" + ASGI_RESPOND
    requests = lab(code, {"model": "loop", "pool": 1}, requests=2)["requests"]
    assert spans_of(requests[0]) == [("waiting", 0.0, 300.0), ("running", 300.0, 400.0)]
    # Its call never had the thread: queued until the timeout, then blocked by request 0.
    assert spans_of(requests[1]) == [("queued", 0.0, 300.0), ("blocked", 300.0, 400.0),
                                      ("running", 400.0, 500.0)]


def test_run_in_executor_uses_the_same_pool() -> None:
    code = """\
import asyncio
import time

async def app(scope, receive, send):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, 0.5)
""" + ASGI_RESPOND
    result = lab(code, {"model": "loop", "pool": 2}, requests=4)
    assert [r["end_ms"] for r in result["requests"]] == [500.0, 500.0, 1000.0, 1000.0]


def test_a_ready_task_is_blocked_while_another_holds_the_loop() -> None:
    code = """\
import asyncio
import time

async def app(scope, receive, send):
    await asyncio.sleep(0.1)
    time.sleep(0.1)
""" + ASGI_RESPOND
    result = lab(code, requests=3)
    states = [[(s["state"], s["start_ms"], s["end_ms"]) for s in r["spans"]]
              for r in result["requests"]]
    assert states == [
        [("waiting", 0.0, 100.0), ("running", 100.0, 200.0)],
        [("waiting", 0.0, 100.0), ("blocked", 100.0, 200.0), ("running", 200.0, 300.0)],
        [("waiting", 0.0, 100.0), ("blocked", 100.0, 300.0), ("running", 300.0, 400.0)],
    ]


def test_a_busy_loop_leaves_new_arrivals_queued() -> None:
    result = lab(ASGI_BLOCKING, requests=3, every_ms=100)
    second = result["requests"][1]
    assert second["spans"][0] == {"state": "queued", "start_ms": 100.0, "end_ms": 1000.0}


def test_workers_take_requests_round_robin_each_with_its_own_loop() -> None:
    result = lab(ASGI_BLOCKING, {"model": "loop", "workers": 4}, requests=8)
    assert [r["worker"] for r in result["requests"]] == [0, 1, 2, 3, 0, 1, 2, 3]
    assert result["makespan_ms"] == 2000.0
    assert result["max_in_flight"] == 4


def test_an_await_that_never_ends_is_reported_not_hung() -> None:
    code = """\
import asyncio

async def app(scope, receive, send):
    await asyncio.Event().wait()
"""
    result = lab(code, requests=2)
    assert all(r["end_ms"] is None and "never finished" in r["error"]
               for r in result["requests"])
    assert any("2 request(s) never finished" in note for note in result["notes"])


def test_exceptions_and_missing_responses_are_500s() -> None:
    code = """\
n = 0

async def app(scope, receive, send):
    global n
    n += 1
    if n == 1:
        1 / 0
    if n == 2:
        return
    await receive()
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
    assert (await receive())["type"] == "http.disconnect"
"""
    result = lab(code, requests=3)
    assert [r["status"] for r in result["requests"]] == [500, 500, 204]
    assert result["requests"][0]["error"].startswith("ZeroDivisionError")
    assert "without sending a response" in result["requests"][1]["error"]
    assert result["requests"][2]["error"] is None


def test_a_legacy_double_callable_runs() -> None:
    code = """\
def app(scope):
    async def instance(receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"old"})
    return instance
"""
    result = run_lab(code, {"requests": 2, "server": LOOP}, interface="asgi")
    assert result["outcome"] == "ok", result["error"]
    assert [r["status"] for r in result["requests"]] == [200, 200]


def test_fastapi_sync_endpoints_go_to_the_pool() -> None:
    pytest.importorskip("fastapi")
    code = """\
import time
from fastapi import FastAPI

app = FastAPI()

@app.get("/")
def index():
    time.sleep(1)
    return {"ok": True}
"""
    result = lab(code, {"model": "loop", "pool": 10}, requests=20)
    assert all(r["status"] == 200 for r in result["requests"])
    # Two waves of ten through the pool; framework CPU adds a few ms at most.
    assert 2000.0 <= result["makespan_ms"] < 2100.0


def test_many_short_awaits_make_one_waiting_span() -> None:
    code = """\
import asyncio

async def app(scope, receive, send):
    for _ in range(50):
        await asyncio.sleep(0.01)
""" + ASGI_RESPOND
    result = lab(code, requests=3)
    assert all(r["spans"] == [{"state": "waiting", "start_ms": 0.0, "end_ms": 500.0}]
               for r in result["requests"])
