"""The Executor with the real child: traces come back, runs are fresh, failures are contained."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import pytest

from sandbox import ScenarioError
from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor
from sandbox.isolation.pool import Busy
from tests.sandbox.isolation.child_harness import descendants, prepared_pids

T = TypeVar("T")
linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the zygote needs Linux (fork, /proc, waitid)"
)
SCENARIO: dict[str, Any] = {"requests": [{"method": "GET", "path": "/"}]}
LIMITS = replace(Limits(), slots=2, queue=8)
HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
"""
ASGI_HELLO = """
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hi"})
"""
SLEEPY = """
import time
time.sleep(0.6)
""" + HELLO


def with_executor(
    body: Callable[[Executor], Awaitable[T]], limits: Limits = LIMITS, mode: str = "forkserver"
) -> T:
    async def main() -> T:
        executor = Executor(limits, mode=mode)
        await executor.start()
        try:
            return await body(executor)
        finally:
            await executor.close()

    return asyncio.run(main())


def body_text(trace: dict[str, Any]) -> str:
    wire: str = trace["response"]["wire"]
    return wire.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in wire else wire


def run_processes(limits: Limits) -> list[int]:
    """Processes owned by the run slots' unprivileged uids."""
    uids = range(limits.base_uid, limits.base_uid + limits.effective_uids() + 2)
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) in uids:
                            found.append(int(name))
                        break
        except OSError:
            continue
    return found


def zygote_children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


@linux
def test_hello_world_wsgi_and_asgi() -> None:
    async def body(ex: Executor) -> list[dict[str, Any]]:
        return [await ex.run(HELLO, SCENARIO), await ex.run(ASGI_HELLO, SCENARIO)]

    wsgi, asgi = with_executor(body)
    assert (wsgi["outcome"], wsgi["interface"]) == ("ok", "wsgi")
    assert wsgi["response"]["status"] == 200
    assert (asgi["outcome"], asgi["interface"]) == ("ok", "asgi")
    assert wsgi["engine"]["sandbox"]["mode"] == "forkserver"


@linux
def test_eight_concurrent_runs_on_two_slots_all_come_back() -> None:
    async def body(ex: Executor) -> tuple[list[dict[str, Any]], dict[str, int]]:
        traces = await asyncio.gather(*(ex.run(HELLO, SCENARIO) for _ in range(8)))
        return list(traces), ex.stats()

    traces, stats = with_executor(body)
    assert [t["outcome"] for t in traces] == ["ok"] * 8
    assert stats == {"slots": 2, "running": 0, "queued": 0, "completed": 8, "rejected": 0,
                     "restarts": 0}


@linux
def test_full_queue_answers_busy_at_once() -> None:
    limits = replace(LIMITS, slots=1, queue=1)

    async def body(ex: Executor) -> tuple[float, float, list[str]]:
        first = asyncio.ensure_future(ex.run(SLEEPY, SCENARIO))
        await asyncio.sleep(0.05)
        second = asyncio.ensure_future(ex.run(SLEEPY, SCENARIO))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(Busy) as info:
            await ex.run(HELLO, SCENARIO)
        took = time.monotonic() - started
        done = [t["outcome"] for t in await asyncio.gather(first, second)]
        return took, info.value.retry_after, done

    took, retry_after, done = with_executor(body, limits)
    assert took < 0.05
    assert retry_after >= 1
    assert done == ["ok", "ok"]


@linux
def test_bad_scenario_raises_before_queueing() -> None:
    async def body(ex: Executor) -> dict[str, int]:
        with pytest.raises(ScenarioError):
            await ex.run(HELLO, {"requests": "nope"})
        with pytest.raises(ValueError):
            await ex.run(HELLO, SCENARIO, interface="cgi")
        return ex.stats()

    assert with_executor(body)["completed"] == 0


@linux
def test_each_run_is_a_fresh_process() -> None:
    setter = "import json\njson.LEFT_BEHIND = 'yes'\n" + HELLO
    checker = """
import json
def app(environ, start_response):
    start_response("200 OK", [])
    return [getattr(json, "LEFT_BEHIND", "fresh").encode()]
"""

    async def body(ex: Executor) -> str:
        await ex.run(setter, SCENARIO)
        return body_text(await ex.run(checker, SCENARIO))

    assert with_executor(body) == "fresh"


