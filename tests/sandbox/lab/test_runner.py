"""run_lab as a whole: determinism, load errors, model mismatches, the caps and real-time limits."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from sandbox.lab import LabOptionsError, run_lab
from sandbox.lab.options import SIMULATED_LIMIT_S
from tests.sandbox.lab.apps import (
    ASGI_AWAIT,
    ASGI_BLOCKING,
    ASGI_TO_THREAD,
    LOOP,
    THREADS_4,
    WSGI_SLEEP,
)

SCENARIOS = [
    (WSGI_SLEEP, {"requests": 100, "server": THREADS_4}),
    (WSGI_SLEEP, {"requests": 50, "every_ms": 130, "server": {"model": "threads",
                                                                "workers": 3, "threads": 2}}),
    (ASGI_AWAIT, {"requests": 100, "every_ms": 7, "server": LOOP}),
    (ASGI_BLOCKING, {"requests": 30, "server": {"model": "loop", "workers": 2}}),
    (ASGI_TO_THREAD, {"requests": 100, "every_ms": 3, "server": {"model": "loop", "pool": 7}}),
]


def timeline(result: dict[str, Any]) -> str:
    """Everything but the real time, as text: two runs must give the same bytes."""
    kept = {k: v for k, v in result.items() if k not in ("real_ms", "duration_ms")}
    return json.dumps(kept, sort_keys=True)


@pytest.mark.parametrize(("code", "options"), SCENARIOS)
def test_the_same_input_gives_the_same_timeline_every_time(
        code: str, options: dict[str, Any]) -> None:
    first = timeline(run_lab(code, options))
    for _ in range(20):
        assert timeline(run_lab(code, options)) == first
    assert json.loads(first)["outcome"] == "ok"


def test_100_requests_of_1_s_each_take_little_real_time() -> None:
    started = time.perf_counter()
    for code, server in ((WSGI_SLEEP, THREADS_4), (ASGI_AWAIT, LOOP)):
        assert run_lab(code, {"requests": 100, "server": server})["outcome"] == "ok"
    assert time.perf_counter() - started < 1.0


def test_the_result_has_the_contract_s_keys() -> None:
    result = run_lab(WSGI_SLEEP, {"requests": 2})
    for key in ("outcome", "interface", "server", "requests_n", "makespan_ms", "throughput_rps",
                "p50_ms", "p99_ms", "mean_ms", "max_in_flight", "requests", "notes", "error",
                "real_ms", "isolation"):
        assert key in result
    assert result["server"] == {"model": "threads", "workers": 1, "threads": 1}  # by interface
    assert set(result["requests"][0]) >= {"index", "arrival_ms", "start_ms", "end_ms",
                                          "latency_ms", "status", "worker", "thread", "spans",
                                          "error"}
    assert run_lab(ASGI_AWAIT, {"requests": 1})["server"] == LOOP
    json.dumps(result, allow_nan=False)


def test_a_wsgi_app_on_a_loop_is_a_clear_error() -> None:
    result = run_lab(WSGI_SLEEP, {"server": LOOP})
    assert result["outcome"] == "error"
    assert result["error"]["type"] == "LabError"
    assert "Choose the threads model" in result["error"]["message"]
    assert result["requests"] == []


def test_an_asgi_app_on_threads_is_a_clear_error() -> None:
    result = run_lab(ASGI_AWAIT, {"server": THREADS_4})
    assert result["outcome"] == "error"
    assert "Choose the loop model" in result["error"]["message"]


def test_load_errors_come_back_like_a_run_s() -> None:
    result = run_lab("def app(:\n", {})
    assert result["outcome"] == "error"
    assert result["error"]["type"] == "SyntaxError" and result["error"]["line"] == 1
    missing = run_lab("x = 1\n", {})
    assert missing["error"]["type"] == "LoadError"


def test_bad_options_raise_before_any_code_runs() -> None:
    with pytest.raises(LabOptionsError):
        run_lab("raise SystemExit", {"requests": 5000})


def test_simulated_time_stops_at_the_cap_and_says_so() -> None:
    code = """\
