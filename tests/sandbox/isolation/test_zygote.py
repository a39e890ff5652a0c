"""The zygote itself: a bare, single-threaded process that forks, caps, times and reaps runs.

Most tests swap the real child for a test-only one (zygote_children.py) so that
what the zygote does is tested apart from the walls a real child puts up.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

import pytest

from sandbox.isolation.config import Limits
from sandbox.isolation.executor import Executor

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the zygote needs Linux (fork, /proc, waitid)"
)

T = TypeVar("T")
CHILDREN = "tests.sandbox.isolation.zygote_children"
SCENARIO: dict[str, Any] = {"requests": [{"method": "GET", "path": "/"}]}
LIMITS = replace(Limits(), slots=2, wall_s=1.5, result_bytes=256 * 1024)


def with_executor(
    child: str, body: Callable[[Executor], Awaitable[T]], limits: Limits = LIMITS
) -> T:
    async def main() -> T:
        executor = Executor(limits, mode="forkserver", child=f"{CHILDREN}:{child}")
        await executor.start()
        try:
            return await body(executor)
        finally:
            await executor.close()

    return asyncio.run(main())


def children_of(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def test_zygote_environment_is_empty_and_it_is_single_threaded() -> None:
    async def body(ex: Executor) -> tuple[bytes, list[str], list[str]]:
        pid = ex.zygote_pid
        assert pid is not None
        with open(f"/proc/{pid}/environ", "rb") as f:
            environ = f.read()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().decode().split("\0")
        return environ, os.listdir(f"/proc/{pid}/task"), argv

    environ, tasks, argv = with_executor("fixed", body)
    assert environ == b""
    assert len(tasks) == 1, f"zygote threads: {tasks}"
    assert argv[1:3] == ["-I", "-S"]


def test_child_inherits_only_the_result_pipe_and_its_slot() -> None:
    async def body(ex: Executor) -> dict[str, Any]:
        trace = await ex.run("print(1)", SCENARIO)
        info: dict[str, Any] = json.loads(trace["stdout"])
        return info

    info = with_executor("inspect", body)
    assert info["fds"] == [0, 1, 2, 3, 4]  # 4: the directory listing /proc/self/fd itself
    assert info["environ"] == ""
    assert info["slot"] in (0, 1)
    assert info["nice"] >= min(19, LIMITS.nice)  # a spinning run yields to the web server
    assert info["job"] == {"code": "print(1)", "scenario": SCENARIO, "interface": "auto",
                           "app": "app"}


def test_bad_json_from_a_child_is_a_crash_not_a_trace() -> None:
    trace = with_executor("bad_json", lambda ex: ex.run("x", SCENARIO))
    assert trace["outcome"] == "crashed"
    assert "not a trace" in trace["error"]["message"]
    assert trace["events"] == [] and trace["response"] is None


@pytest.mark.parametrize("code", ["nan", "list"])
def test_json_that_is_not_a_trace_is_refused(code: str) -> None:
    trace = with_executor("not_a_trace", lambda ex: ex.run(code, SCENARIO))
    assert trace["outcome"] == "crashed"


def test_oversized_result_kills_the_run() -> None:
    started = time.monotonic()
    trace = with_executor("flood", lambda ex: ex.run("x", SCENARIO))
    assert trace["outcome"] == "output_limit"
    assert "0.25 MiB" in trace["error"]["message"]
    assert time.monotonic() - started < 5


def test_wall_clock_limit_kills_the_run() -> None:
    trace = with_executor("by_code", lambda ex: ex.run("sleep", SCENARIO))
    assert trace["outcome"] == "timeout"
    assert 1400 <= trace["engine"]["sandbox"]["elapsed_ms"] < 4000


@pytest.mark.parametrize(
    ("code", "outcome", "words"),
    [("exit3", "crashed", "exit status 3"), ("sigxcpu", "cpu_limit", "processor time"),
     ("segv", "crashed", "SIGSEGV")],
)
def test_exit_status_becomes_an_outcome(code: str, outcome: str, words: str) -> None:
    trace = with_executor("by_code", lambda ex: ex.run(code, SCENARIO))
    assert trace["outcome"] == outcome
    assert words in trace["error"]["message"]


def test_grandchild_that_left_the_process_group_is_killed() -> None:
    async def body(ex: Executor) -> tuple[int, list[int]]:
        trace = await ex.run("linger", SCENARIO)
        pid = int(trace["stdout"])
        assert ex.zygote_pid is not None
        for _ in range(100):  # the zygote sweeps orphans right after the run, and reaps them
            if (not os.path.exists(f"/proc/{pid}") or _is_zombie(pid)) and not children_of(
                ex.zygote_pid
            ):
                break
            await asyncio.sleep(0.02)
        return pid, children_of(ex.zygote_pid)

    pid, left = with_executor("by_code", body)
    assert not os.path.exists(f"/proc/{pid}") or _is_zombie(pid)
    assert left == []


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_run_cannot_read_another_runs_bytes_from_zygote_memory() -> None:
    marker = "CANARY-" + os.urandom(6).hex()

    async def body(ex: Executor) -> int:
        holder = asyncio.ensure_future(ex.run("hold:" + marker, SCENARIO))
        await asyncio.sleep(0.4)  # the zygote now holds part of that run's result
        scan = await ex.run("scan:" + marker, SCENARIO)
        await holder
        return int(scan["stdout"])

    count = with_executor("by_code", body)
    # The scanning run itself holds the marker a few times (its job, the needle); the
    # other run's 2000 copies were zeroed in its copy of the zygote.
    assert count < 20


def test_fork_failure_is_answered_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    from sandbox.isolation import outcomes

    trace = outcomes.to_trace({"spawn_error": "Resource temporarily unavailable"}, LIMITS,
                              interface="auto", app="app", mode="forkserver")
    assert trace["outcome"] == "crashed"
    assert "could not start a process" in trace["error"]["message"]


def test_zygote_dies_with_its_parent() -> None:
    script = (
        "import asyncio, os, sys\n"
        "from sandbox.isolation.executor import Executor\n"
        "async def main():\n"
        "    ex = Executor()\n"
        "    await ex.start()\n"
        "    print(ex.zygote_pid, flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                          text=True) as parent:
        try:
            assert parent.stdout is not None
            zygote = int(parent.stdout.readline())
            assert os.path.exists(f"/proc/{zygote}")
        finally:
            parent.kill()  # SIGKILL: no clean-up code runs in the parent
            parent.wait()
    for _ in range(100):
        if not os.path.exists(f"/proc/{zygote}") or _is_zombie(zygote):
            break
        time.sleep(0.02)
    assert not os.path.exists(f"/proc/{zygote}") or _is_zombie(zygote)


def test_closing_the_executor_ends_runs_in_flight() -> None:
    async def body(ex: Executor) -> tuple[int, asyncio.Future[Any]]:
        run = asyncio.ensure_future(ex.run("sleep", SCENARIO))
        await asyncio.sleep(0.3)
        assert ex.zygote_pid is not None
        (child,) = children_of(ex.zygote_pid)
        return child, run

    child, run = with_executor("by_code", body)
    assert run.cancelled() or run.done()
    for _ in range(100):
        if not os.path.exists(f"/proc/{child}") or _is_zombie(child):
            break
        time.sleep(0.02)
    assert not os.path.exists(f"/proc/{child}") or _is_zombie(child)


# -- the protocol's strict parsing ---------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"outcome": NaN}', "NaN is not JSON"),
        (b"[1]", "not an object"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (json.dumps({"outcome": "ok"}).encode(), "has no 'interface'"),
        (b" " * 300_000, "more than"),
    ],
)
def test_parse_trace_refuses(raw: bytes, words: str) -> None:
    from sandbox.isolation import protocol

    with pytest.raises(protocol.ProtocolError, match=words):
        protocol.parse_trace(raw, 256 * 1024)


def test_frames_round_trip_and_caps() -> None:
    from sandbox.isolation import protocol

    async def main() -> Any:
        reader = asyncio.StreamReader()
        reader.feed_data(protocol.encode_frame({"type": "x", "id": 1}, b"body"))
        reader.feed_data(protocol.encode_frame({"type": "y"}, b"z" * 100))
        reader.feed_eof()
        first = await protocol.read_frame(reader, 10)
        with pytest.raises(protocol.ProtocolError, match="too large"):
            await protocol.read_frame(reader, 10)
        return first

    first = asyncio.run(main())
    assert first == ({"type": "x", "id": 1}, b"body")


def test_a_partial_result_from_a_killed_child_is_reported_as_the_kill() -> None:
    from sandbox.isolation import outcomes

    answer = {"signal": 11, "result": b'{"outcome": "ok", "ev', "elapsed_ms": 5.0}
    trace = outcomes.to_trace(answer, LIMITS, interface="auto", app="app", mode="forkserver")
    assert trace["outcome"] == "crashed"
    assert "SIGSEGV" in trace["error"]["message"]