@linux
def test_zygote_killed_mid_run_is_restarted_and_only_that_run_fails() -> None:
    async def body(ex: Executor) -> tuple[dict[str, Any], dict[str, Any], int, int | None]:
        victim = asyncio.ensure_future(ex.run(SLEEPY, SCENARIO))
        await asyncio.sleep(0.2)
        old = ex.zygote_pid
        assert old is not None
        os.kill(old, signal.SIGKILL)
        lost = await victim
        after = await ex.run(HELLO, SCENARIO)
        return lost, after, old, ex.zygote_pid

    lost, after, old, new = with_executor(body)
    assert lost["outcome"] == "crashed"
    assert "restarted" in lost["error"]["message"]
    assert after["outcome"] == "ok"
    assert new is not None and new != old


@linux
def test_no_process_survives_a_run() -> None:
    bomb = """
import os, subprocess, time
for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        time.sleep(60)
        os._exit(0)
""" + HELLO

    async def census(ex: Executor) -> tuple[list[int], list[int]]:
        """The zygote's children and the slot uids' processes, prepared children aside."""
        assert ex.zygote_pid is not None
        kids, owned = zygote_children(ex.zygote_pid), run_processes(ex.limits)
        prepared = descendants(prepared_pids(await ex.status()))
        return ([p for p in kids if p not in prepared], [p for p in owned if p not in prepared])

    async def body(ex: Executor) -> tuple[list[int], list[int], list[int], list[int]]:
        for _ in range(50):  # the self-test's processes may still be on their way out
            before = await census(ex)
            if before == ([], []):
                break
            await asyncio.sleep(0.02)
        await asyncio.gather(*(ex.run(bomb, SCENARIO) for _ in range(4)))
        for _ in range(50):
            after = await census(ex)
            if after == before:
                break
            await asyncio.sleep(0.02)
        return (*before, *after)

    # uids of our own (other test sessions on this machine use the default ones)
    limits = replace(LIMITS, base_uid=64000 + os.getpid() % 1000 * 4)
    kids_before, uids_before, kids_after, uids_after = with_executor(body, limits)
    assert kids_after == kids_before == []
    assert uids_after == uids_before == []


@linux
def test_infinite_loop_is_stopped_and_the_executor_stays_healthy() -> None:
    async def body(ex: Executor) -> tuple[str, str]:
        spin = await ex.run("while True:\n    pass\n", SCENARIO)
        hello = await ex.run(HELLO, SCENARIO)
        return spin["outcome"], hello["outcome"]

    spin, hello = with_executor(body)
    assert spin in ("cpu_limit", "timeout")
    assert hello == "ok"


@linux
def test_capabilities_report_mode_and_strength() -> None:
    caps = with_executor(lambda ex: _caps(ex))
    assert caps["mode"] == "forkserver"
    assert isinstance(caps["strong"], bool)
    assert isinstance(caps["missing"], list)
    assert caps["fork"]["active"] is True


async def _caps(ex: Executor) -> dict[str, Any]:
    return ex.capabilities


def test_spawn_mode_runs_and_says_it_is_weaker() -> None:
    async def body(ex: Executor) -> tuple[dict[str, Any], dict[str, Any]]:
        return await ex.run(HELLO, SCENARIO), ex.capabilities

    trace, caps = with_executor(body, mode="spawn")
    assert trace["outcome"] == "ok"
    assert trace["engine"]["sandbox"]["mode"] == "spawn"
    assert caps["mode"] == "spawn" and caps["strong"] is False
    assert "zygote" in caps["missing"]


def test_spawn_mode_wall_clock_kill() -> None:
    limits = replace(LIMITS, wall_s=1.0, engine_timeout_s=5.0, cpu_soft_s=10, cpu_hard_s=11)
    trace = with_executor(lambda ex: ex.run("import time\ntime.sleep(30)\n", SCENARIO),
                          limits, mode="spawn")
    assert trace["outcome"] == "timeout"