import asyncio

async def app(scope, receive, send):
    while True:
        await asyncio.sleep(10)
"""
    started = time.perf_counter()
    result = run_lab(code, {"requests": 3, "server": LOOP})
    assert time.perf_counter() - started < 1.0
    assert result["outcome"] == "sim_limit"
    assert result["error"]["type"] == "SimulatedTimeLimit"
    assert result["makespan_ms"] == SIMULATED_LIMIT_S * 1000
    assert all(r["end_ms"] is None for r in result["requests"])
    assert any("stopped at 600 s" in note for note in result["notes"])


def test_a_blocking_sleep_past_the_cap_cuts_the_loop_off() -> None:
    code = ASGI_BLOCKING.replace("time.sleep(1)", "time.sleep(250)")
    result = run_lab(code, {"requests": 6, "server": {"model": "loop", "workers": 2}})
    assert result["outcome"] == "sim_limit"
    ends = [r["end_ms"] for r in result["requests"]]
    assert ends == [250000.0, 250000.0, 500000.0, 500000.0, None, None]  # both workers ran
    longer = ASGI_BLOCKING.replace("time.sleep(1)", "time.sleep(400)")
    result = run_lab(longer, {"requests": 2, "server": LOOP})
    assert [r["end_ms"] for r in result["requests"]] == [400000.0, None]
    assert "not finished" in result["requests"][1]["error"]


def test_a_wsgi_request_longer_than_the_cap_is_cut_off() -> None:
    code = WSGI_SLEEP.replace("time.sleep(1)", "time.sleep(300)")
    result = run_lab(code, {"requests": 3, "server": {"model": "threads"}})
    assert result["outcome"] == "sim_limit"
    ends = [r["end_ms"] for r in result["requests"]]
    assert ends == [300000.0, 600000.0, None]


def test_an_endless_loop_hits_the_real_time_limit() -> None:
    code = "def app(environ, start_response):\n    while True:\n        pass\n"
    result = run_lab(code, {"requests": 2}, timeout_s=0.3)
    assert result["outcome"] == "timeout"
    assert "still running after 0.3 seconds" in result["error"]["message"]


def test_a_print_flood_is_stopped() -> None:
    code = WSGI_SLEEP.replace("time.sleep(1)", "print('x' * 10000)")
    result = run_lab(code, {"requests": 100})
    assert result["outcome"] == "output_limit"


def test_time_and_gc_are_restored_after_a_failing_lab() -> None:
    import gc

    real_sleep = time.sleep
    run_lab("def app(environ, start_response):\n    while True:\n        pass\n", {},
            timeout_s=0.2)
    assert time.sleep is real_sleep
    assert gc.isenabled()


def test_lang_is_accepted() -> None:
    result = run_lab(ASGI_BLOCKING, {"requests": 2, "server": LOOP}, lang="zh")
    assert result["outcome"] == "ok" and result["notes"]


ENDLESS_ASYNC = [
    "    while True:\n        pass\n",
    "    while True:\n        await asyncio.sleep(0)\n",  # simulated time never moves
    "    while True:\n        await asyncio.to_thread(sum, [])\n",
]


@pytest.mark.parametrize("body", ENDLESS_ASYNC)
def test_endless_async_code_hits_the_real_time_limit_cleanly(body: str) -> None:
    # Wherever the limit's signal lands (learner code, a task step, a loop callback that
    # asyncio guards), the lab ends as "timeout", with nothing left over in the output.
    code = "import asyncio\n\nasync def app(scope, receive, send):\n" + body
    for _ in range(4):
        result = run_lab(code, {"requests": 3}, timeout_s=0.15)
        assert result["outcome"] == "timeout"
        assert result["stdout"] == ""
    assert time.sleep.__module__ == "time"  # the real one is back
