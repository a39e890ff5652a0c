"""Executor.lab: the lab in a walled-in child, its limits, and results always lab-shaped."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import pytest

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from sandbox.lab import LabOptionsError
from tests.sandbox.lab.apps import ASGI_AWAIT, LOOP, THREADS_4, WSGI_SLEEP

T = TypeVar("T")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the zygote needs Linux")
LIMITS = replace(Limits(), slots=2, queue=8)


def with_executor(body: Callable[[Executor], Awaitable[T]], limits: Limits = LIMITS,
                  mode: str = "forkserver") -> T:
    async def main() -> T:
        executor = Executor(limits, mode=mode)
        await executor.start()
        try:
            return await body(executor)
        finally:
            await executor.close()

    return asyncio.run(main())


def test_both_models_in_the_sandbox() -> None:
    async def body(ex: Executor) -> list[dict[str, Any]]:
        return [await ex.lab(WSGI_SLEEP, {"requests": 100, "server": THREADS_4}),
                await ex.lab(ASGI_AWAIT, {"requests": 100, "server": LOOP}, lang="zh")]

    threads, loop = with_executor(body)
    assert threads["outcome"] == "ok", threads["error"]
    assert threads["makespan_ms"] == 25000.0
    assert loop["outcome"] == "ok", loop["error"]
    assert loop["makespan_ms"] == 1000.0
    for result in (threads, loop):
        assert result["kind"] == "lab"
        assert isinstance(result["isolation"], dict) and "walls" in result["isolation"]
        assert len(result["requests"]) == 100


def test_the_timeline_is_the_same_in_every_fresh_child() -> None:
    # A new process per run: cold caches and first touches must not cost a request 1 ms.
    async def body(ex: Executor) -> set[str]:
        seen = set()
        for code, server in ((WSGI_SLEEP, THREADS_4), (ASGI_AWAIT, LOOP)) * 10:
            result = await ex.lab(code, {"requests": 100, "server": server})
            seen.add(json.dumps([server, result["requests"], result["notes"]], sort_keys=True))
        return seen

    assert len(with_executor(body)) == 2


def test_spawn_mode_runs_labs_too() -> None:
    async def body(ex: Executor) -> dict[str, Any]:
        return await ex.lab(WSGI_SLEEP, {"requests": 8, "server": THREADS_4})

    result = with_executor(body, mode="spawn")
    assert result["outcome"] == "ok", result["error"]
    assert result["makespan_ms"] == 2000.0


def test_bad_options_are_refused_before_queueing() -> None:
    async def body(ex: Executor) -> None:
        with pytest.raises(LabOptionsError):
            await ex.lab(WSGI_SLEEP, {"requests": 0})
        with pytest.raises(ValueError):
            await ex.lab(WSGI_SLEEP, {}, interface="asgi2")

    with_executor(body)


def test_a_result_too_large_to_send_is_still_lab_shaped() -> None:
    small = replace(LIMITS, result_bytes=8 * 1024)

    async def body(ex: Executor) -> dict[str, Any]:
        return await ex.lab(WSGI_SLEEP, {"requests": 200, "server": THREADS_4})

    result = with_executor(body, small)
    assert result["outcome"] == "output_limit"
    assert result["kind"] == "lab" and result["requests"] == [] and result["notes"] == []
    assert result["server"] == THREADS_4 and result["requests_n"] == 200


def test_a_runaway_lab_is_stopped_and_lab_shaped() -> None:
    code = "def app(environ, start_response):\n    while True:\n        pass\n"

    async def body(ex: Executor) -> dict[str, Any]:
        return await ex.lab(code, {"requests": 1})

    result = with_executor(body)
    assert result["outcome"] in ("timeout", "cpu_limit")
    assert result["kind"] == "lab" and result["makespan_ms"] is None


def test_the_largest_lab_fits_the_result_limit() -> None:
    code = """\
import asyncio
import time

async def app(scope, receive, send):
    for _ in range(30):   # 60 spans each: waiting, then running
        await asyncio.sleep(0.001)
        time.sleep(0.001)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
"""

    async def body(ex: Executor) -> dict[str, Any]:
        return await ex.lab(code, {"requests": 1000, "server": {"model": "loop", "workers": 16}})

    result = with_executor(body)
    assert result["outcome"] == "ok", result["error"]
    assert len(result["requests"]) == 1000
    assert result["requests"][0]["spans_truncated"] > 0