@linux
def test_run_sync_uses_its_own_loop() -> None:
    executor = Executor(LIMITS)
    try:
        first = executor.run_sync(HELLO, SCENARIO)
        second = executor.run_sync(ASGI_HELLO, SCENARIO)
    finally:
        executor.close_sync()
    assert (first["outcome"], second["outcome"]) == ("ok", "ok")


@pytest.mark.parametrize("mode", [pytest.param("forkserver", marks=linux), "spawn"])
def test_a_trace_too_big_to_send_is_an_output_limit(mode: str) -> None:
    limits = replace(LIMITS, result_bytes=64 * 1024)
    big = """
def app(environ, start_response):
    start_response("200 OK", [])
    return [bytes(1024)] * 300
"""
    trace = with_executor(lambda ex: ex.run(big, SCENARIO), limits, mode=mode)
    assert trace["outcome"] == "output_limit"
    assert trace["events"] == []


def test_spawn_mode_fd_writes_cannot_forge_the_answer() -> None:
    forger = "import os\nos.write(1, b'{\"outcome\": \"ok\"}' * 100)\n" + HELLO
    trace = with_executor(lambda ex: ex.run(forger, SCENARIO), mode="spawn")
    assert trace["outcome"] == "ok" and trace["response"]["status"] == 200


@linux
def test_a_killed_runs_remains_are_gone_before_its_slot_runs_again() -> None:
    # Killed from outside (wall clock), the run's tree dies top first. Its answer may come
    # while the remains are dying, but the slot's next prepared child (which drops to the
    # slot's uid) must not exist before they are gone: two runs never share a uid.
    limits = replace(LIMITS, slots=1, uids=1, wall_s=1.0,
                     base_uid=64000 + os.getpid() % 1000 * 4 + 2)
    spawner = """
import os, time
for _ in range(5):
    if os.fork() == 0:
        time.sleep(60)
time.sleep(60)
""" + HELLO

    async def body(ex: Executor) -> tuple[str, list[tuple[list[int], list[int]]], str]:
        trace = await ex.run(spawner, SCENARIO)
        overlaps = []
        for _ in range(500):
            owned = run_processes(ex.limits)
            prepared = descendants(prepared_pids(await ex.status()))
            remains = [p for p in owned if p not in prepared]
            new = [p for p in owned if p in prepared]
            if remains and new:
                overlaps.append((remains, new))
            if new and not remains:
                break
            await asyncio.sleep(0.002)
        hello = await ex.run(HELLO, SCENARIO)
        return trace["outcome"], overlaps, hello["outcome"]

    outcome, overlaps, hello = with_executor(body, limits)
    assert outcome == "timeout"
    assert overlaps == []
    assert hello == "ok"


@linux
def test_run_sync_from_another_thread_uses_the_executors_loop() -> None:
    import threading

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    executor = Executor(LIMITS)
    try:
        asyncio.run_coroutine_threadsafe(executor.start(), loop).result(30)
        trace = executor.run_sync(HELLO, SCENARIO)
    finally:
        asyncio.run_coroutine_threadsafe(executor.close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    assert trace["outcome"] == "ok"


def test_run_sync_refuses_inside_the_loop() -> None:
    async def main() -> None:
        executor = Executor(LIMITS, mode="spawn")
        with pytest.raises(RuntimeError, match="await run"):
            executor.run_sync(HELLO, SCENARIO)

    asyncio.run(main())


@linux
def test_a_zygote_that_stops_answering_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    from sandbox.isolation import executor as executor_module

    monkeypatch.setattr(executor_module, "ANSWER_GRACE_S", 0.5)
    limits = replace(LIMITS, wall_s=1.0)

    async def body(ex: Executor) -> tuple[dict[str, Any], dict[str, Any], int]:
        assert ex.zygote_pid is not None
        os.kill(ex.zygote_pid, signal.SIGSTOP)  # alive, but deaf
        stuck = await ex.run(HELLO, SCENARIO)
        after = await ex.run(HELLO, SCENARIO)
        return stuck, after, ex.restarts

    stuck, after, restarts = with_executor(body, limits)
    assert stuck["outcome"] == "crashed"
    assert after["outcome"] == "ok"
    assert restarts == 1
